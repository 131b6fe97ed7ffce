using Phosphene.Notebook.Display;
using Phosphene.Synchrony;
using TorchSharp;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// <c>%kuramoto</c>: coupled-oscillator synchrony. <c>simulate</c> runs a batch of Kuramoto networks over one or many
/// coupling strengths (<see cref="CouplingSweep"/>); <c>kuranet</c> trains KuraNet (Ricci et al. 2021) to
/// synchronise networks it has not seen. Both return typed results with rich displays.
/// </summary>
public sealed class KuramotoMagic : Magic
{
    /// <inheritdoc/>
    public override string Name => "kuramoto";

    /// <inheritdoc/>
    public override string Summary => "Kuramoto oscillators: coupling sweeps against mean-field theory, and KuraNet (learning couplings).";

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration d)
    {
        d.Subcommand("simulate", "Simulate B networks of N oscillators per coupling strength K (every K in one batch).", s => s
            .Option("n", 1000, "Oscillators per network N (for grid:HxW, H·W).")
            .Option<IReadOnlyList<double>>("coupling", [2.0], "Coupling strength K, or a sweep: a list 1,2,3 or a range 0:4:0.25 (stop excluded).")
            .Option<object>("frequencies", "lorentz(0,0.5)", "Natural frequencies: lorentz(x0,γ), normal(μ,σ), uniform(a,b), or a tensor {w} (N or B×N).")
            .Option("sampling", FrequencySampling.Quantile, "Frequencies as random draws or as the N quantiles in random order (less finite-N noise).")
            .Option<object>("topology", "all", "Coupling: all (mean field), grid:HxW[:periodic] (8 neighbours), or a matrix {A} (N×N, B×N×N or sparse).")
            .Option("integrator", "rk4", "Fixed-step integrator.", choices: Integrators.Names)
            .Option("dt", 0.01, "Time step.")
            .Option("steps", 5000, "Number of steps.")
            .Option("record-every", 10, "Record r(t) and ψ(t) every this many steps.")
            .Option("batch", 8, "Independent networks per coupling strength B (ignored when --frequencies is a B×N tensor).")
            .Option("batch-size", 0, "At most this many networks simulated at once, to bound memory (0: all).")
            .Option("lag", 0.0, "Sakaguchi phase lag α (radians).")
            .Option("noise", 0.0, "Noise intensity D ≥ 0.")
            .Option("field", 0.0, "External field strength h.")
            .Option("field-frequency", 0.0, "External field frequency Ω.")
            .Flag("record-phases", "Also record θ(t) (K×B×N×T floats) for the animated phase circle; keep N small.")
            .Option("seed", 0, "Seed of frequencies, initial phases and noise."));
        d.Subcommand("kuranet", "Train KuraNet to synchronise disordered oscillators (global) or cluster 2-D points (clusters:moons|circles|gaussians).", k => k
            .Option("task", "global", "global, global:<distribution> (default uniform(-1,1)), or clusters:moons|circles|gaussians.")
            .Option("iterations", 200, "Gradient steps, each on fresh networks.")
            .Option("networks", 16, "Networks per training batch.")
            .Option("oscillators", 32, "Oscillators per network.")
            .Option("lr", 1e-3, "Adam learning rate.")
            .Option("hidden", 128, "Hidden units of the coupling network.")
            .Option("degree", 1.0, "Average degree (softmax) or row norm (signed, clusters) of the couplings.")
            .Option("dt", 0.1, "Euler step of the unrolled dynamics.")
            .Option("burn-in", 100, "Steps without gradient before the loss window.")
            .Option("loss-steps", 50, "Steps in the loss window (backpropagated).")
            .Option("evaluate", 64, "Held-out networks to compare trained and untrained couplings on.")
            .Option("seed", 0, "Seed of the weights, batches and phases."));
        d.Subcommand("komplexnet", "Train KomplexNet (or a baseline) on overlapping two-object Fashion-MNIST images, or load it from the checkpoint cache; report accuracy.", k => k
            .Option("data", "overlap-fashion", "The data set.", choices: ["overlap-fashion"])
            .Option("variant", KomplexVariant.Feedforward, "feedforward, feedback, or a baseline: complex-without-kuramoto, real.")
            .Option("train", 10000, "Training composites (from the Fashion-MNIST training split).")
            .Option("test", 500, "Test composites (from the test split).")
            .Option("overlap", 0.5, "Shared fraction of the two objects' boxes.")
            .Option("canvas", 40, "Canvas side.")
            .Option("channels", 8, "Channels C of the oscillator layer.")
            .Option("steps", 8, "Kuramoto steps.")
            .Option("step-size", 0.5, "Kuramoto step size ε.")
            .Option("inhibition", 1.0, "Initial global inhibition κ (learned): pushes groups of units apart.")
            .Option("synchrony-weight", 1.0, "Weight of the object-synchrony term in the loss (uses the masks; 0: labels only).")
            .Option("epochs", 5, "Training epochs.")
            .Option("batch-size", 64, "Images per step.")
            .Option("lr", 5e-3, "Adam learning rate (decayed linearly to 0).")
            .Option("seed", 0, "Seed of the data, weights, order and phases."));
        d.Subcommand("phases", "Phase maps of a trained complex network: hue = phase, brightness = amplitude.", p => p
            .Required<object>("model", "A komplexnet result (or a KomplexNet).")
            .Option<object>("images", "", "Images B×1×S×S, e.g. {x[..4]}; default: the first 6 test composites of the run."));
    }

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context) => invocation.Subcommand switch
    {
        "simulate" => Simulate(invocation, context),
        "kuranet" => TrainKuraNet(invocation, context),
        "komplexnet" => TrainKomplexNet(invocation, context),
        "phases" => Phases(invocation),
        _ => throw new MagicException($"%kuramoto: unknown subcommand '{invocation.Subcommand}'"),
    };

    static CouplingSweepResult Simulate(MagicInvocation invocation, IMagicContext context)
    {
        int n = invocation.Get<int>("n");
        var couplings = invocation.GetList<double>("coupling");
        int batch = invocation.Get<int>("batch"), batchSize = invocation.Get<int>("batch-size"), seed = invocation.Get<int>("seed");
        if (couplings.Count == 0) throw new MagicException("%kuramoto simulate: option '--coupling' needs at least one value, e.g. 2 or 0:4:0.25");
        if (batch < 1) throw new MagicException($"%kuramoto simulate: option '--batch' must be at least 1, got {batch}");
        if (batchSize < 0) throw new MagicException($"%kuramoto simulate: option '--batch-size' must be 0 (all) or more, got {batchSize}");
        var topology = Topology(invocation.Get<object>("topology"), ref n, invocation.IsGiven("n"));
        if (n < 1) throw new MagicException($"%kuramoto simulate: option '--n' must be at least 1, got {n}");
        var options = new SimulationOptions
        {
            Dt = invocation.Get<double>("dt"),
            Steps = invocation.Get<int>("steps"),
            Integrator = Integrators.Parse(invocation.Get<string>("integrator")),
            RecordEvery = invocation.Get<int>("record-every"),
            RecordPhases = invocation.Flag("record-phases"),
            Seed = seed,
        };
        try
        {
            options.Validate();
        }
        catch (PhospheneException e)
        {
            throw new MagicException($"%kuramoto simulate: {e.Message.Replace("simulation option Dt", "option '--dt'").Replace("simulation option Steps", "option '--steps'").Replace("simulation option RecordEvery", "option '--record-every'")}");
        }
        double lag = invocation.Get<double>("lag"), noise = invocation.Get<double>("noise");
        double field = invocation.Get<double>("field"), fieldFrequency = invocation.Get<double>("field-frequency");
        if (noise < 0) throw new MagicException($"%kuramoto simulate: option '--noise' must be zero or positive, got {noise}");
        var dynamics = new OscillatorDynamics(lag, noise, field, fieldFrequency);
        var frequencies = invocation.Get<object>("frequencies");
        long networks = couplings.Count * (frequencies is torch.Tensor { } given ? (given.dim() == 2 ? given.shape[0] : 1) : batch);
        long chunks = batchSize == 0 ? 1 : (networks + batchSize - 1) / batchSize;
        using var progress = ProgressDisplay.Show(context, "%kuramoto simulate", chunks * options.Steps);
        var chunkProgress = new ChunkProgress(progress.Adapt<(long Done, string Message)>(p => (p.Done, chunks * options.Steps, p.Message)), options.Steps);
        try
        {
            return frequencies switch
            {
                torch.Tensor w => CouplingSweep.Run(WithDtype(w, n, invocation.IsGiven("n")), couplings, options, topology, seed, batchSize == 0 ? null : batchSize,
                                                    chunkProgress, context.CancellationToken, dynamics),
                string text => CouplingSweep.Run(ParseDistribution(text), couplings, n, batch, options, topology, invocation.Get<FrequencySampling>("sampling"),
                                                 seed, batchSize == 0 ? null : batchSize, chunkProgress, context.CancellationToken, dynamics),
                _ => throw new MagicException("%kuramoto simulate: option '--frequencies' takes lorentz(x0,γ), normal(μ,σ), uniform(a,b) or a tensor {w}"),
            };
        }
        catch (PhospheneException e) when (e is not MagicException)
        {
            throw new MagicException($"%kuramoto simulate: {e.Message}");
        }
    }

    static torch.Tensor WithDtype(torch.Tensor w, int n, bool nGiven)
    {
        if (nGiven && w.dim() is 1 or 2 && w.shape[^1] != n)
            throw new MagicException($"%kuramoto simulate: option '--frequencies' has {w.shape[^1]} oscillators but '--n' is {n}; omit --n or make them agree");
        return w.dtype == torch.ScalarType.Float64 ? w : w.to_type(torch.ScalarType.Float32);
    }

    static FrequencyDistribution ParseDistribution(string text)
    {
        try
        {
            return FrequencyDistribution.Parse(text);
        }
        catch (PhospheneException e)
        {
            throw new MagicException($"%kuramoto simulate: option '--frequencies': {e.Message}");
        }
    }

    static CouplingTopology? Topology(object value, ref int n, bool nGiven)
    {
        switch (value)
        {
            case torch.Tensor matrix:
                try
                {
                    var topology = new MatrixCoupling(matrix);
                    if (!nGiven) n = (int)matrix.shape[^1];
                    return topology;
                }
                catch (PhospheneException e)
                {
                    throw new MagicException($"%kuramoto simulate: option '--topology': {e.Message}");
                }
            case string text when text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase):
                return null;
            case string text when text.StartsWith("grid", StringComparison.OrdinalIgnoreCase):
                try
                {
                    var grid = GridCoupling.Parse(text);
                    if (!nGiven) n = grid.Height * grid.Width;
                    return grid;
                }
                catch (PhospheneException e)
                {
                    throw new MagicException($"%kuramoto simulate: option '--topology': {e.Message}");
                }
            default:
                string shown = value as string ?? value.GetType().Name;
                throw new MagicException($"%kuramoto simulate: option '--topology' takes all, grid:HxW or a matrix {{A}}, not '{shown}'" +
                                         Suggestions.DidYouMean(shown, ["all", "grid"]));
        }
    }

    static KuraNetRun TrainKuraNet(MagicInvocation invocation, IMagicContext context)
    {
        SynchronyTask task;
        try
        {
            task = SynchronyTask.Parse(invocation.Get<string>("task"));
        }
        catch (PhospheneException e)
        {
            throw new MagicException($"%kuramoto kuranet: option '--task': {e.Message}");
        }
        bool clusters = task is ClusterSynchronyTask;
        int seed = invocation.Get<int>("seed"), evaluate = invocation.Get<int>("evaluate"), oscillators = invocation.Get<int>("oscillators");
        if (evaluate < 1) throw new MagicException($"%kuramoto kuranet: option '--evaluate' must be at least 1, got {evaluate}");
        try
        {
            var options = new KuraNetOptions
            {
                HiddenUnits = invocation.Get<int>("hidden"),
                AverageDegree = invocation.Get<double>("degree"),
                Dt = invocation.Get<double>("dt"),
                BurnInSteps = invocation.Get<int>("burn-in"),
                LossSteps = invocation.Get<int>("loss-steps"),
                Normalization = clusters ? CouplingNormalization.RowL2 : CouplingNormalization.Softmax,
                Symmetric = !clusters,
            };
            var training = new KuraNetTrainingOptions
            {
                Iterations = invocation.Get<int>("iterations"),
                Networks = invocation.Get<int>("networks"),
                Oscillators = oscillators,
                LearningRate = invocation.Get<double>("lr"),
                Seed = seed,
            };
            var untrained = new KuraNet(task.FeatureDimension, options, seed);
            var net = new KuraNet(task.FeatureDimension, options, seed);
            using var progress = ProgressDisplay.Show(context, "%kuramoto kuranet", training.Iterations);
            var run = KuraNetTrainer.Train(net, task, training, progress.Adapt<KuraNetProgress>(p => (p.Iteration, p.Iterations, p.ToString())),
                                           context.CancellationToken);
            int heldOut = unchecked(seed + 1_000_000_007);
            var before = KuraNetTrainer.Evaluate(untrained, task, evaluate, oscillators, heldOut);
            var after = KuraNetTrainer.Evaluate(net, task, evaluate, oscillators, heldOut);
            untrained.Dispose();
            return new KuraNetRun(net, task, run, before, after);
        }
        catch (PhospheneException e) when (e is not MagicException)
        {
            throw new MagicException($"%kuramoto kuranet: {e.Message}");
        }
    }

    static KomplexNetRun TrainKomplexNet(MagicInvocation invocation, IMagicContext context)
    {
        int trainCount = invocation.Get<int>("train"), testCount = invocation.Get<int>("test"), seed = invocation.Get<int>("seed");
        if (trainCount < 1 || testCount < 1)
            throw new MagicException($"%kuramoto komplexnet: options '--train' and '--test' must be at least 1, got {trainCount} and {testCount}");
        try
        {
            double overlap = invocation.Get<double>("overlap");
            int canvas = invocation.Get<int>("canvas");
            using var trainSource = Phosphene.Data.Datasets.FashionMnist(Phosphene.Data.DatasetSplit.Train);
            using var testSource = Phosphene.Data.Datasets.FashionMnist(Phosphene.Data.DatasetSplit.Test);
            var train = Phosphene.Data.OverlappingObjects.Generate(trainSource, trainCount, overlap, canvas, seed: seed);
            var test = Phosphene.Data.OverlappingObjects.Generate(testSource, testCount, overlap, canvas, seed: seed + 1);
            var architecture = new KomplexNetOptions
            {
                Variant = invocation.Get<KomplexVariant>("variant"),
                Channels = invocation.Get<int>("channels"),
                KuramotoSteps = invocation.Get<int>("steps"),
                StepSize = invocation.Get<double>("step-size"),
                GlobalInhibition = invocation.Get<double>("inhibition"),
                SynchronyWeight = invocation.Get<double>("synchrony-weight"),
                Classes = train.ClassNames.Count,
                PhaseSeed = seed,
            };
            var options = new Phosphene.Models.TrainingOptions
            {
                Epochs = invocation.Get<int>("epochs"), BatchSize = invocation.Get<int>("batch-size"),
                LearningRate = invocation.Get<double>("lr"), Seed = seed,
            };
            var batches = (trainCount + options.BatchSize - 1) / options.BatchSize;
            using var progress = ProgressDisplay.Show(context, "%kuramoto komplexnet", (long)batches * options.Epochs);
            try
            {
                var trained = KomplexNetTrainer.Trained(architecture, train, test, options,
                    progress.Adapt<Phosphene.Models.TrainingProgress>(p => ((long)(p.Epoch - 1) * p.Batches + p.Batch, (long)p.Epochs * p.Batches, p.ToString())),
                    context.CancellationToken);
                return new KomplexNetRun(trained, test);
            }
            catch
            {
                test.Dispose();
                throw;
            }
            finally
            {
                train.Dispose();
            }
        }
        catch (PhospheneException e) when (e is not MagicException)
        {
            throw new MagicException($"%kuramoto komplexnet: {e.Message}");
        }
    }

    static PhaseMapsResult Phases(MagicInvocation invocation)
    {
        var model = invocation.Get<object>("model");
        var (net, run) = model switch
        {
            KomplexNetRun r => (r.Net, r),
            KomplexNet n => (n, (KomplexNetRun?)null),
            _ => throw new MagicException($"%kuramoto phases: option '--model' needs a komplexnet result or a KomplexNet, not {model.GetType().Name}"),
        };
        if (net.Options.Variant == KomplexVariant.Real)
            throw new MagicException("%kuramoto phases: the real-valued baseline has no phases; train a complex variant");
        var given = invocation.Get<object>("images");
        torch.Tensor images = given switch
        {
            torch.Tensor t => t,
            string { Length: 0 } when run is not null => run.Test.Images.narrow(0, 0, Math.Min(6, run.Test.Count)),
            _ => throw new MagicException("%kuramoto phases: option '--images' needs images B×1×S×S, e.g. {x[..4]} (required when --model is a KomplexNet)"),
        };
        try
        {
            return PhaseMapsResult.Compute(net, images, run is not null && given is string ? run.Test.Masks.narrow(0, 0, images.shape[0]) : null);
        }
        catch (PhospheneException e) when (e is not MagicException)
        {
            throw new MagicException($"%kuramoto phases: {e.Message}");
        }
    }

    // Reports the chunks of a sweep (each a full run of `steps`) as one continuing count.
    sealed class ChunkProgress(IProgress<(long Done, string Message)> inner, int steps) : IProgress<SimulationProgress>
    {
        long finished;

        public void Report(SimulationProgress value)
        {
            inner.Report((finished + value.Step, value.ToString()));
            if (value.Step == steps) finished += steps;
        }
    }
}

