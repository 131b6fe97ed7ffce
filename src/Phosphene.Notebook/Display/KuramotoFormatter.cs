using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Phosphene.Synchrony;
using TorchSharp;

namespace Phosphene.Notebook.Display;

/// <summary>
/// Rich displays of synchrony results: a coupling sweep as its bifurcation diagram (r∞ against K with the mean-field
/// theory and Kc), r(t) curves and a phase-circle snapshot (animated when phases were recorded); a KuraNet run as its
/// training loss and held-out r(t) before and after training.
/// </summary>
public sealed class KuramotoFormatter : IFormatterSet
{
    /// <inheritdoc/>
    public void Register()
    {
        NotebookFormatter.RegisterText<CouplingSweepResult>(r => r.ToString());
        NotebookFormatter.RegisterHtml<CouplingSweepResult>(Html);
        NotebookFormatter.RegisterText<KuramotoTrajectory>(t => t.ToString());
        NotebookFormatter.RegisterHtml<KuramotoTrajectory>(Html);
        NotebookFormatter.RegisterText<KuraNetRun>(r => r.ToString());
        NotebookFormatter.RegisterHtml<KuraNetRun>(Html);
        NotebookFormatter.RegisterText<KomplexNetRun>(r => r.ToString());
        NotebookFormatter.RegisterText<PhaseMapsResult>(r => r.ToString());
        NotebookFormatter.RegisterPng<PhaseMapsResult>(Png);
        NotebookFormatter.RegisterHtml<PhaseMapsResult>(r => $"<div>{WebUtility.HtmlEncode(r.ToString())}</div>" + HtmlImage.Png(Png(r)));
    }

    // Inputs above their phase maps (upsampled to the input size, nearest neighbour), one column per image.
    static byte[] Png(PhaseMapsResult result)
    {
        using var scope = torch.NewDisposeScope();
        long b = result.Images.shape[0], s = result.Images.shape[2];
        var maps = torch.nn.functional.interpolate(result.Maps, [s, result.Images.shape[3]], mode: torch.InterpolationMode.Nearest);
        var inputs = result.Images.clamp(0, 1).expand(b, 3, s, result.Images.shape[3]);
        var rows = new List<IReadOnlyList<torch.Tensor>>
        {
            Enumerable.Range(0, (int)b).Select(i => inputs[i]).ToList(),
            Enumerable.Range(0, (int)b).Select(i => maps[i]).ToList(),
        };
        return new Phosphene.Imaging.ImageGrid { Scale = 3, RowLabels = ["image", "phase"] }.ComposePng(rows);
    }

