using System.Globalization;
using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The shared base of the attribution metrics: validation of the model, inputs, targets and maps, evaluation mode,
/// forward passes and re-explanations in batches of at most <see cref="BatchSize"/> inputs (perturbed inputs are built
/// batch by batch, never all at once), a seed for every random choice, disposal of every temporary, progress and
/// cancellation. A metric derives from it, implements <see cref="Compute"/> and returns a <see cref="MetricResult"/>.
/// </summary>
/// <remarks>
/// Shapes: inputs float32 N×C×H×W, targets int64 N, maps N×H×W (any floating dtype; read as float32). The model maps
/// N×C×H×W to N×K scores (logits). Metrics that re-explain take an <see cref="AttributionFunction"/>.
/// </remarks>
public abstract class AttributionMetric : IRegistered
{
    /// <summary>Creates the base for the metric called <paramref name="name"/> in the registry.</summary>
    protected AttributionMetric(string name) => Name = name;

    /// <summary>The registry name, e.g. <c>deletion</c> (see <see cref="AttributionMetrics"/>).</summary>
    public string Name { get; }

    /// <summary>Whether a higher score means a better explanation.</summary>
    public abstract bool HigherIsBetter { get; }

    /// <summary>What the metric measures, with its defaults, in one line.</summary>
    public abstract string Summary { get; }

    /// <summary>Whether the metric explains new inputs or models, and so needs an <see cref="AttributionFunction"/>.</summary>
    public virtual bool RequiresExplainer => false;

