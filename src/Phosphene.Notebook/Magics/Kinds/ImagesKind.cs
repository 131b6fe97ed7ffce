using Phosphene.Data;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>Images given to a magic, and the labelled dataset they came from when one was given.</summary>
/// <param name="Images">Float images N×C×H×W (dense, CPU).</param>
/// <param name="Dataset">The dataset when an ImageDataset was given (its labels and name); null for a tensor.</param>
public sealed record ImageInputs(Tensor Images, ImageDataset? Dataset)
{
    /// <summary>
    /// The images of class <paramref name="classIndex"/> when a labelled dataset was given (CRAFT explains a class from
    /// its own images); images given as a tensor are taken as they are.
    /// </summary>
    /// <exception cref="PhospheneException">The dataset has no image of the class.</exception>
    public Tensor OfClass(long classIndex)
    {
        if (Dataset is not { } dataset)
            return Images;
        using var members = dataset.Labels.eq(classIndex).nonzero().flatten();
        if (members.shape[0] == 0)
            throw new PhospheneException($"the dataset '{dataset.Name}' has no image of class {classIndex}; pick a class it contains or pass the images as a tensor");
        return dataset.Images.index_select(0, members);
    }
}

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
