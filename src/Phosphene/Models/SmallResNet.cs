using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Models;

/// <summary>
/// A small residual network for small images (He, Zhang, Ren and Sun 2016, "Deep Residual Learning for Image
/// Recognition", in the CIFAR form of its section 4.2: a 3×3 stem, no max-pool, stages that halve the resolution and
/// double the width, global average pooling), zoo name <c>resnet</c>, with torchvision's layer names.
/// </summary>
/// <remarks>
/// Layers, by path (defaults: width 16, 3 stages, 1 block per stage, 28×28 input):
/// <code>
/// conv1     Conv2d(C → 16, 3×3, padding 1, no bias)     N×16×28×28
/// bn1       BatchNorm2d(16)
/// relu      ReLU
/// layer1    Sequential of BasicBlock(16 → 16)            N×16×28×28   (layer1.0.conv1, layer1.0.bn1, ...)
/// layer2    Sequential of BasicBlock(16 → 32, stride 2)  N×32×14×14   (layer2.0.downsample.0 is the 1×1 shortcut)
/// layer3    Sequential of BasicBlock(32 → 64, stride 2)  N×64×7×7
/// avgpool   AdaptiveAvgPool2d(1)                         N×64×1×1
///           flatten                                      N×64
/// fc        Linear(64 → K)                               N×K logits
/// </code>
/// </remarks>
public sealed class SmallResNet : ZooModel
{
    // Field names are the submodule names (TorchSharp registers fields by name); the stages are registered by hand.
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly ReLU relu;
    readonly Sequential[] stages;
    readonly AdaptiveAvgPool2d avgpool;
    readonly Linear fc;

    /// <summary>Builds the network with freshly initialised weights (from the global generator: seed it with <see cref="GlobalRandomScope"/>, as <see cref="ZooEntry.Create"/> does).</summary>
    public SmallResNet(SmallResNetHyperparameters? hyperparameters = null) : base("resnet", hyperparameters ?? new())
    {
        var h = (SmallResNetHyperparameters)Hyperparameters;
        conv1 = nn.Conv2d(h.InputChannels, h.Width, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(h.Width);
        relu = nn.ReLU();
        register_module(nameof(conv1), conv1);
        register_module(nameof(bn1), bn1);
        register_module(nameof(relu), relu);

        stages = new Sequential[h.Stages];
        long channels = h.Width;
        for (int s = 0; s < h.Stages; s++)
        {
            long width = (long)h.Width << s, stride = s == 0 ? 1 : 2;
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int b = 0; b < h.BlocksPerStage; b++)
            {
                blocks.Add((b.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    new BasicBlock(channels, width, b == 0 ? stride : 1)));
                channels = width;
            }
            stages[s] = nn.Sequential(blocks);
            register_module($"layer{s + 1}", stages[s]);
        }

        avgpool = nn.AdaptiveAvgPool2d(1);
        fc = nn.Linear(channels, h.NumClasses);
        register_module(nameof(avgpool), avgpool);
        register_module(nameof(fc), fc);
        RegisterComponents();
    }

    /// <inheritdoc />
    protected override Tensor Logits(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = relu.call(bn1.call(conv1.call(images)));
        foreach (var stage in stages) x = stage.call(x);
        return fc.call(avgpool.call(x).flatten(1)).MoveToOuterDisposeScope();
    }
}