/// <summary>
/// A trained KuraNet with its task, training history, and held-out evaluations of the untrained and trained
/// couplings (same networks, same initial phases).
/// </summary>
public sealed class KuraNetRun(KuraNet net, SynchronyTask task, KuraNetTrainingResult training, KuraNetEvaluation untrained, KuraNetEvaluation trained) : IDisposable
{
    /// <summary>The trained network (evaluation mode).</summary>
    public KuraNet Net { get; } = net;
    /// <summary>The task it was trained on.</summary>
    public SynchronyTask Task { get; } = task;
    /// <summary>Loss per iteration and time.</summary>
    public KuraNetTrainingResult Training { get; } = training;
    /// <summary>Held-out evaluation of the untrained network.</summary>
    public KuraNetEvaluation Untrained { get; } = untrained;
    /// <summary>Held-out evaluation of the trained network.</summary>
    public KuraNetEvaluation Trained { get; } = trained;

    /// <inheritdoc/>
    public override string ToString() => $"KuraNet on {Task.Name}: held-out untrained {Untrained}; trained {Trained}";

    /// <inheritdoc/>
    public void Dispose()
    {
        Net.Dispose();
        Untrained.Dispose();
        Trained.Dispose();
    }
}

/// <summary>A trained KomplexNet (or baseline, fresh or from the checkpoint cache) and its held-out composites.</summary>
public sealed class KomplexNetRun(TrainedKomplexNet trained, Phosphene.Data.OverlappingObjectsDataset test) : IDisposable
{
    /// <summary>The trained network.</summary>
    public KomplexNet Net => Trained.Net;
    /// <summary>The network with its checkpoint metadata (training time, per-epoch history, whether it came from the cache).</summary>
    public TrainedKomplexNet Trained { get; } = trained;
    /// <summary>The held-out composites (images, labels, masks).</summary>
    public Phosphene.Data.OverlappingObjectsDataset Test { get; } = test;
    /// <summary>Mean training loss per epoch.</summary>
    public IReadOnlyList<double> Losses => Trained.Metadata.History.Select(e => e.Loss).ToList();
    /// <summary>Fraction of test images whose two highest logits are their two classes.</summary>
    public double Accuracy => Trained.Metadata.TestAccuracy;

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant(
        $"KomplexNet ({Net.Options.Variant}): test accuracy {Accuracy:P1} on {Test.Count} composites at overlap {Test.Overlap:P0}; loss {string.Join(" → ", Losses.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}; trained in {Trained.Metadata.TrainSeconds:F0} s{(Trained.FromCache ? " (loaded from cache)" : "")}");

