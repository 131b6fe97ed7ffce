using Phosphene.Data;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>A trained KomplexNet (or baseline, fresh or from the checkpoint cache) and its held-out composites.</summary>
public sealed class KomplexNetRun(TrainedKomplexNet trained, OverlappingObjectsDataset test) : IDisposable
{
    /// <summary>The trained network.</summary>
    public KomplexNet Net => Trained.Net;
    /// <summary>The network with its checkpoint metadata (training time, per-epoch history, whether it came from the cache).</summary>
    public TrainedKomplexNet Trained { get; } = trained;
    /// <summary>The held-out composites (images, labels, masks).</summary>
    public OverlappingObjectsDataset Test { get; } = test;
    /// <summary>Mean training loss per epoch.</summary>
    public IReadOnlyList<double> Losses => Trained.Metadata.History.Select(e => e.Loss).ToList();
    /// <summary>Fraction of test images whose two highest logits are their two classes.</summary>
    public double Accuracy => Trained.Metadata.TestAccuracy;

    /// <summary>
    /// Phase maps of <paramref name="images"/>, or, by default, of the first <paramref name="count"/> test composites
    /// with their per-object coherence and phase separation (the masks are known).
    /// </summary>
    public PhaseMapsResult PhaseMaps(Tensor? images = null, int count = 6)
    {
        if (images is not null)
            return PhaseMapsResult.Compute(Net, images, null);
        var shown = Math.Min(count, Test.Count);
        return PhaseMapsResult.Compute(Net, Test.Images.narrow(0, 0, shown), Test.Masks.narrow(0, 0, shown));
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant(
        $"KomplexNet ({Net.Options.Variant}): test accuracy {Accuracy:P1} on {Test.Count} composites at overlap {Test.Overlap:P0}; loss {string.Join(" → ", Losses.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}; trained in {Trained.Metadata.TrainSeconds:F0} s{(Trained.FromCache ? " (loaded from cache)" : "")}");

    /// <inheritdoc/>
    public void Dispose()
    {
        Trained.Dispose();
        Test.Dispose();
    }
}
