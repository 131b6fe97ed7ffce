using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// SmoothGrad (D. Smilkov, N. Thorat, B. Kim, F. Viégas and M. Wattenberg, 2017, "SmoothGrad: removing noise by adding
/// noise"): the gradient averaged over noisy copies x + ε, ε ~ N(0, σ²), of each input; the base of the noise-tunnel
/// methods <see cref="SquareGrad"/> and <see cref="VarGrad"/>, which aggregate the same gradients differently.
/// </summary>
/// <remarks>
/// Map: max over c of |mean_s ∂f/∂x_c(x + ε_s)| (SmoothGrad applied to <see cref="Saliency"/>), float32 N×H×W.
/// σ = <see cref="NoiseLevel"/>·(max(x) − min(x)) of each input, as in the paper. Defaults: 50 samples, noise level
/// 0.2. N·samples forward and backward passes in batches over (input, sample) pairs; the noise of sample s of input i
/// is drawn in (i, s) order from one seeded generator, in blocks of 32, so the maps do not depend on the batch size.
/// </remarks>
public class SmoothGrad : GradientAttribution
{
    /// <inheritdoc />
    public override string Name => "smoothgrad";

    /// <summary>Number of noisy copies per input; default 50.</summary>
    public int Samples { get; init; } = 50;

    /// <summary>Noise standard deviation as a fraction of each input's value range; default 0.2.</summary>
    public double NoiseLevel { get; init; } = 0.2;

    /// <inheritdoc />
    public override string Parameters =>
        $"samples {Samples}, noise {NoiseLevel.ToString(System.Globalization.CultureInfo.InvariantCulture)} of the input range";

    /// <inheritdoc />
    protected override void Validate(Tensor inputs)
    {
        if (Samples < 1) throw Invalid(nameof(Samples), Samples, "at least 1");
        if (!(NoiseLevel >= 0)) throw Invalid(nameof(NoiseLevel), NoiseLevel, "non-negative");
    }

    /// <summary>The map from the mean gradient and mean squared gradient over the samples, both N×C×H×W.</summary>
    protected virtual Tensor Aggregate(Tensor mean, Tensor meanSquare) => MaxAbsOverChannels(mean);

    /// <inheritdoc />
    protected sealed override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        long n = inputs.shape[0], total = n * Samples;
        var sigma = ((inputs.flatten(1).amax([1L]) - inputs.flatten(1).amin([1L])) * NoiseLevel).view(-1, 1, 1, 1);
        var sum = zeros(inputs.shape, ScalarType.Float64);
        var sumSquares = zeros(inputs.shape, ScalarType.Float64);
        using var generator = NewGenerator();
        using var noiseBlocks = new NoiseBlocks(generator, inputs.shape[1..]);
        run.Expect(total);
        foreach (var (start, length) in run.Batches(total))
        {
            using var scope = NewDisposeScope();
            var pair = arange(start, start + length, ScalarType.Int64);
            var image = pair.div(Samples, rounding_mode: RoundingMode.floor);
            var noise = noiseBlocks.Take(length);
            var noisy = inputs.index_select(0, image) + noise * sigma.index_select(0, image);
            var (gradients, _) = run.Gradients(noisy, targets.index_select(0, image));
            var g = gradients.to_type(ScalarType.Float64);
            sum.index_add_(0, image, g, 1);
            sumSquares.index_add_(0, image, g * g, 1);
        }
        return Aggregate((sum / Samples).to_type(ScalarType.Float32), (sumSquares / Samples).to_type(ScalarType.Float32));
    }

    /// <summary>
    /// Standard normal noise for consecutive (input, sample) pairs, drawn in blocks of a fixed size so that the values
    /// do not depend on how the pairs are batched.
    /// </summary>
    sealed class NoiseBlocks(Generator generator, long[] shape) : IDisposable
    {
        const int Block = 32;
        Tensor? _block;
        long _used;

        public Tensor Take(long count)
        {
            var pieces = new List<Tensor>();
            while (count > 0)
            {
                if (_block is null || _used == _block.shape[0])
                {
                    _block?.Dispose();
                    _block = randn([Block, .. shape], generator: generator).DetachFromDisposeScope();
                    _used = 0;
                }
                long take = Math.Min(count, _block.shape[0] - _used);
                pieces.Add(_block.narrow(0, _used, take));
                _used += take;
                count -= take;
            }
            return pieces.Count == 1 ? pieces[0] : cat(pieces, 0);
        }

        public void Dispose() => _block?.Dispose();
    }
}
