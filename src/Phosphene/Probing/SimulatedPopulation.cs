using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// A simulated neural population with a known noise ceiling, to test a predictivity pipeline before real recordings
/// drop in: each of T units responds to the N inputs with a signal that is a random linear read-out of given features
/// (optionally rectified), standardised to unit variance over inputs, plus independent Gaussian trial noise of variance
/// 1/SNR on each of R trials.
/// </summary>
/// <remarks>
/// The reliability of the R-trial mean, which the split-half Spearman–Brown estimate targets, is
/// SNR·R / (SNR·R + 1) (<see cref="AnalyticCeiling"/>): a half of R/2 trials correlates with the other half at
/// ρ = SNR·R / (SNR·R + 2), and 2ρ/(1 + ρ) equals the former.
/// </remarks>
public sealed class SimulatedPopulation : IDisposable
{
    SimulatedPopulation(Tensor signal, Tensor responses, double snr)
    {
        Signal = signal;
        Responses = responses;
        Snr = snr;
    }

    /// <summary>Noise-free responses N×T (float32), unit variance per unit.</summary>
    public Tensor Signal { get; }

    /// <summary>Recorded responses N×T×R (float32): signal plus trial noise.</summary>
    public Tensor Responses { get; }

    /// <summary>Signal-to-noise ratio: signal variance over single-trial noise variance.</summary>
    public double Snr { get; }

    /// <summary>Trials R.</summary>
    public int Trials => (int)Responses.shape[2];

    /// <summary>The reliability of the trial mean, SNR·R / (SNR·R + 1), the value <see cref="NoiseCeiling"/> estimates.</summary>
    public double AnalyticCeiling => Snr * Trials / (Snr * Trials + 1);

    /// <summary>Simulates T units reading out <paramref name="features"/> (N×D) linearly.</summary>
    /// <param name="features">N×D features the units are driven by (e.g. one layer's pooled activations).</param>
    /// <param name="units">T; default 100.</param>
    /// <param name="trials">R; default 4.</param>
    /// <param name="snr">Signal-to-noise ratio per trial; default 1.</param>
    /// <param name="rectify">Rectify the read-out before standardising (firing rates are non-negative); default false.</param>
    /// <param name="seed">Seed of the weights and noise; default 0.</param>
    public static SimulatedPopulation Generate(Tensor features, int units = 100, int trials = 4, double snr = 1.0,
                                               bool rectify = false, long seed = 0)
    {
        if (features.dim() != 2 || features.shape[0] < 3)
            throw new PhospheneException($"a simulated population needs N×D features with N ≥ 3, got [{string.Join(", ", features.shape)}]");
        if (units < 1 || trials < 1) throw new PhospheneException("a simulated population needs at least 1 unit and 1 trial");
        if (!(snr > 0) || double.IsInfinity(snr)) throw new PhospheneException($"SNR must be positive and finite, got {snr}");
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed));
        var x = features.to(ScalarType.Float64);
        var std = x.std(0, unbiased: true);
        x = x.sub(x.mean([0])).div(where(std.gt(0), std, ones_like(std)));
        var weights = randn(x.shape[1], units, dtype: ScalarType.Float64, generator: generator);
        var drive = x.mm(weights);
        if (rectify) drive = drive.relu();
        var driveStd = drive.std(0, unbiased: false);
        var signal = drive.sub(drive.mean([0])).div(where(driveStd.gt(0), driveStd, ones_like(driveStd)));
        var noise = randn([x.shape[0], units, trials], dtype: ScalarType.Float64, generator: generator).mul(Math.Sqrt(1 / snr));
        var responses = signal.unsqueeze(2).add(noise);
        return new SimulatedPopulation(signal.to(ScalarType.Float32).DetachFromDisposeScope(),
                                       responses.to(ScalarType.Float32).DetachFromDisposeScope(), snr);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Signal.Dispose();
        Responses.Dispose();
    }
}
