using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;
using TorchSharp;

namespace Phosphene.Notebook.Magics.Builtins;

/// <summary>
/// The result of <c>%who</c> (names) and <c>%whos</c> (a table of name, type and value summary; HTML in notebooks).
/// </summary>
public sealed class VariableListing
{
    private const int SummaryLength = 80;

    /// <summary>Creates the listing of <paramref name="variables"/>.</summary>
    public VariableListing(IReadOnlyList<SessionVariable> variables, bool detailed)
    {
        Variables = variables;
        Detailed = detailed;
    }

    /// <summary>The variables listed.</summary>
    public IReadOnlyList<SessionVariable> Variables { get; }

    /// <summary>True for the <c>%whos</c> table, false for <c>%who</c>'s names.</summary>
    public bool Detailed { get; }

    /// <summary>The names, in declaration order.</summary>
    public IReadOnlyList<string> Names => Variables.Select(v => v.Name).ToList();

    /// <summary>The rows of the table: name, type, summary.</summary>
    public IReadOnlyList<(string Name, string Type, string Summary)> Rows
        => Variables.Select(v => (v.Name, TypeName(v.Value?.GetType() ?? v.Type), Summarize(v.Value))).ToList();

    /// <inheritdoc/>
    public override string ToString()
    {
        if (Variables.Count == 0)
            return "Interactive namespace is empty.";
        if (!Detailed)
            return string.Join("\t", Names);
        var rows = Rows;
        var nameWidth = Math.Max("Variable".Length, rows.Max(r => r.Name.Length)) + 3;
        var typeWidth = Math.Max("Type".Length, rows.Max(r => r.Type.Length)) + 3;
        var text = new StringBuilder();
        text.Append("Variable".PadRight(nameWidth)).Append("Type".PadRight(typeWidth)).Append("Data/Info\n");
        text.Append(new string('-', nameWidth + typeWidth + "Data/Info".Length)).Append('\n');
        foreach (var (name, type, summary) in rows)
            text.Append(name.PadRight(nameWidth)).Append(type.PadRight(typeWidth)).Append(summary).Append('\n');
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The HTML table of <c>%whos</c> (or the names of <c>%who</c>).</summary>
    public string ToHtml()
    {
        if (!Detailed || Variables.Count == 0)
            return $"<pre>{WebUtility.HtmlEncode(ToString())}</pre>";
        var html = new StringBuilder("<table class=\"phosphene-variables\"><thead><tr><th>Variable</th><th>Type</th><th>Data/Info</th></tr></thead><tbody>");
        foreach (var (name, type, summary) in Rows)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{WebUtility.HtmlEncode(name)}</code></td><td>{WebUtility.HtmlEncode(type)}</td><td>{WebUtility.HtmlEncode(summary)}</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>A short C#-style type name: <c>List&lt;int&gt;</c>, <c>float[]</c>, <c>Tensor</c>.</summary>
    public static string TypeName(Type type) => Display.PlainText.TypeName(type);

    private static string Summarize(object? value)
    {
        var text = value switch
        {
            null => "null",
            torch.Tensor tensor => Display.TensorFormatter.Summary(tensor),
            string s => s,
            ICollection collection => $"{collection.Count} items",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        text = text.ReplaceLineEndings(" ");
        return text.Length > SummaryLength ? text[..(SummaryLength - 1)] + "…" : text;
    }
}
