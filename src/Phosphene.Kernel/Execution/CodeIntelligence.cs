using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Phosphene.Kernel.Execution;

/// <summary>Completions at a cursor: the replaced span and the candidate names.</summary>
internal sealed record Completions(int Start, int End, IReadOnlyList<string> Matches);

/// <summary>What the symbol under a cursor is: its signature and documentation summary.</summary>
internal sealed record Inspection(string Signature, string? Summary)
{
    /// <summary>The plain-text form shown by front ends.</summary>
    public override string ToString() => Summary is null ? Signature : $"{Signature}\n\n{Summary}";
}

/// <summary>
/// Completion and inspection for a cell being typed, bound as the next submission of the session so earlier
/// cells' variables, types and usings are in scope. Positions are UTF-16 offsets into the code.
/// </summary>
internal sealed class CodeIntelligence
{
    private static readonly string[] Keywords = SyntaxFacts.GetKeywordKinds().Select(SyntaxFacts.GetText)
        .Concat(SyntaxFacts.GetContextualKeywordKinds().Select(SyntaxFacts.GetText)).Distinct().Order().ToArray();

    private readonly ScriptSession _session;

    /// <summary>Creates the service for <paramref name="session"/>.</summary>
    public CodeIntelligence(ScriptSession session) => _session = session;

    /// <summary>Names that can complete the identifier ending at <paramref name="cursor"/>.</summary>
    public Completions Complete(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var start = cursor;
        while (start > 0 && (char.IsLetterOrDigit(code[start - 1]) || code[start - 1] == '_'))
            start--;
        var prefix = code[start..cursor];
        var compilation = _session.CompileNext(code);
        var tree = compilation.SyntaxTrees.Last();
        var model = compilation.GetSemanticModel(tree);
        var root = tree.GetRoot();

        IEnumerable<string> names;
        var dot = start > 0 ? root.FindToken(start - 1) : default;
        if (dot.IsKind(SyntaxKind.DotToken) && dot.Parent is MemberAccessExpressionSyntax access)
            names = MemberNames(model, access.Expression, start);
        else
            names = model.LookupSymbols(start).Where(s => s.CanBeReferencedByName).Select(s => s.Name).Concat(Keywords);

        var matches = names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToList();
        return new Completions(start, cursor, matches);
    }

    /// <summary>The symbol at or just before <paramref name="cursor"/>, or null when there is none.</summary>
    public Inspection? Inspect(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var compilation = _session.CompileNext(code);
        var tree = compilation.SyntaxTrees.Last();
        var model = compilation.GetSemanticModel(tree);
        var root = tree.GetRoot();
        foreach (var position in new[] { cursor, cursor - 1 }.Where(p => p >= 0 && p < Math.Max(code.Length, 1)))
        {
            var token = root.FindToken(position);
            if (!token.IsKind(SyntaxKind.IdentifierToken) || token.Parent is null)
                continue;
            var node = token.Parent;
            var symbol = model.GetSymbolInfo(node).Symbol
                ?? model.GetSymbolInfo(node).CandidateSymbols.FirstOrDefault()
                ?? model.GetDeclaredSymbol(node);
            if (symbol is null)
                continue;
            var candidates = model.GetSymbolInfo(node).CandidateSymbols;
            var signature = candidates.Length > 1
                ? string.Join("\n", candidates.Select(c => c.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)))
                : Describe(symbol, model, node);
            return new Inspection(signature, Summary(symbol));
        }
        return null;
    }

    private static string Describe(ISymbol symbol, SemanticModel model, SyntaxNode node)
    {
        var text = symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        return symbol switch
        {
            ILocalSymbol local => $"{local.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} {local.Name}",
            IFieldSymbol { ContainingType.IsScriptClass: true } field => $"{field.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} {field.Name}",
            INamedTypeSymbol type => $"{type.TypeKind.ToString().ToLowerInvariant()} {text}",
            IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol => symbol.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            _ => text,
        };
    }

    private static IEnumerable<string> MemberNames(SemanticModel model, ExpressionSyntax expression, int position)
    {
        var bound = model.GetSymbolInfo(expression).Symbol;
        if (bound is INamespaceOrTypeSymbol container)
        {
            // Static access: `Math.` or `System.`; nested types and namespaces too.
            return model.LookupStaticMembers(position, container).Concat(model.LookupNamespacesAndTypes(position, container))
                .Where(s => s.CanBeReferencedByName).Select(s => s.Name);
        }
        var type = model.GetTypeInfo(expression).Type;
        if (type is null)
            return [];
        return model.LookupSymbols(position, type, includeReducedExtensionMethods: true)
            .Where(s => s.CanBeReferencedByName && !s.IsStatic || s is IMethodSymbol { MethodKind: MethodKind.ReducedExtension })
            .Select(s => s.Name);
    }

    private static string? Summary(ISymbol symbol)
    {
        var xml = (symbol is IMethodSymbol { ReducedFrom: { } original } ? original : symbol).GetDocumentationCommentXml();
        if (string.IsNullOrWhiteSpace(xml))
            return null;
        try
        {
            var summary = XElement.Parse(xml).Element("summary");
            return summary is null ? null : string.Join(" ", summary.DescendantNodes().OfType<XText>().Select(t => t.Value.Trim()).Where(t => t.Length > 0));
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}
