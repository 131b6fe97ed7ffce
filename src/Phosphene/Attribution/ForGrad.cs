using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// FORGrad (S. Muzellec, T. Fel, V. Boutin, L. Andéol, R. VanRullen and T. Serre, 2023, "Saliency strikes back: How
/// filtering out high frequencies improves white-box explanations"): a white-box method whose maps are low-pass
/// filtered in the Fourier domain, removing the high-frequency noise of gradients.
/// </summary>
/// <remarks>
/// Filter: φ_σ = F⁻¹(F(φ) ⊙ w_σ), w_σ the ideal circular low-pass keeping the frequencies (f_y, f_x), in cycles per
/// image, with √(f_y² + f_x²) ≤ σ. σ ranges over (0, max(H, W)/√2]: small σ keeps only coarse structure, σ ≥
/// √((H/2)² + (W/2)²) keeps every frequency. The paper picks σ per model by maximising a faithfulness metric on
/// validation images (the cutoff search lives with the metrics).
/// </remarks>
public sealed class ForGrad : AttributionMethod
{
    /// <summary>Wraps <paramref name="method"/> and filters its maps with cutoff <paramref name="sigma"/>.</summary>
    /// <exception cref="PhospheneException"><paramref name="sigma"/> is not positive.</exception>
    public ForGrad(GradientAttribution method, double sigma)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!(sigma > 0)) throw new PhospheneException($"forgrad: the cutoff sigma must be positive, got {sigma}");
        Method = method;
        Sigma = sigma;
        BatchSize = method.BatchSize;
        Seed = method.Seed;
        Head = method.Head;
    }

    /// <summary>The filtered white-box method.</summary>
    public GradientAttribution Method { get; }

    /// <summary>The cutoff frequency σ in cycles per image.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public override string Name => Method.Name;

    /// <inheritdoc />
    public override bool SignedMaps => Method.SignedMaps;

    /// <inheritdoc />
    public override string Parameters =>
        $"{Method.Parameters}, forgrad σ {Sigma.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    protected override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        // The wrapped method runs with this one's settings and unnormalised maps: the filter sees the raw gradients.
        var raw = Method.With(Method.Settings with
        {
            BatchSize = BatchSize, Seed = Seed, Head = Head, Normalization = MapNormalization.None,
        });
        return Filter(raw.Attribute(run.Model, inputs, targets, run.Progress, run.Cancellation), Sigma);
    }

    /// <summary>Low-pass filters maps N×H×W (or H×W) with cutoff <paramref name="sigma"/>; returns float32 of the same shape.</summary>
    /// <exception cref="PhospheneException">Not a map shape, or σ not positive.</exception>
    public static Tensor Filter(Tensor maps, double sigma)
    {
        if (!(sigma > 0)) throw new PhospheneException($"forgrad: the cutoff sigma must be positive, got {sigma}");
        if (maps.dim() is not (2 or 3))
            throw new PhospheneException($"forgrad filters N×H×W or H×W maps, got [{string.Join(", ", maps.shape)}]");
        using var scope = NewDisposeScope();
        long height = maps.shape[^2], width = maps.shape[^1];
        var spectrum = fft.rfft2(maps.to_type(ScalarType.Float32));
        var fy = fft.fftfreq(height) * height;
        var fx = fft.rfftfreq(width) * width;
        var radius = (fy.view(-1, 1).square() + fx.view(1, -1).square()).sqrt();
        var keep = radius.le(sigma).to_type(ScalarType.Float32);
        var filtered = fft.irfft2(spectrum * keep, s: [height, width]);
        return filtered.to_type(ScalarType.Float32).contiguous().MoveToOuterDisposeScope();
    }
}
