using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Phosphene.Attribution;
using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The cutoff search of FORGrad (Muzellec, Fel, Boutin, Andéol, VanRullen and Serre 2023, "Saliency strikes back:
/// How filtering out high frequencies improves white-box explanations"): the low-pass cutoff σ whose filtered maps score
/// best on a faithfulness metric (default <see cref="MuFidelity"/>), cached per model and method.
/// </summary>
/// <remarks>
/// A validation set is explained once with a white-box method, the maps are filtered at every cutoff σ of a grid, each
/// filtered set is scored, and the best σ is kept. The paper finds the optimal cutoff a property of the model (its
/// architecture and training), so the choice is cached: in memory by model identity, and on disk under
/// <see cref="PhospheneCache"/> (<c>forgrad/</c>) by checkpoint key for zoo models.
/// Filter: the ideal circular low-pass of FORGrad, keeping the frequencies (f_y, f_x), in cycles per image, with
/// √(f_y² + f_x²) ≤ σ (<see cref="ForGrad.Filter"/>). Default grid for H×W maps: σ = 1, 2, …, 8, then every 2 up to
/// ⌈√((H/2)² + (W/2)²)⌉, where every frequency is kept (for 28×28: 1–8, 10, 12, …, 20). <see cref="Search(nn.Module{Tensor, Tensor}, string, AttributionFunction, Tensor, Tensor, string?, IProgress{MetricProgress}?, CancellationToken)"/>
/// reuses a cached result only when its metric name, grid and validation data (by content hash) equal this search's,
/// and otherwise searches again and replaces it; <see cref="Cached"/> and <see cref="CachedSigma"/> return whatever
/// was chosen last for the model and method (what the automatic FORGrad cutoff of <c>%attribute</c> needs). The metric's other settings are not
/// part of the key: set <see cref="UseCache"/> to false to force a new search.
/// </remarks>
public sealed partial class ForGradCutoffSearch
{
    static readonly ConditionalWeakTable<object, ConcurrentDictionary<string, ForGradCutoffResult>> Memory = new();
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The metric scored at each cutoff; default <see cref="MuFidelity"/> with its defaults. Any registry
    /// metric works (<c>AttributionMetrics.Create("deletion")</c>); its direction decides what "best" means.</summary>
    public AttributionMetric Metric { get; init; } = new MuFidelity();

    /// <summary>The cutoffs to try, positive, in cycles per image; default null: the grid described in the remarks.</summary>
    public IReadOnlyList<double>? Sigmas { get; init; }

    /// <summary>Inputs per call of the explainer; default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Read and write the caches; default true.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Folder of the on-disk cache; default <c>forgrad</c> under <see cref="PhospheneCache.Root"/>.</summary>
    public string? CacheDirectory { get; init; }

    string Directory => CacheDirectory ?? PhospheneCache.Folder("forgrad");

    /// <summary>The default cutoff grid for H×W maps (see the remarks).</summary>
    public static IReadOnlyList<double> DefaultSigmas(long height, long width)
    {
        int top = (int)Math.Ceiling(Math.Sqrt(height * height / 4.0 + width * width / 4.0));
        var grid = new List<double>();
        for (int s = 1; s <= Math.Min(8, top); s++) grid.Add(s);
        for (int s = 10; s < top; s += 2) grid.Add(s);
        if (grid[^1] < top) grid.Add(top);
        return grid;
    }

    /// <summary>
    /// Searches the cutoff of a white-box <paramref name="method"/> (its <see cref="AttributionMethod.Name"/> keys the
    /// cache). The method's maps are filtered unnormalised, as <see cref="ForGrad"/> filters them; build the filtered
    /// method with <c>new ForGrad(method, result.BestSigma)</c>.
    /// </summary>
    /// <param name="model">The classifier explained.</param>
    /// <param name="method">A white-box method (saliency, gradient-input, integrated-gradients, smoothgrad, ...).</param>
    /// <param name="inputs">float32 N×C×H×W validation inputs.</param>
    /// <param name="targets">int64 N validation targets.</param>
    /// <param name="checkpointKey">Identifies the weights on disk; null keeps the result in memory only.</param>
    /// <param name="progress">Receives the number of cutoffs scored.</param>
    /// <param name="cancellation">Checked between batches.</param>
    public ForGradCutoffResult Search(nn.Module<Tensor, Tensor> model, GradientAttribution method, Tensor inputs, Tensor targets,
                                      string? checkpointKey = null, IProgress<MetricProgress>? progress = null,
                                      CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        var raw = method.With(method.Settings with { Normalization = MapNormalization.None });
        return Search(model, method.Name, raw.AsFunction(), inputs, targets, checkpointKey, progress, cancellation);
    }

    /// <summary>Searches the cutoff of a white-box <paramref name="method"/> for a trained zoo model (cached on disk by its checkpoint key).</summary>
    /// <inheritdoc cref="Search(nn.Module{Tensor, Tensor}, GradientAttribution, Tensor, Tensor, string?, IProgress{MetricProgress}?, CancellationToken)"/>
    public ForGradCutoffResult Search(TrainedModel model, GradientAttribution method, Tensor inputs, Tensor targets,
                                      IProgress<MetricProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Search(model.Model, method, inputs, targets, model.Metadata.Key, progress, cancellation);
    }

    /// <summary>Searches the cutoff for a trained zoo model; its checkpoint key names the on-disk cache entry.</summary>
    /// <inheritdoc cref="Search(nn.Module{Tensor, Tensor}, string, AttributionFunction, Tensor, Tensor, string?, IProgress{MetricProgress}?, CancellationToken)"/>
    public ForGradCutoffResult Search(TrainedModel model, string method, AttributionFunction explainer, Tensor inputs, Tensor targets,
                                      IProgress<MetricProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Search(model.Model, method, explainer, inputs, targets, model.Metadata.Key, progress, cancellation);
    }

    /// <summary>
    /// Finds the cutoff σ that gives <paramref name="method"/>'s filtered maps the best <see cref="Metric"/> score on
    /// the validation set, or returns the cached choice for this model and method.
    /// </summary>
    /// <param name="model">The classifier explained (N×C×H×W → N×K).</param>
    /// <param name="method">The method's name, lower-case kebab-case (e.g. <c>saliency</c>): the cache key with the model.</param>
    /// <param name="explainer">The white-box method, unfiltered (e.g. <c>(m, x, y) =&gt; saliency.Attribute(m, x, y)</c>).</param>
    /// <param name="inputs">float32 N×C×H×W validation inputs.</param>
    /// <param name="targets">int64 N validation targets (usually the true labels).</param>
    /// <param name="checkpointKey">Identifies the weights on disk (a zoo checkpoint key); null keeps the result in memory only.</param>
    /// <param name="progress">Receives the number of cutoffs scored (metric name <c>forgrad</c>).</param>
    /// <param name="cancellation">Checked between batches.</param>
    /// <exception cref="PhospheneException">Bad method name, cutoffs, shapes, or a metric that cannot run.</exception>
    public ForGradCutoffResult Search(nn.Module<Tensor, Tensor> model, string method, AttributionFunction explainer, Tensor inputs,
                                      Tensor targets, string? checkpointKey = null, IProgress<MetricProgress>? progress = null,
                                      CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(explainer);
        CheckName(method);
        if (BatchSize < 1) throw Invalid.Setting(nameof(ForGradCutoffSearch), nameof(BatchSize), BatchSize, "at least 1");
        if (inputs.dim() != 4)
            throw new PhospheneException($"forgrad: inputs must be float32 N×C×H×W, got [{string.Join(", ", inputs.shape)}]");
        var sigmas = Sigmas ?? DefaultSigmas(inputs.shape[2], inputs.shape[3]);
        if (sigmas.Count == 0 || sigmas.Any(s => !(s > 0) || !double.IsFinite(s)))
            throw new PhospheneException($"forgrad: every cutoff σ must be a positive number, got [{string.Join(", ", sigmas)}]");
        sigmas = sigmas.Distinct().Order().ToArray();

        string validationHash = ValidationHash(inputs, targets);
        if (UseCache && Cached(model, method, checkpointKey) is { } cached && cached.Metric == Metric.Name
            && cached.Sigmas.SequenceEqual(sigmas) && cached.ValidationHash == validationHash)
            return cached;

        using var scope = NewDisposeScope();
        bool wasTraining = model.training;
        model.eval();
        Tensor raw;
        try
        {
            raw = ExplainInBatches(model, explainer, inputs, targets, cancellation);
        }
        finally
        {
            model.train(wasTraining);
        }
        double unfiltered;
        var scores = new double[sigmas.Count];
        if (!Metric.RequiresExplainer)
        {
            // One call: metrics such as MuFidelity share their forward passes across the filtered sets.
            var sets = new List<Tensor> { raw };
            sets.AddRange(sigmas.Select(sigma => ForGrad.Filter(raw, sigma)));
            var all = Metric.EvaluateEach(model, inputs, targets, sets, null, null, cancellation);
            unfiltered = all[0].Score;
            for (int i = 0; i < sigmas.Count; i++) scores[i] = all[i + 1].Score;
            progress?.Report(new MetricProgress("forgrad", sigmas.Count, sigmas.Count));
        }
        else
        {
            unfiltered = Metric.Evaluate(model, inputs, targets, raw, explainer, null, cancellation).Score;
            for (int i = 0; i < sigmas.Count; i++)
            {
                using var step = NewDisposeScope();
                double sigma = sigmas[i];
                AttributionFunction filtered = (m, x, y) => ForGrad.Filter(explainer(m, x, y), sigma);
                scores[i] = Metric.Evaluate(model, inputs, targets, ForGrad.Filter(raw, sigma), filtered, null, cancellation).Score;
                progress?.Report(new MetricProgress("forgrad", i + 1, sigmas.Count));
            }
        }

        int best = -1;
        for (int i = 0; i < scores.Length; i++)
            if (double.IsFinite(scores[i]) && (best < 0 || (Metric.HigherIsBetter ? scores[i] > scores[best] : scores[i] < scores[best])))
                best = i;
        if (best < 0) throw new PhospheneException($"forgrad: {Metric.Name} gave no finite score at any cutoff; try another metric");

        var result = new ForGradCutoffResult
        {
            Method = method,
            Metric = Metric.Name,
            HigherIsBetter = Metric.HigherIsBetter,
            Sigmas = sigmas,
            Scores = scores,
            UnfilteredScore = unfiltered,
            BestSigma = sigmas[best],
            BestScore = scores[best],
            ValidationCount = inputs.shape[0],
            ValidationHash = validationHash,
        };
        if (UseCache) Store(model, method, checkpointKey, result);
        return result;
    }

    /// <summary>
    /// The cached search result for <paramref name="model"/> and <paramref name="method"/>: from memory, else (with a
    /// <paramref name="checkpointKey"/>) from disk; null if none.
    /// </summary>
    public ForGradCutoffResult? Cached(nn.Module<Tensor, Tensor> model, string method, string? checkpointKey = null)
    {
        CheckName(method);
        if (Memory.TryGetValue(model, out var forModel) && forModel.TryGetValue(method, out var inMemory))
            return inMemory with { FromCache = true };
        if (checkpointKey is null) return null;
        string path = CachePath(checkpointKey, method);
        if (!File.Exists(path)) return null;
        try
        {
            var onDisk = JsonSerializer.Deserialize<ForGradCutoffResult>(File.ReadAllText(path), Json);
            if (onDisk is null) return null;
            Memory.GetOrCreateValue(model)[method] = onDisk;
            return onDisk with { FromCache = true };
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;   // unreadable entry: search again and overwrite it
        }
    }

    /// <summary>The cached best σ for <paramref name="model"/> and <paramref name="method"/>, or null (see <see cref="Cached"/>).</summary>
    public double? CachedSigma(nn.Module<Tensor, Tensor> model, string method, string? checkpointKey = null) =>
        Cached(model, method, checkpointKey)?.BestSigma;

    /// <summary>Forgets every in-memory result (the on-disk cache stays).</summary>
    public static void ClearMemoryCache() => Memory.Clear();

    static string ValidationHash(Tensor inputs, Tensor targets)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var x = inputs.detach().to_type(ScalarType.Float32).contiguous();
        using var y = targets.detach().to_type(ScalarType.Int64).contiguous();
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(string.Join("x", inputs.shape)));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.data<float>().ToArray().AsSpan()));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(y.data<long>().ToArray().AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    Tensor ExplainInBatches(nn.Module<Tensor, Tensor> model, AttributionFunction explainer, Tensor inputs, Tensor targets,
                            CancellationToken cancellation)
    {
        long n = inputs.shape[0], h = inputs.shape[2], w = inputs.shape[3];
        var maps = zeros(n, h, w, ScalarType.Float32);
        foreach (var (start, size) in Batches.Of(n, BatchSize))
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = explainer(model, inputs.narrow(0, start, size), targets.narrow(0, start, size));
            if (!batch.shape.SequenceEqual([size, h, w]))
                throw new PhospheneException(
                    $"forgrad: the explainer must return {size}×{h}×{w} maps for {size} inputs, but returned [{string.Join(", ", batch.shape)}]");
            maps.narrow(0, start, size).copy_(batch.detach());
        }
        return maps;
    }

    void Store(nn.Module<Tensor, Tensor> model, string method, string? checkpointKey, ForGradCutoffResult result)
    {
        Memory.GetOrCreateValue(model)[method] = result;
        if (checkpointKey is null) return;
        System.IO.Directory.CreateDirectory(Directory);
        string path = CachePath(checkpointKey, method);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, JsonSerializer.Serialize(result, Json));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    string CachePath(string checkpointKey, string method)
    {
        if (!SafeName().IsMatch(checkpointKey))
            throw new PhospheneException($"forgrad: checkpoint key '{checkpointKey}' must be letters, digits and dashes");
        return Path.Combine(Directory, $"{checkpointKey}-{method}.json");
    }

    static void CheckName(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!SafeName().IsMatch(method))
            throw new PhospheneException($"forgrad: method name '{method}' must be lower-case letters, digits and dashes, e.g. 'saliency'");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex SafeName();
}
