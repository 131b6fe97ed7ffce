using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// What a metric evaluates, already validated by <see cref="AttributionMetric.Evaluate"/>: the model (in evaluation
/// mode), the inputs, their target classes, the maps to judge and, for metrics that re-explain, the explainer.
/// </summary>
public sealed class MetricInput
{
    readonly Lazy<long> _classCount;

    readonly string _metric;

    internal MetricInput(string metric, nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, Tensor maps,
                         AttributionFunction? explainer, IProgress<MetricProgress>? progress, CancellationToken cancellation)
    {
        _metric = metric;
        Model = model;
        Inputs = inputs;
        Targets = targets;
        Maps = maps;
        Explainer = explainer;
        Progress = progress;
        Cancellation = cancellation;
        _classCount = new Lazy<long>(() =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var logits = Forward(inputs.narrow(0, 0, 1));
            if (logits.dim() != 2)
                throw new PhospheneException(
                    $"{metric}: the model must map N×C×H×W images to N×K scores, but it returned [{string.Join(", ", logits.shape)}]");
            return logits.shape[1];
        });
    }

    /// <summary>
    /// The model's output for <paramref name="inputs"/>; a failure inside the model is reported as a
    /// <see cref="PhospheneException"/> that names the metric and the inputs' shape, as attribution methods do.
    /// </summary>
    public Tensor Forward(Tensor inputs)
    {
        try
        {
            return Model.call(inputs);
        }
        catch (Exception e) when (e is not PhospheneException and not OperationCanceledException)
        {
            throw new PhospheneException($"{_metric}: the model failed on inputs [{string.Join(", ", inputs.shape)}]: {e.Message}", e);
        }
    }

    /// <summary>The classifier, mapping float32 N×C×H×W to N×K scores; in evaluation mode during the metric.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>float32 N×C×H×W inputs.</summary>
    public Tensor Inputs { get; }

    /// <summary>int64 N target classes in [0, K).</summary>
    public Tensor Targets { get; }

    /// <summary>float32 N×H×W attribution maps of the inputs for their targets.</summary>
    public Tensor Maps { get; }

    /// <summary>The attribution method, for metrics that explain new inputs or models; null when none was given.</summary>
    public AttributionFunction? Explainer { get; }

    /// <summary>Receives progress reports; may be null.</summary>
    public IProgress<MetricProgress>? Progress { get; }

    /// <summary>Checked between batches.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Number of examples N.</summary>
    public long Count => Inputs.shape[0];

    /// <summary>Number of classes K of the model (one forward pass, done once on first use).</summary>
    public long ClassCount => _classCount.Value;
}
