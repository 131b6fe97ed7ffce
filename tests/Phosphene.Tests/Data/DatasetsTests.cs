using Phosphene.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Data;

/// <summary>Real Fashion-MNIST from Debian's dataset-fashion-mnist (installed by environment/setup.sh).</summary>
public class DatasetsTests
{
    [Fact]
    public void FashionMnistTrainSplitMatchesPublishedLayout()
    {
        using var scope = NewDisposeScope();
        using var train = Datasets.FashionMnist(DatasetSplit.Train);

        Assert.Equal(new long[] { 60000, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(ScalarType.Float32, train.Images.dtype);
        Assert.Equal(ScalarType.Int64, train.Labels.dtype);
        Assert.Equal(new long[] { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 }, train.Labels[..10].data<long>().ToArray());
        // Each class has exactly 6,000 training images.
        Assert.All(train.Labels.bincount(null).data<long>().ToArray(), c => Assert.Equal(6000, c));
        Assert.Equal(0f, train.Images.min().item<float>());
        Assert.Equal(1f, train.Images.max().item<float>());
        // First image: pixel sum 76247 / 255 and centre pixel 217 / 255 (read independently with Python's gzip).
        Assert.Equal(76247 / 255.0, train.Images[0].sum().item<float>(), 2);
        Assert.Equal(217 / 255f, train.Images[0, 0, 14, 14].item<float>());
        Assert.Equal("Ankle boot", train.ClassNames[9]);
    }

    [Fact]
    public void FashionMnistTestSplitAndContentHashIsStable()
    {
        using var test = Datasets.FashionMnist(DatasetSplit.Test);
        using var again = Datasets.FashionMnist(DatasetSplit.Test);

        Assert.Equal(10000, test.Count);
        Assert.Equal(new long[] { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 }, test.Labels[..10].data<long>().ToArray());
        Assert.Equal(test.ContentHash, again.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", test.ContentHash);
    }

    [Fact]
    public void SliceCopiesARangeWithItsOwnHash()
    {
        using var test = Datasets.FashionMnist(DatasetSplit.Test);
        using var slice = test.Slice(2, 3);

        Assert.Equal(new long[] { 3, 1, 28, 28 }, slice.Images.shape);
        Assert.Equal(new long[] { 1, 1, 6 }, slice.Labels.data<long>().ToArray());
        Assert.NotEqual(test.ContentHash, slice.ContentHash);
        var e = Assert.Throws<PhospheneException>(() => test.Slice(9999, 2));
        Assert.Equal("dataset 'fashion-mnist-test' has 10000 examples; cannot take [9999, 10001)", e.Message);
    }

    [Fact]
    public void MnistWithoutNetworkFailsWithInstructions()
    {
        using var cache = new TempDirectory();
        // Point the download sources at a closed loopback port so the test never leaves the machine.
        var mnist = DataCatalog.Default.Manifest("mnist") with { Sources = [new ManifestSource { Url = "http://127.0.0.1:9/mnist/" }] };
        var catalog = new DataCatalog([mnist], cache.Path);

        var e = Assert.Throws<PhospheneException>(() => Datasets.Mnist(DatasetSplit.Test, catalog));
        Assert.StartsWith("could not obtain 't10k-images-idx3-ubyte.gz' of dataset 'mnist'. Tried:\n", e.Message);
        Assert.Contains("http://127.0.0.1:9/mnist/t10k-images-idx3-ubyte.gz (", e.Message);
        Assert.EndsWith($"and place it at {Path.Combine(cache.Path, "mnist", "t10k-images-idx3-ubyte.gz")}.", e.Message);
    }
}
