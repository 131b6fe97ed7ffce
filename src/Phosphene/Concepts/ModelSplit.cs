using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>
/// A zoo model cut at a named layer into g (images → activations at that layer) and h (activations → logits), so
/// that f = h ∘ g, as concept methods need (Fel et al. 2023, "CRAFT: Concept Recursive Activation FacTorization for
/// Explainability", CVPR). Works for any layer path of any <see cref="ZooModel"/> whose module runs exactly once per
/// forward pass (<c>features.6</c> of <c>cnn</c>, <c>layer2</c> or <c>layer3.0</c> of <c>resnet</c>).
/// </summary>
/// <remarks>
/// Both halves run the model's own forward pass with a forward hook on the split layer: g stops the pass right after
/// the layer, h replaces the layer's output with the given activations (the layers before it then run on a zero
/// batch and their output is discarded). So no architecture is hard-wired, and gradients flow through both halves.
/// The split puts the model in evaluation mode (batch-norm statistics, no dropout), as concept extraction requires.
/// </remarks>
public sealed class ModelSplit
{
    readonly nn.Module<Tensor, Tensor> _module;

    /// <summary>Cuts <paramref name="model"/> after the layer at <paramref name="layer"/>.</summary>
    /// <param name="model">A zoo model; it is switched to evaluation mode.</param>
    /// <param name="layer">A path from <see cref="ZooModel.LayerPaths"/>, e.g. <c>features.6</c>.</param>
    /// <exception cref="PhospheneException">Unknown layer (with a suggestion), or a layer that runs more than once per
    /// forward pass (a shared ReLU), or whose output is not a tensor.</exception>
    public ModelSplit(ZooModel model, string layer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layer);
        Model = model;
        Layer = layer;
        _module = model.Layer(layer) as nn.Module<Tensor, Tensor>
                 ?? throw new PhospheneException($"layer '{layer}' of {model.Architecture} does not map a tensor to a tensor; split at another layer");
        model.eval();

        var h = model.Hyperparameters;
        int calls = 0;
        long[] shape = [];
        var remover = _module.register_forward_hook((_, _, output) => { calls++; shape = output.shape[1..]; return output; });
        try
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            model.call(zeros(1, h.InputChannels, h.ImageSize, h.ImageSize));
        }
        finally { remover.remove(); }
        if (calls != 1)
            throw new PhospheneException(
                $"layer '{layer}' of {model.Architecture} runs {calls} times per forward pass, so the model cannot be split there; " +
                "split at the block that contains it (e.g. 'layer1.0' instead of 'layer1.0.relu')");
        ActivationShape = shape;

        // A true cut: nothing after the layer may read earlier activations (a residual shortcut around it would).
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            using var generator = new Generator().manual_seed(0);
            var probe = rand([2, h.InputChannels, h.ImageSize, h.ImageSize], generator: generator);
            var direct = model.call(probe);
            var recomposed = Logits(Activations(probe));
            double tolerance = 1e-4 * Math.Max(1, direct.abs().max().item<float>());
            if ((direct - recomposed).abs().max().item<float>() > tolerance)
                throw new PhospheneException(
                    $"layer '{layer}' is not a cut of {model.Architecture}: later layers also read activations from before it " +
                    "(a residual shortcut), so h(g(x)) would differ from the model; split at a block boundary such as " +
                    $"'{BlockOf(model, layer)}'");
        }
    }

    static string BlockOf(ZooModel model, string layer)
    {
        // The deepest enclosing path that is itself a valid split point is not known without probing; suggest the parent.
        int dot = layer.LastIndexOf('.');
        return dot > 0 ? layer[..dot] : model.LayerPaths[^1];
    }

    /// <summary>The model being split.</summary>
    public ZooModel Model { get; }

    /// <summary>The layer path after which the model is cut.</summary>
    public string Layer { get; }

    /// <summary>Shape of one image's activations at the split, without the batch: C×H×W for convolutional layers.</summary>
    public IReadOnlyList<long> ActivationShape { get; }

    /// <summary>Channels C of the activations (the first entry of <see cref="ActivationShape"/>).</summary>
    public long Channels => ActivationShape[0];

    /// <summary>True when the activations have a spatial layout (C×H×W), false for vectors.</summary>
    public bool IsSpatial => ActivationShape.Count == 3;

    /// <summary>g: activations N×<see cref="ActivationShape"/> of images N×C×S×S at the model's input size.</summary>
    /// <remarks>Differentiable with respect to <paramref name="images"/>; the layers after the split do not run.</remarks>
    public Tensor Activations(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        Tensor? captured = null;
        var remover = _module.register_forward_hook((_, _, output) =>
        {
            captured = output.alias().DetachFromDisposeScope();
            throw new ForwardStopped();
        });
        try { Model.call(images); }
        catch (ForwardStopped) { }
        finally { remover.remove(); }
        scope.Attach(captured!);
        return captured!.MoveToOuterDisposeScope();
    }

    /// <summary>h: logits N×K from activations N×<see cref="ActivationShape"/> (float32), differentiable.</summary>
    /// <exception cref="PhospheneException">The activations do not have the split's shape.</exception>
    public Tensor Logits(Tensor activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        if (activations.dim() != ActivationShape.Count + 1 || !activations.shape[1..].SequenceEqual(ActivationShape))
            throw new PhospheneException(
                $"activations at '{Layer}' must be N×{string.Join("×", ActivationShape)}, got [{string.Join(", ", activations.shape)}]");
        using var scope = NewDisposeScope();
        var h = Model.Hyperparameters;
        var input = activations.dtype == ScalarType.Float32 ? activations : activations.to_type(ScalarType.Float32);
        // A fresh handle each call: Sequential disposes intermediate outputs once consumed.
        var remover = _module.register_forward_hook((_, _, _) => input.alias());
        try
        {
            // One placeholder image: the layers before the cut run once, the replaced output carries the batch.
            using var placeholder = zeros(1, h.InputChannels, h.ImageSize, h.ImageSize);
            return Model.call(placeholder).MoveToOuterDisposeScope();
        }
        finally { remover.remove(); }
    }

    /// <summary>The model's input size S (images are S×S) and channel count.</summary>
    public (int Channels, int Size) InputShape => (Model.Hyperparameters.InputChannels, Model.Hyperparameters.ImageSize);

    /// <inheritdoc />
    public override string ToString() => $"ModelSplit({Model.Architecture} at '{Layer}', activations {string.Join("×", ActivationShape)})";

    sealed class ForwardStopped : Exception;
}