    /// <summary>Inputs per forward pass or per call of the explainer; default 64. Only memory and speed depend on it.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of the metric's own <c>torch.Generator</c> (random subsets, noise, classes); default 0.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Scores <paramref name="maps"/> as explanations of <paramref name="model"/>'s decisions on <paramref name="inputs"/>
    /// for <paramref name="targets"/>. The model is put in evaluation mode for the call and its mode restored after.
    /// </summary>
    /// <param name="model">A classifier mapping float32 N×C×H×W to N×K scores.</param>
    /// <param name="inputs">float32 N×C×H×W inputs (N ≥ 1).</param>
    /// <param name="targets">int64 N classes explained, in [0, K).</param>
    /// <param name="maps">N×H×W attribution maps, one per input.</param>
    /// <param name="explainer">The attribution method that made the maps; required when <see cref="RequiresExplainer"/>.</param>
    /// <param name="progress">Receives <see cref="MetricProgress"/> after each batch.</param>
    /// <param name="cancellation">Checked between batches.</param>
    /// <exception cref="PhospheneException">Shapes or types that do not match, invalid settings, a missing explainer.</exception>
    /// <exception cref="OperationCanceledException">The evaluation was cancelled.</exception>
    public MetricResult Evaluate(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, Tensor maps,
                                 AttributionFunction? explainer = null, IProgress<MetricProgress>? progress = null,
                                 CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckShapes(Name, inputs, targets, maps);
        if (BatchSize < 1) throw Invalid(nameof(BatchSize), BatchSize, "at least 1");
        Validate();
        if (RequiresExplainer && explainer is null)
            throw new PhospheneException(
                $"metric '{Name}' explains new inputs or models: pass the attribution method as the explainer (e.g. method.Attribute)");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            var floatMaps = maps.dtype == ScalarType.Float32 ? maps.detach() : maps.detach().to_type(ScalarType.Float32);
            var input = new MetricInput(Name, model, inputs.detach(), targets, floatMaps, explainer, progress, cancellation);
            CheckTargets(input);
            return Compute(input);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// Scores several sets of maps of the same inputs (e.g. one method at several FORGrad cutoffs), sharing the work
    /// that does not depend on the maps: MuFidelity, for one, runs its perturbed forward passes once for all of them.
    /// Same results as calling <see cref="Evaluate"/> on each set.
    /// </summary>
    /// <param name="model">A classifier mapping float32 N×C×H×W to N×K scores.</param>
    /// <param name="inputs">float32 N×C×H×W inputs.</param>
    /// <param name="targets">int64 N classes explained.</param>
    /// <param name="maps">The sets of N×H×W maps to score.</param>
    /// <param name="explainers">The explainer of each set, for metrics that re-explain; null entries otherwise.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="cancellation">Checked between batches.</param>
    public IReadOnlyList<MetricResult> EvaluateEach(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, IReadOnlyList<Tensor> maps,
                                                    IReadOnlyList<AttributionFunction?>? explainers = null,
                                                    IProgress<MetricProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (maps.Count == 0) return [];
        if (explainers is not null && explainers.Count != maps.Count)
            throw new PhospheneException($"{Name}: {maps.Count} sets of maps but {explainers.Count} explainers");
        foreach (var set in maps) CheckShapes(Name, inputs, targets, set);
        if (RequiresExplainer || explainers is not null || !SharesWork)
            return maps.Select((set, i) => Evaluate(model, inputs, targets, set, explainers?[i], progress, cancellation)).ToArray();
        if (BatchSize < 1) throw Invalid(nameof(BatchSize), BatchSize, "at least 1");
        Validate();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            var input = new MetricInput(Name, model, inputs.detach(), targets, maps[0].detach().to_type(ScalarType.Float32), null, progress, cancellation);
            CheckTargets(input);
            return ComputeEach(input, maps.Select(m => m.detach().to_type(ScalarType.Float32)).ToArray());
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Whether <see cref="ComputeEach"/> shares work between sets of maps (false: it is never called).</summary>
    protected virtual bool SharesWork => false;

    /// <summary>Computes the metric for each of <paramref name="maps"/> on the same validated input.</summary>
    protected virtual IReadOnlyList<MetricResult> ComputeEach(MetricInput input, IReadOnlyList<Tensor> maps) =>
        throw new NotSupportedException($"{GetType().Name} does not share work between sets of maps");

    /// <summary>Computes the metric on validated input; every tensor created here is disposed when it returns.</summary>
    protected abstract MetricResult Compute(MetricInput input);

    /// <summary>Checks the metric's own settings; throws a <see cref="PhospheneException"/> naming the bad one.</summary>
    protected virtual void Validate() { }

    /// <summary>Whether <see cref="Compute"/> calls the model (false for map-only metrics such as Complexity).</summary>
    protected virtual bool UsesModel => true;

    /// <summary>A <see cref="PhospheneException"/> saying that setting <paramref name="setting"/> = <paramref name="value"/> must be <paramref name="requirement"/>.</summary>
    protected PhospheneException Invalid(string setting, object value, string requirement) =>
        Phosphene.Invalid.Setting(GetType().Name, setting, value, requirement);

    /// <summary>
    /// Throws a <see cref="PhospheneException"/> unless <paramref name="inputs"/> is float32 N×C×H×W with N ≥ 1,
    /// <paramref name="targets"/> int64 of length N and <paramref name="maps"/> N×H×W.
    /// </summary>
    /// <param name="metric">Named in the message.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="targets">The target classes.</param>
    /// <param name="maps">The attribution maps.</param>
    public static void CheckShapes(string metric, Tensor inputs, Tensor targets, Tensor maps)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(maps);
        if (inputs.dim() != 4 || inputs.dtype != ScalarType.Float32 || inputs.shape[0] < 1)
            throw new PhospheneException(
                $"{metric}: inputs must be float32 N×C×H×W with N ≥ 1, got {inputs.dtype} [{Shape(inputs)}]");
        long n = inputs.shape[0], h = inputs.shape[2], w = inputs.shape[3];
        if (targets.dim() != 1 || targets.dtype != ScalarType.Int64 || targets.shape[0] != n)
            throw new PhospheneException(
                $"{metric}: targets must be int64 of length {n} (one class per input), got {targets.dtype} [{Shape(targets)}]");
        if (maps.dim() != 3 || maps.shape[0] != n || maps.shape[1] != h || maps.shape[2] != w || !maps.is_floating_point())
            throw new PhospheneException(
                $"{metric}: maps must be N×H×W = {n}×{h}×{w} to match the inputs, got {maps.dtype} [{Shape(maps)}]" +
                (maps.dim() == 4 ? "; sum or average the channel axis of an N×C×H×W map first" : ""));
    }

    static string Shape(Tensor t) => string.Join(", ", t.shape);

    void CheckTargets(MetricInput input)
    {
        if (!UsesModel) return;
        long min = input.Targets.min().item<long>(), max = input.Targets.max().item<long>();
        if (min < 0 || max >= input.ClassCount)
            throw new PhospheneException(
                $"{Name}: targets must be classes in [0, {input.ClassCount}) of the model, got {(min < 0 ? min : max)}");
    }

    /// <summary>
    /// The watched scalar (<paramref name="output"/>'s score of the target, e.g. its logit or softmax) for every input, in batches of <see cref="BatchSize"/>,
    /// without gradients. Returns a float64 tensor of length N.
    /// </summary>
    protected Tensor Scores(MetricInput input, Tensor inputs, Tensor targets, OutputHead output)
    {
        using var noGrad = no_grad();
        long n = inputs.shape[0];
        var result = zeros(n, ScalarType.Float64);
        foreach (var (start, size) in Batches.Of(n, BatchSize))
        {
            input.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var logits = input.Forward(inputs.narrow(0, start, size));
            result.narrow(0, start, size).copy_(output.Select(logits, targets.narrow(0, start, size)));
        }
        return result;
    }

    /// <summary>
    /// Scores <paramref name="perExample"/> perturbed versions of every input without ever holding more than
    /// <see cref="BatchSize"/> of them: the (example, sample) pairs are enumerated example-major and cut into batches;
    /// <paramref name="perturb"/> receives the int64 example and sample indices of a batch and returns its perturbed
    /// inputs (B×C×H×W). Returns float64 N×<paramref name="perExample"/> scores of each input's own target.
    /// </summary>
    protected Tensor PerturbedScores(MetricInput input, long perExample, Func<Tensor, Tensor, Tensor> perturb, OutputHead output)
    {
        using var noGrad = no_grad();
        long n = input.Count, total = n * perExample;
        var result = zeros(total, ScalarType.Float64);
        foreach (var (start, size) in Batches.Of(total, BatchSize))
        {
            input.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var pair = arange(start, start + size, ScalarType.Int64);
            var example = pair.div(perExample, rounding_mode: RoundingMode.floor);
            var sample = pair.remainder(perExample);
            var logits = input.Forward(perturb(example, sample));
            result.narrow(0, start, size).copy_(output.Select(logits, input.Targets.index_select(0, example)));
            input.Progress?.Report(new MetricProgress(Name, start + size, total));
        }
        return result.view(n, perExample);
    }

    /// <summary>
    /// Explains <paramref name="count"/> inputs built batch by batch: <paramref name="make"/> receives the int64 indices
    /// [start, start + B) and returns the inputs (B×C×H×W) and targets (B) to explain. The explainer runs on at most
    /// <see cref="BatchSize"/> inputs at a time; its maps are checked (B×H×W) and detached. Returns float32
    /// count×H×W maps. <paramref name="model"/> defaults to the input's model.
    /// </summary>
    protected Tensor Explain(MetricInput input, long count, Func<Tensor, (Tensor Inputs, Tensor Targets)> make,
                             nn.Module<Tensor, Tensor>? model = null, Action<long>? done = null)
    {
        var explainer = input.Explainer!;
        model ??= input.Model;
        long h = input.Inputs.shape[2], w = input.Inputs.shape[3];
        var result = zeros(count, h, w, ScalarType.Float32);
        foreach (var (start, size) in Batches.Of(count, BatchSize))
        {
            input.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var (inputs, targets) = make(arange(start, start + size, ScalarType.Int64));
            var maps = explainer(model, inputs, targets);
            if (maps.dim() != 3 || maps.shape[0] != size || maps.shape[1] != h || maps.shape[2] != w)
                throw new PhospheneException(
                    $"{Name}: the explainer must return {size}×{h}×{w} maps for {size} inputs, but returned [{Shape(maps)}]");
            result.narrow(0, start, size).copy_(maps.detach());
            done?.Invoke(start + size);
        }
        return result;
    }

    /// <summary>A <c>torch.Generator</c> seeded with <see cref="Seed"/>; the caller disposes it.</summary>
    protected Generator NewGenerator() => new(unchecked((ulong)Seed));

    /// <summary>The rows of a float64 N×M tensor as arrays.</summary>
    protected static double[][] Rows(Tensor matrix)
    {
        using var contiguous = matrix.to_type(ScalarType.Float64).contiguous();
        var flat = contiguous.data<double>().ToArray();
        long n = matrix.shape[0], m = matrix.shape[1];
        var rows = new double[n][];
        for (long i = 0; i < n; i++) rows[i] = flat.AsSpan((int)(i * m), (int)m).ToArray();
        return rows;
    }

    /// <summary>A float64 vector as an array.</summary>
    protected static double[] Values(Tensor vector)
    {
        using var contiguous = vector.to_type(ScalarType.Float64).contiguous();
        return contiguous.data<double>().ToArray();
    }
}
