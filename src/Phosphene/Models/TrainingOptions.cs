using System.Globalization;

namespace Phosphene.Models;

/// <summary>
/// How to train a classifier with Adam on cross-entropy: epochs, batch size, learning rate and its schedule, weight
/// decay and the seed of every random choice (initial weights, shuffling, dropout).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set; default 3.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Examples per optimisation step (the last batch of an epoch may be smaller); default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam's base learning rate; default 0.002.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>How the rate changes over the steps; default <see cref="LearningRateSchedule.LinearDecay"/>.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.LinearDecay;

    /// <summary>Adam's L2 weight decay; default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Seed of the initial weights, the shuffling generator and dropout (see <see cref="GlobalRandomScope"/>); default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Report progress every this many batches (and at the end of each epoch); default 10. Not part of the cache key.</summary>
    public int ReportEvery { get; init; } = 10;

    /// <summary>A culture-invariant text naming every option that changes the trained weights, used to key checkpoints.</summary>
    public string CacheKey => string.Create(CultureInfo.InvariantCulture,
        $"adam;epochs={Epochs};batch={BatchSize};lr={LearningRate:R};schedule={Schedule};wd={WeightDecay:R};seed={Seed}");

    /// <summary>The learning rate for step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    public double LearningRateAt(long step, long totalSteps) => Schedule switch
    {
        LearningRateSchedule.Constant => LearningRate,
        LearningRateSchedule.LinearDecay => LearningRate * (1 - (double)step / totalSteps),
        LearningRateSchedule.Cosine => LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps)),
        _ => throw new PhospheneException($"unknown learning-rate schedule {Schedule}"),
    };

    /// <summary>Throws a <see cref="PhospheneException"/> naming the first invalid option and its valid range.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw Invalid(nameof(Epochs), Epochs, "at least 1");
        if (BatchSize < 1) throw Invalid(nameof(BatchSize), BatchSize, "at least 1");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw Invalid(nameof(LearningRate), LearningRate, "a positive number");
        if (!Enum.IsDefined(Schedule)) throw Invalid(nameof(Schedule), Schedule, $"one of {string.Join(", ", Enum.GetNames<LearningRateSchedule>())}");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw Invalid(nameof(WeightDecay), WeightDecay, "zero or a positive number");
        if (ReportEvery < 1) throw Invalid(nameof(ReportEvery), ReportEvery, "at least 1");
    }

    static PhospheneException Invalid(string setting, object value, string requirement) =>
        Phosphene.Invalid.Setting(nameof(TrainingOptions), setting, value, requirement);
}
