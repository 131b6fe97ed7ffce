using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>
/// The shared base of concept extraction methods: a factorisation A ≈ U W of an activation matrix A (n×c) into
/// coefficients U (n×r, one row per crop) and a concept bank W (r×c, one row per concept), as framed by Fel et al.
/// (2023), "A Holistic Approach to Unifying Automatic Concept Extraction and Concept Importance Estimation", NeurIPS.
/// </summary>
/// <remarks>
/// <para><see cref="Fit"/> learns W (and the training U), <see cref="Encode"/> maps new rows to U with W fixed,
/// <see cref="Decode"/> maps U back to activations. Methods whose encoding is a (piecewise) smooth function of A also
/// offer <see cref="EncodeDifferentiable"/> (NMF and semi-NMF by implicit differentiation of the NNLS, PCA and ICA
/// as linear maps, dictionary learning on the Lasso's support).</para>
/// <para>Everything is computed in float64; <see cref="Encode"/> returns A's dtype and <see cref="Decode"/> U's.</para>
/// </remarks>
public abstract class ConceptDecomposition : IRegistered, IDisposable
{
    Tensor? _bank;
    Tensor? _coefficients;

    /// <summary>Creates an unfitted decomposition.</summary>
    /// <param name="concepts">Number of concepts r, at least 1.</param>
    /// <param name="seed">Seed of every random choice (default 0).</param>
    protected ConceptDecomposition(int concepts, long seed)
    {
        if (concepts < 1) throw new PhospheneException($"the number of concepts must be at least 1, got {concepts}");
        Concepts = concepts;
        Seed = seed;
    }

    /// <summary>The method's name as <see cref="Create"/> accepts it, e.g. <c>nmf</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What the decomposition imposes on the concepts, in one line.</summary>
    public abstract string Summary { get; }

    /// <summary>Number of concepts r.</summary>
    public int Concepts { get; }

    /// <summary>Seed of every random choice.</summary>
    public long Seed { get; }

    /// <summary>True when <see cref="Fit"/> requires A ≥ 0 (NMF).</summary>
    public virtual bool RequiresNonNegativeActivations => false;

    /// <summary>True when the coefficients are always ≥ 0 (NMF, semi-NMF, K-Means).</summary>
    public virtual bool NonNegativeCoefficients => false;

    /// <summary>True when <see cref="EncodeDifferentiable"/> is available.</summary>
    public virtual bool HasDifferentiableEncode => false;

    /// <summary>Whether <see cref="Fit"/> has run.</summary>
    public bool IsFitted => _bank is not null;

    /// <summary>The concept bank W, r×c float64 (rows are concept directions in activation space).</summary>
    /// <exception cref="PhospheneException">Not fitted yet.</exception>
    public Tensor ConceptBank => _bank ?? throw NotFitted();

    /// <summary>The coefficients U of the fitted rows, n×r float64.</summary>
    /// <exception cref="PhospheneException">Not fitted yet.</exception>
    public Tensor Coefficients => _coefficients ?? throw NotFitted();

    /// <summary>Iterations the last <see cref="Fit"/> ran (0 for closed-form methods).</summary>
    public int Iterations { get; protected set; }

    /// <summary>Whether the last <see cref="Fit"/> met its tolerance before its iteration limit.</summary>
    public bool Converged { get; protected set; } = true;

    /// <summary>Learns the concept bank from activations A (n×c, n ≥ r rows, finite).</summary>
    /// <param name="activations">A, n×c.</param>
    /// <param name="cancellation">Stops between iterations.</param>
    /// <returns>This instance, fitted.</returns>
    /// <exception cref="PhospheneException">A is not a finite n×c matrix with n ≥ r, or has negative entries and the
    /// method needs A ≥ 0 (the message names semi-NMF, which accepts signed activations).</exception>
    public ConceptDecomposition Fit(Tensor activations, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(activations);
        if (activations.dim() != 2)
            throw new PhospheneException($"{Name} needs a 2-D activation matrix n×c (crops × channels), got [{string.Join(", ", activations.shape)}]");
        if (activations.shape[0] < Concepts)
            throw new PhospheneException($"{Name} with {Concepts} concepts needs at least {Concepts} rows, got {activations.shape[0]}; use fewer concepts or more images");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var a = activations.detach().to_type(ScalarType.Float64);
        if (!a.isfinite().all().item<bool>())
            throw new PhospheneException($"{Name}: the activations contain NaN or infinite values");
        if (RequiresNonNegativeActivations && a.min().item<double>() < 0)
            throw new PhospheneException(
                $"{Name} needs non-negative activations, but the minimum is {a.min().item<double>():G4}; split after a ReLU, or use the method semi-nmf for signed activations");
        var (u, w) = FitCore(a, cancellation);
        _coefficients?.Dispose();
        _bank?.Dispose();
        _coefficients = u.detach().contiguous().DetachFromDisposeScope();
        _bank = w.detach().contiguous().DetachFromDisposeScope();
        return this;
    }

