using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Phosphene.Notebook.Claims;

namespace Phosphene.Notebook.Display;

/// <summary>
/// A checked claim shows as one table row (claim, paper, measured value, criterion, outcome) and carries its JSON
/// (<see cref="MimeTypes.ClaimJson"/>) for the series record; a <see cref="ClaimTable"/> shows every claim of the
/// notebook with the count of each outcome; a <see cref="ProvenanceReport"/> as a table, with its JSON
/// (<see cref="MimeTypes.ProvenanceJson"/>) for the notebook's metadata.
/// </summary>
public sealed class ClaimFormatters : IFormatterSet
{
    /// <inheritdoc />
    public void Register()
    {
        NotebookFormatter.RegisterText<ClaimCheck>(c => c.ToString());
        NotebookFormatter.RegisterHtml<ClaimCheck>(c => Table([c], summary: null));
        NotebookFormatter.Register<ClaimCheck>(MimeTypes.ClaimJson, c => Json(c).ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        NotebookFormatter.RegisterText<ClaimTable>(t => t.ToString());
        NotebookFormatter.RegisterHtml<ClaimTable>(t => Table(t.Checks, t.Summary));
        NotebookFormatter.RegisterText<ProvenanceReport>(p => p.ToString());
        NotebookFormatter.RegisterHtml<ProvenanceReport>(Html);
        NotebookFormatter.Register<ProvenanceReport>(MimeTypes.ProvenanceJson, p => Json(p).ToJsonString());
    }

    /// <summary>The record's form of a provenance report.</summary>
    public static JsonObject Json(ProvenanceReport p) => new()
    {
        ["toolkit"] = p.Toolkit, ["dotnet"] = p.DotNet, ["torchsharp"] = p.TorchSharp, ["libtorch"] = p.LibTorch,
        ["threads"] = p.Threads, ["onednn_isa"] = p.OneDnnIsa, ["cpu"] = p.Cpu, ["cores"] = p.Cores, ["os"] = p.OperatingSystem,
        ["inputs"] = new JsonArray(p.Inputs.Select(i => (JsonNode)new JsonObject
        {
            ["kind"] = i.Kind, ["name"] = i.Name, ["path"] = i.Path, ["sha256"] = i.Sha256,
        }).ToArray()),
    };

    private static string Html(ProvenanceReport p)
    {
        var html = new StringBuilder("<details open><summary><b>Provenance</b></summary><table class=\"phosphene-provenance\" style=\"font-size:12px\">");
        void Row(string name, string value) =>
            html.Append("<tr><th style=\"text-align:left\">").Append(WebUtility.HtmlEncode(name)).Append("</th><td style=\"text-align:left\">")
                .Append(WebUtility.HtmlEncode(value)).Append("</td></tr>");
        Row("Phosphene", p.Toolkit);
        Row(".NET", p.DotNet);
        Row("TorchSharp / libtorch", $"{p.TorchSharp} / {p.LibTorch}");
        Row("threads, oneDNN cap", $"{p.Threads}, {p.OneDnnIsa ?? "none"}");
        Row("machine", $"{p.Cpu}, {p.Cores} cores, {p.OperatingSystem}");
        foreach (var input in p.Inputs)
            Row(input.Kind, $"{input.Name}  sha256 {input.Sha256}");
        return html.Append("</table></details>").ToString();
    }

    /// <summary>The record's form of a check: statement, paper (key, full title, authors, year, identifier), value, criterion, status.</summary>
    public static JsonObject Json(ClaimCheck check) => new()
    {
        ["claim"] = check.Statement,
        ["paper"] = new JsonObject
        {
            ["key"] = check.Paper.Key, ["title"] = check.Paper.Title, ["authors"] = check.Paper.Authors,
            ["year"] = check.Paper.Year, ["identifier"] = check.Paper.Identifier,
        },
        ["value"] = double.IsFinite(check.Value) ? check.Value : null,
        ["criterion"] = check.Criterion.Text,
        ["status"] = check.StatusText,
        ["declared_not_reproduced"] = check.NotReproducedBecause,
    };

    private static string Table(IReadOnlyList<ClaimCheck> checks, string? summary)
    {
        var html = new StringBuilder("<table class=\"phosphene-claims\" style=\"font-size:12px\"><thead><tr>" +
                                     "<th style=\"text-align:left\">claim</th><th style=\"text-align:left\">paper</th>" +
                                     "<th>measured</th><th>criterion</th><th>outcome</th></tr></thead><tbody>");
        foreach (var c in checks)
        {
            string colour = c.Status switch
            {
                ClaimStatus.Holds => "#1a7f37",
                ClaimStatus.Fails => "#cf222e",
                ClaimStatus.NotReproducedHere => "#9a6700",
                _ => "#8250df",
            };
            string reason = c.NotReproducedBecause is { } r ? $"<br><small>{WebUtility.HtmlEncode(r)}</small>" : "";
            html.Append("<tr><td style=\"text-align:left\">").Append(WebUtility.HtmlEncode(c.Statement)).Append("</td>")
                .Append("<td style=\"text-align:left\" title=\"").Append(WebUtility.HtmlEncode($"{c.Paper.Title} ({c.Paper.Identifier})")).Append("\">")
                .Append(WebUtility.HtmlEncode(c.Paper.Citation)).Append("</td>")
                .Append("<td>").Append(c.ValueText).Append("</td>")
                .Append("<td>").Append(WebUtility.HtmlEncode(c.Criterion.Text)).Append("</td>")
                .Append("<td style=\"color:").Append(colour).Append("\"><b>").Append(WebUtility.HtmlEncode(c.Mark)).Append("</b>").Append(reason).Append("</td></tr>");
        }
        html.Append("</tbody>");
        if (summary is not null)
            html.Append("<tfoot><tr><td colspan=\"5\" style=\"text-align:left\">").Append(WebUtility.HtmlEncode(summary)).Append("</td></tr></tfoot>");
        return html.Append("</table>").ToString();
    }
}
