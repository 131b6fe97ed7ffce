using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// An attribution method: explains the score of each input's target class (by default its logit, see
/// <see cref="Head"/>) with a map of input-pixel importances. The shared base of the white-box
/// (<see cref="GradientAttribution"/>) and black-box (<see cref="PerturbationAttribution"/>) families.
/// </summary>
/// <remarks>
/// Every method evaluates the model in batches of at most <see cref="BatchSize"/> inputs and never materialises all of
/// its perturbed or interpolated inputs at once, so memory does not grow with the number of samples. The model is put
/// in evaluation mode for the call (dropout off, batch-norm running statistics) and its mode restored afterwards.
/// Random choices draw from a <see cref="torch.Generator"/> seeded with <see cref="Seed"/>, in an order that does not
/// depend on the batch size: same seed, same maps.
/// </remarks>
public abstract class AttributionMethod : IRegistered
{
    int _batchSize = 64;
    long _seed;
    OutputHead _head = OutputHead.Logit;
    MapNormalization _normalization = MapNormalization.None;

    /// <summary>The method's registry name, e.g. <c>integrated-gradients</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Largest number of inputs in one forward (and backward) pass; default 64, sized for a 2-core CPU.</summary>
    public int BatchSize { get => _batchSize; init => _batchSize = value; }

    /// <summary>Seed of every random choice (noise, masks, samples); default 0.</summary>
    public long Seed { get => _seed; init => _seed = value; }

    /// <summary>The explained scalar: the target class's logit by default, or its softmax, log-softmax or any head.</summary>
    public OutputHead Head { get => _head; init => _head = value; }

    /// <summary>Rescaling of each returned map; default <see cref="MapNormalization.None"/> (raw values).</summary>
    public MapNormalization Normalization { get => _normalization; init => _normalization = value; }

    /// <summary>The shared settings of this method: batch size, seed, head, normalisation (and layer, for CAMs).</summary>
    public virtual MethodSettings Settings =>
        new() { BatchSize = BatchSize, Seed = Seed, Head = Head, Normalization = Normalization };

    /// <summary>A copy of this method, its own parameters kept, with the shared <paramref name="settings"/>.</summary>
    public AttributionMethod With(MethodSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var copy = (AttributionMethod)MemberwiseClone();
        copy.Apply(settings);
        return copy;
    }

    /// <summary>Sets the shared settings on a fresh copy (see <see cref="With"/>); derived types apply theirs and drop caches.</summary>
    protected virtual void Apply(MethodSettings settings)
    {
        _batchSize = settings.BatchSize;
        _seed = settings.Seed;
        _head = settings.Head;
        _normalization = settings.Normalization;
    }

    /// <summary>White-box (needs gradients) or black-box (only evaluates the model).</summary>
    public string Family => this is GradientAttribution || this is ForGrad ? "white-box" : "black-box";

    /// <inheritdoc />
    public string Summary => $"{Family}: {Parameters}";

    /// <summary>
    /// Whether the maps are signed: positive values are evidence for the target class, negative ones against it
    /// (Gradient × Input, Integrated Gradients, Occlusion, LIME, KernelSHAP). Unsigned maps are importances ≥ 0.
    /// </summary>
    public virtual bool SignedMaps => false;

    /// <summary>The method's own parameters and their current values, e.g. <c>steps 50, baseline 0, rule trapezoid</c>.</summary>
    public abstract string Parameters { get; }

    /// <summary>Attribution maps for <paramref name="inputs"/>, explaining each one's <paramref name="targets"/> class.</summary>
    /// <param name="model">Any module mapping float32 N×C×H×W inputs to N×K scores (logits).</param>
    /// <param name="inputs">float32 N×C×H×W images (in [0, 1] for the zoo's models).</param>
    /// <param name="targets">int64 N class indices below K (int32 is accepted).</param>
    /// <param name="progress">Receives model evaluations done and in all.</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <returns>float32 N×H×W maps (channels reduced as the method documents), unnormalised unless <see cref="Normalization"/> says.</returns>
    /// <exception cref="PhospheneException">Bad shapes, targets, options or a model that fails on the inputs.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    public Tensor Attribute(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets,
                            IProgress<AttributionProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (inputs.dim() != 4 || inputs.dtype != ScalarType.Float32)
            throw new PhospheneException(
                $"{Name}: inputs must be float32 N×C×H×W images, got {inputs.dtype} [{string.Join(", ", inputs.shape)}]");
        if (targets.dim() != 1 || targets.shape[0] != inputs.shape[0] || !(targets.dtype is ScalarType.Int64 or ScalarType.Int32))
            throw new PhospheneException(
                $"{Name}: targets must be N = {inputs.shape[0]} int64 class indices, got {targets.dtype} [{string.Join(", ", targets.shape)}]");
        if (inputs.shape[0] == 0) throw new PhospheneException($"{Name}: no inputs to explain (N = 0)");
        if (BatchSize < 1) throw Invalid(nameof(BatchSize), BatchSize, "at least 1");
        Validate(inputs);

        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            var x = inputs.detach();
            var y = targets.to_type(ScalarType.Int64);
            var run = new AttributionRun(this, model, progress, cancellation);
            run.ExpectTargets(y);
            var maps = Compute(run, x, y);
            if (maps.dim() != 3 || maps.shape[0] != x.shape[0] || maps.shape[1] != x.shape[2] || maps.shape[2] != x.shape[3])
                throw new InvalidOperationException($"{Name} produced maps [{string.Join(", ", maps.shape)}]");
            maps = Normalize(maps.to_type(ScalarType.Float32), Normalization).contiguous();
            return maps.MoveToOuterDisposeScope();
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    /// <summary>Checks the method's own settings against the inputs before any model evaluation.</summary>
    /// <exception cref="PhospheneException">A setting that does not fit (e.g. a patch larger than the image).</exception>
    protected virtual void Validate(Tensor inputs) { }

    /// <summary>The one phrasing of an invalid setting: <c>Rise.Masks = 0 is invalid: it must be at least 1</c>.</summary>
    protected PhospheneException Invalid(string setting, object value, string requirement) =>
        Phosphene.Invalid.Setting(GetType().Name, setting, value, requirement);

    /// <summary>The method itself: float N×H×W maps for validated inputs N×C×H×W and int64 targets N.</summary>
    /// <param name="run">Evaluates the model in batches, reports progress and observes cancellation.</param>
    /// <param name="inputs">Detached float32 N×C×H×W inputs.</param>
    /// <param name="targets">int64 N targets, each below the model's number of outputs.</param>
    protected abstract Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets);

    /// <summary>A generator seeded with <see cref="Seed"/> for the method's random draws.</summary>
    protected Generator NewGenerator() => new Generator((ulong)Seed);

    /// <summary>Rescales each of the N×H×W <paramref name="maps"/> as <paramref name="normalization"/> says.</summary>
    public static Tensor Normalize(Tensor maps, MapNormalization normalization)
    {
        using var scope = NewDisposeScope();
        var flat = maps.flatten(1);
        Tensor result = normalization switch
        {
            MapNormalization.None => maps.alias(),
            MapNormalization.MaxAbs => maps / flat.abs().amax([1L]).clamp_min(1e-12).view(-1, 1, 1),
            MapNormalization.MinMax => (maps - flat.amin([1L]).view(-1, 1, 1))
                                       / (flat.amax([1L]) - flat.amin([1L])).clamp_min(1e-12).view(-1, 1, 1),
            _ => throw new PhospheneException($"unknown map normalization {normalization}"),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Parameters})";
}
