using Phosphene.Models;
using Phosphene.Probing;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests.Probing;

public class ActivationCaptureTests
{
    static Tensor Images(long n)
    {
        using var g = new Generator(7);
        return rand(n, 1, 28, 28, generator: g);
    }

    [Fact]
    public void CapturesNamedLayersWithEachPooling()
    {
        using var model = ModelZoo.Create("cnn");
        using var scope = NewDisposeScope();
        var x = Images(10);
        using (var flat = ActivationCapture.Capture(model, ["features.2", "features.6", "classifier.1"], x, batchSize: 4))
        {
            Assert.Equal(new long[] { 10, 16 * 28 * 28 }, flat["features.2"].shape);
            Assert.Equal(new long[] { 10, 32 * 14 * 14 }, flat["features.6"].shape);
            Assert.Equal(new long[] { 10, 128 }, flat["classifier.1"].shape);
            Assert.Equal(ScalarType.Float32, flat["features.2"].dtype);
        }
        using var avg = ActivationCapture.Capture(model, ["features.6"], x, SpatialPooling.GlobalAverage);
        using var grid = ActivationCapture.Capture(model, ["features.6"], x, SpatialPooling.Parse("grid:2"));
        Assert.Equal(new long[] { 10, 32 }, avg["features.6"].shape);
        Assert.Equal(new long[] { 10, 32 * 4 }, grid["features.6"].shape);
        // The global average equals the mean of the four grid cells of each channel.
        var cells = grid["features.6"].view(10, 32, 4).mean([2]);
        Assert.True(cells.sub(avg["features.6"]).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void CaptureMatchesTheForwardPassAndRemovesItsHooks()
    {
        using var model = ModelZoo.Create("cnn");
        using var scope = NewDisposeScope();
        var x = Images(6);
        model.eval();
        var logits = model.call(x);
        using var captured = ActivationCapture.Capture(model, ["classifier.3"], x, batchSize: 4);
        Assert.True(captured["classifier.3"].sub(logits).abs().max().item<float>() < 1e-5);
        // Batch size changes nothing but memory.
        using var whole = ActivationCapture.Capture(model, ["classifier.3"], x, batchSize: 100);
        Assert.True(whole["classifier.3"].sub(captured["classifier.3"]).abs().max().item<float>() < 1e-6);
        Assert.True(model.training == false);
    }

    [Fact]
    public void StreamsLargeLayersToFloatFiles()
    {
        using var model = ModelZoo.Create("cnn");
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        var x = Images(9);
        var files = ActivationCapture.CaptureToFiles(model, ["features.2", "features.7"], x, dir.Path, batchSize: 4);
        using var memory = ActivationCapture.Capture(model, ["features.2", "features.7"], x, batchSize: 4);
        foreach (var (layer, file) in files)
        {
            using (file)
            {
                Assert.Equal(9, file.Rows);
                Assert.True(file.ReadAll().equal(memory[layer]).all().item<bool>());
                Assert.True(file.Read(3, 4).equal(memory[layer].narrow(0, 3, 4)).all().item<bool>());
            }
            using var reopened = ActivationFile.Open(Path.Combine(dir.Path, layer + ".f32"));
            Assert.Equal(memory[layer].shape[1], reopened.Columns);
        }
    }

    [Fact]
    public void UnknownLayerAndPoolingAreClearErrors()
    {
        using var model = ModelZoo.Create("cnn");
        using var scope = NewDisposeScope();
        var e = Assert.Throws<PhospheneException>(() => ActivationCapture.Capture(model, ["features.22"], Images(2)));
        Assert.StartsWith("unknown layer 'features.22'; did you mean 'features.2'?", e.Message);
        e = Assert.Throws<PhospheneException>(() => SpatialPooling.Parse("flaten"));
        Assert.Equal("unknown pooling 'flaten'; did you mean 'flatten'? (poolings: flatten, avg, grid:k)", e.Message);
        e = Assert.Throws<PhospheneException>(() => Probes.Create("logistc"));
        Assert.Equal("unknown probe 'logistc'; did you mean 'logistic'? (probes: logistic, mlp-3dpc, ridge, pls)", e.Message);
        var seq = TorchSharp.torch.nn.Sequential(("body", TorchSharp.torch.nn.Linear(4, 3)), ("head", TorchSharp.torch.nn.ReLU()));
        e = Assert.Throws<PhospheneException>(() => ActivationCapture.Capture(seq, ["bdy"], zeros(2, 4)));
        Assert.Equal("unknown layer 'bdy'; did you mean 'body'? (layers: body, head)", e.Message);
    }

    [Fact]
    public void MemoryStaysFlatAcrossRepeatedCaptures()
    {
        using var model = ModelZoo.Create("cnn");
        using var x = Images(8);
        for (int i = 0; i < 3; i++) ActivationCapture.Capture(model, ["features.6"], x).Dispose();
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++) ActivationCapture.Capture(model, ["features.6", "classifier.1"], x, batchSize: 3).Dispose();
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
