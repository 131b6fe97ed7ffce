using System.Diagnostics;
using Phosphene.Attribution.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Several attribution methods run side by side on the same inputs, optionally FORGrad-filtered and scored by
/// metrics: the typed API behind <c>%attribute</c>.
/// </summary>
/// <example>
/// <code>
/// var comparison = new AttributionComparison { Methods = ["saliency", "integrated-gradients", "sobol"], Metrics = ["deletion"] };
/// using var result = comparison.Run(model, images[..8], labels[..8]);
/// var ig = result.Maps["integrated-gradients"];           // N×H×W
/// double auc = result.Scores["deletion"]["sobol"];
/// </code>
/// </example>
public sealed class AttributionComparison
{
    /// <summary>Registry names of the methods (<see cref="AttributionMethods.Names"/>), in display order; default saliency.</summary>
    public IReadOnlyList<string> Methods { get; init; } = ["saliency"];

    /// <summary>Registry names of the metrics to score every method with (<see cref="AttributionMetrics.Names"/>); default none.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];

    /// <summary>FORGrad for the white-box methods: null (off, the default), or a cutoff σ; see <see cref="ForGradAuto"/>.</summary>
    public double? ForGradSigma { get; init; }

    /// <summary>
    /// Search each white-box method's FORGrad cutoff (the paper's search, maximising MuFidelity) on
    /// <see cref="ForGradValidation"/>, or on the explained inputs when none is given; cached per model and method.
    /// </summary>
    public bool ForGradAuto { get; init; }

    /// <summary>Validation inputs and targets for the FORGrad search; default the explained ones.</summary>
    public (Tensor Inputs, Tensor Targets)? ForGradValidation { get; init; }

    /// <summary>Layer path for Grad-CAM and Grad-CAM++ (e.g. <c>features.6</c>); default the last convolution.</summary>
    public string? Layer { get; init; }

    /// <summary>Largest batch of every forward pass, of the methods and the metrics; default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of every method and metric; default 0.</summary>
    public long Seed { get; init; }

    /// <summary>The explained scalar; default the target's logit.</summary>
    public OutputHead Head { get; init; } = OutputHead.Logit;

    /// <summary>Split models for MeGe and ReCo; see <see cref="MetricSettings.Splits"/>.</summary>
    public SplitModels? Splits { get; init; }

    /// <summary>Class names for display, indexed by class.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The configured method instances, checked by name (unknown names fail with a suggestion).</summary>
    /// <exception cref="PhospheneException">An unknown or repeated method, or FORGrad settings that contradict.</exception>
    public IReadOnlyList<AttributionMethod> CreateMethods()
    {
        if (BatchSize < 1) throw new PhospheneException($"batch size must be at least 1, got {BatchSize}");
        if (Methods.Count == 0)
            throw new PhospheneException($"no methods to run; name some of: {string.Join(", ", AttributionMethods.Names)}");
        if (Methods.Distinct(StringComparer.OrdinalIgnoreCase).Count() != Methods.Count)
            throw new PhospheneException($"method listed twice in {string.Join(",", Methods)}");
        if (ForGradAuto && ForGradSigma is not null)
            throw new PhospheneException("FORGrad takes either a cutoff sigma or the automatic search, not both");
        if (ForGradSigma is { } sigma && !(sigma > 0))
            throw new PhospheneException($"forgrad: the cutoff sigma must be positive, got {sigma}");
        var settings = new MethodSettings { BatchSize = BatchSize, Seed = Seed, Head = Head, Layer = Layer };
        return Methods.Select(name => AttributionMethods.Create(name, settings)).ToArray();
    }

