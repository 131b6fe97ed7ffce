using System.Globalization;
using System.Net;
using System.Text;
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
        if (sweep.Coupling.Count > 1) html.Append(PlotlyFormatter.Html(KuramotoCharts.Bifurcation(sweep)));
        html.Append(PlotlyFormatter.Html(KuramotoCharts.RCurves(sweep)));
        int k = sweep.Coupling.Count - 1;
        using (var scope = torch.NewDisposeScope())
        {
            var phases = Floats(sweep.FinalPhases[k, 0]);
            var omega = Floats(sweep.Frequencies[k, 0]);
            html.Append(PlotlyFormatter.Html(KuramotoCharts.PhaseCircle(phases, omega, FormattableString.Invariant($"phases at t = {sweep.Times[^1]:G4}, K = {sweep.Coupling[k]:G3} (network 0)"))));
            if (sweep.Phases is not null)
                html.Append(KuramotoCharts.AnimatedPhaseCircle(sweep.Phases[k, 0], sweep.Times, omega,
                    FormattableString.Invariant($"K = {sweep.Coupling[k]:G3}, network 0")).ToHtml());
        }
        return html.ToString();
    }

    static string Html(KuramotoTrajectory trajectory)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<div><b>Kuramoto trajectory</b>: {WebUtility.HtmlEncode(trajectory.ToString())}</div>");
        var series = Enumerable.Range(0, (int)Math.Min(trajectory.Networks, 10))
            .Select(b => (FormattableString.Invariant($"network {b}, K = {trajectory.Coupling[b]:G3}"), trajectory.RSeries(b))).ToList();
        html.Append(PlotlyFormatter.Html(KuramotoCharts.Lines("r(t)", "t", "r", trajectory.Times, series)));
        using var scope = torch.NewDisposeScope();
        html.Append(PlotlyFormatter.Html(KuramotoCharts.PhaseCircle(Floats(trajectory.FinalPhases[0]), null, "final phases (network 0)")));
        if (trajectory.Phases is not null)
            html.Append(KuramotoCharts.AnimatedPhaseCircle(trajectory.Phases[0], trajectory.Times, null, "network 0").ToHtml());
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
        html.Append(PlotlyFormatter.Html(KuramotoCharts.Lines("training loss", "iteration", "loss", iterations, [("loss", run.Training.Losses.ToArray())])));
        using var scope = torch.NewDisposeScope();
        html.Append(PlotlyFormatter.Html(KuramotoCharts.Lines("held-out global coherence r(t), mean over networks", "t", "r", run.Trained.Times,
        [
            ("untrained", Doubles(run.Untrained.R.mean([0]))),
            ("trained", Doubles(run.Trained.R.mean([0]))),
        ])));
        return html.ToString();
    }

    internal static float[] Floats(torch.Tensor t) => t.detach().to_type(torch.ScalarType.Float32).contiguous().data<float>().ToArray();
    internal static double[] Doubles(torch.Tensor t) => t.detach().to_type(torch.ScalarType.Float64).contiguous().data<double>().ToArray();
}
