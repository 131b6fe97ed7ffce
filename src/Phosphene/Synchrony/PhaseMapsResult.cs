using System.Text.Json.Nodes;
using Phosphene.Results;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Phase maps of a complex network on some images: the images, the RGB maps (hue = phase, brightness = amplitude),
/// and, when object masks are known, the per-object coherence and the phase distance between the two objects.
/// </summary>
public sealed class PhaseMapsResult : IDisposable
{
    PhaseMapsResult(Tensor images, Tensor maps, Tensor? coherence, Tensor? separation)
    {
        Images = images;
        Maps = maps;
        Coherence = coherence;
        Separation = separation;
    }

    /// <summary>The input images, B×1×S×S.</summary>
    public Tensor Images { get; }
    /// <summary>Phase maps, B×3×H×W RGB in [0, 1].</summary>
    public Tensor Maps { get; }
    /// <summary>Coherence within each object's mask, B×2 (null without masks).</summary>
    public Tensor? Coherence { get; }
    /// <summary>Phase distance between the two objects in [0, π], B (null without masks).</summary>
    public Tensor? Separation { get; }

    /// <summary>Runs <paramref name="net"/> on <paramref name="images"/> and draws its phases.</summary>
    /// <param name="net">A complex variant (the real-valued baseline has no phases).</param>
    /// <param name="images">Images B×1×S×S.</param>
    /// <param name="masks">The two objects' masks B×2×S×S, or null.</param>
    /// <exception cref="PhospheneException">The real-valued baseline, or images that do not fit the network.</exception>
    public static PhaseMapsResult Compute(KomplexNet net, Tensor images, Tensor? masks)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(images);
        if (net.Options.Variant == KomplexVariant.Real)
            throw new PhospheneException("the real-valued baseline has no phases; train a complex variant");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var output = net.Run(images);
        var maps = KomplexNet.PhaseMaps(output);
        Tensor? coherence = null, separation = null;
        if (masks is not null) (coherence, separation) = KomplexNet.ObjectSynchrony(output, masks);
        return new PhaseMapsResult(images.clone().DetachFromDisposeScope(), maps.DetachFromDisposeScope(),
                                   coherence?.DetachFromDisposeScope(), separation?.DetachFromDisposeScope());
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        string sync = Coherence is null ? "" : FormattableString.Invariant(
            $"; mean within-object coherence {Coherence.mean().item<float>():F3}, mean phase distance between objects {Separation!.mean().item<float>():F2} rad");
        return $"phase maps of {Images.shape[0]} images{sync}";
    }

    /// <summary>
    /// Saves the maps to <paramref name="path"/> (see <see cref="ResultFile"/>) as the tensors <c>images</c>, <c>maps</c>
    /// and, with masks, <c>coherence</c> and <c>separation</c>. <see cref="Load"/> reads them back.
    /// </summary>
    /// <exception cref="PhospheneException">The path cannot be written.</exception>
    public void Save(string path)
    {
        var tensors = new List<(string, Tensor)> { ("images", Images), ("maps", Maps) };
        if (Coherence is not null) tensors.Add(("coherence", Coherence));
        if (Separation is not null) tensors.Add(("separation", Separation));
        ResultFile.Write(path, nameof(PhaseMapsResult), [], tensors);
    }

    /// <summary>Reads maps written by <see cref="Save"/>; the new result owns its tensors.</summary>
    /// <exception cref="PhospheneException">A missing or damaged file, or one that holds another type of result.</exception>
    public static PhaseMapsResult Load(string path)
    {
        using var file = ResultFile.Open(path, nameof(PhaseMapsResult));
        using var scope = NewDisposeScope();
        var images = file.Tensor("images");
        var maps = file.Tensor("maps");
        var coherence = file.OptionalTensor("coherence");
        var separation = file.OptionalTensor("separation");
        return new PhaseMapsResult(images.DetachFromDisposeScope(), maps.DetachFromDisposeScope(),
                                   coherence?.DetachFromDisposeScope(), separation?.DetachFromDisposeScope());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Maps.Dispose();
        Coherence?.Dispose();
        Separation?.Dispose();
    }
}
