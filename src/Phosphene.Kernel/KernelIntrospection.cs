using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Phosphene.Kernel.Execution;
using Phosphene.Kernel.Protocol;
using Phosphene.Notebook.Magics;

namespace Phosphene.Kernel;

/// <summary>
/// The replies that look at code without running it: <c>is_complete</c>, <c>complete</c>, <c>inspect</c> and
/// <c>history</c>, and the pager text of <c>expr?</c> / <c>%magic?</c> cells. Magic lines are answered from the magic
/// declarations, C# from <see cref="CodeIntelligence"/>. Cursor positions on the wire are code points.
/// </summary>
internal sealed class KernelIntrospection(MagicRegistry magics, CodeIntelligence intelligence, ExecutionHistory history)
{
    /// <summary>The <c>is_complete_reply</c> content for <paramref name="code"/>.</summary>
    public static JsonObject IsComplete(string code)
    {
        // Magic lines are complete as written; the C# around them decides (a %% cell magic's body is not C#).
        var segments = MagicCell.Split(code);
        if (segments.Any(s => s.Kind == CellSegmentKind.CellMagic))
            return new JsonObject { ["status"] = "complete" };
        var csharp = string.Join("\n", segments.Where(s => s.Kind == CellSegmentKind.Code).Select(s => s.Text));
        var status = csharp.Trim().Length == 0 ? "complete" : CodeCompleteness.Classify(csharp);
        var content = new JsonObject { ["status"] = status };
        if (status == "incomplete")
            content["indent"] = "    ";
        return content;
    }

    /// <summary>The <c>complete_reply</c> content: magic names, subcommands, options and choices on a magic line; C# elsewhere.</summary>
    public JsonObject Complete(JsonObject request)
    {
        var code = (string?)request["code"] ?? "";
        var cursor = CodePoints.ToUtf16(code, (int?)request["cursor_pos"] ?? code.Length);
        int start, end;
        IEnumerable<string> matches;
        if (MagicCompleter.Complete(magics, code, cursor) is { } magic)
            (start, end, matches) = (magic.Start, magic.End, magic.Matches);
        else
        {
            var completions = intelligence.Complete(code, cursor);
            (start, end, matches) = (completions.Start, completions.End, completions.Matches);
        }
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray(matches.Select(m => (JsonNode)m).ToArray()),
            ["cursor_start"] = CodePoints.FromUtf16(code, start),
            ["cursor_end"] = CodePoints.FromUtf16(code, end),
            ["metadata"] = new JsonObject(),
        };
    }

    /// <summary>The <c>inspect_reply</c> content: a magic's usage on a magic line, a symbol's signature and summary in C#.</summary>
    public JsonObject Inspect(JsonObject request)
    {
        var code = (string?)request["code"] ?? "";
        var cursor = CodePoints.ToUtf16(code, (int?)request["cursor_pos"] ?? code.Length);
        string? text = MagicCell.MagicNameAt(code, cursor) is { } name && magics.TryGet(name, out var magic)
            ? magics.Usage(magic.Name).Text
            : intelligence.Inspect(code, cursor)?.ToString();
        return new JsonObject
        {
            ["status"] = "ok",
            ["found"] = text is not null,
            ["data"] = text is null ? new JsonObject() : new JsonObject { ["text/plain"] = text },
            ["metadata"] = new JsonObject(),
        };
    }

    /// <summary>The <c>history_reply</c> content for the three access types (tail, range, search).</summary>
    public JsonObject History(JsonObject request)
    {
        var output = (bool?)request["output"] ?? false;
        var entries = ((string?)request["hist_access_type"]) switch
        {
            "tail" => history.Tail((int?)request["n"] ?? 10),
            "range" => history.Range((int?)request["session"] ?? 0, (int?)request["start"] ?? 0, (int?)request["stop"] ?? 0),
            "search" => history.Search((string?)request["pattern"] ?? "*", (int?)request["n"] ?? 0, (bool?)request["unique"] ?? false),
            _ => [],
        };
        var items = new JsonArray();
        foreach (var e in entries)
        {
            JsonNode entry = output ? new JsonArray(e.Input, e.Output) : JsonValue.Create(e.Input);
            items.Add(new JsonArray(e.Session, e.Line, entry));
        }
        return new JsonObject { ["status"] = "ok", ["history"] = items };
    }

    /// <summary>
    /// The text an IPython-style pager request shows, or null when <paramref name="code"/> is not one: <c>%name?</c>
    /// or <c>%name --help</c> alone gives the magic's usage, <c>expr?</c> (a name or member access) its inspection.
    /// </summary>
    public string? PagerText(string code)
    {
        var trimmed = DirectiveSpelling.Rewrite(code, magics).Trim();
        if (trimmed.Contains('\n') || trimmed.Length < 2)
            return null;
        if (trimmed.StartsWith('%'))
        {
            var bare = trimmed.TrimStart('%');
            var name = bare.Split(' ', '?')[0];
            return (bare == name + "?" || bare == name + " --help") && magics.TryGet(name, out var magic) ? magics.Usage(magic.Name).Text : null;
        }
        if (trimmed[^1] != '?')
            return null;
        var expression = trimmed[..^1].TrimEnd('?').TrimEnd();
        var parsed = SyntaxFactory.ParseExpression(expression);
        if (parsed.FullSpan.Length != expression.Length || parsed.ContainsDiagnostics || parsed is not (NameSyntax or MemberAccessExpressionSyntax))
            return null;
        return intelligence.Inspect(expression, expression.Length)?.ToString() ?? $"Nothing known as '{expression}'.";
    }
}
