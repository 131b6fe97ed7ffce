using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Differentiable synchrony objectives over phase trajectories T×B×N (time × networks × oscillators), as used to train
/// KuraNet (Ricci, Jung, Zhang, Chalvidal, Soni and Serre 2021, "KuraNet: systems of coupled oscillators that learn to
/// synchronize"). Both return a scalar averaged over time and networks, in [0, 1].
/// </summary>
public static class SynchronyLoss
{
    /// <summary>Global synchrony: the circular variance 1 − r, averaged over time steps and networks.</summary>
    public static Tensor CircularVariance(Tensor phases)
    {
        CheckPhases(phases);
        using var scope = NewDisposeScope();
        return OrderParameter.CircularVariance(phases).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Group synchrony by circular moments: each group should be coherent (1 − mean within-group r) and the G group
    /// phases ψ_g spread evenly, which zeroes their first ⌊G/2⌋ circular moments:
    /// Σₘ |Σ_g e^{imψ_g}|² / (2Gm²). The sum is divided by its maximum 1 + (G/2) Σₘ 1/m², so the loss lies in [0, 1]
    /// and is 0 exactly when every group is locked and the groups are evenly spaced on the circle.
    /// </summary>
    /// <param name="phases">T×B×N phases.</param>
    /// <param name="labels">int64 B×N group of each oscillator in [0, G).</param>
    /// <param name="groups">Number of groups G ≥ 2.</param>
    /// <exception cref="PhospheneException">Shapes that do not match, or fewer than 2 groups.</exception>
    public static Tensor CircularMoments(Tensor phases, Tensor labels, int groups)
    {
        CheckPhases(phases);
        if (groups < 2) throw new PhospheneException($"group synchrony needs at least 2 groups, got {groups}");
        if (labels.dim() != 2 || labels.shape[0] != phases.shape[1] || labels.shape[1] != phases.shape[2] || labels.dtype != ScalarType.Int64)
            throw new PhospheneException(
                $"labels must be int64 B×N = {phases.shape[1]}×{phases.shape[2]} to match the phases, got {labels.dtype} [{string.Join(", ", labels.shape)}]");
        using var scope = NewDisposeScope();
        return CircularMoments(phases, nn.functional.one_hot(labels, groups).to_type(phases.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The circular-moment group loss of <see cref="CircularMoments(Tensor, Tensor, int)"/> with weighted membership:
    /// oscillator n counts in group g with weight w_ng ≥ 0 (an oscillator may belong to no group, e.g. background, or
    /// be weighted by its amplitude), so r_g and ψ_g are the weighted coherence and mean phase. Groups without weight in
    /// a network are left out of that network's terms.
    /// </summary>
    /// <param name="phases">T×B×N phases.</param>
    /// <param name="membership">B×N×G non-negative weights, G ≥ 2.</param>
    /// <exception cref="PhospheneException">Shapes that do not match, or fewer than 2 groups.</exception>
    public static Tensor CircularMoments(Tensor phases, Tensor membership)
    {
        CheckPhases(phases);
        if (membership.dim() != 3 || membership.shape[0] != phases.shape[1] || membership.shape[1] != phases.shape[2] || !is_floating_point(membership))
            throw new PhospheneException(
                $"membership must be float B×N×G with B×N = {phases.shape[1]}×{phases.shape[2]} to match the phases, got {membership.dtype} [{string.Join(", ", membership.shape)}]");
        int groups = (int)membership.shape[2];
        if (groups < 2) throw new PhospheneException($"group synchrony needs at least 2 groups, got {groups}");
        using var scope = NewDisposeScope();
        if (membership.numel() > 0 && membership.min().item<float>() < 0)
            throw new PhospheneException("membership weights must be zero or positive; use 0 for an oscillator outside a group");
        var (withinR, groupPhase, present) = GroupOrder(phases, membership);
        var count = present.sum(-1).clamp_min(1);                                  // B
        var synch = 1 - (withinR * present).sum(-1) / count;                       // T×B
        var desynch = zeros_like(synch);
        for (int m = 1; m <= groups / 2; m++)
        {
            var c = ((groupPhase * m).cos() * present).sum(-1);
            var s = ((groupPhase * m).sin() * present).sum(-1);
            desynch = desynch + (c * c + s * s) / (2.0 * groups * m * m);
        }
        double maximum = 1 + groups / 2.0 * Enumerable.Range(1, groups / 2).Sum(m => 1.0 / (m * m));
        return ((synch + desynch) / maximum).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Per group: coherence r_g and mean phase ψ_g (both T×B×G) and whether the group has members (B×G, float 0/1),
    /// for oscillators labelled by group (int64 B×N in [0, <paramref name="groups"/>)).
    /// </summary>
    public static (Tensor WithinCoherence, Tensor GroupPhase, Tensor Present) GroupOrder(Tensor phases, Tensor labels, int groups)
    {
        using var scope = NewDisposeScope();
        var (r, psi, present) = GroupOrder(phases, nn.functional.one_hot(labels, groups).to_type(phases.dtype));
        return (r.MoveToOuterDisposeScope(), psi.MoveToOuterDisposeScope(), present.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Per group: coherence r_g and mean phase ψ_g (both T×B×G) and whether the group has members (B×G, float 0/1),
    /// for oscillators weighted into groups by <paramref name="membership"/> (B×N×G, e.g. one-hot labels).
    /// </summary>
    public static (Tensor WithinCoherence, Tensor GroupPhase, Tensor Present) GroupOrder(Tensor phases, Tensor membership)
    {
        using var scope = NewDisposeScope();
        var size = membership.sum(1);                                                // B×G
        var c = einsum("tbn,bng->tbg", phases.cos(), membership) / size.clamp_min(1e-12);
        var s = einsum("tbn,bng->tbg", phases.sin(), membership) / size.clamp_min(1e-12);
        var r = (c * c + s * s + 1e-12).sqrt();
        var present = size.gt(0);
        // An empty group's mean is (0, 0): atan2's gradient there is 0/0, and NaN times the zero weight the group gets
        // downstream is still NaN, which reached every phase (KomplexNet training "diverged" when an object's own
        // pixels had no amplitude). Its phase is 0 either way; (1, 0) keeps the gradient 0.
        var psi = atan2(s, where(present, c, ones_like(c)));
        return (r.MoveToOuterDisposeScope(), psi.MoveToOuterDisposeScope(), present.to_type(phases.dtype).MoveToOuterDisposeScope());
    }

    static void CheckPhases(Tensor phases)
    {
        if (phases.dim() != 3 || !is_floating_point(phases))
            throw new PhospheneException($"phase trajectories must be float T×B×N (time × networks × oscillators), got {phases.dtype} [{string.Join(", ", phases.shape)}]");
    }
}
