using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Phosphene.Kernel.Execution;

/// <summary>The answer to Jupyter's <c>is_complete_request</c> for C# code.</summary>
internal static class CodeCompleteness
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    /// <summary>
    /// <c>complete</c> when the code parses, <c>incomplete</c> when more lines could finish it (an open brace,
    /// parenthesis, string or comment), <c>invalid</c> when it has a syntax error more input cannot fix.
    /// </summary>
    public static string Classify(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, ParseOptions);
        if (!SyntaxFactory.IsCompleteSubmission(tree))
            return "incomplete";
        return tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) ? "invalid" : "complete";
    }
}
