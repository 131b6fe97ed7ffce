using Phosphene.Data;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>Images given to a magic, and the labelled dataset they came from when one was given.</summary>
/// <param name="Images">Float images N×C×H×W (dense, CPU).</param>
/// <param name="Dataset">The dataset when an ImageDataset was given (its labels and name); null for a tensor.</param>
public sealed record ImageInputs(Tensor Images, ImageDataset? Dataset);

/// <summary>Images: a float tensor N×C×H×W, or an ImageDataset (whose labels stay available).</summary>
public sealed class ImagesKind : MagicValueKind
{
    /// <inheritdoc/>
    public override string Name => "images";

    /// <inheritdoc/>
    public override string Description => "images (a float tensor N×C×H×W or an ImageDataset)";

    /// <inheritdoc/>
    public override Type ValueType => typeof(ImageInputs);

    /// <inheritdoc/>
    protected override object Convert(object value, string what) => value switch
    {
        ImageDataset dataset => new ImageInputs(TensorKind.Check(dataset.Images, what, floating: true, allowSparse: false), dataset),
        Tensor tensor => new ImageInputs(TensorKind.Check(tensor, what, floating: true, allowSparse: false), null),
        _ => throw Refuse(value, what),
    };
}
