using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// The Kuramoto order parameter r e^{iψ} = (1/N) Σⱼ e^{iθⱼ} (Kuramoto 1975) and the circular variance 1 − r, over
/// the last dimension of a phase tensor. Differentiable, so they serve as losses (KuraNet).
/// </summary>
public static class OrderParameter
{
    /// <summary>Coherence r in [0, 1] and mean phase ψ in (−π, π] of phases (…×N): two tensors of shape (…).</summary>
    public static (Tensor R, Tensor Psi) Compute(Tensor phases)
    {
        Check(phases);
        using var scope = NewDisposeScope();
        var c = phases.cos().mean([-1]);
        var s = phases.sin().mean([-1]);
        return (hypot(c, s).MoveToOuterDisposeScope(), atan2(s, c).MoveToOuterDisposeScope());
    }

    /// <summary>Coherence r = |(1/N) Σⱼ e^{iθⱼ}| of phases (…×N): a tensor of shape (…).</summary>
    public static Tensor Coherence(Tensor phases)
    {
        Check(phases);
        using var scope = NewDisposeScope();
        // sqrt of the squared modulus with a tiny floor keeps the gradient finite at r = 0.
        var c = phases.cos().mean([-1]);
        var s = phases.sin().mean([-1]);
        return (c * c + s * s + 1e-12).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>Circular variance 1 − r of phases (…×N): 0 for perfect synchrony, near 1 for incoherence.</summary>
    public static Tensor CircularVariance(Tensor phases)
    {
        using var r = Coherence(phases);
        return 1 - r;
    }

    static void Check(Tensor phases)
    {
        if (phases.dim() < 1 || !is_floating_point(phases))
            throw new PhospheneException($"phases must be a float tensor with oscillators on the last dimension, got {phases.dtype} [{string.Join(", ", phases.shape)}]");
    }
}
