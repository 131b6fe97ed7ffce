using System.Collections.Immutable;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Completion;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;

namespace Phosphene.Kernel.Execution;

/// <summary>Completions at a cursor: the replaced span and the candidate texts.</summary>
internal sealed record Completions(int Start, int End, IReadOnlyList<string> Matches);

/// <summary>What the symbol under a cursor is: its signature and documentation summary.</summary>
internal sealed record Inspection(string Signature, string? Summary)
{
    /// <summary>The plain-text form shown by front ends.</summary>
    public override string ToString() => Summary is null ? Signature : $"{Signature}\n\n{Summary}";
}

/// <summary>
/// Completion and inspection for a cell being typed, through a Roslyn workspace that mirrors the session: every cell
/// that compiled is a submission project chained to the one before (as Roslyn's interactive window does), so the
/// code being typed, a submission after the last, sees earlier cells' variables, types, usings and <c>#r</c>
/// references. References carry their XML documentation, so summaries show. Positions are UTF-16 offsets.
/// </summary>
internal sealed partial class CodeIntelligence
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    private static readonly SymbolDisplayFormat SignatureFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddParameterOptions(SymbolDisplayParameterOptions.IncludeDefaultValue)
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private readonly ScriptSession _session;
    private readonly object _lock = new();
    private readonly Lazy<Solution> _initialSolution;
    private Solution? _solution;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _pending = new();
    private readonly TaskCompletionSource _firstCell = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly TimeSpan WarmUpDelay = TimeSpan.FromSeconds(3);
    private CSharpCompilationOptions? _compilationOptions;
    private ImmutableArray<MetadataReference> _references;
    private ProjectId? _lastSubmission;
    private DocumentId? _draft;
    private int _submissions;

    /// <summary>Creates the service for <paramref name="session"/> and warms the workspace up in the background.</summary>
    public CodeIntelligence(ScriptSession session)
    {
        _session = session;
        _initialSolution = new Lazy<Solution>(CreateSolution, LazyThreadSafetyMode.ExecutionAndPublication);
        _session.CellCompiled += AddSubmission;
        // The first completion otherwise pays for MEF composition and loading the completion providers (seconds). It
        // starts once the first cell has run (or after a few seconds), so it does not compete with that cell on a
        // small machine.
        Task.Run(async () =>
        {
            await Task.WhenAny(_firstCell.Task, Task.Delay(WarmUpDelay)).ConfigureAwait(false);
            try
            {
                Complete("Console.Wr", "Console.Wr".Length);
                Inspect("Console.WriteLine", "Console.Wr".Length);
            }
            catch (Exception)
            {
                // Warming is an optimisation: a failure shows again, with its message, on the first real request.
            }
        });
    }

    /// <summary>Candidates that can replace the word at <paramref name="cursor"/> (members after '.', types after 'new', …).</summary>
    public Completions Complete(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var document = Draft(code);
        var service = CompletionService.GetService(document) ?? throw new InvalidOperationException("the C# completion service is not available");
        var list = service.GetCompletionsAsync(document, cursor).GetAwaiter().GetResult();
        var start = list.Span.Start;
        var prefix = code[start..cursor];
        var items = list.ItemsList
            .Where(i => i.FilterText.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(i => (Text: InsertionText(i), Exact: i.FilterText.StartsWith(prefix, StringComparison.Ordinal), i.SortText))
            .DistinctBy(i => i.Text)
            .OrderBy(i => i.Exact ? 0 : 1).ThenBy(i => i.SortText, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.Text, StringComparer.Ordinal)
            .ToList();
        return new Completions(start, Math.Max(cursor, Math.Min(list.Span.End, code.Length)), items.Select(i => i.Text).ToList());
    }

    /// <summary>The symbol at or just before <paramref name="cursor"/>, or null when there is none.</summary>
    public Inspection? Inspect(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var document = Draft(code);
        var model = document.GetSemanticModelAsync().GetAwaiter().GetResult()!;
        var root = model.SyntaxTree.GetRoot();
        foreach (var position in new[] { cursor, cursor - 1 }.Where(p => p >= 0 && p < Math.Max(code.Length, 1)))
        {
            var token = root.FindToken(position);
            if (!token.IsKind(SyntaxKind.IdentifierToken) || token.Parent is null)
                continue;
            var node = token.Parent;
            var info = model.GetSymbolInfo(node);
            var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault() ?? model.GetDeclaredSymbol(node);
            if (symbol is null)
                continue;
            var signature = info.Symbol is null && info.CandidateSymbols.Length > 1
                ? string.Join("\n", info.CandidateSymbols.Select(c => c.ToDisplayString(SignatureFormat)))
                : Describe(symbol);
            return new Inspection(signature, Summary(symbol));
        }
        return null;
    }

    // Named arguments insert with their colon (`name:`); everything else inserts its name.
    private static string InsertionText(CompletionItem item)
        => item.DisplayTextSuffix == ":" ? item.DisplayText + ":" : item.DisplayText;

    private static string Describe(ISymbol symbol)
    {
        var text = symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        return symbol switch
        {
            ILocalSymbol local => $"{local.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} {local.Name}",
            IFieldSymbol { ContainingType.IsScriptClass: true } field => $"{field.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} {field.Name}",
            INamedTypeSymbol type => $"{type.TypeKind.ToString().ToLowerInvariant()} {text}",
            IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol => symbol.ToDisplayString(SignatureFormat),
            _ => text,
        };
    }

    private static string? Summary(ISymbol symbol)
    {
        var documented = symbol switch
        {
            IMethodSymbol { ReducedFrom: { } original } => original,
            _ => symbol.OriginalDefinition,
        };
        var xml = documented.GetDocumentationCommentXml();
        if (string.IsNullOrWhiteSpace(xml))
            return null;
        try
        {
            var summary = XElement.Parse(xml).Element("summary");
            return summary is null ? null : Whitespace().Replace(string.Concat(summary.DescendantNodes().Select(Text)), " ").Trim();
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\s+")]
    private static partial System.Text.RegularExpressions.Regex Whitespace();

    // <see cref="T:System.String"/> reads as "String"; <c>x</c> and plain text as themselves.
    private static string Text(XNode node) => node switch
    {
        XText text when text.Parent?.Name.LocalName is not ("see" or "paramref" or "typeparamref") => text.Value,
        XElement { Name.LocalName: "see" or "seealso" } see when !see.Nodes().Any() =>
            (string?)see.Attribute("langword") ?? ((string?)see.Attribute("cref"))?.Split(':').Last().Split('.').Last().Split('`')[0] ?? "",
        XElement { Name.LocalName: "paramref" or "typeparamref" } reference => (string?)reference.Attribute("name") ?? "",
        XText text => text.Value,
        _ => "",
    };

    // ---- the workspace -----------------------------------------------------------------------------------------------

    private Solution CreateSolution()
    {
        var options = _session.Options;
        // The session's resolved references, re-created with their XML documentation. Cells after the first inherit
        // the references of the cells before instead of repeating them, so they are gathered along the whole chain:
        // the latest cell's compilation alone lists only what it added.
        var references = new List<PortableExecutableReference>();
        for (var script = _session.State.Script; script is not null; script = script.Previous)
            references.AddRange(script.GetCompilation().References.OfType<PortableExecutableReference>());
        _references = references
            .Where(r => r.FilePath is not null)
            .DistinctBy(r => r.FilePath)
            .Select(r => (MetadataReference)XmlDocumentation.Reference(r.FilePath!))
            .ToImmutableArray();
        _compilationOptions = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            usings: options.Imports, metadataReferenceResolver: options.MetadataResolver, sourceReferenceResolver: options.SourceResolver,
            nullableContextOptions: NullableContextOptions.Disable, allowUnsafe: options.AllowUnsafe);
        var solution = new AdhocWorkspace(MefHostServices.DefaultHost).CurrentSolution;
        lock (_lock)
            (_solution, _draft) = AddProject(solution, "draft", "");
        return _solution;
    }

    // Adds a submission project holding `code`, chained to the last submission; returns the solution and its document.
    private (Solution, DocumentId) AddProject(Solution solution, string name, string code)
    {
        // As in the session, only the first submission carries the references and imports; later ones inherit them
        // from the submission before (given again, every cell's project kept its own bound copy).
        var first = _lastSubmission is null;
        var project = ProjectInfo.Create(ProjectId.CreateNewId(name), VersionStamp.Create(), name, name, LanguageNames.CSharp,
            compilationOptions: first ? _compilationOptions : _compilationOptions!.WithUsings(ImmutableArray<string>.Empty), parseOptions: ParseOptions,
            metadataReferences: first ? _references : [],
            projectReferences: first ? [] : [new ProjectReference(_lastSubmission!)],
            isSubmission: true, hostObjectType: typeof(CellGlobals));
        var document = DocumentInfo.Create(DocumentId.CreateNewId(project.Id), name + ".csx", sourceCodeKind: SourceCodeKind.Script,
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(code), VersionStamp.Create())));
        return (solution.AddProject(project).AddDocument(document), document.Id);
    }

    // A cell ran: it is queued to become the next submission. The workspace catches up when a completion or inspect
    // needs it, so running cells never pays for the workspace.
    private void AddSubmission(string code)
    {
        _pending.Enqueue(code);
        _firstCell.TrySetResult();
    }

    private Document Draft(string code)
    {
        _ = _initialSolution.Value;
        lock (_lock)
        {
            if (!_pending.IsEmpty)
                CatchUp();
            return _solution!.WithDocumentText(_draft!, SourceText.From(code)).GetDocument(_draft!)!;
        }
    }

    // Adds the queued cells as submissions chained one after another, and moves the draft after the last of them.
    private void CatchUp()
    {
        var solution = _solution!.RemoveProject(_draft!.ProjectId);
        while (_pending.TryDequeue(out var code))
        {
            (solution, var cell) = AddProject(solution, $"cell{++_submissions}", code);
            _lastSubmission = cell.ProjectId;
        }
        (_solution, _draft) = AddProject(solution, "draft", "");
    }
}
