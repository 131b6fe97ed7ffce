using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>How two representations of the same inputs are compared.</summary>
public enum SimilarityMeasure
{
    /// <summary>Linear CKA, plug-in HSIC (<see cref="LinearCka.Biased"/>).</summary>
    Cka,
    /// <summary>Linear CKA, unbiased HSIC (<see cref="LinearCka.Unbiased"/>).</summary>
    CkaUnbiased,
    /// <summary>RSA: Spearman between correlation-distance RDMs (<see cref="Rsa.Similarity"/>).</summary>
    Rsa,
}

/// <summary>
/// Similarity of every row representation to every column representation (layers of one model against layers of
/// another, seeds, or a model against recorded data), by linear CKA or RSA.
/// </summary>
public sealed class SimilarityMatrix
{
    SimilarityMatrix(SimilarityMeasure measure, IReadOnlyList<string> rows, IReadOnlyList<string> columns, double[,] values)
    {
        Measure = measure;
        Rows = rows;
        Columns = columns;
        Values = values;
    }

    /// <summary>The measure.</summary>
    public SimilarityMeasure Measure { get; }

    /// <summary>Row labels (e.g. layers of the first model).</summary>
    public IReadOnlyList<string> Rows { get; }

    /// <summary>Column labels (e.g. layers of the second model).</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Similarity [row, column].</summary>
    public double[,] Values { get; }

    /// <summary>The similarity between row <paramref name="row"/> and column <paramref name="column"/>, by label.</summary>
    public double this[string row, string column]
    {
        get
        {
            int i = IndexOf(Rows, row), j = IndexOf(Columns, column);
            return Values[i, j];
        }
    }

    /// <summary>Parses <c>cka</c>, <c>cka-unbiased</c> or <c>rsa</c>.</summary>
    public static SimilarityMeasure ParseMeasure(string name) => name.Trim().ToLowerInvariant() switch
    {
        "cka" => SimilarityMeasure.Cka,
        "cka-unbiased" => SimilarityMeasure.CkaUnbiased,
        "rsa" => SimilarityMeasure.Rsa,
        _ => throw new PhospheneException(
            $"unknown similarity measure '{name}'{Suggestions.DidYouMean(name, ["cka", "cka-unbiased", "rsa"])} (measures: cka, cka-unbiased, rsa)"),
    };

    /// <summary>The similarity of two N×D representations of the same inputs.</summary>
    public static double Compare(Tensor x, Tensor y, SimilarityMeasure measure) => measure switch
    {
        SimilarityMeasure.Cka => LinearCka.Biased(x, y),
        SimilarityMeasure.CkaUnbiased => LinearCka.Unbiased(x, y),
        SimilarityMeasure.Rsa => Rsa.Similarity(x, y),
        _ => throw new ArgumentOutOfRangeException(nameof(measure)),
    };

    /// <summary>Every layer of <paramref name="rows"/> against every layer of <paramref name="columns"/> (same inputs).</summary>
    /// <param name="rows">Activations giving the rows.</param>
    /// <param name="columns">Activations of the same inputs giving the columns.</param>
    /// <param name="measure">CKA (default), unbiased CKA or RSA.</param>
    /// <param name="rowPrefix">Prepended to row labels (e.g. <c>net:</c>); default none.</param>
    /// <param name="columnPrefix">Prepended to column labels; default none.</param>
    public static SimilarityMatrix Compute(LayerActivations rows, LayerActivations columns, SimilarityMeasure measure = SimilarityMeasure.Cka,
                                           string rowPrefix = "", string columnPrefix = "")
    {
        if (rows.Count != columns.Count)
            throw new PhospheneException($"the two sets of activations describe {rows.Count} and {columns.Count} inputs; capture both on the same inputs");
        var values = new double[rows.Layers.Count, columns.Layers.Count];
        for (int i = 0; i < rows.Layers.Count; i++)
            for (int j = 0; j < columns.Layers.Count; j++)
                values[i, j] = Compare(rows[rows.Layers[i]], columns[columns.Layers[j]], measure);
        return new SimilarityMatrix(measure, rows.Layers.Select(l => rowPrefix + l).ToArray(),
                                    columns.Layers.Select(l => columnPrefix + l).ToArray(), values);
    }

