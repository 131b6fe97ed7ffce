using Phosphene.Models;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests.Models;

/// <summary>Checkpoint pairs (weights .bin + metadata .json): numbers JSON lacks, and writes that never leave half a pair.</summary>
public class CheckpointStoreTests
{
    private static CheckpointMetadata Metadata(string key) => new()
    {
        Key = key, Architecture = "linear", ExamplesPerSecond = double.PositiveInfinity, TestLoss = double.NaN,
    };

    [Fact]
    public void InfiniteAndNaNMetadataIsWrittenAndReadBack()
    {
        using var cache = new TempDirectory();
        var store = new CheckpointStore(cache.Path);
        using var module = nn.Linear(2, 2);
        store.Save(module, "linear", Metadata("k1"));
        Assert.Equal(2, Directory.GetFiles(cache.Path).Length);
        using var loaded = nn.Linear(2, 2);
        var metadata = store.TryLoad(loaded, "linear", "k1");
        Assert.NotNull(metadata);
        Assert.Equal(double.PositiveInfinity, metadata.ExamplesPerSecond);
        Assert.True(double.IsNaN(metadata.TestLoss));
    }

    [Fact]
    public void FailedMetadataWriteLeavesNoWeightsWithoutMetadata()
    {
        using var cache = new TempDirectory();
        var store = new CheckpointStore(cache.Path);
        // A folder where the metadata file goes makes its rename fail after the weights were written.
        Directory.CreateDirectory(store.MetadataPath("linear", "k2"));
        using var module = nn.Linear(2, 2);
        Assert.ThrowsAny<IOException>(() => store.Save(module, "linear", Metadata("k2")));
        Assert.Empty(Directory.GetFiles(cache.Path));
    }
}
