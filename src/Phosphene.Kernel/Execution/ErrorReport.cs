using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Phosphene.Kernel.Execution;

/// <summary>Turns compile diagnostics and exceptions into <see cref="CellError"/>s that point at the user's cells.</summary>
internal static partial class ErrorReport
{
    /// <summary>The file name a cell's code is compiled under; stack frames carry it.</summary>
    public static string CellFileName(int executionCount) => $"cell[{executionCount}].csx";

    [GeneratedRegex(@"^cell\[(\d+)\]\.csx$")]
    private static partial Regex CellFilePattern();

    /// <summary>One error for the cell's compile errors, each with its cell-relative line and column.</summary>
    public static CellError FromDiagnostics(IEnumerable<Diagnostic> diagnostics, int executionCount)
    {
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var lines = errors.Select(d =>
        {
            var span = d.Location.GetLineSpan();
            var start = span.StartLinePosition;
            // An error in a #load-ed file names that file; the cell's own errors carry only (line,column).
            var file = string.IsNullOrEmpty(span.Path) || CellFilePattern().IsMatch(span.Path) ? "" : Path.GetFileName(span.Path);
            return $"{file}({start.Line + 1},{start.Character + 1}): error {d.Id}: {d.GetMessage()}";
        }).ToList();
        var traceback = new List<string> { $"Cell [{executionCount}] does not compile:" };
        traceback.AddRange(lines.Select(l => "  " + l));
        return new CellError("CompilationError", lines[0], traceback);
    }

    /// <summary>One error for an exception thrown by user code, listing only the frames in the user's cells.</summary>
    public static CellError FromException(Exception exception)
    {
        if (exception is ThreadInterruptedException)
            exception = new CellInterruptedException();
        var name = exception.GetType().Name;
        var traceback = new List<string> { $"{exception.GetType().FullName}: {exception.Message}" };
        traceback.AddRange(UserFrames(exception));
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            traceback.Add($" ---> {inner.GetType().FullName}: {inner.Message}");
            traceback.AddRange(UserFrames(inner));
        }
        return new CellError(name, exception.Message, traceback);
    }

    private static IEnumerable<string> UserFrames(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
        {
            var match = CellFilePattern().Match(frame.GetFileName() ?? "");
            if (!match.Success)
                continue;
            var where = $"cell [{match.Groups[1].Value}], line {frame.GetFileLineNumber()}";
            var method = frame.GetMethod();
            yield return IsCompilerNamed(method) ? $"   at {where}" : $"   at {Describe(method!)} in {where}";
        }
    }

    // Top-level cell code and lambdas live in compiler-generated methods whose names are not the user's.
    private static bool IsCompilerNamed(MethodBase? method)
        => method is null || method.Name.Contains('<') || method.Name == "MoveNext" && (method.DeclaringType?.Name.Contains('<') ?? false);

    private static string Describe(MethodBase method)
        => $"{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";
}
