using Phosphene.Attribution;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution;

/// <summary>
/// On the synthetic task where only the top-left quadrant carries the label (<see cref="RegionTask"/>), methods must
/// put most of their positive mass there for class-1 inputs, although the quadrant is a quarter of the image.
/// </summary>
public class RegionTaskTests : IClassFixture<RegionTaskTests.Trained>
{
    public sealed class Trained : IDisposable
    {
        public TinyCnn Model { get; } = RegionTask.Train();
        public Tensor Images { get; }
        public Tensor Labels { get; }
        public double Accuracy { get; }

        public Trained()
        {
            var (images, labels) = RegionTask.Make(256, seed: 7);
            using (no_grad())
            {
                using var predictions = Model.call(images).argmax(1);
                Accuracy = predictions.eq(labels).to_type(ScalarType.Float32).mean().item<float>();
            }
            // Eight positives, each with a distractor elsewhere, for the attribution checks.
            using var positive = labels.eq(1).nonzero().squeeze(1);
            Images = images.index_select(0, positive[..8]);
            Labels = labels.index_select(0, positive[..8]);
            images.Dispose();
            labels.Dispose();
        }

        public void Dispose()
        {
            Model.Dispose();
            Images.Dispose();
            Labels.Dispose();
        }
    }

    readonly Trained _task;

    public RegionTaskTests(Trained task) => this._task = task;

    [Fact]
    public void TheTinyModelLearnsTheTask() => Assert.True(_task.Accuracy > 0.95, $"accuracy {_task.Accuracy}");

    /// <summary>Mean share of each map's positive mass inside the top-left 8×8 quadrant.</summary>
    static double QuadrantShare(Tensor maps)
    {
        using var scope = NewDisposeScope();
        var positive = maps.relu();
        var inside = positive[.., ..8, ..8].sum([1L, 2L]);
        return (inside / positive.sum([1L, 2L]).clamp_min(1e-12)).mean().item<float>();
    }

    [Theory]
    [InlineData("occlusion")]
    [InlineData("rise")]
    [InlineData("sobol")]
    [InlineData("grad-cam")]
    [InlineData("hsic")]
    [InlineData("integrated-gradients")]
    [InlineData("kernel-shap")]
    public void MostMassFallsInTheLabelRegion(string name)
    {
        var method = name == "rise" ? new Rise { Masks = 1000 } : AttributionMethods.Create(name);
        method = method.With(method.Settings with { BatchSize = 256 });
        using var maps = method.Attribute(_task.Model, _task.Images, _task.Labels);
        Assert.Equal(new long[] { 8, 16, 16 }, maps.shape);
        double share = QuadrantShare(maps);
        Assert.True(share > 0.5, $"{name} puts {share:P0} of its positive mass in the label quadrant (area 25%)");
    }

    [Fact]
    public void SameSeedSameMapsWhateverTheBatchSize()
    {
        var x = _task.Images[..2];
        var y = _task.Labels[..2];
        foreach (var name in new[] { "rise", "smoothgrad", "lime", "hsic" })
        {
            var a = Cheap(name, masks: 300, samples: 120, designs: 100, noisySamples: 10, new MethodSettings { BatchSize = 64 });
            var b = a.With(a.Settings with { BatchSize = 37 });
            var c = a.With(a.Settings with { Seed = 1 });
            using var first = a.Attribute(_task.Model, x, y);
            using var second = b.Attribute(_task.Model, x, y);
            using var other = c.Attribute(_task.Model, x, y);
            Assert.True((first - second).abs().max().item<float>() <= 1e-5 * first.abs().max().item<float>(), $"{name} depends on the batch size");
            Assert.False(first.equal(other).all().item<bool>(), $"{name} ignores its seed");
        }
    }

    [Fact]
    public void EveryRegisteredMethodGivesFiniteMapsOfTheInputSize()
    {
        foreach (var name in AttributionMethods.Names)
        {
            var method = Cheap(name, masks: 100, samples: 50, designs: 64, noisySamples: 4, new MethodSettings());
            using var maps = method.Attribute(_task.Model, _task.Images[..2], _task.Labels[..2]);
            Assert.Equal(new long[] { 2, 16, 16 }, maps.shape);
            Assert.Equal(ScalarType.Float32, maps.dtype);
            Assert.True(maps.isfinite().all().item<bool>(), $"{name} gave non-finite values");
            Assert.True(maps.abs().max().item<float>() > 0, $"{name} gave an all-zero map");
        }
    }

    /// <summary>The registered method <paramref name="name"/>, its sampling budget cut to keep the test short.</summary>
    static AttributionMethod Cheap(string name, int masks, int samples, int designs, int noisySamples, MethodSettings settings) =>
        (name switch
        {
            "rise" => new Rise { Masks = masks },
            "lime" => new Lime { Samples = samples },
            "kernel-shap" => new KernelShap { Samples = samples },
            "hsic" => new HsicAttribution { Designs = designs },
            "smoothgrad" => new SmoothGrad { Samples = noisySamples },
            "squaregrad" => new SquareGrad { Samples = noisySamples },
            "vargrad" => new VarGrad { Samples = noisySamples },
            _ => AttributionMethods.Create(name),
        }).With(settings);
}
