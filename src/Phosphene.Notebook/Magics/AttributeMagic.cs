using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using Phosphene.Imaging;
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
        d.Option(ValueKinds.Model, "model", "The classifier: any module mapping N×C×H×W to N×K, or a zoo TrainedModel.", required: true);
        d.Option(ValueKinds.Images, "inputs", "Images N×C×H×W (float32), e.g. {x[..8]}.", required: true);
        d.Option(ValueKinds.Tensor, "targets", "Class per input (int64 N), e.g. {y[..8]}; default the predicted classes.");
        d.Option<IReadOnlyList<string>>("methods", ["saliency"], $"Methods, comma-separated. Available: {methods}.");
        d.Option<IReadOnlyList<string>>("metrics", [], $"Metrics to score every method with: {string.Join(", ", AttributionMetrics.Names)}.");
        d.Option<double?>("forgrad", 0, "FORGrad low-pass of the white-box maps: 0 (off), auto (cutoff search) or a cutoff sigma.", min: 0);
        d.Option("layer", "", "Layer path for grad-cam and grad-cam-pp, e.g. features.6; default the last convolution.");
        d.Option("head", "logit", "The explained score: the target's logit, softmax or log-softmax.", choices: ["logit", "softmax", "log-softmax"]);
        d.Option("batch-size", 64, "Largest batch of every forward pass.", min: 1);
        d.Option("seed", 0L, "Seed of every random choice.");
        d.Option("colormap", "magma", "Colormap of the heatmaps.", choices: Colormap.Names);
        d.Option<IReadOnlyList<string>>("classes", [], "Class names for the labels, e.g. {test.ClassNames}; default class numbers.");
    }

    /// <inheritdoc />
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        var classes = invocation.GetList<string>("classes");
        var forgrad = invocation.Get<double?>("forgrad");
        var layer = invocation.Get<string>("layer");
        var comparison = new AttributionComparison
        {
            Methods = invocation.GetList<string>("methods"),
            Metrics = invocation.GetList<string>("metrics"),
            ForGradAuto = forgrad is null,
            ForGradSigma = forgrad is > 0 ? forgrad : null,
            Layer = layer.Length == 0 ? null : layer,
            BatchSize = invocation.Get<int>("batch-size"),
            Seed = invocation.Get<long>("seed"),
            Head = OutputHead.FromName(invocation.Get<string>("head")),
            ClassNames = classes.Count == 0 ? null : classes,
        };
        foreach (var name in comparison.Methods) AttributionMethods.Create(name); // unknown names fail before any work
        foreach (var name in comparison.Metrics) AttributionMetrics.Find(name);

        using var progress = ProgressDisplay.Show(context, "attribute");
        var relay = progress.Adapt<AttributionProgress>(p => (p.Done, p.Total, p.Method));
        var result = comparison.Run(invocation.Get<nn.Module<Tensor, Tensor>>("model"), invocation.Get<ImageInputs>("inputs").Images,
                                    invocation.Get<Tensor?>("targets"), relay, context.CancellationToken);
        result.Colormap = Colormap.Named(invocation.Get<string>("colormap"));
        return result;
    }
}