    /// <summary>Runs every method (then FORGrad, then the metrics) on <paramref name="inputs"/>.</summary>
    /// <param name="model">Any module mapping float32 N×C×H×W to N×K scores.</param>
    /// <param name="inputs">float32 N×C×H×W.</param>
    /// <param name="targets">int64 N classes to explain; null explains the predicted classes.</param>
    /// <param name="progress">Receives each method's and metric's progress (metrics reported under their names).</param>
    /// <param name="cancellation">Checked between batches.</param>
    /// <exception cref="PhospheneException">Bad names, shapes, layers or options, reported before the long work where possible.</exception>
    public AttributionResult Run(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor? targets = null,
                                 IProgress<AttributionProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var methods = CreateMethods();
        if (Metrics.Count > 0)
            foreach (var metric in Metrics) AttributionMetrics.Find(metric);
        if (inputs.dim() != 4 || inputs.dtype != ScalarType.Float32 || inputs.shape[0] == 0)
            throw new PhospheneException($"inputs must be float32 N×C×H×W images with N ≥ 1, got {inputs.dtype} [{string.Join(", ", inputs.shape)}]");

        var x = inputs.detach().clone();
        var predictions = Predict(model, x);
        var y = targets is null ? predictions.clone() : targets.to_type(ScalarType.Int64).clone();
        if (y.dim() != 1 || y.shape[0] != x.shape[0])
            throw new PhospheneException($"targets must be N = {x.shape[0]} class indices, got [{string.Join(", ", y.shape)}]");

        var maps = new Dictionary<string, Tensor>();
        var elapsed = new Dictionary<string, TimeSpan>();
        var parameters = new Dictionary<string, string>();
        var sigmas = new Dictionary<string, double>();
        var explainers = new Dictionary<string, AttributionMethod>();
        try
        {
            foreach (var method in methods)
            {
                var explainer = method;
                if (method is GradientAttribution white && (ForGradSigma is not null || ForGradAuto))
                {
                    double sigma = ForGradSigma ?? SearchCutoff(model, white, x, y, progress, cancellation);
                    sigmas[method.Name] = sigma;
                    explainer = new ForGrad(white, sigma);
                }
                var clock = Stopwatch.StartNew();
                maps[method.Name] = explainer.Attribute(model, x, y, progress, cancellation);
                elapsed[method.Name] = clock.Elapsed;
                parameters[method.Name] = method.Parameters;
                explainers[method.Name] = explainer;
            }

            MetricTable? table = null;
            if (Metrics.Count > 0)
            {
                var settings = new MetricSettings { BatchSize = BatchSize, Seed = Seed, Splits = Splits };
                var metricProgress = progress is null ? null
                    : new RelayProgress<MetricProgress>(p => progress.Report(new AttributionProgress(p.Metric, p.Done, p.Total)));
                table = MetricTable.Evaluate(model, x, y,
                    methods.Select(m => new ExplainedMethod(m.Name, maps[m.Name], explainers[m.Name].AsFunction())).ToArray(),
                    Metrics, settings, metricProgress, cancellation);
            }
            return new AttributionResult(x, y, predictions, methods.Select(m => m.Name).ToArray(), maps, elapsed, parameters, sigmas,
                                         table, ClassNames, methods.ToDictionary(m => m.Name, m => m.SignedMaps));
        }
        catch
        {
            x.Dispose();
            y.Dispose();
            predictions.Dispose();
            foreach (var map in maps.Values) map.Dispose();
            throw;
        }
    }

    double SearchCutoff(nn.Module<Tensor, Tensor> model, GradientAttribution method, Tensor x, Tensor y,
                        IProgress<AttributionProgress>? progress, CancellationToken cancellation)
    {
        var search = new ForGradCutoffSearch { BatchSize = BatchSize };
        var (validationInputs, validationTargets) = ForGradValidation ?? (x, y);
        var relay = progress is null ? null
            : new RelayProgress<MetricProgress>(p => progress.Report(new AttributionProgress($"forgrad {method.Name}", p.Done, p.Total)));
        return search.Search(model, method, validationInputs, validationTargets, null, relay, cancellation).BestSigma;
    }

    Tensor Predict(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            var predictions = new List<Tensor>();
            foreach (var (start, length) in Batches.Of(x.shape[0], BatchSize))
            {
                using var scope = NewDisposeScope();
                var outputs = model.call(x.narrow(0, start, length));
                if (outputs.dim() != 2)
                    throw new PhospheneException($"the model must map N×C×H×W inputs to N×K scores, got [{string.Join(", ", outputs.shape)}]");
                predictions.Add(outputs.argmax(1).MoveToOuterDisposeScope());
            }
            var all = cat(predictions, 0);
            foreach (var p in predictions) p.Dispose();
            return all;
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    sealed class RelayProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
