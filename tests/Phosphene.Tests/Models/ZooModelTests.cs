using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Models;

public class ZooModelTests
{
    [Fact]
    public void CnnLayersAreAddressableByPyTorchPaths()
    {
        using var model = ModelZoo.Create("cnn");
        Assert.Equal(["features", "features.0", "features.1", "features.2", "features.3", "features.4", "features.5",
                      "features.6", "features.7", "classifier", "classifier.0", "classifier.1", "classifier.2", "classifier.3"],
                     model.LayerPaths);
        Assert.IsType<TorchSharp.Modules.ReLU>(model.Layer("features.2"));
        // 16·1·9 + 2·16 + 32·16·9 + 2·32 + (32·7·7·128 + 128) + (128·10 + 10)
        Assert.Equal(144 + 32 + 4608 + 64 + 200832 + 1290, model.ParameterCount);
    }

    [Fact]
    public void ResNetHasStagesAndBlocks()
    {
        using var model = ModelZoo.Create("resnet");
        Assert.Contains("layer3", model.LayerPaths);
        Assert.Contains("layer3.0.conv1", model.LayerPaths);
        using var scope = NewDisposeScope();
        model.eval();
        Assert.Equal(new long[] { 2, 10 }, model.call(zeros(2, 1, 28, 28)).shape);
    }

    [Fact]
    public void UnknownLayerSuggestsTheClosestPath()
    {
        using var model = ModelZoo.Create("cnn");
        var e = Assert.Throws<PhospheneException>(() => model.Layer("feature.2"));
        Assert.StartsWith("unknown layer 'feature.2'; did you mean 'features.2'? (layers of cnn: features, features.0,", e.Message);
    }

    [Fact]
    public void UnknownModelAndBadInputAreClearErrors()
    {
        var e = Assert.Throws<PhospheneException>(() => ModelZoo.Create("resent"));
        Assert.Equal("unknown model 'resent'; did you mean 'resnet'? (models: cnn, resnet)", e.Message);

        using var model = ModelZoo.Create("cnn");
        using var scope = NewDisposeScope();
        var bad = Assert.Throws<PhospheneException>(() => model.call(zeros(2, 3, 28, 28)));
        Assert.Equal("cnn expects float32 images N×1×28×28, got Float32 [2, 3, 28, 28]", bad.Message);
    }

    [Fact]
    public void SameSeedSameInitialWeights()
    {
        using var a = ModelZoo.Create("cnn", seed: 3);
        using var b = ModelZoo.Create("cnn", seed: 3);
        using var c = ModelZoo.Create("cnn", seed: 4);
        var wa = a.state_dict()["features.0.weight"];
        Assert.True(wa.equal(b.state_dict()["features.0.weight"]).all().item<bool>());
        Assert.False(wa.equal(c.state_dict()["features.0.weight"]).all().item<bool>());
    }
}
