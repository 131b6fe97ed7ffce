using System.IO.Compression;
using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using Phosphene.Concepts;
using Phosphene.Probing;
using Phosphene.Results;
using Phosphene.Synchrony;
using Phosphene.Tests.Attribution;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests.Results;

/// <summary>
/// Typed results saved with <c>Save(path)</c> and read back with <c>Load(path)</c> equal the originals (tensors bit
/// for bit, every value, the same result types inside); the tensors are NumPy arrays NumPy reads, and arrays NumPy
/// wrote read back; bad files give errors that name the file and the fix.
/// </summary>
public class ResultFileTests
{
    static void Same(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        using var a = expected.contiguous();
        using var b = actual.contiguous();
        Assert.True(a.bytes.SequenceEqual(b.bytes), "tensor values differ");
    }

    [Fact]
    public void AnAttributionResultWithItsMetricTableRoundTrips()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = new TinyCnn();
        var (images, labels) = RegionTask.Make(6, seed: 4);
        var comparison = new AttributionComparison { Methods = ["saliency", "integrated-gradients"], Metrics = ["deletion", "randomisation", "complexity"], ClassNames = ["empty", "square"] };
        using var result = comparison.Run(model, images, labels);
        using var dir = new TempDirectory();
        var path = dir.File("sub/attribution.phos");
        result.Save(path);
        using var loaded = AttributionResult.Load(path);

