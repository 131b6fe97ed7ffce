using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// MuFidelity (Bhatt, Weller and Moura 2020, "Evaluating and Aggregating Feature-based Model Explanations"): remove
/// random subsets of the input's grid cells and correlate, over the subsets, the sum of the map over the removed
/// pixels with the drop of the model's score. A faithful map predicts the drops: higher is better, 1 at best.
/// Registry name <c>mu-fidelity</c>.
/// </summary>
/// <remarks>
/// Defaults: a 9×9 grid over the H×W image (pixel (r, c) lies in cell (⌊9r/H⌋, ⌊9c/W⌋)), subsets of 20% of the cells
/// (round(0.2·81) = 16, drawn without replacement), 200 subsets, removed pixels set to 0 in every channel, the
/// target's logit, Spearman's correlation. The same subsets (drawn from <see cref="AttributionMetric.Seed"/>) serve
/// every input. An input whose drops or sums are constant has no correlation (NaN) and is left out of the mean.
/// </remarks>
public sealed class MuFidelity : AttributionMetric
{
    /// <summary>Creates the metric with its defaults (set the properties to change them).</summary>
    public MuFidelity() : base("mu-fidelity") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => true;

    /// <inheritdoc />
    public override string Summary => "Spearman correlation of map mass and logit drop over 200 random 20% subsets of a 9×9 grid";

    /// <summary>Cells per side of the grid the subsets are drawn on; default 9.</summary>
    public int GridSize { get; init; } = 9;

    /// <summary>Fraction of the cells removed in each subset; default 0.2.</summary>
    public double SubsetFraction { get; init; } = 0.2;

    /// <summary>Number of random subsets per input; default 200.</summary>
    public int Samples { get; init; } = 200;

    /// <summary>The value removed pixels take; default 0.</summary>
    public double Baseline { get; init; }

    /// <summary>The correlation; default Spearman.</summary>
    public CorrelationKind Correlation { get; init; } = CorrelationKind.Spearman;

    /// <summary>The watched score; default the target's logit.</summary>
    public OutputHead Head { get; init; } = OutputHead.Logit;

    /// <inheritdoc />
    protected override void Validate()
    {
        if (GridSize < 1) throw Invalid(nameof(GridSize), GridSize, "at least 1");
        if (!(SubsetFraction > 0 && SubsetFraction < 1)) throw Invalid(nameof(SubsetFraction), SubsetFraction, "in (0, 1)");
        if (Samples < 2) throw Invalid(nameof(Samples), Samples, "at least 2");
        if (!double.IsFinite(Baseline)) throw Invalid(nameof(Baseline), Baseline, "a finite number");
    }

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input) => ComputeEach(input, [input.Maps])[0];

    /// <inheritdoc />
    protected override bool SharesWork => true;

    /// <inheritdoc />
    protected override IReadOnlyList<MetricResult> ComputeEach(MetricInput input, IReadOnlyList<Tensor> maps)
    {
        long h = input.Inputs.shape[2], w = input.Inputs.shape[3];
        long cells = (long)GridSize * GridSize;
        long removed = Math.Clamp((long)Math.Round(SubsetFraction * cells), 1, cells - 1);

        // Subsets: for each sample, the first `removed` cells of a random permutation.
        using var generator = NewGenerator();
        var cellRank = rand(Samples, cells, generator: generator).argsort(1).argsort(1);
        var subsetCells = cellRank.lt(removed);                                       // Samples × cells
        var rows = arange(h, ScalarType.Int64).mul(GridSize).div(h, rounding_mode: RoundingMode.floor);
        var cols = arange(w, ScalarType.Int64).mul(GridSize).div(w, rounding_mode: RoundingMode.floor);
        var pixelCell = (rows.unsqueeze(1) * GridSize + cols.unsqueeze(0)).flatten();   // H·W
        var subsetPixels = subsetCells.index_select(1, pixelCell);                     // Samples × H·W (bool)

        // The drops depend on the inputs and subsets only: computed once for every set of maps.
        var full = Scores(input, input.Inputs, input.Targets, Head);                // N
        var perturbedScores = PerturbedScores(input, Samples, (example, sample) =>
        {
            var mask = subsetPixels.index_select(0, sample).view(-1, 1, h, w);
            return where(mask, Baseline, input.Inputs.index_select(0, example));
        }, Head);
        var dropRows = Rows(full.unsqueeze(1) - perturbedScores);                    // N × Samples
        var subsetMatrix = subsetPixels.to_type(ScalarType.Float64).t();

        var results = new MetricResult[maps.Count];
        for (int m = 0; m < maps.Count; m++)
        {
            var sumRows = Rows(maps[m].flatten(1).to_type(ScalarType.Float64).matmul(subsetMatrix));   // N × Samples
            var perExample = new double[dropRows.Length];
            for (int i = 0; i < perExample.Length; i++)
                perExample[i] = Correlation == CorrelationKind.Spearman
                    ? MapSimilarity.Spearman(sumRows[i], dropRows[i])
                    : MapSimilarity.Pearson(sumRows[i], dropRows[i]);
            results[m] = new MetricResult(Name, HigherIsBetter, perExample);
        }
        return results;
    }
}
