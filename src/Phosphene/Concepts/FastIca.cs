using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>
/// Independent component analysis by FastICA (Hyvärinen 1999, "Fast and robust fixed-point algorithms for
/// independent component analysis", IEEE Trans. Neural Networks), parallel (symmetric) form with the log-cosh
/// contrast, as a concept extractor (a baseline of Fel et al. 2023, "A Holistic Approach to Unifying Automatic
/// Concept Extraction and Concept Importance Estimation", NeurIPS).
/// </summary>
/// <remarks>
/// A (n×c) is centred and whitened onto its top r principal directions; the r×r rotation is found by the fixed point
/// W ← E[tanh(WZ) Z] − E[1 − tanh²(WZ)] W followed by symmetric decorrelation (W Wᵀ)^(−1/2) W, from a seeded
/// Gaussian start, until max |1 − |diag(W_new W_oldᵀ)|| &lt; <see cref="Tolerance"/> (default 1e-4) or
/// <see cref="MaxIterations"/> (default 200). Sources U = (A − μ) Mᵀ with the unmixing M (r×c); the concept bank is
/// the mixing matrix M⁺ᵀ (r×c), so A ≈ U W + μ on the whitened subspace. The encoding is linear.
/// </remarks>
public sealed class FastIca : ConceptDecomposition
{
    Tensor? _mean;
    Tensor? _unmixing;

    /// <summary>Creates the decomposition.</summary>
    /// <param name="concepts">Number of independent components r.</param>
    /// <param name="tolerance">Convergence tolerance (default 1e-4).</param>
    /// <param name="maxIterations">Iteration limit (default 200).</param>
    /// <param name="seed">Seed of the initial rotation.</param>
    public FastIca(int concepts, double tolerance = 1e-4, int maxIterations = 200, long seed = 0) : base(concepts, seed)
    {
        if (tolerance <= 0) throw new PhospheneException($"tolerance must be > 0, got {tolerance}");
        if (maxIterations < 1) throw new PhospheneException($"max iterations must be at least 1, got {maxIterations}");
        Tolerance = tolerance;
        MaxIterations = maxIterations;
    }

    /// <inheritdoc />
    public override string Name => "ica";

    /// <inheritdoc />
    public override string Summary => "FastICA: statistically independent concepts";

    /// <summary>Convergence tolerance.</summary>
    public double Tolerance { get; }

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; }

    /// <inheritdoc />
    public override bool HasDifferentiableEncode => true;

    /// <summary>The unmixing matrix M (r×c, float64): sources = (A − μ) Mᵀ.</summary>
    public Tensor Unmixing => _unmixing ?? throw new PhospheneException("ica is not fitted yet; call Fit(activations) first");

    /// <inheritdoc />
    protected override (Tensor Coefficients, Tensor Bank) FitCore(Tensor a, CancellationToken cancellation)
    {
        long n = a.shape[0];
        var mu = a.mean([0]);
        var centred = a - mu;
        var (left, singular, right) = Nmf.TopSingularTriplets(centred, Concepts);
        var whitening = right.t() * (Math.Sqrt(n) / singular.clamp_min(1e-300)).unsqueeze(0);   // c×r
        var z = centred.mm(whitening);                                                            // n×r, unit covariance
        using var generator = NewGenerator();
        var w = Decorrelate(randn([Concepts, Concepts], dtype: ScalarType.Float64, generator: generator));
        Iterations = 0;
        Converged = false;
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var y = z.mm(w.t()).tanh();                                                           // n×r
            var derivative = (1 - y.square()).mean([0]);                                          // r
            var next = Decorrelate(y.t().mm(z) / n - derivative.unsqueeze(1) * w);
            double change = (next.mm(w.t()).diagonal().abs() - 1).abs().max().item<double>();
            w.Dispose();
            w = next.MoveToOuterDisposeScope();
            Iterations = iteration;
            if (change < Tolerance) { Converged = true; break; }
        }
        var m = w.mm(whitening.t());                                                              // r×c
        var bank = linalg.pinv(m.t());                                                            // r×c
        _mean?.Dispose(); _unmixing?.Dispose();
        _mean = mu.DetachFromDisposeScope();
        _unmixing = m.DetachFromDisposeScope();
        return (centred.mm(m.t()), bank);
    }

    // (W Wᵀ)^(−1/2) W by eigendecomposition.
    static Tensor Decorrelate(Tensor w)
    {
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh(w.mm(w.t()));
        var inverseRoot = vectors.mm(diag(values.clamp_min(1e-300).rsqrt())).mm(vectors.t());
        return inverseRoot.mm(w).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor EncodeCore(Tensor activations) => (activations - _mean!).mm(Unmixing.t());

    /// <inheritdoc />
    protected override Tensor EncodeDifferentiableCore(Tensor activations) => EncodeCore(activations);

    /// <inheritdoc />
    protected override Tensor DecodeCore(Tensor coefficients) => coefficients.mm(ConceptBank) + _mean!;

    private protected override JsonObject Settings() => new() { ["tolerance"] = Tolerance, ["maxIterations"] = MaxIterations };

    private protected override IEnumerable<(string, Tensor)> FittedTensors() => [("mean", _mean!), ("unmixing", Unmixing)];

    private protected override void RestoreFitted(JsonObject values, Func<string, Tensor> tensor)
    {
        _mean = tensor("mean");
        _unmixing = tensor("unmixing");
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) { _mean?.Dispose(); _unmixing?.Dispose(); _mean = _unmixing = null; }
        base.Dispose(disposing);
    }
}
