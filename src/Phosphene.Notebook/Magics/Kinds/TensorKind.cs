using Microsoft.Data.Analysis;
using Phosphene.Data;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// A dense CPU tensor, optionally required to hold floating-point numbers: a <see cref="Tensor"/>, a number array
/// (1-D or 2-D, <c>long[]</c> / <c>int[]</c> for labels), a DataFrame's numeric columns, or an ImageDataset's images.
/// Sparse, disposed and GPU tensors are refused with the fix, before any method sees them.
/// </summary>
public sealed class TensorKind : MagicValueKind
{
    internal TensorKind(string name, string description, bool floating)
    {
        Name = name;
        Description = description;
        Floating = floating;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <summary>True when the values must be floating point (images, features, matrices).</summary>
    public bool Floating { get; }

    /// <inheritdoc/>
    public override Type ValueType => typeof(Tensor);

    /// <inheritdoc/>
    protected override object Convert(object value, string what)
    {
        var result = value switch
        {
            Tensor t => t,
            ImageDataset d => d.Images,
            float[,] a => tensor(a),
            double[,] a => tensor(a),
            float[] a => tensor(a),
            double[] a => tensor(a),
            long[] a => tensor(a),
            int[] a => tensor(a.Select(v => (long)v).ToArray()),
            DataFrame frame => TabularValues.FromWideFrame(frame, what),
            _ => throw Refuse(value, what),
        };
        return Check(result, what, Floating, allowSparse: false);
    }

    /// <summary>Refuses a disposed, sparse (unless allowed), non-CPU or (when <paramref name="floating"/>) integer tensor.</summary>
    internal static Tensor Check(Tensor tensor, string what, bool floating, bool allowSparse)
    {
        if (tensor.IsInvalid)
            throw new MagicException($"{what}: the tensor has been disposed; give one that is still alive (re-run the cell that made it)");
        if (tensor.is_sparse && !allowSparse)
            throw new MagicException($"{what} needs a dense tensor, got a sparse one; convert it with {{x.to_dense()}}");
        if (tensor.device_type != TorchSharp.DeviceType.CPU)
            throw new MagicException($"{what} needs a CPU tensor, got one on {tensor.device}; move it with {{x.cpu()}}");
        if (floating && !tensor.is_floating_point())
            throw new MagicException($"{what} needs floating-point values, got {tensor.dtype}; convert with {{x.to(ScalarType.Float32)}}");
        return tensor;
    }
}
