using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>How natural frequencies are drawn from a <see cref="FrequencyDistribution"/>.</summary>
public enum FrequencySampling
{
    /// <summary>Independent random draws from the seeded generator (the usual Monte-Carlo sample).</summary>
    Random,
    /// <summary>
    /// The N quantiles F⁻¹((i − ½)/N), i = 1..N, assigned to the oscillators in a seeded random order. The set of
    /// frequencies is deterministic, so finite-N noise in r∞ comes from the phases alone: at N = 10⁴, random draws of a
    /// heavy-tailed Lorentzian move r∞ by about 0.01 from sample to sample, quantiles do not.
    /// </summary>
    Quantile,
}

/// <summary>
/// A unimodal, symmetric distribution g(ω) of natural frequencies for the Kuramoto model (Kuramoto 1975,
/// "Self-entrainment of a population of coupled non-linear oscillators"), with its critical coupling
/// Kc = 2 / (π g(centre)). Parse one from text with <see cref="Parse"/>: <c>lorentz(0,0.5)</c>, <c>normal(0,1)</c>,
/// <c>uniform(-1,1)</c>.
/// </summary>
public abstract record FrequencyDistribution
{
    /// <summary>The centre (median and mode) of the distribution.</summary>
    public abstract double Center { get; }

    /// <summary>The density g(ω).</summary>
    public abstract double Density(double omega);

    /// <summary>The quantile function F⁻¹(u), u in (0, 1).</summary>
    public abstract double Quantile(double u);

    /// <summary>
    /// The critical coupling of the all-to-all model in the N → ∞ limit, Kc = 2 / (π g(centre)) (Kuramoto 1975):
    /// 2γ for a Lorentzian of half-width γ, σ√(8/π) for a Gaussian, 4γ/π for a uniform law on [c − γ, c + γ].
    /// </summary>
    public double CriticalCoupling => 2.0 / (Math.PI * Density(Center));

    /// <summary>Fills a B×N tensor in place with random draws from <paramref name="generator"/>.</summary>
    protected abstract void FillRandom(Tensor target, Generator generator);

    /// <summary>
    /// Natural frequencies for <paramref name="networks"/> independent networks of <paramref name="oscillators"/>
    /// oscillators: a B×N tensor of <paramref name="dtype"/> (float32 by default). Deterministic under
    /// <paramref name="seed"/>; each network gets its own draw (or its own order of the quantiles).
    /// </summary>
    /// <exception cref="PhospheneException">A non-positive size or a non-floating dtype.</exception>
    public Tensor Sample(long networks, long oscillators, long seed = 0, FrequencySampling sampling = FrequencySampling.Random,
                         ScalarType dtype = ScalarType.Float32)
    {
        if (networks < 1 || oscillators < 1)
            throw new PhospheneException($"cannot sample frequencies for {networks} networks of {oscillators} oscillators; both must be at least 1");
        if (!is_floating_point(empty(0, dtype: dtype)))
            throw new PhospheneException($"frequencies must be float32 or float64, not {dtype}");
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed));
        Tensor result;
        if (sampling == FrequencySampling.Random)
        {
            result = empty(networks, oscillators, dtype: ScalarType.Float64);
            FillRandom(result, generator);
        }
        else
        {
            var levels = new double[oscillators];
            for (long i = 0; i < oscillators; i++) levels[i] = Quantile((i + 0.5) / oscillators);
            var sorted = tensor(levels);
            var rows = new Tensor[networks];
            for (long b = 0; b < networks; b++) rows[b] = sorted.index_select(0, randperm(oscillators, generator: generator));
            result = stack(rows);
        }
        return result.to_type(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Parses <c>lorentz(x0,γ)</c> (also <c>lorentzian</c>, <c>cauchy</c>), <c>normal(μ,σ)</c> (also <c>gaussian</c>)
    /// or <c>uniform(a,b)</c>.
    /// </summary>
    /// <exception cref="PhospheneException">Unknown family (with a suggestion), bad arguments.</exception>
    public static FrequencyDistribution Parse(string text)
    {
        var match = Regex.Match(text.Trim(), @"^([A-Za-z]+)\s*\(\s*([^,()]+)\s*,\s*([^,()]+)\s*\)$");
        string[] families = ["lorentz", "lorentzian", "cauchy", "normal", "gaussian", "uniform"];
        if (!match.Success)
        {
            string head = Regex.Match(text.Trim(), @"^[A-Za-z]*").Value;
            throw new PhospheneException(
                $"cannot read frequency distribution '{text}'{(head.Length > 0 ? Suggestions.DidYouMean(head, families) : "")}; " +
                "write lorentz(center,gamma), normal(mean,sigma) or uniform(low,high)");
        }
        string family = match.Groups[1].Value.ToLowerInvariant();
        if (!double.TryParse(match.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double a) ||
            !double.TryParse(match.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double b))
            throw new PhospheneException($"frequency distribution '{text}': both arguments must be numbers");
        return family switch
        {
            "lorentz" or "lorentzian" or "cauchy" => new LorentzianFrequencies(a, b),
            "normal" or "gaussian" => new GaussianFrequencies(a, b),
            "uniform" => UniformFrequencies.Between(a, b),
            _ => throw new PhospheneException(
                $"unknown frequency distribution '{family}'{Suggestions.DidYouMean(family, families)} (choose lorentz, normal or uniform)"),
        };
    }
}

