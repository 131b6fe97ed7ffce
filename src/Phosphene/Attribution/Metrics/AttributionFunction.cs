using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// An attribution method as the metrics see it: explains <paramref name="inputs"/> (float32 N×C×H×W) for the classes
/// <paramref name="targets"/> (int64 N) of <paramref name="model"/> and returns float32 N×H×W maps. Any
/// <see cref="AttributionMethod"/> plugs in as <c>method.AsFunction()</c> (see <see cref="AttributionFunctions"/>). Metrics that re-explain (stability, randomisation,
/// random logit, MeGe/ReCo, the FORGrad cutoff search) call it on batches of at most their <c>BatchSize</c> inputs.
/// </summary>
public delegate Tensor AttributionFunction(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets);

/// <summary>Adapts the attribution methods of <c>Phosphene.Attribution</c> to <see cref="AttributionFunction"/>.</summary>
public static class AttributionFunctions
{
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AttributionMethod, AttributionFunction> Adapted = new();

    /// <summary>
    /// <paramref name="method"/>'s <c>Attribute</c> as an <see cref="AttributionFunction"/> (no progress, no
    /// cancellation). The same method always gives the same delegate, so MeGe and ReCo of one method share their run.
    /// </summary>
    public static AttributionFunction AsFunction(this AttributionMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return Adapted.GetValue(method, m => (model, inputs, targets) => m.Attribute(model, inputs, targets));
    }
}
