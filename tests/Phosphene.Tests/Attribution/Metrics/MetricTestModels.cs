using Phosphene.Attribution.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

/// <summary>
/// A linear classifier on flattened C×H×W images: logits = x·Wᵀ + b, with known weights, so the true importance of
/// each pixel for class c is w_c ⊙ x (summed over channels) and the gradient is w_c.
/// </summary>
public sealed class LinearClassifier : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.Linear linear;

    public LinearClassifier(Tensor weight, Tensor? bias = null) : base("linear")
    {
        linear = nn.Linear(weight.shape[1], weight.shape[0], hasBias: true);
        RegisterComponents();
        using var noGrad = no_grad();
        linear.weight!.copy_(weight);
        if (bias is null) linear.bias!.zero_();
        else linear.bias!.copy_(bias);
    }

    public Tensor Weight => linear.weight!;

    public override Tensor forward(Tensor x)
    {
        using var flat = x.flatten(1);
        return linear.call(flat);
    }
}

/// <summary>Explainers written in the tests: autograd gradients and maps that ignore the model.</summary>
public static class TestExplainers
{
    /// <summary>∂logit_target/∂x, summed over channels: for a linear model, w_target.</summary>
    public static readonly AttributionFunction Gradient = (model, inputs, targets) => GradientMap(model, inputs, targets, timesInput: false);

    /// <summary>x ⊙ ∂logit_target/∂x summed over channels: for a linear model with no bias, the exact contributions.</summary>
    public static readonly AttributionFunction GradientTimesInput = (model, inputs, targets) => GradientMap(model, inputs, targets, timesInput: true);

    /// <summary>|∂logit_target/∂x| maximised over channels (Simonyan et al.'s saliency).</summary>
    public static readonly AttributionFunction Saliency = (model, inputs, targets) =>
    {
        using var scope = NewDisposeScope();
        var x = inputs.detach().clone().requires_grad_(true);
        var logits = model.call(x);
        logits.gather(1, targets.unsqueeze(1)).sum().backward();
        return x.grad!.abs().amax([1]).detach().MoveToOuterDisposeScope();
    };

    /// <summary>The image itself (channel mean): a map that ignores the model and the class.</summary>
    public static readonly AttributionFunction InputIntensity = (model, inputs, targets) => inputs.mean([1]);

    static Tensor GradientMap(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, bool timesInput)
    {
        using var scope = NewDisposeScope();
        var x = inputs.detach().clone().requires_grad_(true);
        var logits = model.call(x);
        logits.gather(1, targets.unsqueeze(1)).sum().backward();
        var g = x.grad!;
        var map = (timesInput ? g * inputs : g).sum([1]);
        return map.detach().MoveToOuterDisposeScope();
    }
}
