using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Models;

/// <summary>
/// The basic residual block of He, Zhang, Ren and Sun (2016), "Deep Residual Learning for Image Recognition":
/// <c>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c>, with torchvision's submodule names
/// (<c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>conv2</c>, <c>bn2</c>, <c>downsample</c>).
/// </summary>
/// <remarks>
/// Input N×in×H×W, output N×out×⌈H/stride⌉×⌈W/stride⌉. The shortcut is the identity when shape is kept, else
/// <c>downsample</c> = Sequential(1×1 convolution with the stride, BatchNorm2d) (option B of the paper).
/// As in torchvision, the single <c>relu</c> module runs twice per forward pass, so a hook on it fires twice;
/// hook the block itself for its output.
/// </remarks>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    // Field names are the submodule names (TorchSharp registers fields by name).
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly ReLU relu;
    readonly Conv2d conv2;
    readonly BatchNorm2d bn2;
    readonly Sequential? downsample;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="stride">Stride of <c>conv1</c> and of the shortcut; 2 halves the resolution.</param>
    public BasicBlock(long inChannels, long outChannels, long stride = 1) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
            downsample = nn.Sequential(
                ("0", nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)),
                ("1", nn.BatchNorm2d(outChannels)));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var residual = bn2.call(conv2.call(relu.call(bn1.call(conv1.call(input)))));
        var shortcut = downsample is null ? input : downsample.call(input);
        return relu.call(residual + shortcut).MoveToOuterDisposeScope();
    }
}
