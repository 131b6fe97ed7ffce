using Microsoft.Data.Analysis;
using Phosphene.Probing;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>How a table was given, for messages and for options that apply to one layout only.</summary>
public enum TableLayout
{
    /// <summary>A tensor (its dimensions as they are).</summary>
    Tensor,
    /// <summary>A number array.</summary>
    Array,
    /// <summary>A DataFrame with one numeric column per target.</summary>
    WideFrame,
    /// <summary>A DataFrame with columns stimulus, target, trial, response (read as N×T×R).</summary>
    LongFrame,
    /// <summary>A CSV file (wide, or long with a stimulus,target,trial,response header).</summary>
    Csv,
}

/// <summary>A table of numbers given to a magic: its values and how it was given.</summary>
/// <param name="Values">Float values: N×T, or N×T×R for long tables (trials last) and 3-D tensors (as given).</param>
/// <param name="Layout">How the table was given.</param>
/// <param name="Source">The table in words: <c>the CSV file 'r.csv'</c>, <c>a long DataFrame</c>, <c>a 2-D tensor</c>.</param>
public sealed record TableValues(Tensor Values, TableLayout Layout, string Source)
{
    /// <summary>
    /// The table as responses N×T or N×T×R (trials last): a 3-D tensor has its trials on <paramref name="trialsAxis"/>
    /// (default 2); long tables and CSV files already say which values are repeats.
    /// </summary>
    /// <param name="trialsAxis">The trials axis of a 3-D tensor, or null for the default.</param>
    /// <param name="what">How errors name the magic: <c>%probe predictivity</c>.</param>
    public Tensor AsResponses(int? trialsAxis, string what)
    {
        if (trialsAxis is not null && !(Layout == TableLayout.Tensor && Values.dim() == 3))
            throw new MagicException($"{what}: option '--trials-axis' applies to 3-D responses (N×T×R tensors), but '--responses' is {Source}; remove it" +
                                     (Layout is TableLayout.LongFrame or TableLayout.Csv ? " (the trial column already says which values are repeats)" : ""));
        if (Values.dim() == 3)
            return trialsAxis is null or 2 ? Values : Values.movedim([trialsAxis.Value], [2]);
        if (Values.dim() is 1 or 2)
            return Values.dim() == 1 ? Values.unsqueeze(1) : Values;
        throw new MagicException($"{what}: '--responses' must be N×T or N×T×R, got [{string.Join(", ", Values.shape)}]");
    }

    /// <summary>For 3-D responses whose stimuli do not line up: the trials axis that would make them line up, if any.</summary>
    public string AxisHint(int trialsAxis, long stimuli)
    {
        if (Layout != TableLayout.Tensor || Values.dim() != 3)
            return "";
        var shape = Values.shape;
        var layout = $"the responses [{string.Join(", ", shape)}] are read as stimuli × targets × trials with trials on axis {trialsAxis}";
        for (int axis = 0; axis < 3; axis++)
            if (axis != trialsAxis && Enumerable.Range(0, 3).First(a => a != axis) is var first && shape[first] == stimuli)
                return $" ({layout}; did you mean '--trials-axis {axis}'?)";
        return $" ({layout})";
    }
}

/// <summary>
/// A matrix or table of numbers: a float tensor, a 1-D/2-D number array, a DataFrame (wide, or long: stimulus, target,
/// trial, response) or the path of a CSV file (the same two layouts).
/// </summary>
public sealed class TableKind : MagicValueKind
{
    /// <inheritdoc/>
    public override string Name => "table";

    /// <inheritdoc/>
    public override string Description => "a table (a float tensor, a number array, a DataFrame or a CSV file's path)";

    /// <inheritdoc/>
    public override Type ValueType => typeof(TableValues);

    /// <inheritdoc/>
    protected override object Convert(object value, string what)
    {
        switch (value)
        {
            case string path:
                return FromCsv(path, what);
            case DataFrame frame when TabularValues.LongColumns(frame, what) is { } columns:
                return new TableValues(TabularValues.FromLongFrame(frame, columns, what), TableLayout.LongFrame, "a long DataFrame (stimulus, target, trial, response)");
            case DataFrame frame:
                return new TableValues(TabularValues.FromWideFrame(frame, what), TableLayout.WideFrame, "a wide DataFrame (one column per target)");
            case Tensor tensor:
                TensorKind.Check(tensor, what, floating: true, allowSparse: false);
                return new TableValues(tensor, TableLayout.Tensor, $"a {tensor.dim()}-D tensor");
            default:
                var values = (Tensor)ValueKinds.Matrix.Resolve(value, what);
                return new TableValues(values, TableLayout.Array, $"a {values.dim()}-D array");
        }
    }

    /// <inheritdoc/>
    public override object? FromWord(string word, string what)
        => MagicLiterals.IsIdentifier(word) ? null : FromCsv(word, what);

    private static TableValues FromCsv(string path, string what)
        => new(NeuralPredictivity.LoadResponsesCsv(path), TableLayout.Csv, $"the CSV file '{path}'");
}