    /// <inheritdoc/>
    public void Dispose()
    {
        Trained.Dispose();
        Test.Dispose();
    }
}

/// <summary>
/// Phase maps of a complex network on some images: the images, the RGB maps (hue = phase, brightness = amplitude),
/// and, when object masks are known, the per-object coherence and the phase distance between the two objects.
/// </summary>
public sealed class PhaseMapsResult : IDisposable
{
    PhaseMapsResult(torch.Tensor images, torch.Tensor maps, torch.Tensor? coherence, torch.Tensor? separation)
    {
        Images = images;
        Maps = maps;
        Coherence = coherence;
        Separation = separation;
    }

    /// <summary>The input images, B×1×S×S.</summary>
    public torch.Tensor Images { get; }
    /// <summary>Phase maps, B×3×H×W RGB in [0, 1].</summary>
    public torch.Tensor Maps { get; }
    /// <summary>Coherence within each object's mask, B×2 (null without masks).</summary>
    public torch.Tensor? Coherence { get; }
    /// <summary>Phase distance between the two objects in [0, π], B (null without masks).</summary>
    public torch.Tensor? Separation { get; }

    internal static PhaseMapsResult Compute(KomplexNet net, torch.Tensor images, torch.Tensor? masks)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var output = net.Run(images);
        var maps = KomplexNet.PhaseMaps(output);
        torch.Tensor? coherence = null, separation = null;
        if (masks is not null) (coherence, separation) = KomplexNet.ObjectSynchrony(output, masks);
        return new PhaseMapsResult(images.clone().DetachFromDisposeScope(), maps.DetachFromDisposeScope(),
                                   coherence?.DetachFromDisposeScope(), separation?.DetachFromDisposeScope());
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        string sync = Coherence is null ? "" : FormattableString.Invariant(
            $"; mean within-object coherence {Coherence.mean().item<float>():F3}, mean phase distance between objects {Separation!.mean().item<float>():F2} rad");
        return $"phase maps of {Images.shape[0]} images{sync}";
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Maps.Dispose();
        Coherence?.Dispose();
        Separation?.Dispose();
    }
}
