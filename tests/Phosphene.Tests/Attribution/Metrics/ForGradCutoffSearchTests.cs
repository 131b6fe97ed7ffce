using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

public class ForGradCutoffSearchTests
{
    const int Size = 16;

    // cos(2π·f·r/16) along the rows: a pattern of f cycles per image, frequency radius f.
    static Tensor Wave(int cycles)
    {
        var r = arange(Size, ScalarType.Float32).view(Size, 1).expand(Size, Size);
        return (r * (2 * Math.PI * cycles / Size)).cos();
    }

    static Tensor Checkerboard()
    {
        var r = arange(Size, ScalarType.Int64).view(Size, 1);
        var c = arange(Size, ScalarType.Int64).view(1, Size);
        return ((r + c).remainder(2) * 2 - 1).to_type(ScalarType.Float32);   // the (8, 8) frequency, radius 11.3
    }

    [Fact]
    public void TheLowPassKeepsFrequenciesUpToSigmaAndRemovesTheRest()
    {
        using var two = Wave(2).unsqueeze(0);
        using var board = Checkerboard().unsqueeze(0);
        using var both = two + board;

        AssertClose(two, ForGrad.Filter(two, 2));
        AssertClose(zeros_like(two), ForGrad.Filter(two, 1.5));
        AssertClose(two, ForGrad.Filter(both, 11));          // √(8² + 8²) ≈ 11.31 > 11
        AssertClose(both, ForGrad.Filter(both, 11.32));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 18, 20], ForGradCutoffSearch.DefaultSigmas(28, 28));
    }

    static void AssertClose(Tensor expected, Tensor actual)
    {
        using (actual)
            Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-4), $"max difference {(actual - expected).abs().max().item<float>()}");
    }

    // A linear model whose importance map is a smooth wave; the explainer returns it buried in checkerboard noise.
    static (LinearClassifier Model, Tensor X, Tensor Y, AttributionFunction Noisy) Task(Action? onCall = null)
    {
        var w = Wave(1).flatten() + 1.5f;                          // positive, smooth
        var model = new LinearClassifier(stack([w, zeros_like(w)]) * 0.1f);
        var x = ones(4, 1, Size, Size);
        var y = zeros(4, ScalarType.Int64);
        AttributionFunction noisy = (m, inputs, targets) =>
        {
            onCall?.Invoke();
            return (Wave(1) + 1.5f + Checkerboard() * 0.8f).unsqueeze(0).expand(inputs.shape[0], Size, Size).clone();
        };
        return (model, x, y, noisy);
    }

    [Fact]
    public void TheSearchFindsACutoffThatRemovesTheNoiseAndScoresLikeTheTrueMap()
    {
        ForGradCutoffSearch.ClearMemoryCache();
        var (model, x, y, noisy) = Task();
        using (model) using (x) using (y)
        {
            var search = new ForGradCutoffSearch { Metric = new Deletion { Head = OutputHead.Logit, Steps = 32 }, UseCache = false };
            var result = search.Search(model, "noisy-gradient", noisy, x, y);
            using var truth = (Wave(1) + 1.5f).unsqueeze(0).expand(4, Size, Size).clone();
            double trueScore = new Deletion { Head = OutputHead.Logit, Steps = 32 }.Evaluate(model, x, y, truth).Score;

            Assert.Equal(ForGradCutoffSearch.DefaultSigmas(Size, Size), result.Sigmas);
            Assert.Equal(result.Sigmas.Count, result.Scores.Count);
            Assert.Equal(1, result.BestSigma);                             // every σ in [1, 11.3) recovers the wave: the smallest wins
            Assert.Equal(trueScore, result.BestScore, 4);
            Assert.True(result.BestScore < result.UnfilteredScore - 0.1, $"best {result.BestScore:F3}, unfiltered {result.UnfilteredScore:F3}");
            Assert.Equal(result.UnfilteredScore, result.Scores[^1], 4);    // σ = 12 keeps everything
            Assert.Equal("deletion", result.Metric);
            Assert.False(result.HigherIsBetter);
        }
    }

    [Fact]
    public void WithMuFidelityTheFilteredMapReachesFidelityOne()
    {
        var (model, x, y, noisy) = Task();
        using (model) using (x) using (y)
        {
            var result = new ForGradCutoffSearch { UseCache = false }.Search(model, "noisy-gradient", noisy, x, y);
            Assert.Equal("mu-fidelity", result.Metric);
            Assert.True(result.BestScore > 0.9999, $"best {result.BestScore}");
            Assert.True(result.UnfilteredScore < result.BestScore - 1e-3, $"unfiltered {result.UnfilteredScore}");  // the checkerboard mostly cancels within cells
            Assert.InRange(result.BestSigma, 1, 10);
        }
    }

    [Fact]
    public void AMetricThatReExplainsGetsTheFilteredExplainer()
    {
        var (model, x, y, noisy) = Task();
        using (model) using (x) using (y)
        {
            // The noisy explainer ignores its input: every filtered version is perfectly stable.
            var result = new ForGradCutoffSearch { Metric = new AverageStability { Samples = 2 }, UseCache = false, Sigmas = [2, 4] }
                .Search(model, "noisy-gradient", noisy, x, y);
            Assert.Equal([0.0, 0.0], result.Scores.Select(s => Math.Round(s, 6)));
            Assert.Equal(2, result.BestSigma);
        }
    }

    [Fact]
    public void TheChoiceIsCachedInMemoryByModelAndOnDiskByCheckpointKey()
    {
        ForGradCutoffSearch.ClearMemoryCache();
        int calls = 0;
        var (model, x, y, noisy) = Task(() => calls++);
        using var cache = new TempDirectory();
        using (model) using (x) using (y)
        {
            var search = new ForGradCutoffSearch { Metric = new Deletion { Head = OutputHead.Logit }, CacheDirectory = cache.Path };
            var first = search.Search(model, "noisy-gradient", noisy, x, y, checkpointKey: "abc123");
            int afterFirst = calls;
            var second = search.Search(model, "noisy-gradient", noisy, x, y, checkpointKey: "abc123");
            Assert.False(first.FromCache);
            Assert.True(second.FromCache);
            Assert.Equal(afterFirst, calls);
            Assert.Equal(first.BestSigma, search.CachedSigma(model, "noisy-gradient"));
            Assert.Null(search.CachedSigma(model, "saliency"));

            // A new process (empty memory) finds the choice on disk under the checkpoint key.
            ForGradCutoffSearch.ClearMemoryCache();
            Assert.True(File.Exists(Path.Combine(cache.Path, "abc123-noisy-gradient.json")));
            using var sameWeights = new LinearClassifier(model.Weight.detach());
            var fromDisk = search.Search(sameWeights, "noisy-gradient", noisy, x, y, checkpointKey: "abc123");
            Assert.True(fromDisk.FromCache);
            Assert.Equal(first.Scores, fromDisk.Scores);
            Assert.Equal(afterFirst, calls);

            // Other validation data is another question: searched again (and the last choice is what CachedSigma gives).
            using var otherImages = x * 0.5f;
            Assert.False(search.Search(model, "noisy-gradient", noisy, otherImages, y, checkpointKey: "abc123").FromCache);
            Assert.Equal(afterFirst + 1, calls);
            Assert.NotNull(search.CachedSigma(model, "noisy-gradient"));

            // Another metric is another question: searched again.
            var other = new ForGradCutoffSearch { Metric = new Insertion { Head = OutputHead.Logit }, CacheDirectory = cache.Path }
                .Search(model, "noisy-gradient", noisy, x, y, checkpointKey: "abc123");
            Assert.False(other.FromCache);
            Assert.Equal("insertion", other.Metric);
        }
    }

    [Fact]
    public void BadNamesAndCutoffsAreClearErrors()
    {
        var (model, x, y, noisy) = Task();
        using (model) using (x) using (y)
        {
            Assert.Equal("forgrad: method name 'Saliency Map' must be lower-case letters, digits and dashes, e.g. 'saliency'",
                Assert.Throws<PhospheneException>(() => new ForGradCutoffSearch().Search(model, "Saliency Map", noisy, x, y)).Message);
            Assert.Equal("forgrad: every cutoff σ must be a positive number, got [2, 0]",
                Assert.Throws<PhospheneException>(() => new ForGradCutoffSearch { Sigmas = [2, 0] }.Search(model, "s", noisy, x, y)).Message);
            Assert.Equal("forgrad: the cutoff sigma must be positive, got -1",
                Assert.Throws<PhospheneException>(() => ForGrad.Filter(zeros(1, 4, 4), -1)).Message);
        }
    }
}
