using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using Phosphene.Imaging;
using Phosphene.Models;
using Phosphene.Notebook.Display;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// <c>%attribute</c>: attribution maps of several methods side by side on the same inputs, optionally FORGrad-filtered
/// and scored by metrics; a thin layer over <see cref="AttributionComparison"/> returning its <see cref="AttributionResult"/>.
/// </summary>
public sealed class AttributeMagic : Magic
{
    /// <inheritdoc />
    public override string Name => "attribute";

    /// <inheritdoc />
    public override string Summary =>
        "Attribution maps of a classifier by several methods side by side, with their cost and optional metrics and FORGrad.";

    /// <inheritdoc />
    protected override void Declare(MagicDeclaration d)
    {
        var methods = string.Join("; ", AttributionMethods.Describe().Select(m => $"{m.Name} ({m.Family}: {m.Defaults})"));
        d.Required<object>("model", "The classifier: any module mapping N×C×H×W to N×K, or a zoo TrainedModel.");
        d.Required<Tensor>("inputs", "Images N×C×H×W (float32), e.g. {x[..8]}.");
        d.Option<Tensor?>("targets", null, "Class per input (int64 N), e.g. {y[..8]}; default the predicted classes.");
        d.Option<IReadOnlyList<string>>("methods", ["saliency"], $"Methods, comma-separated. Available: {methods}.");
        d.Option<IReadOnlyList<string>>("metrics", [], $"Metrics to score every method with: {string.Join(", ", AttributionMetrics.Names)}.");
        d.Option("forgrad", "", "FORGrad low-pass of the white-box maps: 'auto' (cutoff search) or a cutoff sigma; default off.");
        d.Option("layer", "", "Layer path for grad-cam and grad-cam-pp, e.g. features.6; default the last convolution.");
        d.Option("head", "logit", "The explained score: the target's logit, softmax or log-softmax.", choices: ["logit", "softmax", "log-softmax"]);
        d.Option("batch-size", 64, "Largest batch of every forward pass.");
        d.Option("seed", 0L, "Seed of every random choice.");
        d.Option("colormap", "magma", "Colormap of the heatmaps.", choices: Colormap.Names);
        d.Option<IReadOnlyList<string>>("classes", [], "Class names for the labels, e.g. {test.ClassNames}; default class numbers.");
    }

    /// <inheritdoc />
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        var model = invocation.Get<object>("model") switch
        {
            TrainedModel trained => trained.Model,
            nn.Module<Tensor, Tensor> module => module,
            var other => throw new MagicException(
                $"%attribute: option '--model' must be a module mapping N×C×H×W to N×K (or a TrainedModel), got {other?.GetType().Name ?? "null"}"),
        };
        var inputs = invocation.Get<Tensor>("inputs");
        var targets = invocation.Get<Tensor?>("targets");
        string forgrad = invocation.Get<string>("forgrad").Trim();
        double? sigma = null;
        if (forgrad.Length > 0 && forgrad != "auto")
        {
            if (!double.TryParse(forgrad, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || !(value > 0))
                throw new MagicException($"%attribute: option '--forgrad' takes 'auto' or a positive cutoff sigma, got '{forgrad}'");
            sigma = value;
        }
        int batchSize = invocation.Get<int>("batch-size");
        if (batchSize < 1) throw new MagicException($"%attribute: option '--batch-size' must be at least 1, got {batchSize}");
        string layer = invocation.Get<string>("layer");
        var classes = invocation.GetList<string>("classes");
        var comparison = new AttributionComparison
        {
            Methods = invocation.GetList<string>("methods"),
            Metrics = invocation.GetList<string>("metrics"),
            ForGradAuto = forgrad == "auto",
            ForGradSigma = sigma,
            Layer = layer.Length == 0 ? null : layer,
            BatchSize = batchSize,
            Seed = invocation.Get<long>("seed"),
            Head = OutputHead.FromName(invocation.Get<string>("head")),
            ClassNames = classes.Count == 0 ? null : classes,
        };
        foreach (var name in comparison.Methods) AttributionMethods.Create(name); // unknown names fail before any work
        foreach (var name in comparison.Metrics) AttributionMetrics.Find(name);

        using var progress = ProgressDisplay.Show(context, "attribute");
        var relay = progress.Adapt<AttributionProgress>(p => (p.Done, p.Total, p.Method));
        var result = comparison.Run(model, inputs, targets, relay, context.CancellationToken);
        result.Colormap = Colormap.Named(invocation.Get<string>("colormap"));
        return result;
    }
}
