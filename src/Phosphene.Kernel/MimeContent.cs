using System.Text.Json.Nodes;
using Phosphene.Kernel.Execution;
using Phosphene.Notebook.Display;

namespace Phosphene.Kernel;

/// <summary>
/// The MIME side of replies and outputs: a value formatted to a <see cref="MimeBundle"/> and written as the
/// <c>data</c> / <c>metadata</c> objects of <c>execute_result</c>, <c>display_data</c> and <c>user_expressions</c>,
/// and a <see cref="CellError"/> as the <c>ename</c> / <c>evalue</c> / <c>traceback</c> of an error.
/// </summary>
internal static class MimeContent
{
    /// <summary>The value's MIME bundle; a broken formatter falls back to plain text saying why, so the value is not lost.</summary>
    public static MimeBundle Format(object? value)
    {
        try
        {
            return NotebookFormatter.Format(value);
        }
        catch (Exception e)
        {
            var text = PlainText.Format(value);
            return new MimeBundle(new Dictionary<string, string> { [MimeTypes.PlainText] = $"{text}\n(rich display failed: {e.GetType().Name}: {e.Message})" });
        }
    }

    /// <summary>A successful <c>user_expressions</c> entry.</summary>
    public static JsonObject Expression(MimeBundle bundle)
        => new() { ["status"] = "ok", ["data"] = Data(bundle), ["metadata"] = Metadata(bundle) };

    /// <summary>The <c>data</c> object: MIME type to content.</summary>
    public static JsonObject Data(MimeBundle bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, content) in bundle.Data)
            data[mime] = content;
        return data;
    }

    /// <summary>The <c>metadata</c> object: MIME type to its entries (image sizes and the like).</summary>
    public static JsonObject Metadata(MimeBundle bundle)
    {
        var metadata = new JsonObject();
        foreach (var (mime, values) in bundle.Metadata)
        {
            var entry = new JsonObject();
            foreach (var (key, value) in values)
                entry[key] = JsonValue.Create(value);
            metadata[mime] = entry;
        }
        return metadata;
    }

    /// <summary>The error fields of an <c>error</c> output or an error reply.</summary>
    public static JsonObject Error(CellError error) => new()
    {
        ["ename"] = error.Name,
        ["evalue"] = error.Value,
        ["traceback"] = new JsonArray(error.Traceback.Select(l => (JsonNode)l).ToArray()),
    };
}
