using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Guided Backpropagation (J. T. Springenberg, A. Dosovitskiy, T. Brox and M. Riedmiller, 2015, "Striving for
/// simplicity: The all convolutional net"): the input gradient computed with every ReLU passing back only positive
/// gradients where its input was positive.
/// </summary>
/// <remarks>
/// Map: max over c of |guided ∂f/∂x_c|, float32 N×H×W. Every <see cref="ReLU"/> module of the model is guided, through
/// a forward hook that swaps its output for a custom autograd function for the duration of the call (ReLUs applied as
/// functions inside a <c>forward</c>, not as modules, cannot be reached and stay ordinary).
/// </remarks>
public sealed class GuidedBackprop : GradientAttribution
{
    /// <inheritdoc />
    public override string Name => "guided-backprop";

    /// <inheritdoc />
    public override string Parameters => "guided ReLU modules, |gradient| max over channels";

    /// <inheritdoc />
    protected override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        var relus = run.Model.modules().OfType<ReLU>().ToList();
        if (relus.Count == 0)
            throw new PhospheneException("guided-backprop: the model has no ReLU modules to guide; use saliency instead");
        var hooks = relus.Select(r => r.register_forward_hook((_, input, _) => GuidedRelu.apply(input))).ToList();
        try
        {
            return MaxAbsOverChannels(InputGradients(run, inputs, targets));
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
        }
    }

    /// <summary>ReLU forward; backward passes grad · 1[grad &gt; 0] · 1[output &gt; 0].</summary>
    sealed class GuidedRelu : autograd.SingleTensorFunction<GuidedRelu>
    {
        public override string Name => "GuidedRelu";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var output = ((Tensor)vars[0]).relu();
            ctx.save_for_backward([output]);
            return output;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            using var output = ctx.get_saved_variables()[0];
            using var positive = output.gt(0);
            return [grad_output.clamp_min(0) * positive];
        }
    }
}
