using Phosphene.Data;
using Phosphene.Models;
using Phosphene.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Models;

/// <summary>Tiny real-data runs: 512 Fashion-MNIST training images, a narrow CNN, one or two epochs.</summary>
public class TrainingTests : IClassFixture<TrainingTests.TinyData>
{
    public sealed class TinyData : IDisposable
    {
        public ImageDataset Train { get; }
        public ImageDataset Test { get; }
        public TinyData()
        {
            using var train = Datasets.FashionMnist(DatasetSplit.Train);
            using var test = Datasets.FashionMnist(DatasetSplit.Test);
            Train = train.Slice(0, 512);
            Test = test.Slice(0, 256);
        }
        public void Dispose() { Train.Dispose(); Test.Dispose(); }
    }

    static readonly SmallCnnHyperparameters Narrow = new() { Conv1Channels = 8, Conv2Channels = 16, HiddenUnits = 32 };
    static readonly TrainingOptions Short = new() { Epochs = 2, BatchSize = 64, Seed = 5 };
    readonly TinyData _data;

    public TrainingTests(TinyData data) => this._data = data;

    static float[] Weights(ZooModel model) =>
        model.state_dict().Values.SelectMany(t => t.to_type(ScalarType.Float32).flatten().data<float>().ToArray()).ToArray();

    [Fact]
    public void SameSeedGivesBitIdenticalWeights()
    {
        using var a = ModelZoo.Create("cnn", Narrow, seed: 5);
        using var b = ModelZoo.Create("cnn", Narrow, seed: 5);
        using var c = ModelZoo.Create("cnn", Narrow, seed: 5);
        Trainer.Train(a, _data.Train, Short);
        Trainer.Train(b, _data.Train, Short);
        Trainer.Train(c, _data.Train, Short with { Seed = 6 });

        Assert.Equal(Weights(a), Weights(b));
        Assert.NotEqual(Weights(a), Weights(c));
    }

    [Fact]
    public void TrainingLearnsAndReportsProgress()
    {
        using var model = ModelZoo.Create("cnn", Narrow, seed: 5);
        var reports = new List<TrainingProgress>();
        var before = Evaluation.Evaluate(model, _data.Test);

        var run = Trainer.Train(model, _data.Train, Short with { ReportEvery = 4 }, new SynchronousProgress<TrainingProgress>(reports.Add));
        var after = Evaluation.Evaluate(model, _data.Test);

        Assert.Equal(16, run.Steps);                         // 2 epochs × 512/64 batches
        Assert.Equal(2, run.History.Count);
        // Batches 4 and 8 of each epoch: 4 reports.
        Assert.Equal([(1, 4), (1, 8), (2, 4), (2, 8)], reports.Select(r => (r.Epoch, r.Batch)));
        Assert.True(after.Accuracy > before.Accuracy + 0.3, $"accuracy {before.Accuracy:P1} → {after.Accuracy:P1}");
        Assert.True(run.History[1].Loss < run.History[0].Loss);
    }

    [Fact]
    public void CheckpointCacheServesTheSameModelTheSecondTime()
    {
        using var cache = new TempDirectory();
        var store = new CheckpointStore(cache.Path);
        using var first = ModelZoo.Trained("cnn", _data.Train, _data.Test, Short, hyperparameters: Narrow, store: store);
        using var second = ModelZoo.Trained("cnn", _data.Train, _data.Test, Short, hyperparameters: Narrow, store: store);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.TestAccuracy, second.TestAccuracy);
        Assert.Equal(Weights(first.Model), Weights(second.Model));
        Assert.Equal(2, Directory.GetFiles(cache.Path).Length);              // weights + metadata, no temporaries
        Assert.Equal(first.CheckpointPath, second.CheckpointPath);

        // Both uses are on the record, with the sha256 of the weights' bytes.
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(first.CheckpointPath!)));
        var uses = Provenance.Inputs.Where(i => i.Path == Path.GetFullPath(first.CheckpointPath!)).ToList();
        Assert.Equal(["checkpoint trained", "checkpoint loaded"], uses.Select(i => i.Kind));
        Assert.All(uses, i => Assert.Equal(sha, i.Sha256));

        // Other data or options: another key, so a fresh training run.
        using var other = ModelZoo.Trained("cnn", _data.Train, _data.Test, Short with { Epochs = 1 }, hyperparameters: Narrow, store: store);
        Assert.False(other.FromCache);
        Assert.Equal(4, Directory.GetFiles(cache.Path).Length);
    }

    [Fact]
    public void CancelledTrainingCachesNothing()
    {
        using var cache = new TempDirectory();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ModelZoo.Trained("cnn", _data.Train, _data.Test, Short, cancellation: cts.Token, hyperparameters: Narrow,
                             store: new CheckpointStore(cache.Path)));
        Assert.Empty(Directory.GetFiles(cache.Path));
    }

    [Fact]
    public void DivergenceIsAClearErrorAndNothingIsCached()
    {
        using var cache = new TempDirectory();
        var e = Assert.Throws<PhospheneException>(() =>
            ModelZoo.Trained("cnn", _data.Train, _data.Test, Short with { LearningRate = 1e30, Schedule = LearningRateSchedule.Constant },
                             hyperparameters: Narrow, store: new CheckpointStore(cache.Path)));
        Assert.Matches(@"^training diverged at epoch 1, batch \d+ \(loss (NaN|∞|-∞)\); lower the learning rate \(now 1E\+30\) or change the seed$", e.Message);
        Assert.Empty(Directory.GetFiles(cache.Path));
    }
}
