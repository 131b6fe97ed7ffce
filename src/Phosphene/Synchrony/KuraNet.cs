using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>How KuraNet turns raw pair scores into couplings.</summary>
public enum CouplingNormalization
{
    /// <summary>
    /// Softmax over all N² scores of a network, times <see cref="KuraNetOptions.AverageDegree"/>·N: positive couplings
    /// with mean row sum equal to the average degree (the paper's global-synchrony model).
    /// </summary>
    Softmax,
    /// <summary>
    /// Each row divided by its L2 norm, times <see cref="KuraNetOptions.AverageDegree"/>: signed couplings, so groups can
    /// repel each other (the paper's clustering model).
    /// </summary>
    RowL2,
}

/// <summary>KuraNet's architecture and dynamics (defaults follow Ricci et al. 2021 where they state them).</summary>
public sealed record KuraNetOptions
{
    /// <summary>Hidden units of the two hidden layers of the coupling network (default 128).</summary>
    public int HiddenUnits { get; init; } = 128;
    /// <summary>Normalisation of the couplings (default softmax).</summary>
    public CouplingNormalization Normalization { get; init; } = CouplingNormalization.Softmax;
    /// <summary>Average degree (softmax) or row norm (row-L2) of the couplings (default 1).</summary>
    public double AverageDegree { get; init; } = 1;
    /// <summary>Symmetrise the couplings, Kᵢⱼ ← (Kᵢⱼ + Kⱼᵢ)/2 (default true: an undirected graph).</summary>
    public bool Symmetric { get; init; } = true;
    /// <summary>Euler step of the unrolled dynamics (default 0.1).</summary>
    public double Dt { get; init; } = 0.1;
    /// <summary>Steps run without gradient before the loss window (default 100).</summary>
    public int BurnInSteps { get; init; } = 100;
    /// <summary>Steps over which the loss is averaged and gradients flow (default 50).</summary>
    public int LossSteps { get; init; } = 50;

    /// <summary>Checks every option.</summary>
    public void Validate()
    {
        static PhospheneException Invalid(string setting, object value, string requirement) =>
            Phosphene.Invalid.Setting(nameof(KuraNetOptions), setting, value, requirement);
        if (HiddenUnits < 1) throw Invalid(nameof(HiddenUnits), HiddenUnits, "at least 1");
        if (!(AverageDegree > 0)) throw Invalid(nameof(AverageDegree), AverageDegree, "positive");
        if (!(Dt > 0)) throw Invalid(nameof(Dt), Dt, "a positive time step");
        if (BurnInSteps < 0) throw Invalid(nameof(BurnInSteps), BurnInSteps, "at least 0");
        if (LossSteps < 1) throw Invalid(nameof(LossSteps), LossSteps, "at least 1");
    }
}

/// <summary>
/// KuraNet (Ricci, Jung, Zhang, Chalvidal, Soni and Serre 2021, "KuraNet: systems of coupled oscillators that learn to
/// synchronize"): a network g predicts the coupling Kᵢⱼ = g(xᵢ, xⱼ) of every pair of oscillators from their node
/// features, trained through the unrolled Kuramoto dynamics (<see cref="KuraNetTrainer"/>).
/// </summary>
/// <remarks>
/// The couplings are normalised (<see cref="CouplingNormalization"/>) and the dynamics dθᵢ/dt = ωᵢ + Σⱼ Kᵢⱼ sin(θⱼ − θᵢ)
/// run from random phases; g is trained by backpropagation through the unrolled Euler solver after a burn-in without
/// gradient. g is Linear(2F, H) → BatchNorm → LeakyReLU → Linear(H, H) → BatchNorm → LeakyReLU → Linear(H, 1, no bias).
/// </remarks>
public sealed class KuraNet : nn.Module<Tensor, Tensor>
{
    readonly Sequential layers;

    /// <summary>The options the network was built with.</summary>
    public KuraNetOptions Options { get; }
    /// <summary>Node feature dimension F.</summary>
    public int FeatureDimension { get; }

    /// <summary>Builds KuraNet for F-dimensional node features, initial weights seeded by <paramref name="seed"/>.</summary>
    /// <exception cref="PhospheneException">Invalid options or feature dimension.</exception>
    public KuraNet(int featureDimension, KuraNetOptions? options = null, long seed = 0) : base("kuranet")
    {
        if (featureDimension < 1) throw new PhospheneException($"KuraNet needs at least one node feature, got {featureDimension}");
        Options = options ?? new KuraNetOptions();
        Options.Validate();
        FeatureDimension = featureDimension;
        int h = Options.HiddenUnits;
        using var globalRandom = GlobalRandomScope.Seed(seed);   // TorchSharp's layers draw their weights from it
        layers = nn.Sequential(
            ("0", nn.Linear(2 * featureDimension, h)),
            ("1", nn.BatchNorm1d(h)),
            ("2", nn.LeakyReLU()),
            ("3", nn.Linear(h, h)),
            ("4", nn.BatchNorm1d(h)),
            ("5", nn.LeakyReLU()),
            ("6", nn.Linear(h, 1, hasBias: false)));
        RegisterComponents();
    }

    /// <summary>Couplings B×N×N (row i: what oscillator i receives) from node features B×N×F.</summary>
    /// <exception cref="PhospheneException">Features that are not B×N×F.</exception>
    public override Tensor forward(Tensor features)
    {
        if (features.dim() != 3 || features.shape[2] != FeatureDimension || features.dtype != ScalarType.Float32)
            throw new PhospheneException(
                $"KuraNet features must be float32 B×N×{FeatureDimension}, got {features.dtype} [{string.Join(", ", features.shape)}]");
        using var scope = NewDisposeScope();
        long b = features.shape[0], n = features.shape[1], f = FeatureDimension;
        var pairs = cat([features.unsqueeze(2).expand(b, n, n, f), features.unsqueeze(1).expand(b, n, n, f)], -1);
        var scores = layers.call(pairs.reshape(b * n * n, 2 * f)).view(b, n, n);
        var couplings = Options.Normalization == CouplingNormalization.Softmax
            ? nn.functional.softmax(scores.view(b, n * n), 1).view(b, n, n) * (Options.AverageDegree * n)
            : scores / scores.norm(2, true).clamp_min(1e-8) * Options.AverageDegree;
        if (Options.Symmetric) couplings = (couplings + couplings.transpose(1, 2)) * 0.5;
        return couplings.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs the dynamics with the given couplings (B×N×N), frequencies (B×N) and initial phases (B×N): the burn-in
    /// without gradient, then the loss window, whose phases are returned as T×B×N (T = <see cref="KuraNetOptions.LossSteps"/>),
    /// differentiable with respect to the couplings.
    /// </summary>
    public static Tensor Unroll(Tensor couplings, Tensor frequencies, Tensor initialPhases, KuraNetOptions options)
    {
        using var scope = NewDisposeScope();
        var topology = new MatrixCoupling(couplings);
        var theta = initialPhases;
        using (no_grad())
        {
            for (int i = 0; i < options.BurnInSteps; i++)
                theta = theta + options.Dt * (frequencies + topology.Interaction(theta));
        }
        theta = theta.detach();
        var trajectory = new List<Tensor>(options.LossSteps);
        for (int i = 0; i < options.LossSteps; i++)
        {
            theta = theta + options.Dt * (frequencies + topology.Interaction(theta));
            trajectory.Add(theta);
        }
        return stack(trajectory).MoveToOuterDisposeScope();
    }
}
