using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Analysis;

namespace Phosphene.Notebook.Display;

/// <summary>
/// Microsoft.Data.Analysis DataFrames as HTML tables: a header with each column's name and type, the first
/// <see cref="MaxRows"/> rows (then the count of the rest), and the size. Numbers use the invariant culture; floats
/// show up to 6 significant digits; nulls are shown greyed.
/// </summary>
public sealed class DataFrameFormatter : IFormatterSet
{
    /// <summary>Rows shown before the table is cut.</summary>
    public const int MaxRows = 25;

    /// <inheritdoc/>
    public void Register()
    {
        NotebookFormatter.RegisterHtml<DataFrame>(Html);
        NotebookFormatter.RegisterText<DataFrame>(Text);
    }

    /// <summary>The table as HTML.</summary>
    public static string Html(DataFrame frame)
    {
        var rows = frame.Rows.Count;
        var shown = (int)Math.Min(rows, MaxRows);
        var html = new StringBuilder("<table class=\"phosphene-dataframe\" style=\"font-size:12px\"><thead><tr><th></th>");
        foreach (var column in frame.Columns)
            html.Append(CultureInfo.InvariantCulture, $"<th title=\"{WebUtility.HtmlEncode(PlainText.TypeName(column.DataType))}\">{WebUtility.HtmlEncode(column.Name)}</th>");
        html.Append("</tr></thead><tbody>");
        for (long row = 0; row < shown; row++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{row}</th>");
            foreach (var column in frame.Columns)
            {
                var value = column[row];
                html.Append(value is null ? "<td style=\"color:#999\">null</td>" : $"<td>{WebUtility.HtmlEncode(Cell(value))}</td>");
            }
            html.Append("</tr>");
        }
        if (rows > shown)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td colspan=\"{frame.Columns.Count + 1}\" style=\"color:#777\">… {rows - shown} more rows</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"</tbody></table><div style=\"font-size:11px;color:#777\">{rows} rows × {frame.Columns.Count} columns</div>");
        return html.ToString();
    }

    /// <summary>The table as aligned text.</summary>
    public static string Text(DataFrame frame)
    {
        var rows = frame.Rows.Count;
        var shown = (int)Math.Min(rows, MaxRows);
        var columns = frame.Columns.ToList();
        var cells = new List<string[]> { columns.Select(c => c.Name).ToArray() };
        for (long row = 0; row < shown; row++)
            cells.Add(columns.Select(c => c[row] is { } v ? Cell(v) : "null").ToArray());
        var widths = Enumerable.Range(0, columns.Count).Select(i => cells.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var line in cells)
            text.AppendLine(string.Join("  ", line.Select((c, i) => c.PadLeft(widths[i]))).TrimEnd());
        if (rows > shown)
            text.AppendLine(CultureInfo.InvariantCulture, $"… {rows - shown} more rows");
        text.Append(CultureInfo.InvariantCulture, $"{rows} rows × {columns.Count} columns");
        return text.ToString();
    }

    private static string Cell(object value) => value switch
    {
        float f => f.ToString("g6", CultureInfo.InvariantCulture),
        double d => d.ToString("g6", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