    /// <summary>Coefficients U (n×r, A's dtype) of activations A (n×c) with the bank fixed.</summary>
    public Tensor Encode(Tensor activations)
    {
        CheckColumns(activations);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return EncodeCore(activations.detach().to_type(ScalarType.Float64)).to_type(activations.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Like <see cref="Encode"/>, but differentiable with respect to A; float64.</summary>
    /// <exception cref="PhospheneException">The method has no differentiable encoding (K-Means).</exception>
    public Tensor EncodeDifferentiable(Tensor activations)
    {
        CheckColumns(activations);
        if (!HasDifferentiableEncode)
            throw new PhospheneException($"{Name} has no differentiable encoding (its assignment is piecewise constant); use nmf, semi-nmf, pca, ica or dictionary");
        using var scope = NewDisposeScope();
        return EncodeDifferentiableCore(activations.to_type(ScalarType.Float64)).MoveToOuterDisposeScope();
    }

    /// <summary>Activations U W (+ offset for centred methods), n×c, in U's dtype; differentiable in U.</summary>
    public Tensor Decode(Tensor coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (coefficients.dim() != 2 || coefficients.shape[1] != Concepts)
            throw new PhospheneException($"coefficients must be n×{Concepts}, got [{string.Join(", ", coefficients.shape)}]");
        using var scope = NewDisposeScope();
        return DecodeCore(coefficients.to_type(ScalarType.Float64)).to_type(coefficients.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>‖A − Decode(Encode(A))‖_F, the holistic paper's reconstruction error.</summary>
    public double ReconstructionError(Tensor activations)
    {
        using var scope = NewDisposeScope();
        var a = activations.to_type(ScalarType.Float64);
        return (a - Decode(Encode(a))).norm().item<double>();
    }

    /// <summary>The fit: coefficients n×r and bank r×c, float64, from A (float64, validated).</summary>
    protected abstract (Tensor Coefficients, Tensor Bank) FitCore(Tensor activations, CancellationToken cancellation);

    /// <summary>The encoding with the fitted bank; A is float64 n×c.</summary>
    protected abstract Tensor EncodeCore(Tensor activations);

    /// <summary>The differentiable encoding; override with <see cref="HasDifferentiableEncode"/>.</summary>
    protected virtual Tensor EncodeDifferentiableCore(Tensor activations) => throw new NotSupportedException();

    /// <summary>The decoding; U W by default.</summary>
    protected virtual Tensor DecodeCore(Tensor coefficients) => coefficients.mm(ConceptBank);

    /// <summary>A seeded generator for this fit (same seed, same numbers).</summary>
    protected Generator NewGenerator() => new Generator().manual_seed(Seed);

    /// <summary>The registry of decompositions by name; each is made with <c>(concepts, seed)</c> and its other defaults.</summary>
    public static Registry<(int Concepts, long Seed), ConceptDecomposition> Registry { get; } = new("decomposition", (1, 0),
        s => new Nmf(s.Concepts, seed: s.Seed),
        s => new SemiNmf(s.Concepts, seed: s.Seed),
        s => new Pca(s.Concepts, s.Seed),
        s => new FastIca(s.Concepts, seed: s.Seed),
        s => new KMeans(s.Concepts, seed: s.Seed),
        s => new DictionaryLearning(s.Concepts, seed: s.Seed));

    /// <summary>The names <see cref="Create"/> accepts: nmf, semi-nmf, pca, ica, kmeans, dictionary.</summary>
    public static IReadOnlyList<string> Names => Registry.Names;

    /// <summary>A decomposition by name with its default options: <c>nmf</c> (<see cref="Nmf"/>), <c>semi-nmf</c>
    /// (<see cref="SemiNmf"/>), <c>pca</c> (<see cref="Pca"/>), <c>ica</c> (<see cref="FastIca"/>), <c>kmeans</c>
    /// (<see cref="KMeans"/>), <c>dictionary</c> (<see cref="DictionaryLearning"/>).</summary>
    /// <exception cref="PhospheneException">Unknown name, with a suggestion; fewer than 1 concept.</exception>
    public static ConceptDecomposition Create(string name, int concepts, long seed = 0) => Registry.Create(name, (concepts, seed));

    void CheckColumns(Tensor activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        var w = ConceptBank;
        if (activations.dim() != 2 || activations.shape[1] != w.shape[1])
            throw new PhospheneException($"{Name} was fitted on {w.shape[1]} channels; activations must be n×{w.shape[1]}, got [{string.Join(", ", activations.shape)}]");
    }

    /// <summary>
    /// The fitted decomposition as saved in a <see cref="ResultFile"/>: its name, sizes, settings and fit diagnostics as
    /// values; U, W and any method state (e.g. PCA's mean) added to <paramref name="tensors"/> under <paramref name="prefix"/>.
    /// </summary>
    internal JsonObject Save(string prefix, List<(string, Tensor)> tensors)
    {
        tensors.Add((prefix + "coefficients", Coefficients));
        tensors.Add((prefix + "bank", ConceptBank));
        foreach (var (name, tensor) in FittedTensors())
            tensors.Add((prefix + name, tensor));
        return new JsonObject
        {
            ["name"] = Name, ["concepts"] = Concepts, ["seed"] = Seed, ["iterations"] = Iterations, ["converged"] = Converged,
            ["settings"] = Settings(), ["fitted"] = FittedValues(),
        };
    }

    /// <summary>A fitted decomposition written by <see cref="Save"/>; <paramref name="tensor"/> reads a saved tensor by name.</summary>
    internal static ConceptDecomposition Restore(JsonNode json, string prefix, Func<string, Tensor> tensor)
    {
        int concepts = (int)json["concepts"]!;
        long seed = (long)json["seed"]!;
        var s = json["settings"]!;
        double Setting(string key) => ResultFile.Number(s[key]!);
        ConceptDecomposition decomposition = (string?)json["name"] switch
        {
            "pca" => new Pca(concepts, seed),
            "ica" => new FastIca(concepts, Setting("tolerance"), (int)s["maxIterations"]!, seed),
            "nmf" => new Nmf(concepts, Enum.Parse<NmfSolver>((string)s["solver"]!), Enum.Parse<NmfInit>((string)s["init"]!),
                             Setting("tolerance"), (int)s["maxIterations"]!, Setting("alpha"), Setting("l1Ratio"), seed),
            "semi-nmf" => new SemiNmf(concepts, Setting("tolerance"), (int)s["maxIterations"]!, seed),
            "kmeans" => new KMeans(concepts, Setting("tolerance"), (int)s["maxIterations"]!, seed),
            "dictionary" => new DictionaryLearning(concepts, ResultFile.OptionalNumber(s["alpha"]), (bool)s["positiveCode"]!,
                                                   Setting("tolerance"), (int)s["maxIterations"]!, seed),
            var other => throw new PhospheneException($"a saved decomposition names the method '{other}', which this version does not know (methods: {string.Join(", ", Names)})"),
        };
        try
        {
            decomposition._coefficients = tensor(prefix + "coefficients");
            decomposition._bank = tensor(prefix + "bank");
            decomposition.Iterations = (int)json["iterations"]!;
            decomposition.Converged = (bool)json["converged"]!;
            decomposition.RestoreFitted(json["fitted"]!.AsObject(), name => tensor(prefix + name));
            return decomposition;
        }
        catch
        {
            decomposition.Dispose();
            throw;
        }
    }

    /// <summary>The constructor's settings beyond the concepts and the seed, as saved.</summary>
    private protected virtual JsonObject Settings() => [];

    /// <summary>Fitted values beyond U, W and the iterations (e.g. k-means' inertia), as saved.</summary>
    private protected virtual JsonObject FittedValues() => [];

    /// <summary>Fitted tensors beyond U and W that encoding needs (e.g. PCA's mean).</summary>
    private protected virtual IEnumerable<(string Name, Tensor Tensor)> FittedTensors() => [];

    /// <summary>Restores what <see cref="FittedValues"/> and <see cref="FittedTensors"/> saved.</summary>
    private protected virtual void RestoreFitted(JsonObject values, Func<string, Tensor> tensor) { }

    PhospheneException NotFitted() => new($"{Name} is not fitted yet; call Fit(activations) first");

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}({Concepts} concepts{(IsFitted ? $", fitted on {ConceptBank.shape[1]} channels" : "")})";

    /// <summary>Frees the fitted tensors.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the fitted tensors; derived types free theirs too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        _bank?.Dispose();
        _coefficients?.Dispose();
        _bank = _coefficients = null;
    }
}
