using System.Globalization;
using System.Text.Json.Nodes;
using Phosphene.Synchrony;
using Plotly.NET;
using Plotly.NET.CSharp;
using TorchSharp;
using static Phosphene.Notebook.Display.ChartStyle;
using Chart = Plotly.NET.CSharp.Chart;

namespace Phosphene.Notebook.Display;

/// <summary>
/// Plotly.NET charts of Kuramoto dynamics: bifurcation diagrams, r(t) curves, phase circles (animated ones as a
/// <see cref="PlotlyFigure"/> with frames), point clouds coloured by phase and coupling heatmaps.
/// </summary>
public static class KuramotoCharts
{
    /// <summary>
    /// The bifurcation diagram: r∞ of every network (points) and their mean (line) against K, with the N → ∞ theory
    /// curve and the critical coupling Kc when the frequencies came from a distribution.
    /// </summary>
    public static GenericChart Bifurcation(CouplingSweepResult sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var xs = new List<double>();
        var ys = new List<double>();
        for (int k = 0; k < sweep.Coupling.Count; k++)
            foreach (double r in sweep.RInfinityPerNetwork[k]) { xs.Add(sweep.Coupling[k]); ys.Add(r); }
        var traces = new List<GenericChart>
        {
            Chart.Point<double, double, string>(x: Rounded(xs), y: Rounded(ys), Name: "networks",
                Marker: Marker(("color", "rgba(31,119,180,0.35)"), ("size", 5))),
            Chart.Line<double, double, string>(x: Rounded(sweep.Coupling), y: Rounded(sweep.RInfinity), Name: "mean r∞ (simulation)",
                ShowMarkers: true, LineColor: Color.fromString("#1f77b4"), MarkerColor: Color.fromString("#1f77b4")),
        };
        if (sweep.Distribution is { } distribution)
        {
            double lo = sweep.Coupling.Min(), hi = sweep.Coupling.Max();
            var grid = Enumerable.Range(0, 201).Select(i => lo + (hi - lo) * i / 200).ToArray();
            traces.Add(Chart.Line<double, double, string>(x: Rounded(grid), y: Rounded(grid.Select(k => KuramotoTheory.StationaryCoherence(distribution, k))),
                Name: "theory (N → ∞)", LineColor: Color.fromString("#d62728"), LineDash: StyleParam.DrawingStyle.Dash));
            double kc = distribution.CriticalCoupling;
            traces.Add(Chart.Line<double, double, string>(x: [kc, kc], y: [0.0, 1.0], Name: FormattableString.Invariant($"Kc = {kc:G4}"),
                LineColor: Color.fromString("gray"), LineDash: StyleParam.DrawingStyle.Dot));
        }
        string title = FormattableString.Invariant($"r∞ against K{(sweep.Distribution is { } d ? $", ω ~ {d}, Kc = {d.CriticalCoupling:G4}" : "")}");
        return Chart.Combine(traces).Titled(title, "coupling K", "r∞").WithAxisProperties(y: true, ("range", new[] { 0.0, 1.02 }));
    }

    /// <summary>r(t) averaged over the networks of each K (at most 10 K values, spread over the sweep).</summary>
    public static GenericChart RCurves(CouplingSweepResult sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        int count = sweep.Coupling.Count;
        var picks = count <= 10 ? Enumerable.Range(0, count) : Enumerable.Range(0, 10).Select(i => i * (count - 1) / 9).Distinct();
        using var scope = torch.NewDisposeScope();
        var mean = sweep.R.mean([1]);
        var series = picks.Select(k => (FormattableString.Invariant($"K = {sweep.Coupling[k]:G3}"), KuramotoFormatter.Doubles(mean[k]))).ToList();
        string shown = series.Count < count ? FormattableString.Invariant($" ({series.Count} of the {count} couplings, evenly spaced)") : "";
        return Lines(FormattableString.Invariant($"coherence r(t), mean over {sweep.R.shape[1]} networks{shown}"), "t", "r", sweep.Times, series);
    }

