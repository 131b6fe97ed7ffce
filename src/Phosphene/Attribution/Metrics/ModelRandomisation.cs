using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The model-parameter randomisation sanity check (Adebayo, Gilmer, Muelly, Goodfellow, Hardt and Kim 2018, "Sanity
/// Checks for Saliency Maps"): maps after the model's layers are re-drawn at random, compared with the trained model's.
/// Lower similarity is better; registry name <c>randomisation</c>.
/// </summary>
/// <remarks>
/// The layers' weights are re-drawn from the output layer down (cascading) or one layer at a time (independent), the
/// inputs are re-explained, and the new maps are compared with the trained model's by Spearman rank correlation
/// (signed and of magnitudes) and SSIM. A method that explains the model must change when the model is destroyed. The
/// score is the mean over steps and inputs of the |map| Spearman correlation; a map that ignores the model scores 1.
/// Needs the explainer.
/// Layers are the modules owning parameters directly, in the order <c>named_modules()</c> lists them (definition
/// order, input side first); the steps go the other way, output side first. A parameter is re-drawn from a normal
/// distribution with the trained tensor's standard deviation (for a constant tensor, such as a fresh batch-norm scale,
/// its absolute value, or 1 if zero), from <see cref="AttributionMetric.Seed"/>'s generator. Buffers (batch-norm
/// running statistics) are kept. The trained weights are restored when the check ends, also on error or cancellation.
/// The explainer runs <c>1 + layers</c> times on every input.
/// </remarks>
public sealed class ModelRandomisation : AttributionMetric
{
    /// <summary>Creates the check with its defaults (cascading, every parameterised layer).</summary>
    public ModelRandomisation() : base("randomisation") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => false;

    /// <inheritdoc />
    public override string Summary => "Spearman correlation of |maps| before and after cascading layer randomisation";

    /// <inheritdoc />
    public override bool RequiresExplainer => true;

    /// <summary>Cascading (default) or independent randomisation.</summary>
    public RandomisationMode Mode { get; init; } = RandomisationMode.Cascading;

    /// <summary>Layer paths to randomise, output side first; default every module that owns parameters.</summary>
    public IReadOnlyList<string>? Layers { get; init; }

    /// <summary>Runs the check and returns the per-layer similarities.</summary>
    public new RandomisationResult Evaluate(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, Tensor maps,
                                            AttributionFunction? explainer = null, IProgress<MetricProgress>? progress = null,
                                            CancellationToken cancellation = default) =>
        (RandomisationResult)base.Evaluate(model, inputs, targets, maps, explainer, progress, cancellation);

    /// <summary>The paths of the modules of <paramref name="model"/> that own parameters, input side first.</summary>
    public static IReadOnlyList<string> ParameterisedLayers(nn.Module model) =>
        model.named_modules().Where(m => m.module.named_parameters(recurse: false).Any()).Select(m => m.name).ToArray();

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input)
    {
        var modules = input.Model.named_modules().ToDictionary(m => m.name, m => m.module);
        var available = ParameterisedLayers(input.Model);
        IReadOnlyList<string> layers = Layers ?? available.Reverse().ToArray();
        if (layers.Count == 0) throw new PhospheneException("randomisation: the model has no layer with parameters to randomise");
        foreach (var layer in layers)
            if (!available.Contains(layer))
                throw new PhospheneException(
                    $"randomisation: unknown layer '{layer}'{Suggestions.DidYouMean(layer, available)} " +
                    $"(layers with parameters: {string.Join(", ", available)})");

        var parameters = layers.Select(l => modules[l].named_parameters(recurse: false).Select(p => p.parameter).ToArray()).ToArray();
        var saved = parameters.Select(ps => ps.Select(p => p.detach().clone()).ToArray()).ToArray();
        long n = input.Count, total = n * layers.Count;
        using var generator = NewGenerator();
        var reference = input.Maps;
        var referenceMagnitude = MapSimilarity.MinMaxNormalise(reference.abs());
        var spearman = new double[layers.Count];
        var spearmanAbsolute = new double[layers.Count];
        var ssim = new double[layers.Count];
        var perExample = new double[n];
        try
        {
            for (int step = 0; step < layers.Count; step++)
            {
                if (Mode == RandomisationMode.Independent && step > 0) Restore(parameters[step - 1], saved[step - 1]);
                Randomise(parameters[step], generator);
                long done = step * n;
                using var scope = NewDisposeScope();
                var maps = Explain(input, n, index => (input.Inputs.index_select(0, index), input.Targets.index_select(0, index)),
                    done: d => input.Progress?.Report(new MetricProgress(Name, done + d, total)));
                var signed = MapSimilarity.SpearmanPerMap(reference, maps);
                var magnitude = MapSimilarity.SpearmanPerMap(reference.abs(), maps.abs());
                spearman[step] = MetricResult.FiniteMean(signed);
                spearmanAbsolute[step] = MetricResult.FiniteMean(magnitude);
                ssim[step] = MetricResult.FiniteMean(MapSimilarity.Ssim(referenceMagnitude, MapSimilarity.MinMaxNormalise(maps.abs())));
                for (int i = 0; i < n; i++) perExample[i] += (double.IsFinite(magnitude[i]) ? magnitude[i] : 0) / layers.Count;
            }
        }
        finally
        {
            for (int step = 0; step < layers.Count; step++) Restore(parameters[step], saved[step]);
        }
        return new RandomisationResult(Mode, layers, spearman, spearmanAbsolute, ssim, perExample);
    }

    static void Randomise(Tensor[] parameters, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var p in parameters)
        {
            using var scope = NewDisposeScope();
            double std = p.numel() > 1 ? p.std().item<float>() : 0;
            if (!(std > 0)) std = Math.Abs(p.mean().item<float>()) is var m && m > 0 ? m : 1;
            p.copy_(randn(p.shape, dtype: p.dtype, generator: generator) * std);
        }
    }

    static void Restore(Tensor[] parameters, Tensor[] saved)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(saved[i]);
    }
}
