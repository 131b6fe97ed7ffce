using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests;

/// <summary>TorchSharp's native library loads (see environment/README.md) and autograd works end to end.</summary>
public class TorchSharpLoadTests
{
    [Fact]
    public void ForwardAndBackwardMatchAnalyticGradient()
    {
        using var scope = NewDisposeScope();
        // y = sum(W x + b)^2 over a 2-sample batch; dy/dW = 2 * sum_n (W x_n + b) x_n^T.
        var linear = nn.Linear(3, 2);
        using (no_grad())
        {
            linear.weight!.copy_(tensor(new float[] { 1, 2, 3, -1, 0, 1 }).reshape(2, 3));
            linear.bias!.copy_(tensor(new float[] { 0.5f, -0.5f }));
        }
        var x = tensor(new float[] { 1, 0, 2, -1, 1, 0 }).reshape(2, 3);
        var output = linear.forward(x);
        Assert.Equal(new float[] { 7.5f, 0.5f, 1.5f, 0.5f }, output.data<float>().ToArray());

        output.pow(2).sum().backward();
        // residuals r = [[7.5, 0.5], [1.5, 0.5]]; grad W = 2 * r^T x.
        var expected = new float[] { 2 * (7.5f * 1 + 1.5f * -1), 2 * (7.5f * 0 + 1.5f * 1), 2 * (7.5f * 2 + 1.5f * 0),
                                     2 * (0.5f * 1 + 0.5f * -1), 2 * (0.5f * 0 + 0.5f * 1), 2 * (0.5f * 2 + 0.5f * 0) };
        Assert.Equal(expected, linear.weight!.grad!.data<float>().ToArray());
        Assert.Equal(new float[] { 2 * (7.5f + 1.5f), 2 * (0.5f + 0.5f) }, linear.bias!.grad!.data<float>().ToArray());
    }
}