    /// <summary>
    /// Captures <paramref name="layers"/> of <paramref name="model"/> and <paramref name="otherLayers"/> of
    /// <paramref name="other"/> on the same inputs and compares every pair.
    /// </summary>
    public static SimilarityMatrix Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers,
                                           nn.Module<Tensor, Tensor> other, IReadOnlyList<string> otherLayers, Tensor inputs,
                                           SimilarityMeasure measure = SimilarityMeasure.Cka, SpatialPooling? pooling = null,
                                           int batchSize = 256, CancellationToken cancellation = default)
    {
        using var a = ActivationCapture.Capture(model, layers, inputs, pooling, batchSize, cancellation: cancellation);
        using var b = ActivationCapture.Capture(other, otherLayers, inputs, pooling, batchSize, cancellation: cancellation);
        return Compute(a, b, measure);
    }

    /// <summary>Each layer against recorded (or any) data N×T: a one-column matrix labelled <paramref name="dataName"/>.</summary>
    public static SimilarityMatrix Compute(LayerActivations rows, Tensor data, SimilarityMeasure measure = SimilarityMeasure.Cka,
                                           string dataName = "data")
    {
        var values = new double[rows.Layers.Count, 1];
        using var scope = NewDisposeScope();
        var d = data.dim() == 3 ? data.mean([2]) : Probe.AsMatrix(data);
        for (int i = 0; i < rows.Layers.Count; i++) values[i, 0] = Compare(rows[rows.Layers[i]], d, measure);
        return new SimilarityMatrix(measure, rows.Layers, [dataName], values);
    }

    static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++) if (labels[i] == label) return i;
        throw new PhospheneException($"unknown label '{label}'{Suggestions.DidYouMean(label, labels)} (labels: {string.Join(", ", labels)})");
    }

    /// <summary>
    /// Saves the matrix to <paramref name="path"/> (see <see cref="ResultFile"/>): the values as the float64 tensor
    /// <c>values</c> (rows × columns), the measure and the row and column names as values. <see cref="Load"/> reads it back.
    /// </summary>
    /// <exception cref="PhospheneException">The path cannot be written.</exception>
    public void Save(string path)
    {
        using var values = torch.tensor(Values.Cast<double>().ToArray(), [Rows.Count, Columns.Count], ScalarType.Float64);
        ResultFile.Write(path, nameof(SimilarityMatrix), new JsonObject
        {
            ["measure"] = Measure.ToString(),
            ["rows"] = ResultFile.Strings(Rows),
            ["columns"] = ResultFile.Strings(Columns),
        }, [("values", values)]);
    }

    /// <summary>Reads a matrix written by <see cref="Save"/>.</summary>
    /// <exception cref="PhospheneException">A missing or damaged file, or one that holds another type of result.</exception>
    public static SimilarityMatrix Load(string path)
    {
        using var file = ResultFile.Open(path, nameof(SimilarityMatrix));
        var rows = ResultFile.Strings(file.Value("rows"));
        var columns = ResultFile.Strings(file.Value("columns"));
        using var tensor = file.Tensor("values");
        if (tensor.dtype != ScalarType.Float64 || tensor.dim() != 2 || tensor.shape[0] != rows.Length || tensor.shape[1] != columns.Length)
            throw new PhospheneException($"'{path}': its values are {tensor.dtype} [{string.Join(", ", tensor.shape)}], not float64 [{rows.Length}, {columns.Length}]");
        var flat = tensor.data<double>().ToArray();
        var values = new double[rows.Length, columns.Length];
        Buffer.BlockCopy(flat, 0, values, 0, flat.Length * sizeof(double));
        return new SimilarityMatrix(Enum.Parse<SimilarityMeasure>((string)file.Value("measure")!), rows, columns, values);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(Environment.NewLine, Rows.Select((r, i) =>
            $"{r}: " + string.Join(" ", Columns.Select((_, j) => Values[i, j].ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))));
}