        Same(result.Inputs, loaded.Inputs);
        Same(result.Targets, loaded.Targets);
        Same(result.Predictions, loaded.Predictions);
        Assert.Equal(result.Methods, loaded.Methods);
        foreach (var method in result.Methods) Same(result.Maps[method], loaded.Maps[method]);
        Assert.Equal(result.Signed, loaded.Signed);
        Assert.Equal(result.Parameters, loaded.Parameters);
        Assert.Equal(result.Elapsed, loaded.Elapsed);
        Assert.Equal(result.ClassNames, loaded.ClassNames);
        Assert.Equal(result.Metrics!.Metrics, loaded.Metrics!.Metrics);
        foreach (var metric in result.Metrics.Metrics)
            foreach (var method in result.Methods)
            {
                var (a, b) = (result.Metrics.Results[metric][method], loaded.Metrics.Results[metric][method]);
                Assert.Equal(a.GetType(), b.GetType());
                Assert.Equal(a.Score, b.Score);
                Assert.Equal(a.PerExample, b.PerExample);
                Assert.Equal(a.ToString(), b.ToString());
            }
        Assert.Equal(result.Metrics.Elapsed, loaded.Metrics.Elapsed);
        var curve = (CurveResult)loaded.Metrics.Results["deletion"]["saliency"];
        Assert.Equal(((CurveResult)result.Metrics.Results["deletion"]["saliency"]).Curves, curve.Curves);
        Assert.Equal(result.ToString(), loaded.ToString());
        Assert.Contains(Provenance.Inputs, i => i.Kind == "result loaded" && i.Path == Path.GetFullPath(path));
    }

    [Fact]
    public void DurationsAndNonFiniteNumbersRoundTripExactly()
    {
        var random = new Random(11);
        for (int i = 0; i < 10_000; i++)
        {
            var duration = TimeSpan.FromTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 400));
            Assert.Equal(duration, ResultFile.Duration(ResultFile.Duration(duration)));
        }
        foreach (var value in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, 1 / 3.0 })
            Assert.Equal(value, ResultFile.Number(ResultFile.Number(value)));
        Assert.Equal("\"-Infinity\"", ResultFile.Number(double.NegativeInfinity).ToJsonString());
    }

    [Fact]
    public void ACouplingSweepRoundTripsWithItsLawOptionsAndRecordedPhases()
    {
        var options = new SimulationOptions { Steps = 200, Dt = 0.05, RecordEvery = 5, RecordPhases = true, Seed = 9 };
        using var sweep = CouplingSweep.Run(new LorentzianFrequencies(0, 0.5), [0.5, 2.0], 64, networksPerCoupling: 3, options);
        using var dir = new TempDirectory();
        sweep.Save(dir.File("sweep.phos"));
        using var loaded = CouplingSweepResult.Load(dir.File("sweep.phos"));
        Same(sweep.R, loaded.R);
        Same(sweep.Frequencies, loaded.Frequencies);
        Same(sweep.FinalPhases, loaded.FinalPhases);
        Same(sweep.Phases!, loaded.Phases!);
        Assert.Equal(sweep.Coupling, loaded.Coupling);
        Assert.Equal(sweep.RInfinityPerNetwork, loaded.RInfinityPerNetwork);
        Assert.Equal(sweep.RInfinity, loaded.RInfinity);
        Assert.Equal(sweep.Theory, loaded.Theory);
        Assert.Equal(sweep.Times, loaded.Times);
        Assert.Equal(sweep.Options, loaded.Options);
        Assert.Equal(sweep.Distribution, loaded.Distribution);
        Assert.Equal(1.0, loaded.CriticalCoupling, 12);
    }

    [Fact]
    public void SimilarityPredictivityAndPhaseMapResultsRoundTrip()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        var generator = new Generator(5);
        using var activations = new LayerActivations(["a", "b"], new Dictionary<string, Tensor>
        {
            ["a"] = randn([80, 6], generator: generator), ["b"] = randn([80, 4], generator: generator),
        });
        var similarity = SimilarityMatrix.Compute(activations, activations, SimilarityMeasure.Rsa, "x: ", "y: ");
        similarity.Save(dir.File("similarity.phos"));
        var loadedSimilarity = SimilarityMatrix.Load(dir.File("similarity.phos"));
        Assert.Equal(similarity.Values, loadedSimilarity.Values);
        Assert.Equal(similarity.Measure, loadedSimilarity.Measure);
        Assert.Equal(similarity.Rows, loadedSimilarity.Rows);
        Assert.Equal(similarity.Columns, loadedSimilarity.Columns);

        using var population = SimulatedPopulation.Generate(activations["a"], units: 5, trials: 4, snr: 1, seed: 6);
        var predictivity = NeuralPredictivity.Layers(activations, population.Responses, folds: 3);
        predictivity.Save(dir.File("predictivity.phos"));
        var loaded = PredictivityResult.Load(dir.File("predictivity.phos"));
        Assert.Equal(predictivity.Layers, loaded.Layers);
        Assert.Equal(predictivity.ToString(), loaded.ToString());
        foreach (var layer in predictivity.Layers)
        {
            Assert.Equal(predictivity.Scores[layer].PerTarget, loaded.Scores[layer].PerTarget);
            Assert.Equal(predictivity.Scores[layer].FoldScores, loaded.Scores[layer].FoldScores);
            Assert.Equal(predictivity.Scores[layer].Normalised, loaded.Scores[layer].Normalised);
        }
        Assert.Equal(predictivity.Ceiling!.PerTarget, loaded.Ceiling!.PerTarget);

        var maps = PhaseMapsResultOf(generator);
        maps.Save(dir.File("phases.phos"));
        using var loadedMaps = PhaseMapsResult.Load(dir.File("phases.phos"));
        Same(maps.Images, loadedMaps.Images);
        Same(maps.Maps, loadedMaps.Maps);
        Assert.Null(loadedMaps.Coherence);
    }

    // A phase-map result without a trained network: the tensors are what matters to the file.
    static PhaseMapsResult PhaseMapsResultOf(Generator generator)
    {
        var ctor = typeof(PhaseMapsResult).GetConstructors(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance).Single();
        return (PhaseMapsResult)ctor.Invoke([rand([2, 1, 8, 8], generator: generator), rand([2, 3, 8, 8], generator: generator), null, null]);
    }

    [Theory]
    [InlineData("nmf")]
    [InlineData("semi-nmf")]
    [InlineData("pca")]
    [InlineData("ica")]
    [InlineData("kmeans")]
    [InlineData("dictionary")]
    public void AFittedDecompositionRoundTripsAndEncodesNewActivationsAsBefore(string method)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(21);
        var activations = rand([60, 10], dtype: ScalarType.Float64, generator: generator);
        var unseen = rand([7, 10], dtype: ScalarType.Float64, generator: generator);
        using var result = new DecompositionResult(ConceptDecomposition.Create(method, 4, seed: 2), activations, stabilityRuns: method == "nmf" ? 2 : 0);
        using var dir = new TempDirectory();
        result.Save(dir.File("concepts.phos"));
        using var loaded = DecompositionResult.Load(dir.File("concepts.phos"));
        Assert.Equal(result.Decomposition.GetType(), loaded.Decomposition.GetType());
        Same(result.Coefficients, loaded.Coefficients);
        Same(result.ConceptBank, loaded.ConceptBank);
        Assert.Equal((result.ReconstructionError, result.RelativeError, result.Sparsity, result.Stability),
                     (loaded.ReconstructionError, loaded.RelativeError, loaded.Sparsity, loaded.Stability));
        Assert.Equal(result.Importances, loaded.Importances);
        Assert.Equal(result.ToString(), loaded.ToString());
        Assert.Equal((result.Decomposition.Iterations, result.Decomposition.Converged), (loaded.Decomposition.Iterations, loaded.Decomposition.Converged));
        // What the method kept besides U and W (a mean, an unmixing matrix, a Lasso penalty) came back: encoding and
        // decoding new activations give the same numbers.
        Same(result.Decomposition.Encode(unseen), loaded.Decomposition.Encode(unseen));
        Same(result.Decomposition.Decode(result.Coefficients), loaded.Decomposition.Decode(loaded.Coefficients));
        if (method == "nmf") Assert.NotNull(loaded.Stability);
    }

    public static TheoryData<string, bool> ProbeKinds() => new()
    {
        { "logistic", false }, { "ridge", true }, { "pls", false }, { "mlp-3dpc", false },
    };

    [Theory]
    [MemberData(nameof(ProbeKinds))]
    public void AProbingResultRoundTripsWithItsFittedProbes(string probeName, bool withPca)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(31);
        using var activations = new LayerActivations(["early", "late"], new Dictionary<string, Tensor>
        {
            ["early"] = randn([90, 12], generator: generator), ["late"] = randn([90, 6], generator: generator),
        });
        var probe = Probes.Create(probeName, components: 3, pcaComponents: withPca ? 4 : null, seed: 5);
        var signal = activations["late"][.., 0] + activations["early"][.., 1];
        var targets = probe.Task == ProbeTask.Classification ? signal.gt(0).to(ScalarType.Int64) : stack([signal, -signal], 1).to(ScalarType.Float64);
        using var result = LayerProbing.Run(activations, targets, new ProbingOptions { Probe = probe, Folds = 3, Permutations = 2 });
        using var dir = new TempDirectory();
        result.Save(dir.File("probes.phos"));
        using var loaded = ProbingResult.Load(dir.File("probes.phos"));

        Assert.Equal(result.ToString(), loaded.ToString());
        Assert.Equal(result.Pooling, loaded.Pooling);
        Assert.Equal(result.Layers, loaded.Layers);
        var unseen = randn([9, 12], generator: generator);
        foreach (var layer in result.Layers)
        {
            Assert.Equal(result.Details[layer].FoldScores, loaded.Details[layer].FoldScores);
            Assert.Equal(result.Details[layer].Null, loaded.Details[layer].Null);
            Assert.Equal(result.Details[layer].PerTarget, loaded.Details[layer].PerTarget);
            var features = unseen[.., ..(int)activations[layer].shape[1]];
            // The refitted probe and every fold probe predict new features as the originals do.
            Same(result.Predict(layer, features), loaded.Predict(layer, features));
            for (int fold = 0; fold < result.Details[layer].Probes.Count; fold++)
                Same(result.Details[layer].Probes[fold].Predict(features), loaded.Details[layer].Probes[fold].Predict(features));
            Assert.Equal(withPca, loaded.Probes[layer].Pca is not null);
        }
    }

    [Fact]
    public void NumPyReadsTheSavedTensorsAndPhospheneReadsArraysNumPyWrote()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        var tensors = new (string, Tensor)[]
        {
            ("f32", tensor(new float[] { 1.5f, -2f, float.NaN, 3.25f, 0f, 7f }).reshape(2, 3)),
            ("f64", tensor(new[] { Math.PI, -1e300 })),
            ("i64", tensor(new long[] { long.MaxValue, -3, 0, 9 }).reshape(2, 1, 2)),
            ("i32", tensor(new[] { 4, -5 })),
            ("u8", tensor(new byte[] { 0, 255, 7 })),
            ("flags", tensor(new[] { true, false, true })),
            ("scalar", tensor(2.5)),
            ("empty", zeros(0, 4)),
            ("strided", arange(12, dtype: ScalarType.Float32).reshape(3, 4).t()),
        };
        ResultFile.Write(dir.File("r.phos"), "Test", new() { ["note"] = "hi" }, tensors);
        var python = PythonReference.Run($$"""
            import numpy as np
            f = np.load({{System.Text.Json.JsonSerializer.Serialize(dir.File("r.phos"))}})
            for k in ["f32", "f64", "i64", "i32", "u8", "flags", "scalar", "empty", "strided"]:
                a = f[k]
                print(k, a.dtype, list(a.shape), repr(a.ravel().tolist()))
            np.savez({{System.Text.Json.JsonSerializer.Serialize(dir.File("numpy.npz"))}}, x=np.arange(6, dtype=np.float64).reshape(3, 2) / 4, y=np.array([[1, 2]], dtype=np.int32))
            """);
        Assert.Equal("""
            f32 float32 [2, 3] [1.5, -2.0, nan, 3.25, 0.0, 7.0]
            f64 float64 [2] [3.141592653589793, -1e+300]
            i64 int64 [2, 1, 2] [9223372036854775807, -3, 0, 9]
            i32 int32 [2] [4, -5]
            u8 uint8 [3] [0, 255, 7]
            flags bool [3] [True, False, True]
            scalar float64 [] [2.5]
            empty float32 [0, 4] []
            strided float32 [4, 3] [0.0, 4.0, 8.0, 1.0, 5.0, 9.0, 2.0, 6.0, 10.0, 3.0, 7.0, 11.0]
            """.ReplaceLineEndings("\n"), python.ReplaceLineEndings("\n"));

        using var zip = ZipFile.OpenRead(dir.File("numpy.npz"));
        using (var x = NpyFormat.Read(zip.GetEntry("x.npy")!.Open(), "x.npy"))
        {
            Assert.Equal(ScalarType.Float64, x.dtype);
            Assert.Equal([3L, 2L], x.shape);
            Assert.Equal(new[] { 0, 0.25, 0.5, 0.75, 1, 1.25 }, x.data<double>().ToArray());
        }
        using var y = NpyFormat.Read(zip.GetEntry("y.npy")!.Open(), "y.npy");
        Assert.Equal(new[] { 1, 2 }, y.data<int>().ToArray());
    }

    [Fact]
    public void BadFilesAndTheWrongTypeAreClearErrors()
    {
        using var dir = new TempDirectory();
        var missing = Assert.Throws<PhospheneException>(() => AttributionResult.Load(dir.File("none.phos")));
        Assert.Equal($"no saved result at '{dir.File("none.phos")}'", missing.Message);

        File.WriteAllText(dir.File("text.phos"), "not a zip");
        var text = Assert.Throws<PhospheneException>(() => CouplingSweepResult.Load(dir.File("text.phos")));
        Assert.Contains("is not a saved Phosphene result (not a zip archive)", text.Message);

        ResultFile.Write(dir.File("matrix.phos"), nameof(SimilarityMatrix), new() { ["measure"] = "Cka" }, []);
        var wrong = Assert.Throws<PhospheneException>(() => PredictivityResult.Load(dir.File("matrix.phos")));
        Assert.Equal($"'{dir.File("matrix.phos")}' holds a SimilarityMatrix, not a PredictivityResult: load it with SimilarityMatrix.Load(path)", wrong.Message);
        var damaged = Assert.Throws<PhospheneException>(() => SimilarityMatrix.Load(dir.File("matrix.phos")));
        Assert.Contains("has no value 'rows'; the file is damaged or was not written by SimilarityMatrix.Save", damaged.Message);

        // A truncated array is refused before any tensor is allocated for it.
        using (var stream = new MemoryStream())
        {
            using (var big = zeros(1000)) NpyFormat.Write(stream, big);
            var cut = new MemoryStream(stream.ToArray()[..200]);
            var truncated = Assert.Throws<PhospheneException>(() => NpyFormat.Read(cut, "cut.npy"));
            Assert.Equal("'cut.npy' is truncated: its shape [1000] needs 4000 bytes of data, the file has 72", truncated.Message);
        }
        // In a zip entry (not seekable) the entry's size is the limit: a shape declaring 2⁴⁰ floats is refused unallocated.
        using (var stream = new MemoryStream())
        {
            using (var small = zeros(4)) NpyFormat.Write(stream, small);
            // The same header length: the longer shape takes the place of padding spaces.
            var header = System.Text.Encoding.Latin1.GetString(stream.ToArray());
            var forged = System.Text.Encoding.Latin1.GetBytes(header.Replace("(4,), }" + new string(' ', 12), "(1099511627776,), }"));
            using (var zip = new ZipArchive(File.Create(dir.File("forged.zip")), ZipArchiveMode.Create))
            using (var entry = zip.CreateEntry("x.npy").Open())
                entry.Write(forged);
            using var read = ZipFile.OpenRead(dir.File("forged.zip"));
            var zipEntry = read.GetEntry("x.npy")!;
            var huge = Assert.Throws<PhospheneException>(() => NpyFormat.Read(zipEntry.Open(), "x.npy", zipEntry.Length));
            Assert.Equal("'x.npy' is truncated: its shape [1099511627776] needs 4398046511104 bytes of data, the file has 16", huge.Message);
            File.Delete(dir.File("forged.zip"));
        }
        using var half = zeros(2).to(ScalarType.Float16);
        var dtype = Assert.Throws<PhospheneException>(() => NpyFormat.Write(Stream.Null, half));
        Assert.StartsWith("cannot save a Float16 tensor as .npy", dtype.Message);

        // A failed save leaves nothing behind, not even a temporary file.
        var unsaved = Assert.Throws<PhospheneException>(() =>
            ResultFile.Write(dir.File("half.phos"), "Test", [], [("ok", zeros(2)), ("ok", zeros(2))]));
        Assert.Contains("tensor name 'ok' is empty or used twice", unsaved.Message);
        Assert.Equal(["matrix.phos", "text.phos"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }
}
