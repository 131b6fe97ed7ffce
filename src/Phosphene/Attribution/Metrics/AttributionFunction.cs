using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// An attribution method as the metrics see it: explains <paramref name="inputs"/> (float32 N×C×H×W) for the classes
/// <paramref name="targets"/> (int64 N) of <paramref name="model"/> and returns float32 N×H×W maps. Any method's
/// <c>Attribute</c> plugs in directly (<c>method.Attribute</c>). Metrics that re-explain (stability, randomisation,
/// random logit, MeGe/ReCo, the FORGrad cutoff search) call it on batches of at most their <c>BatchSize</c> inputs.
/// </summary>
public delegate Tensor AttributionFunction(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets);
