using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution;

/// <summary>f(x) = W·vec(x) + b: every attribution of a linear model has a closed form.</summary>
public sealed class LinearImageModel : nn.Module<Tensor, Tensor>
{
    readonly Linear linear;

    public LinearImageModel(Tensor weight, Tensor bias) : base("linear")
    {
        linear = nn.Linear(weight.shape[1], weight.shape[0]);
        using (no_grad())
        {
            linear.weight!.copy_(weight);
            linear.bias!.copy_(bias);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var flat = x.flatten(1);
        return linear.call(flat);
    }
}

/// <summary>A tiny CNN for 1×16×16 images: conv(8) → ReLU → pool → conv(8) → ReLU → pool → linear(2).</summary>
public sealed class TinyCnn : nn.Module<Tensor, Tensor>
{
    readonly Sequential features;
    readonly Linear classifier;

    public TinyCnn() : base("tiny")
    {
        features = nn.Sequential(
            ("0", nn.Conv2d(1, 8, 3, padding: 1)), ("1", nn.ReLU()), ("2", nn.MaxPool2d(2)),
            ("3", nn.Conv2d(8, 8, 3, padding: 1)), ("4", nn.ReLU()), ("5", nn.MaxPool2d(2)));
        classifier = nn.Linear(8 * 4 * 4, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var maps = features.call(x);
        using var flat = maps.flatten(1);
        return classifier.call(flat);
    }
}

/// <summary>
/// The synthetic localisation task: 1×16×16 noise images; class 1 has a bright 4×4 square inside the top-left 8×8
/// quadrant, class 0 has none there; in both classes a distractor square appears in another quadrant half the time.
/// Only the top-left quadrant carries the label.
/// </summary>
public static class RegionTask
{
    public static (Tensor Images, Tensor Labels) Make(int count, long seed)
    {
        using var generator = new Generator((ulong)seed);
        var images = rand([count, 1, 16, 16], generator: generator) * 0.2f;
        var labels = zeros(count, ScalarType.Int64);
        var draws = randint(0, 1 << 20, [count, 6], generator: generator).data<long>().ToArray();
        for (int i = 0; i < count; i++)
        {
            long label = draws[i * 6] % 2;
            labels[i] = label;
            if (label == 1)
                images[i, 0, TensorIndex.Slice(draws[i * 6 + 1] % 5, draws[i * 6 + 1] % 5 + 4),
                       TensorIndex.Slice(draws[i * 6 + 2] % 5, draws[i * 6 + 2] % 5 + 4)] = 1.0f;
            if (draws[i * 6 + 3] % 2 == 0)
            {
                long quadrant = 1 + draws[i * 6 + 4] % 3; // 1 top-right, 2 bottom-left, 3 bottom-right
                long top = (quadrant >= 2 ? 8 : 0) + draws[i * 6 + 5] % 5, left = (quadrant % 2 == 1 ? 8 : 0) + draws[i * 6 + 5] / 5 % 5;
                images[i, 0, TensorIndex.Slice(top, top + 4), TensorIndex.Slice(left, left + 4)] = 1.0f;
            }
        }
        return (images, labels);
    }

    /// <summary>A TinyCnn trained on 2048 examples for 150 Adam steps (about a second on 2 cores).</summary>
    public static TinyCnn Train()
    {
        TinyCnn model;
        using (GlobalRandomScope.Seed(0))
            model = new TinyCnn();
        var (images, labels) = Make(2048, seed: 1);
        var optimizer = optim.Adam(model.parameters(), lr: 3e-3);
        using var generator = new Generator(2);
        model.train();
        for (int step = 0; step < 150; step++)
        {
            using var scope = NewDisposeScope();
            var index = randint(0, 2048, [64], generator: generator);
            var loss = nn.functional.cross_entropy(model.call(images.index_select(0, index)), labels.index_select(0, index));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        model.eval();
        images.Dispose();
        labels.Dispose();
        return model;
    }
}