    static string Html(CouplingSweepResult sweep)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<div><b>Kuramoto coupling sweep</b>: {WebUtility.HtmlEncode(sweep.ToString())}</div>");
        if (sweep.Coupling.Count > 1) html.Append(KuramotoCharts.Bifurcation(sweep).Html);
        html.Append(KuramotoCharts.RCurves(sweep).Html);
        int k = sweep.Coupling.Count - 1;
        using (var scope = torch.NewDisposeScope())
        {
            var phases = Floats(sweep.FinalPhases[k, 0]);
            var omega = Floats(sweep.Frequencies[k, 0]);
            html.Append(KuramotoCharts.PhaseCircle(phases, omega, FormattableString.Invariant($"phases at t = {sweep.Times[^1]:G4}, K = {sweep.Coupling[k]:G3} (network 0)")).Html);
            if (sweep.Phases is not null)
                html.Append(KuramotoCharts.AnimatedPhaseCircle(sweep.Phases[k, 0], sweep.Times, omega,
                    FormattableString.Invariant($"K = {sweep.Coupling[k]:G3}, network 0")).Html);
        }
        return html.ToString();
    }

    static string Html(KuramotoTrajectory trajectory)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<div><b>Kuramoto trajectory</b>: {WebUtility.HtmlEncode(trajectory.ToString())}</div>");
        var series = Enumerable.Range(0, (int)Math.Min(trajectory.Networks, 10))
            .Select(b => (FormattableString.Invariant($"network {b}, K = {trajectory.Coupling[b]:G3}"), trajectory.RSeries(b))).ToList();
        html.Append(KuramotoCharts.Lines("r(t)", "t", "r", trajectory.Times, series).Html);
        using var scope = torch.NewDisposeScope();
        html.Append(KuramotoCharts.PhaseCircle(Floats(trajectory.FinalPhases[0]), null, "final phases (network 0)").Html);
        if (trajectory.Phases is not null)
            html.Append(KuramotoCharts.AnimatedPhaseCircle(trajectory.Phases[0], trajectory.Times, null, "network 0").Html);
        return html.ToString();
    }

    static string Html(KuraNetRun run)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<div><b>KuraNet</b> on {WebUtility.HtmlEncode(run.Task.Name)}: {run.Training.Losses.Count} iterations in {run.Training.Elapsed.TotalSeconds:F1} s</div>");
        html.Append("<table><tr><th>held-out networks</th><th>task loss</th><th>final circular variance 1 − r</th></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>untrained couplings</td><td>{run.Untrained.Loss:F4}</td><td>{run.Untrained.CircularVariance:F4}</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>trained couplings</td><td>{run.Trained.Loss:F4}</td><td>{run.Trained.CircularVariance:F4}</td></tr></table>");
        var iterations = Enumerable.Range(1, run.Training.Losses.Count).Select(i => (double)i).ToList();
        html.Append(KuramotoCharts.Lines("training loss", "iteration", "loss", iterations, [("loss", run.Training.Losses.ToArray())]).Html);
        using var scope = torch.NewDisposeScope();
        html.Append(KuramotoCharts.Lines("held-out global coherence r(t), mean over networks", "t", "r", run.Trained.Times,
        [
            ("untrained", Doubles(run.Untrained.R.mean([0]))),
            ("trained", Doubles(run.Trained.R.mean([0]))),
        ]).Html);
        return html.ToString();
    }

    internal static float[] Floats(torch.Tensor t) => t.detach().to_type(torch.ScalarType.Float32).contiguous().data<float>().ToArray();
    internal static double[] Doubles(torch.Tensor t) => t.detach().to_type(torch.ScalarType.Float64).contiguous().data<double>().ToArray();
}

/// <summary>
/// Plotly charts of Kuramoto dynamics as notebook HTML (offline: plotly.js comes from <see cref="PlotlyJs"/>). Each
/// method returns <see cref="HtmlContent"/>, displayable on its own or embedded in a larger display.
/// </summary>
public static class KuramotoCharts
{
    /// <summary>
    /// The bifurcation diagram: r∞ of every network (points) and their mean (line) against K, with the N → ∞ theory
    /// curve and the critical coupling Kc when the frequencies came from a distribution.
    /// </summary>
    public static HtmlContent Bifurcation(CouplingSweepResult sweep)
    {
        var data = new JsonArray();
        var xs = new JsonArray();
        var ys = new JsonArray();
        for (int k = 0; k < sweep.Coupling.Count; k++)
            foreach (double r in sweep.RInfinityPerNetwork[k]) { xs.Add(sweep.Coupling[k]); ys.Add(r); }
        data.Add(Trace("markers", xs, ys, "networks", new JsonObject { ["color"] = "rgba(31,119,180,0.35)", ["size"] = 5 }));
        data.Add(Trace("lines+markers", Array(sweep.Coupling), Array(sweep.RInfinity), "mean r∞ (simulation)", null, new JsonObject { ["color"] = "#1f77b4" }));
        var shapes = new JsonArray();
        if (sweep.Distribution is { } distribution)
        {
            double lo = sweep.Coupling.Min(), hi = sweep.Coupling.Max();
            var grid = Enumerable.Range(0, 201).Select(i => lo + (hi - lo) * i / 200).ToArray();
            data.Add(Trace("lines", Array(grid), Array(grid.Select(k => KuramotoTheory.StationaryCoherence(distribution, k))), "theory (N → ∞)",
                           null, new JsonObject { ["color"] = "#d62728", ["dash"] = "dash" }));
            double kc = distribution.CriticalCoupling;
            shapes.Add(new JsonObject
            {
                ["type"] = "line", ["x0"] = kc, ["x1"] = kc, ["y0"] = 0, ["y1"] = 1, ["yref"] = "y",
                ["line"] = new JsonObject { ["color"] = "gray", ["dash"] = "dot" },
            });
        }
        var layout = Layout(FormattableString.Invariant($"r∞ against K{(sweep.Distribution is { } d ? $", ω ~ {d}, Kc = {d.CriticalCoupling:G4}" : "")}"), "coupling K", "r∞");
        layout["shapes"] = shapes;
        ((JsonObject)layout["yaxis"]!)["range"] = new JsonArray(0, 1.02);
        return Figure(data, layout);
    }

