using Phosphene.Probing;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests.Probing;

public class NeuralPredictivityTests
{
    static Tensor Features(long n, long d, long seed)
    {
        using var g = new Generator((ulong)seed);
        return randn(n, d, generator: g);
    }

    [Theory]
    [InlineData(0.5, 4)]
    [InlineData(0.2, 10)]
    [InlineData(2.0, 2)]
    public void NoiseCeilingMatchesTheAnalyticValue(double snr, int trials)
    {
        using var scope = NewDisposeScope();
        using var population = SimulatedPopulation.Generate(Features(2000, 30, 1), units: 60, trials: trials, snr: snr, seed: 2);
        var ceiling = NoiseCeiling.Compute(population.Responses, splits: 20, seed: 3);
        double analytic = snr * trials / (snr * trials + 1);
        Assert.Equal(analytic, population.AnalyticCeiling, 12);
        Assert.InRange(ceiling.Median, analytic - 0.02, analytic + 0.02);
        Assert.Equal(60, ceiling.PerTarget.Count);
    }

    [Fact]
    public void TheGeneratingFeaturesPredictBestAndReachTheCeilingAfterNormalisation()
    {
        using var scope = NewDisposeScope();
        var driving = Features(600, 20, 4);
        var unrelated = Features(600, 20, 5);
        using var population = SimulatedPopulation.Generate(driving, units: 40, trials: 6, snr: 0.5, seed: 6);
        var good = NeuralPredictivity.Score(driving, population.Responses);
        var bad = NeuralPredictivity.Score(unrelated, population.Responses);
        Assert.True(bad.Raw < 0.15, bad.ToString());
        // A perfect linear model of the signal correlates with the R-trial mean at √reliability; ceiled by the
        // reliability (Brain-Score's convention) it lands at 1/√reliability.
        double reliability = population.AnalyticCeiling;
        Assert.Equal(Math.Sqrt(reliability), good.Raw, 0.03);
        Assert.Equal(1 / Math.Sqrt(reliability), good.Normalised, 0.05);
        Assert.NotNull(good.Ceiling);
    }

    [Fact]
    public void MismatchedStimuliAreAClearError()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<PhospheneException>(() => NeuralPredictivity.Score(Features(50, 4, 1), zeros(40, 3)));
        Assert.Equal("features describe 50 stimuli but responses have shape [40, 3]; pass responses N×T (or N×T×R with trials) for the same stimuli in the same order", e.Message);
        e = Assert.Throws<PhospheneException>(() => NeuralPredictivity.Score(Features(50, 4, 1), zeros(50, 3), new LogisticRegressionProbe()));
        Assert.Equal("the mapping must be a regressor (ridge or pls), got 'logistic'", e.Message);
    }

    [Fact]
    public void ReadsWideAndLongCsvResponses()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("wide.csv"), "n1,n2\n1,2\n3,4.5\n5,6\n");
        var wide = NeuralPredictivity.LoadResponsesCsv(dir.File("wide.csv"));
        Assert.Equal(new long[] { 3, 2 }, wide.shape);
        Assert.Equal(4.5f, wide[1, 1].item<float>());
        var lines = new List<string> { "stimulus,target,trial,response" };
        for (int s = 0; s < 3; s++) for (int t = 0; t < 2; t++) for (int r = 0; r < 2; r++) lines.Add($"{s},{t},{r},{s * 100 + t * 10 + r}");
        File.WriteAllLines(dir.File("long.csv"), lines);
        var trials = NeuralPredictivity.LoadResponsesCsv(dir.File("long.csv"));
        Assert.Equal(new long[] { 3, 2, 2 }, trials.shape);
        Assert.Equal(211f, trials[2, 1, 1].item<float>());
        File.WriteAllText(dir.File("bad.csv"), "1,2\n3,x\n");
        var e = Assert.Throws<PhospheneException>(() => NeuralPredictivity.LoadResponsesCsv(dir.File("bad.csv")));
        Assert.Equal($"{dir.File("bad.csv")}:2: 'x' is not a number", e.Message);
    }
}