    /// <summary>Line chart of several series over a shared x.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, IReadOnlyList<double> x, IReadOnlyList<(string Name, double[] Values)> series)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(series);
        var xs = Rounded(x);
        return Chart.Combine(series.Select(s => Chart.Line<double, double, string>(x: xs, y: Rounded(s.Values), Name: s.Name)))
            .Titled(title, xTitle, yTitle);
    }

    /// <summary>Scatter chart of several point series, each with its own x and y.</summary>
    public static GenericChart Scatter(string title, string xTitle, string yTitle, IReadOnlyList<(string Name, double[] X, double[] Y)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return Chart.Combine(series.Select(s => Chart.Point<double, double, string>(x: Rounded(s.X), y: Rounded(s.Y), Name: s.Name,
                Marker: Marker(("size", 4)))))
            .Titled(title, xTitle, yTitle);
    }

    /// <summary>
    /// Points in the plane coloured by their oscillator's phase on a cyclic hue scale (phase 0 and 2π share a colour):
    /// groups that synchronise share a colour.
    /// </summary>
    public static GenericChart PointPhases(string title, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double> phases)
    {
        ArgumentNullException.ThrowIfNull(phases);
        var hue = Enumerable.Range(0, 7).Select(i => new object[] { i / 6.0, $"hsl({i * 60 % 360},85%,48%)" }).ToArray();
        var marker = Marker(
            ("size", 9), ("color", Rounded(phases.Select(p => ((p % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)))),
            ("colorscale", hue), ("cmin", 0.0), ("cmax", 2 * Math.PI), ("colorbar", new Dictionary<string, object> { ["title"] = "θ" }));
        return Chart.Point<double, double, string>(x: Rounded(x), y: Rounded(y), Name: "points", Marker: marker)
            .Titled(title, "x", "y").WithAxisProperties(y: true, ("scaleanchor", "x"));
    }

    /// <summary>A matrix as a heatmap (rows top to bottom), e.g. learned couplings Kᵢⱼ.</summary>
    public static GenericChart Heatmap(string title, torch.Tensor matrix, string xTitle = "j", string yTitle = "i")
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.dim() != 2) throw new PhospheneException($"a heatmap needs a matrix, got [{string.Join(", ", matrix.shape)}]");
        using var scope = torch.NewDisposeScope();
        var z = Enumerable.Range(0, (int)matrix.shape[0]).Select(i => Rounded(KuramotoFormatter.Doubles(matrix[i]))).ToArray();
        return Chart.Heatmap<double, int, int, string>(zData: z, ColorScale: StyleParam.Colorscale.Viridis)
            .Titled(title, xTitle, yTitle)
            .WithAxisProperties(y: true, ("autorange", "reversed"))
            .WithSize(Width: 700, Height: 560);   // wide enough for a full sentence of title beside the colour bar
    }

    /// <summary>
    /// Oscillators as points on the unit circle (coloured by natural frequency when given) and the order parameter
    /// r e^{iψ} as an arrow from the centre.
    /// </summary>
    public static GenericChart PhaseCircle(IReadOnlyList<float> phases, IReadOnlyList<float>? frequencies, string title)
    {
        ArgumentNullException.ThrowIfNull(phases);
        // The legend goes under the plot so the colour bar on the right cannot cover it.
        return Chart.Combine([UnitCircle(), .. Oscillators(phases, frequencies)])
            .Titled(title, "cos θ", "sin θ")
            .WithLayoutProperties(("legend", new Dictionary<string, object> { ["orientation"] = "h", ["y"] = -0.15 }))
            .WithAxisProperties(y: false, ("range", new[] { -1.25, 1.25 }))
            .WithAxisProperties(y: true, ("range", new[] { -1.25, 1.25 }), ("scaleanchor", "x"))
            .WithSize(Width: 560, Height: 520);
    }

    /// <summary>
    /// An animated phase circle: θ(t) of one network (N×T) as Plotly frames with play/pause buttons and a time slider.
    /// At most 120 frames are kept (evenly spaced) so the notebook stays light.
    /// </summary>
    public static PlotlyFigure AnimatedPhaseCircle(torch.Tensor phases, IReadOnlyList<double> times, IReadOnlyList<float>? frequencies, string title)
    {
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(times);
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
            // Each frame redraws traces 1 and 2 (oscillators, order parameter); trace 0, the unit circle, stays.
            frames.Add(new JsonObject
            {
                ["name"] = name,
                ["data"] = PlotlyFigure.Traces(Chart.Combine(Oscillators(KuramotoFormatter.Floats(all[i]), frequencies))),
                ["traces"] = new JsonArray(1, 2),
            });
            steps.Add(new JsonObject
            {
                ["label"] = name, ["method"] = "animate",
                ["args"] = new JsonArray(new JsonArray(name), new JsonObject { ["mode"] = "immediate", ["frame"] = new JsonObject { ["duration"] = 0, ["redraw"] = false }, ["transition"] = new JsonObject { ["duration"] = 0 } }),
            });
        }
        var first = PhaseCircle(KuramotoFormatter.Floats(all[indices[0]]), frequencies, $"{title}: phases over time");
        var layout = new JsonObject
        {
            ["updatemenus"] = new JsonArray(new JsonObject
            {
                ["type"] = "buttons", ["showactive"] = false, ["x"] = 0, ["y"] = 0, ["xanchor"] = "left", ["yanchor"] = "top",
                ["buttons"] = new JsonArray(
                    new JsonObject { ["label"] = "play", ["method"] = "animate", ["args"] = new JsonArray(null, new JsonObject { ["fromcurrent"] = true, ["frame"] = new JsonObject { ["duration"] = 60, ["redraw"] = false }, ["transition"] = new JsonObject { ["duration"] = 0 } }) },
                    new JsonObject { ["label"] = "pause", ["method"] = "animate", ["args"] = new JsonArray(new JsonArray((JsonNode?)null), new JsonObject { ["mode"] = "immediate", ["frame"] = new JsonObject { ["duration"] = 0, ["redraw"] = false } }) }),
            }),
            ["sliders"] = new JsonArray(new JsonObject { ["steps"] = steps, ["currentvalue"] = new JsonObject { ["prefix"] = "t = " }, ["pad"] = new JsonObject { ["t"] = 40 } }),
        };
        return new PlotlyFigure(first, frames, layout);
    }

    private static GenericChart UnitCircle()
    {
        var angles = Enumerable.Range(0, 129).Select(i => 2 * Math.PI * i / 128).ToArray();
        return Chart.Line<double, double, string>(x: Rounded(angles.Select(Math.Cos)), y: Rounded(angles.Select(Math.Sin)), Name: "unit circle",
            LineColor: Color.fromString("lightgray"));
    }

    // The oscillators on the circle and the order parameter r e^{iψ} as a line from the centre.
    private static double ColourBound(IReadOnlyList<float> frequencies)
    {
        var magnitudes = frequencies.Select(f => Math.Abs((double)f)).Order().ToArray();
        double bound = magnitudes.Length == 0 ? 1 : magnitudes[(int)Math.Floor(0.9 * (magnitudes.Length - 1))];
        return bound > 0 ? Math.Round(bound, 6) : 1;
    }

    private static GenericChart[] Oscillators(IReadOnlyList<float> phases, IReadOnlyList<float>? frequencies)
    {
        // Heavy-tailed frequencies (Lorentzian) would stretch the colour scale to their extremes and leave every point
        // grey: the scale spans ±(90th percentile of |ω|), the rarer ones saturate.
        var marker = frequencies is null
            ? Marker(("size", 7))
            : Marker(("size", 7), ("color", Rounded(frequencies.Select(f => (double)f))), ("colorscale", "RdBu"),
                     ("cmin", -ColourBound(frequencies)), ("cmax", ColourBound(frequencies)),
                     ("colorbar", new Dictionary<string, object> { ["title"] = "ω", ["x"] = 1.02, ["len"] = 0.75, ["y"] = 0.4 }));
        double c = phases.Average(p => Math.Cos(p)), s = phases.Average(p => Math.Sin(p));
        return
        [
            Chart.Point<double, double, string>(x: Rounded(phases.Select(p => Math.Cos(p))), y: Rounded(phases.Select(p => Math.Sin(p))),
                Name: "oscillators", Marker: marker),
            Chart.Line<double, double, string>(x: [0.0, Math.Round(c, 6)], y: [0.0, Math.Round(s, 6)], ShowMarkers: true,
                Name: FormattableString.Invariant($"r e^(iψ), r = {Math.Sqrt(c * c + s * s):F3}"),
                Marker: Marker(("size", 8), ("color", "black")), LineColor: Color.fromString("black"), LineWidth: 3.0),
        ];
    }
}
