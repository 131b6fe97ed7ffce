using System.Text.Json.Nodes;
using Phosphene.Attribution.Metrics;
using Phosphene.Results;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// The outcome of an <see cref="AttributionComparison"/> (what <c>%attribute</c> returns): every method's raw maps of
/// the same inputs, the time each took, the FORGrad cutoffs used, and, when metrics were asked for, every score.
/// </summary>
/// <remarks>The result owns its tensors; <see cref="Dispose"/> frees them (the garbage collector does too).</remarks>
public sealed class AttributionResult : IDisposable
{
    static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> NoScores =
        new Dictionary<string, IReadOnlyDictionary<string, double>>();

    internal AttributionResult(Tensor inputs, Tensor targets, Tensor predictions, IReadOnlyList<string> methods,
                               IReadOnlyDictionary<string, Tensor> maps, IReadOnlyDictionary<string, TimeSpan> elapsed,
                               IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, double> forGradSigmas,
                               MetricTable? metrics, IReadOnlyList<string>? classNames, IReadOnlyDictionary<string, bool> signed)
    {
        Signed = signed;
        Inputs = inputs;
        Targets = targets;
        Predictions = predictions;
        Methods = methods;
        Maps = maps;
        Elapsed = elapsed;
        Parameters = parameters;
        ForGradSigmas = forGradSigmas;
        Metrics = metrics;
        ClassNames = classNames;
    }

    /// <summary>The explained inputs, float32 N×C×H×W.</summary>
    public Tensor Inputs { get; }

    /// <summary>The explained classes, int64 N.</summary>
    public Tensor Targets { get; }

    /// <summary>The model's predicted classes (argmax of its outputs), int64 N.</summary>
    public Tensor Predictions { get; }

    /// <summary>The method names, in the order asked.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>Every method's raw (unnormalised) maps: <c>Maps["integrated-gradients"]</c>, float32 N×H×W.</summary>
    public IReadOnlyDictionary<string, Tensor> Maps { get; }

    /// <summary>Whether each method's maps are signed (see <see cref="AttributionMethod.SignedMaps"/>).</summary>
    public IReadOnlyDictionary<string, bool> Signed { get; }

    /// <summary>Wall-clock time of each method on all N inputs (FORGrad cutoff searches excluded).</summary>
    public IReadOnlyDictionary<string, TimeSpan> Elapsed { get; }

    /// <summary>Each method's parameters as it ran, e.g. <c>steps 50, baseline 0, rule trapezoid</c>.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The FORGrad cutoff σ applied to each filtered white-box method (empty without FORGrad).</summary>
    public IReadOnlyDictionary<string, double> ForGradSigmas { get; }

    /// <summary>The metric table when metrics were asked for, else null.</summary>
    public MetricTable? Metrics { get; }

    /// <summary>Every score: <c>Scores["deletion"]["sobol"]</c> (empty without metrics).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Scores => Metrics?.Scores ?? NoScores;

    /// <summary>Names of the classes, indexed by class, when known.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Colormap of the heatmap overlays when the result is displayed; default magma.</summary>
    public Phosphene.Imaging.Colormap Colormap { get; set; } = Phosphene.Imaging.Colormaps.Magma;

    /// <summary>The name of class <paramref name="index"/>, or its number.</summary>
    public string ClassName(long index) =>
        ClassNames is { } names && index >= 0 && index < names.Count ? names[(int)index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Time per input of <paramref name="method"/>.</summary>
    public TimeSpan TimePerInput(string method) => Elapsed[method] / Math.Max(1, Inputs.shape[0]);

    /// <inheritdoc />
    public override string ToString()
    {
        var lines = new List<string>
        {
            $"AttributionResult: {Methods.Count} method(s) on {Inputs.shape[0]} input(s) [{string.Join(", ", Inputs.shape)}]",
        };
        foreach (var method in Methods)
            lines.Add($"  {method,-22} {TimePerInput(method).TotalMilliseconds,9:F1} ms/input  ({Parameters[method]}" +
                      (ForGradSigmas.TryGetValue(method, out var sigma) ? $", forgrad σ {sigma:G4})" : ")"));
        if (Metrics is not null) lines.Add(Metrics.ToString());
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// Saves the result to <paramref name="path"/> (see <see cref="ResultFile"/>): inputs, targets, predictions and
    /// every map as tensors (<c>inputs</c>, <c>targets</c>, <c>predictions</c>, <c>maps/&lt;method&gt;</c>), and the
    /// methods, parameters, times, FORGrad cutoffs, class names and metric table as values. <see cref="Load"/> reads it back.
    /// </summary>
    /// <exception cref="PhospheneException">The path cannot be written.</exception>
    public void Save(string path)
    {
        var values = new JsonObject
        {
            ["methods"] = ResultFile.Strings(Methods),
            ["signed"] = ResultFile.Map(Signed, s => JsonValue.Create(s)),
            ["elapsedSeconds"] = ResultFile.Map(Elapsed, t => ResultFile.Duration(t)),
            ["parameters"] = ResultFile.Map(Parameters, p => JsonValue.Create(p)),
            ["forGradSigmas"] = ResultFile.Map(ForGradSigmas, ResultFile.Number),
            ["classNames"] = ClassNames is null ? null : ResultFile.Strings(ClassNames),
            ["metrics"] = Metrics?.ToJson(),
        };
        var tensors = new List<(string, Tensor)> { ("inputs", Inputs), ("targets", Targets), ("predictions", Predictions) };
        tensors.AddRange(Methods.Select(m => ($"maps/{m}", Maps[m])));
        ResultFile.Write(path, nameof(AttributionResult), values, tensors);
    }

    /// <summary>Reads a result written by <see cref="Save"/>; the new result owns its tensors.</summary>
    /// <exception cref="PhospheneException">A missing or damaged file, or one that holds another type of result.</exception>
    public static AttributionResult Load(string path)
    {
        using var file = ResultFile.Open(path, nameof(AttributionResult));
        var methods = ResultFile.Strings(file.Value("methods"));
        var tensors = new List<Tensor>();
        try
        {
            Tensor Read(string name)
            {
                var tensor = file.Tensor(name);
                tensors.Add(tensor);
                return tensor;
            }
            var inputs = Read("inputs");
            var targets = Read("targets");
            var predictions = Read("predictions");
            var maps = methods.ToDictionary(m => m, m => Read($"maps/{m}"));
            return new AttributionResult(inputs, targets, predictions, methods, maps,
                ResultFile.Map(file.Value("elapsedSeconds"), t => ResultFile.Duration(t)),
                ResultFile.Map(file.Value("parameters"), p => (string)p!),
                ResultFile.Map(file.Value("forGradSigmas"), ResultFile.Number),
                file.Values["metrics"] is { } metrics ? MetricTable.FromJson(metrics) : null,
                file.Values["classNames"] is { } names ? ResultFile.Strings(names) : null,
                ResultFile.Map(file.Value("signed"), s => (bool)s!));
        }
        catch
        {
            foreach (var tensor in tensors) tensor.Dispose();
            throw;
        }
    }

    /// <summary>Frees the inputs, targets, predictions and maps.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
        Predictions.Dispose();
        foreach (var map in Maps.Values) map.Dispose();
    }
}
