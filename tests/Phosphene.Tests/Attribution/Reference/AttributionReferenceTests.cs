using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using Phosphene.Models;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Reference;

/// <summary>
/// Golden numbers from PyTorch: every black-box method, the class-activation maps and the faithfulness metrics on a
/// small seeded CNN and three 16×16 images, against independent PyTorch implementations (make_reference.py in this
/// folder wrote model.bin and reference.bin; rerun it to regenerate them). The settings below mirror its SETTINGS.
/// </summary>
public sealed class AttributionReferenceTests : IDisposable
{
    static readonly string Folder = Path.Combine(DataCatalogTests.RepositoryRoot(), "tests", "Phosphene.Tests", "Attribution", "Reference");

    readonly ZooModel _model = ModelZoo.FromPyTorch("cnn", Path.Combine(Folder, "model.bin"), new SmallCnnHyperparameters
    {
        ImageSize = 16, NumClasses = 4, Conv1Channels = 4, Conv2Channels = 8, HiddenUnits = 16,
    });

    readonly Dictionary<string, Tensor> _reference =
        StateDictFile.Read(Path.Combine(Folder, "reference.bin")).ToDictionary(e => e.Key, e => e.Value);

    Tensor Inputs => _reference["inputs"];
    Tensor Targets => _reference["targets"];

    public static TheoryData<string> Methods => new() { "rise", "sobol", "hsic", "lime", "kernel-shap", "occlusion", "grad-cam", "grad-cam-pp" };

    static AttributionMethod Create(string name) => name switch
    {
        "rise" => new Rise { Masks = 96, Grid = 4, KeepProbability = 0.5, BatchSize = 40 },
        "sobol" => new SobolAttribution { Grid = 4, Designs = 16, BatchSize = 50 },
        "hsic" => new HsicAttribution { Grid = 4, Designs = 40, BatchSize = 16 },
        "lime" => new Lime { Samples = 60, Segmentation = SegmentationKind.Grid, Segments = 16, KernelWidth = 0.25 },
        "kernel-shap" => new KernelShap { Samples = 60, Segmentation = SegmentationKind.Grid, Segments = 16 },
        "occlusion" => new Occlusion { Patch = 4, Stride = 2, BatchSize = 7 },
        "grad-cam" => new GradCam(),
        "grad-cam-pp" => new GradCamPlusPlus(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void MapsMatchPyTorch(string name)
    {
        using var scope = NewDisposeScope();
        var maps = Create(name).Attribute(_model, Inputs, Targets);
        AssertClose(_reference[name], maps, name);
    }

    [Fact]
    public void FaithfulnessMetricsMatchPyTorch()
    {
        using var scope = NewDisposeScope();
        var maps = _reference["maps"];
        AttributionMetric[] metrics =
        [
            new Deletion { Steps = 8, BatchSize = 5 }, new Insertion { Steps = 8, BatchSize = 5 },
            new MuFidelity { GridSize = 4, SubsetFraction = 0.25, Samples = 30, BatchSize = 16 },
            new AverageDrop(), new AverageIncrease(), new AverageGain(),
        ];
        foreach (var metric in metrics)
        {
            var result = metric.Evaluate(_model, Inputs, Targets, maps);
            var expected = _reference[metric.Name].data<double>().ToArray();
            Assert.Equal(expected.Length, result.PerExample.Count);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - result.PerExample[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])),
                    $"{metric.Name}[{i}]: PyTorch {expected[i]:R}, Phosphene {result.PerExample[i]:R}");
        }
    }

    /// <summary>Elementwise within 1e-4 of the reference map's largest magnitude (float32 sums in another order).</summary>
    static void AssertClose(Tensor expected, Tensor actual, string name)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = Math.Max(expected.abs().max().item<float>(), 1e-6);
        double error = (expected - actual).abs().max().item<float>();
        Assert.True(error <= 1e-4 * scale, $"{name}: largest difference {error:G3} against a largest value {scale:G3}");
    }

    public void Dispose()
    {
        _model.Dispose();
        foreach (var t in _reference.Values) t.Dispose();
    }
}
