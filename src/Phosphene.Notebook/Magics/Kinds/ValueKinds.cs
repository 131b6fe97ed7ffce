using Phosphene.Probing;
using Phosphene.Synchrony;

namespace Phosphene.Notebook.Magics;

/// <summary>The value kinds of the toolkit's magics (see <see cref="MagicValueKind"/>).</summary>
public static class ValueKinds
{
    /// <summary>Any dense CPU tensor (labels, targets, indices): a tensor or a number array.</summary>
    public static TensorKind Tensor { get; } = new("tensor", "a tensor (dense, on the CPU) or a number array", floating: false);

    /// <summary>A float matrix N×D (features, activations): a tensor, a number array or a DataFrame's numeric columns.</summary>
    public static TensorKind Matrix { get; } = new("matrix", "a float matrix (a tensor N×D, a number array or a DataFrame)", floating: true);

    /// <summary>Images N×C×H×W or an ImageDataset.</summary>
    public static ImagesKind Images { get; } = new();

    /// <summary>Any model mapping a tensor to a tensor (a TrainedModel gives its network).</summary>
    public static ModelKind Model { get; } = new(zooOnly: false);

    /// <summary>A zoo model (layer paths and class count known).</summary>
    public static ModelKind ZooModel { get; } = new(zooOnly: true);

    /// <summary>A table of numbers: tensor, array, DataFrame (wide or long) or CSV path.</summary>
    public static TableKind Table { get; } = new();

    /// <summary>A coupling topology of oscillators.</summary>
    public static CouplingKind Coupling { get; } = new();

    /// <summary>Natural frequencies of oscillators.</summary>
    public static FrequenciesKind Frequencies { get; } = new();

    /// <summary>A complex-valued network whose phases can be drawn (a komplexnet result or a KomplexNet).</summary>
    public static PhaseModelKind PhaseModel { get; } = new();

    /// <summary>Spatial pooling of convolutional activations before a probe.</summary>
    public static WordKind<SpatialPooling> Pooling { get; } = new("pooling", "flatten, avg or grid:k", SpatialPooling.Parse, ["flatten", "avg", "grid:4"]);

    /// <summary>What KuraNet learns to do: synchronise, or cluster 2-D points.</summary>
    public static WordKind<SynchronyTask> KuraNetTask { get; } = new("task", "global, global:<distribution> or clusters:moons|circles|gaussians",
        SynchronyTask.Parse, ["global", "global:uniform(-1,1)", "clusters:moons", "clusters:circles", "clusters:gaussians"]);
}
