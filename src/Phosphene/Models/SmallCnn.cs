using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Models;

/// <summary>
/// A small LeNet-style convolutional network (LeCun, Bottou, Bengio and Haffner 1998, "Gradient-based learning
/// applied to document recognition") with batch normalisation (Ioffe and Szegedy 2015, "Batch Normalization:
/// Accelerating Deep Network Training by Reducing Internal Covariate Shift"), zoo name <c>cnn</c>.
/// </summary>
/// <remarks>
/// Layers, by path (C = <see cref="ModelHyperparameters.InputChannels"/>, S = image size, K = classes):
/// <code>
/// features.0  Conv2d(C → conv1, 3×3, padding 1, no bias)   N×conv1×S×S
/// features.1  BatchNorm2d(conv1)
/// features.2  ReLU
/// features.3  MaxPool2d(2)                                 N×conv1×S/2×S/2
/// features.4  Conv2d(conv1 → conv2, 3×3, padding 1, no bias)
/// features.5  BatchNorm2d(conv2)
/// features.6  ReLU
/// features.7  MaxPool2d(2)                                 N×conv2×S/4×S/4
///             flatten                                      N×(conv2·S/4·S/4)
/// classifier.0  Linear(conv2·S/4·S/4 → hidden)
/// classifier.1  ReLU
/// classifier.2  Dropout(p)
/// classifier.3  Linear(hidden → K)                         N×K logits
/// </code>
/// </remarks>
public sealed class SmallCnn : ZooModel
{
    // Field names are the submodule names (TorchSharp registers fields by name).
    readonly Sequential features;
    readonly Sequential classifier;

    /// <summary>Builds the network with freshly initialised weights (from the global generator: seed it with <see cref="GlobalRandomScope"/>, as <see cref="ZooEntry.Create"/> does).</summary>
    public SmallCnn(SmallCnnHyperparameters? hyperparameters = null) : base("cnn", hyperparameters ?? new())
    {
        var h = (SmallCnnHyperparameters)Hyperparameters;
        long pooled = h.ImageSize / 2 / 2;
        features = nn.Sequential(
            ("0", nn.Conv2d(h.InputChannels, h.Conv1Channels, 3, padding: 1, bias: false)),
            ("1", nn.BatchNorm2d(h.Conv1Channels)),
            ("2", nn.ReLU()),
            ("3", nn.MaxPool2d(2)),
            ("4", nn.Conv2d(h.Conv1Channels, h.Conv2Channels, 3, padding: 1, bias: false)),
            ("5", nn.BatchNorm2d(h.Conv2Channels)),
            ("6", nn.ReLU()),
            ("7", nn.MaxPool2d(2)));
        classifier = nn.Sequential(
            ("0", nn.Linear(h.Conv2Channels * pooled * pooled, h.HiddenUnits)),
            ("1", nn.ReLU()),
            ("2", nn.Dropout(h.Dropout)),
            ("3", nn.Linear(h.HiddenUnits, h.NumClasses)));
        RegisterComponents();
    }

    /// <inheritdoc />
    protected override Tensor Logits(Tensor images)
    {
        using var maps = features.call(images);
        using var flat = maps.flatten(1);
        return classifier.call(flat);
    }

}
