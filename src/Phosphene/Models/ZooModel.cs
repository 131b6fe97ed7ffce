using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Models;

/// <summary>
/// The shared base of the zoo's image classifiers: maps float32 N×C×H×W images in [0, 1] to N×K logits. Every layer
/// is a named submodule, so it is addressable by a PyTorch-style path (<c>features.2</c>, <c>layer3.0.conv1</c>) for
/// forward hooks, and the state-dict keys equal those of the PyTorch twin in <c>Models/PyTorch/phosphene_zoo.py</c>.
/// </summary>
/// <remarks>
/// TorchSharp's <c>Sequential</c> disposes intermediate outputs once the next layer has consumed them: a forward hook
/// that keeps an activation must keep a copy (<c>output.detach().clone()</c>), not the tensor it was handed.
/// </remarks>
public abstract class ZooModel : nn.Module<Tensor, Tensor>
{
    IReadOnlyList<string>? layerPaths;

    /// <summary>Creates the base; derived constructors build their submodules, then call <c>RegisterComponents()</c>.</summary>
    /// <param name="architecture">The zoo name, e.g. <c>cnn</c>.</param>
    /// <param name="hyperparameters">Validated hyper-parameters the model was built from.</param>
    protected ZooModel(string architecture, ModelHyperparameters hyperparameters) : base(architecture)
    {
        hyperparameters.Validate();
        Architecture = architecture;
        Hyperparameters = hyperparameters;
    }

    /// <summary>The zoo name of the architecture, e.g. <c>cnn</c> or <c>resnet</c>.</summary>
    public string Architecture { get; }

    /// <summary>The hyper-parameters the model was built from.</summary>
    public ModelHyperparameters Hyperparameters { get; }

    /// <summary>Number of trainable scalars (the sum of every parameter's element count).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Every submodule's path, depth first in definition order, as PyTorch's <c>named_modules()</c> lists them.</summary>
    public IReadOnlyList<string> LayerPaths => layerPaths ??= Walk(this, "").Select(e => e.Path).ToArray();

    /// <summary>The submodule at <paramref name="path"/>, e.g. <c>features.2</c> or <c>layer3.0.conv1</c>.</summary>
    /// <exception cref="PhospheneException">No such path; the message suggests the closest one and lists them all.</exception>
    public nn.Module Layer(string path)
    {
        foreach (var (p, module) in Walk(this, ""))
            if (p == path) return module;
        throw new PhospheneException(
            $"unknown layer '{path}'{Suggestions.DidYouMean(path, LayerPaths)} (layers of {Architecture}: {string.Join(", ", LayerPaths)})");
    }

    /// <summary>Logits N×K for images N×C×H×W; checks the input shape first.</summary>
    /// <exception cref="PhospheneException">The input is not N×C×H×W float32 with this model's C, H and W.</exception>
    public sealed override Tensor forward(Tensor images)
    {
        var h = Hyperparameters;
        if (images.dim() != 4 || images.shape[1] != h.InputChannels || images.shape[2] != h.ImageSize
            || images.shape[3] != h.ImageSize || images.dtype != ScalarType.Float32)
            throw new PhospheneException(
                $"{Architecture} expects float32 images N×{h.InputChannels}×{h.ImageSize}×{h.ImageSize}, " +
                $"got {images.dtype} [{string.Join(", ", images.shape)}]");
        return Logits(images);
    }

    /// <summary>The network itself: logits N×K for already validated images N×C×H×W.</summary>
    protected abstract Tensor Logits(Tensor images);

    static IEnumerable<(string Path, nn.Module Module)> Walk(nn.Module module, string prefix)
    {
        foreach (var (name, child) in module.named_children())
        {
            string path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return (path, child);
            foreach (var inner in Walk(child, path)) yield return inner;
        }
    }
}