    /// <summary>r(t) averaged over the networks of each K (at most 10 K values, spread over the sweep).</summary>
    public static HtmlContent RCurves(CouplingSweepResult sweep)
    {
        int count = sweep.Coupling.Count;
        var picks = count <= 10 ? Enumerable.Range(0, count) : Enumerable.Range(0, 10).Select(i => i * (count - 1) / 9).Distinct();
        using var scope = torch.NewDisposeScope();
        var mean = sweep.R.mean([1]);
        var series = picks.Select(k => (FormattableString.Invariant($"K = {sweep.Coupling[k]:G3}"), KuramotoFormatter.Doubles(mean[k]))).ToList();
        return Lines(FormattableString.Invariant($"coherence r(t), mean over {sweep.R.shape[1]} networks"), "t", "r", sweep.Times, series);
    }

    /// <summary>Line chart of several series over a shared x.</summary>
    public static HtmlContent Lines(string title, string xTitle, string yTitle, IReadOnlyList<double> x, IReadOnlyList<(string Name, double[] Values)> series)
    {
        var data = new JsonArray();
        foreach (var (name, values) in series) data.Add(Trace("lines", Array(x), Array(values), name));
        return Figure(data, Layout(title, xTitle, yTitle));
    }

    /// <summary>Scatter chart of several point series, each with its own x and y.</summary>
    public static HtmlContent Scatter(string title, string xTitle, string yTitle, IReadOnlyList<(string Name, double[] X, double[] Y)> series)
    {
        var data = new JsonArray();
        foreach (var (name, x, y) in series) data.Add(Trace("markers", Array(x), Array(y), name, new JsonObject { ["size"] = 4 }));
        return Figure(data, Layout(title, xTitle, yTitle));
    }

