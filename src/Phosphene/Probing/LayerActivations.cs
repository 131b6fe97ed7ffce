using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>Pooled activations of several layers for the same N inputs: layer path → float32 N×D. Owns its tensors.</summary>
public sealed class LayerActivations : IDisposable
{
    readonly IReadOnlyDictionary<string, Tensor> _byLayer;

    /// <summary>Wraps layer activations (takes ownership); every matrix must have the same N.</summary>
    public LayerActivations(IReadOnlyList<string> layers, IReadOnlyDictionary<string, Tensor> activations)
    {
        Layers = layers;
        _byLayer = activations;
        var counts = layers.Select(l => activations[l].shape[0]).Distinct().ToArray();
        if (counts.Length > 1)
            throw new PhospheneException($"layer activations must share N; got {string.Join(", ", layers.Select(l => $"{l}: {activations[l].shape[0]}"))}");
    }

    /// <summary>Layer paths in the order they were asked for.</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>Number of inputs N.</summary>
    public long Count => _byLayer[Layers[0]].shape[0];

    /// <summary>The activations N×D of <paramref name="layer"/>.</summary>
    /// <exception cref="PhospheneException">A layer that was not captured (with a suggestion).</exception>
    public Tensor this[string layer] => _byLayer.TryGetValue(layer, out var t) ? t
        : throw new PhospheneException($"layer '{layer}' was not captured{Suggestions.DidYouMean(layer, Layers)} (captured: {string.Join(", ", Layers)})");

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(", ", Layers.Select(l => $"{l}: {string.Join("×", _byLayer[l].shape)}"));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _byLayer.Values) t.Dispose();
    }
}
