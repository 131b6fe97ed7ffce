namespace Phosphene.Notebook.Magics;

/// <summary>
/// What a host does with the pieces of a cell that mixes C# and magic lines; <see cref="MixedCellRunner"/> decides
/// the order, the stops and the errors, so every host (the Phosphene kernel, a .NET Interactive extension) runs such
/// cells alike. <typeparamref name="TResult"/> is the host's own outcome of a cell.
/// </summary>
public interface IMixedCellHost<TResult>
{
    /// <summary>Runs C# code in the session; the text starts with blank lines so errors report the cell's line numbers.</summary>
    TResult RunCode(string code);

    /// <summary>True when <paramref name="result"/> (of <see cref="RunCode"/>) failed: the cell stops there.</summary>
    bool Failed(TResult result);

    /// <summary>The context a magic line of <paramref name="segment"/> runs with.</summary>
    IMagicContext ContextFor(CellSegment segment);

    /// <summary>Shows the result of a magic line that is not the cell's last piece.</summary>
    void Display(object value);

    /// <summary>The cell's outcome when its last piece was a magic line that returned <paramref name="value"/> (null: nothing to show).</summary>
    TResult Value(object? value);

    /// <summary>The cell's outcome when a piece failed with a clear error: its name, message and the lines to show.</summary>
    TResult Error(string name, string message, IReadOnlyList<string> traceback);

    /// <summary>The cell's outcome when a magic failed with an unexpected exception; <paramref name="location"/> names the line.</summary>
    TResult Crash(Exception exception, string location);
}

/// <summary>
/// Runs a cell split by <see cref="MagicCell.Split"/> (after <see cref="DirectiveSpelling"/>): the pieces in order, C# through the host and magic lines
/// through the registry; earlier magics' results are displayed as they come, the last piece's value is the cell's.
/// The first failing piece stops the cell: a <see cref="MagicException"/> reads <c>MagicError: %name: message</c>
/// with the cell and line, C# that a magic ran reports as the user's code, and a magic line inside a C# block is
/// refused before anything runs.
/// </summary>
public static class MixedCellRunner
{
    /// <summary>Runs <paramref name="code"/>; <paramref name="cell"/> names the cell in errors, e.g. <c>cell [3]</c>.</summary>
    /// <exception cref="OperationCanceledException">The cell was interrupted (the host reports it).</exception>
    public static TResult Run<TResult>(string code, MagicRegistry registry, IMixedCellHost<TResult> host, string cell)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(host);
        if (DirectiveSpelling.OtherLanguage(code, registry) is { } language)
        {
            // A notebook written for both hosts keeps its .NET Interactive-only cells: here they are said skipped.
            host.Display($"Skipped: this cell is {language} ({code.TrimStart().Split('\n')[0].Trim()}), which runs on .NET Interactive; this kernel runs C# only.");
            return host.Value(null);
        }
        code = DirectiveSpelling.Rewrite(code, registry);
        var segments = MagicCell.Split(code);
        if (segments.All(s => s.Kind == CellSegmentKind.Code))
            return host.RunCode(code);
        if (segments.FirstOrDefault(s => s.InsideBlock) is { } nested)
        {
            var message = $"{nested.Text.Split(' ')[0]} on line {nested.FirstLine + 1} is inside a C# block; magics run between top-level statements: move it out of the {{ … }} block";
            return host.Error("MagicError", message, [$"MagicError: {message}"]);
        }
        var result = host.Value(null);
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.Kind == CellSegmentKind.Code)
            {
                result = host.RunCode(new string('\n', segment.FirstLine) + segment.Text);
                if (host.Failed(result))
                    return result;
                continue;
            }
            object? value;
            try
            {
                value = registry.Run(segment.Text, segment.Body, host.ContextFor(segment));
            }
            catch (MagicException e)
            {
                return host.Error("MagicError", e.Message, [$"MagicError: {e.Message}", $"   at {cell}, line {segment.FirstLine + 1}: {segment.Text}"]);
            }
            catch (SessionCodeException e)
            {
                return host.Error(e.ErrorName, e.Message, e.Traceback);
            }
            catch (Exception e) when (e is not ThreadInterruptedException and not OperationCanceledException)
            {
                return host.Crash(e, $"   in {segment.Text} ({cell}, line {segment.FirstLine + 1})");
            }
            if (i == segments.Count - 1)
                result = host.Value(value);
            else if (value is not null)
                host.Display(value);
        }
        return result;
    }
}