/// <summary>The Lorentzian (Cauchy) law g(ω) = γ / (π((ω − x0)² + γ²)); Kc = 2γ. The Ott–Antonsen reduction is exact for it.</summary>
/// <param name="Center">Location x0.</param>
/// <param name="Gamma">Half-width at half-maximum γ &gt; 0.</param>
public sealed record LorentzianFrequencies(double Center, double Gamma) : FrequencyDistribution
{
    /// <summary>Half-width γ, validated.</summary>
    public double Gamma { get; } = Gamma > 0 && double.IsFinite(Gamma) ? Gamma
        : throw new PhospheneException($"Lorentzian half-width must be positive, got {Gamma}");
    /// <inheritdoc />
    public override double Center { get; } = Center;
    /// <inheritdoc />
    public override double Density(double omega) => Gamma / (Math.PI * ((omega - Center) * (omega - Center) + Gamma * Gamma));
    /// <inheritdoc />
    public override double Quantile(double u) => Center + Gamma * Math.Tan(Math.PI * (u - 0.5));
    /// <inheritdoc />
    protected override void FillRandom(Tensor target, Generator generator) => target.cauchy_(Center, Gamma, generator);
    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"lorentz({Center},{Gamma})");
}

/// <summary>The Gaussian law N(μ, σ²); Kc = σ√(8/π).</summary>
/// <param name="Center">Mean μ.</param>
/// <param name="Sigma">Standard deviation σ &gt; 0.</param>
public sealed record GaussianFrequencies(double Center, double Sigma) : FrequencyDistribution
{
    /// <summary>Standard deviation σ, validated.</summary>
    public double Sigma { get; } = Sigma > 0 && double.IsFinite(Sigma) ? Sigma
        : throw new PhospheneException($"Gaussian standard deviation must be positive, got {Sigma}");
    /// <inheritdoc />
    public override double Center { get; } = Center;
    /// <inheritdoc />
    public override double Density(double omega) =>
        Math.Exp(-0.5 * Math.Pow((omega - Center) / Sigma, 2)) / (Sigma * Math.Sqrt(2 * Math.PI));
    /// <inheritdoc />
    public override double Quantile(double u) => Center + Sigma * StandardNormalQuantile(u);

    // Acklam's rational approximation of the standard normal quantile (relative error below 1.2e-9).
    static double StandardNormalQuantile(double p)
    {
        if (p <= 0) return double.NegativeInfinity;
        if (p >= 1) return double.PositiveInfinity;
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        double x;
        if (p < 0.02425)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else if (p <= 1 - 0.02425)
        {
            double q = p - 0.5, r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        else
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        return x;
    }

    /// <inheritdoc />
    protected override void FillRandom(Tensor target, Generator generator) => target.normal_(Center, Sigma, generator);
    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"normal({Center},{Sigma})");
}

/// <summary>The uniform law on [c − γ, c + γ]; Kc = 4γ/π, and the transition is discontinuous (r jumps to π/4).</summary>
/// <param name="Center">Midpoint c.</param>
/// <param name="HalfWidth">Half-width γ &gt; 0.</param>
public sealed record UniformFrequencies(double Center, double HalfWidth) : FrequencyDistribution
{
    /// <summary>Half-width γ, validated.</summary>
    public double HalfWidth { get; } = HalfWidth > 0 && double.IsFinite(HalfWidth) ? HalfWidth
        : throw new PhospheneException($"uniform half-width must be positive, got {HalfWidth}");
    /// <inheritdoc />
    public override double Center { get; } = Center;
    /// <summary>The uniform law on [low, high].</summary>
    public static UniformFrequencies Between(double low, double high) => high > low
        ? new UniformFrequencies((low + high) / 2, (high - low) / 2)
        : throw new PhospheneException($"uniform(low,high) needs low < high, got uniform({low},{high})");
    /// <inheritdoc />
    public override double Density(double omega) => Math.Abs(omega - Center) <= HalfWidth ? 1 / (2 * HalfWidth) : 0;
    /// <inheritdoc />
    public override double Quantile(double u) => Center + HalfWidth * (2 * u - 1);
    /// <inheritdoc />
    protected override void FillRandom(Tensor target, Generator generator) =>
        target.uniform_(Center - HalfWidth, Center + HalfWidth, generator);
    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"uniform({Center - HalfWidth},{Center + HalfWidth})");
}