    /// <summary>
    /// Points in the plane coloured by their oscillator's phase on a cyclic hue scale (phase 0 and 2π share a colour):
    /// groups that synchronise share a colour.
    /// </summary>
    public static HtmlContent PointPhases(string title, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double> phases)
    {
        var hue = new JsonArray();
        for (int i = 0; i <= 6; i++) hue.Add(new JsonArray(i / 6.0, $"hsl({i * 60 % 360},85%,48%)"));
        var marker = new JsonObject
        {
            ["size"] = 9, ["color"] = Array(phases.Select(p => ((p % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI))),
            ["colorscale"] = hue, ["cmin"] = 0, ["cmax"] = 2 * Math.PI, ["colorbar"] = new JsonObject { ["title"] = "θ" },
        };
        var layout = Layout(title, "x", "y");
        ((JsonObject)layout["yaxis"]!)["scaleanchor"] = "x";
        return Figure([Trace("markers", Array(x), Array(y), "points", marker)], layout);
    }

    /// <summary>A matrix as a heatmap (rows top to bottom), e.g. learned couplings Kᵢⱼ.</summary>
    public static HtmlContent Heatmap(string title, torch.Tensor matrix, string xTitle = "j", string yTitle = "i")
    {
        if (matrix.dim() != 2) throw new PhospheneException($"a heatmap needs a matrix, got [{string.Join(", ", matrix.shape)}]");
        using var scope = torch.NewDisposeScope();
        var z = new JsonArray();
        for (long i = 0; i < matrix.shape[0]; i++) z.Add(Array(KuramotoFormatter.Doubles(matrix[i])));
        var layout = Layout(title, xTitle, yTitle);
        ((JsonObject)layout["yaxis"]!)["autorange"] = "reversed";
        layout["width"] = 560;
        layout["height"] = 500;
        return Figure([new JsonObject { ["type"] = "heatmap", ["z"] = z, ["colorscale"] = "Viridis" }], layout);
    }

    /// <summary>
    /// Oscillators as points on the unit circle (coloured by natural frequency when given) and the order parameter
    /// r e^{iψ} as an arrow from the centre.
    /// </summary>
    public static HtmlContent PhaseCircle(IReadOnlyList<float> phases, IReadOnlyList<float>? frequencies, string title)
    {
        var data = CircleTraces(phases, frequencies);
        return Figure(data, CircleLayout(title));
    }

    /// <summary>
    /// An animated phase circle: θ(t) of one network (N×T) as Plotly frames with play/pause buttons and a time slider.
    /// At most 120 frames are kept (evenly spaced) so the notebook stays light.
    /// </summary>
    public static HtmlContent AnimatedPhaseCircle(torch.Tensor phases, IReadOnlyList<double> times, IReadOnlyList<float>? frequencies, string title)
    {
        if (phases.dim() != 2 || phases.shape[1] != times.Count)
            throw new PhospheneException($"an animated phase circle needs N×T phases with T = {times.Count} times, got [{string.Join(", ", phases.shape)}]");
        using var scope = torch.NewDisposeScope();
        var all = phases.detach().to_type(torch.ScalarType.Float32).t().contiguous();   // T×N
        int t = times.Count, shown = Math.Min(t, 120);
        var indices = Enumerable.Range(0, shown).Select(i => (int)((long)i * (t - 1) / Math.Max(1, shown - 1))).Distinct().ToArray();
        var frames = new JsonArray();
        var steps = new JsonArray();
        foreach (int i in indices)
        {
            string name = times[i].ToString("G4", CultureInfo.InvariantCulture);
            frames.Add(new JsonObject { ["name"] = name, ["data"] = CircleTraces(KuramotoFormatter.Floats(all[i]), frequencies, withUnitCircle: false) });
            steps.Add(new JsonObject
            {
                ["label"] = name, ["method"] = "animate",
                ["args"] = new JsonArray(new JsonArray(name), new JsonObject { ["mode"] = "immediate", ["frame"] = new JsonObject { ["duration"] = 0, ["redraw"] = false }, ["transition"] = new JsonObject { ["duration"] = 0 } }),
            });
        }
        var data = CircleTraces(KuramotoFormatter.Floats(all[indices[0]]), frequencies);
        var layout = CircleLayout($"{title}: phases over time");
        layout["updatemenus"] = new JsonArray(new JsonObject
        {
            ["type"] = "buttons", ["showactive"] = false, ["x"] = 0, ["y"] = 0, ["xanchor"] = "left", ["yanchor"] = "top",
            ["buttons"] = new JsonArray(
                new JsonObject { ["label"] = "play", ["method"] = "animate", ["args"] = new JsonArray(null, new JsonObject { ["fromcurrent"] = true, ["frame"] = new JsonObject { ["duration"] = 60, ["redraw"] = false }, ["transition"] = new JsonObject { ["duration"] = 0 } }) },
                new JsonObject { ["label"] = "pause", ["method"] = "animate", ["args"] = new JsonArray(new JsonArray((JsonNode?)null), new JsonObject { ["mode"] = "immediate", ["frame"] = new JsonObject { ["duration"] = 0, ["redraw"] = false } }) }),
        });
        layout["sliders"] = new JsonArray(new JsonObject { ["steps"] = steps, ["currentvalue"] = new JsonObject { ["prefix"] = "t = " }, ["pad"] = new JsonObject { ["t"] = 40 } });
        return Figure(data, layout, frames);
    }

    static JsonArray CircleTraces(IReadOnlyList<float> phases, IReadOnlyList<float>? frequencies, bool withUnitCircle = true)
    {
        var data = new JsonArray();
        if (withUnitCircle)
        {
            var angles = Enumerable.Range(0, 129).Select(i => 2 * Math.PI * i / 128).ToArray();
            data.Add(Trace("lines", Array(angles.Select(Math.Cos)), Array(angles.Select(Math.Sin)), "unit circle", null,
                           new JsonObject { ["color"] = "lightgray" }));
        }
        var marker = new JsonObject { ["size"] = 7 };
        if (frequencies is not null)
        {
            marker["color"] = Array(frequencies.Select(f => (double)f));
            marker["colorscale"] = "RdBu";
            marker["cmid"] = 0;
            marker["colorbar"] = new JsonObject { ["title"] = "ω" };
        }
        double c = phases.Average(p => Math.Cos(p)), s = phases.Average(p => Math.Sin(p));
        data.Add(Trace("markers", Array(phases.Select(p => Math.Cos(p))), Array(phases.Select(p => Math.Sin(p))), "oscillators", marker));
        data.Add(Trace("lines+markers", new JsonArray(0.0, c), new JsonArray(0.0, s),
                       FormattableString.Invariant($"r e^(iψ), r = {Math.Sqrt(c * c + s * s):F3}"), new JsonObject { ["size"] = 8, ["color"] = "black" },
                       new JsonObject { ["color"] = "black", ["width"] = 3 }));
        return data;
    }

    static JsonObject CircleLayout(string title)
    {
        var layout = Layout(title, "cos θ", "sin θ");
        ((JsonObject)layout["xaxis"]!)["range"] = new JsonArray(-1.25, 1.25);
        ((JsonObject)layout["yaxis"]!)["range"] = new JsonArray(-1.25, 1.25);
        ((JsonObject)layout["yaxis"]!)["scaleanchor"] = "x";
        layout["width"] = 560;
        layout["height"] = 520;
        return layout;
    }

    static JsonObject Trace(string mode, JsonArray x, JsonArray y, string name, JsonObject? marker = null, JsonObject? line = null)
    {
        var trace = new JsonObject { ["type"] = "scatter", ["mode"] = mode, ["x"] = x, ["y"] = y, ["name"] = name };
        if (marker is not null) trace["marker"] = marker;
        if (line is not null) trace["line"] = line;
        return trace;
    }

    static JsonObject Layout(string title, string xTitle, string yTitle) => new()
    {
        ["title"] = new JsonObject { ["text"] = title },
        ["xaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = xTitle } },
        ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = yTitle } },
        ["margin"] = new JsonObject { ["t"] = 50 },
    };

    static JsonArray Array(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(Math.Round(v, 6))).ToArray());

    // Readable non-ASCII (r∞, ω) in the page; "</" escaped so no string can close the script element.
    static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static string Json(JsonNode node) => node.ToJsonString(JsonOptions).Replace("</", "<\\/", StringComparison.Ordinal);

    static HtmlContent Figure(JsonArray data, JsonObject layout, JsonArray? frames = null)
    {
        string id = "phosphene-kuramoto-" + Guid.NewGuid().ToString("N");
        int height = layout["height"]?.GetValue<int>() ?? 420;
        var html = new StringBuilder();
        if (PlotlyJs.ClaimInjection()) html.Append(PlotlyJs.LoaderHtml());
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"{id}\" class=\"phosphene-plotly\" style=\"width:100%;height:{height}px\"></div>");
        html.Append(PlotlyJs.DrawScript(id, string.Create(CultureInfo.InvariantCulture,
            $"var data = {Json(data)}; var layout = {Json(layout)}; var frames = {Json(frames ?? [])}; window.Plotly.newPlot(element, data, layout, {{responsive: true}}).then(function () {{ if (frames.length) window.Plotly.addFrames(element, frames); }});")));
        return new HtmlContent(html.ToString());
    }
}
