using Phosphene.Models;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// A model: a zoo <see cref="TrainedModel"/> (its network is taken), a <see cref="ZooModel"/>, or, unless
/// <see cref="ZooOnly"/>, any module mapping one tensor to one tensor.
/// </summary>
public sealed class ModelKind : MagicValueKind
{
    internal ModelKind(bool zooOnly) => ZooOnly = zooOnly;

    /// <summary>True when only zoo models are accepted (methods that need layer paths and the class count).</summary>
    public bool ZooOnly { get; }

    /// <inheritdoc/>
    public override string Name => ZooOnly ? "zoo-model" : "model";

    /// <inheritdoc/>
    public override string Description => ZooOnly
        ? "a zoo model (a ZooModel or TrainedModel)"
        : "a model (a TrainedModel, ZooModel or any module mapping a tensor to a tensor)";

    /// <inheritdoc/>
    public override Type ValueType => ZooOnly ? typeof(ZooModel) : typeof(nn.Module<Tensor, Tensor>);

    /// <inheritdoc/>
    protected override object Convert(object value, string what) => value switch
    {
        TrainedModel trained => trained.Model,
        ZooModel zoo => zoo,
        nn.Module<Tensor, Tensor> module when !ZooOnly => module,
        _ => throw Refuse(value, what),
    };
}
