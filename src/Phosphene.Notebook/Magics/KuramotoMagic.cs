using Phosphene.Models;
using Phosphene.Notebook.Display;
using Phosphene.Synchrony;
using TorchSharp;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// <c>%kuramoto</c>: coupled-oscillator synchrony. <c>simulate</c> runs a batch of Kuramoto networks over one or many
/// coupling strengths (<see cref="CouplingSweep"/>); <c>kuranet</c> runs <see cref="KuraNetExperiment"/>;
/// <c>komplexnet</c> runs <see cref="KomplexNetExperiment"/>; <c>phases</c> draws <see cref="PhaseMapsResult"/>.
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
            .Option("n", 1000, "Oscillators per network N (default for grid:HxW: H·W; for a matrix: its side).", min: 1)
            .Option<IReadOnlyList<double>>("coupling", [2.0], "Coupling strength K, or a sweep: a list 1,2,3 or a range 0:4:0.25 (stop excluded).")
            .Option(ValueKinds.Frequencies, "frequencies", "Natural frequencies of the oscillators.", defaultWord: "lorentz(0,0.5)")
            .Option("sampling", FrequencySampling.Quantile, "Frequencies as random draws or as the N quantiles in random order (less finite-N noise).")
            .Option(ValueKinds.Coupling, "topology", "Who couples to whom.", defaultWord: "all")
            .Option("integrator", Integrator.RungeKutta4, "Fixed-step integrator.", aliases: new Dictionary<string, Integrator> { ["rk4"] = Integrator.RungeKutta4 })
            .Option("dt", 0.01, "Time step.", above: 0)
            .Option("steps", 5000, "Number of steps.", min: 1)
            .Option("record-every", 10, "Record r(t) and ψ(t) every this many steps.", min: 1)
            .Option("batch", 8, "Independent networks per coupling strength B (ignored when --frequencies is a B×N tensor).", min: 1)
            .Option("batch-size", 0, "At most this many networks simulated at once, to bound memory (0: all).", min: 0)
            .Option("lag", 0.0, "Sakaguchi phase lag α (radians).")
            .Option("noise", 0.0, "Noise intensity D ≥ 0.", min: 0)
            .Option("field", 0.0, "External field strength h.")
            .Option("field-frequency", 0.0, "External field frequency Ω.")
            .Flag("record-phases", "Also record θ(t) (K×B×N×T floats) for the animated phase circle; keep N small.")
            .Option("seed", 0L, "Seed of frequencies, initial phases and noise."));
        d.Subcommand("kuranet", "Train KuraNet to synchronise disordered oscillators (global) or cluster 2-D points (clusters:moons|circles|gaussians).", k => k
            .Option(ValueKinds.KuraNetTask, "task", "global, global:<distribution> (default uniform(-1,1)), or clusters:moons|circles|gaussians.", defaultWord: "global")
            .Option("iterations", 200, "Gradient steps, each on fresh networks.", min: 1)
            .Option("networks", 16, "Networks per training batch.", min: 2)
            .Option("oscillators", 32, "Oscillators per network.", min: 2)
            .Option("lr", 1e-3, "Adam learning rate.", above: 0)
            .Option("hidden", 128, "Hidden units of the coupling network.", min: 1)
            .Option("degree", 1.0, "Average degree (softmax) or row norm (signed, clusters) of the couplings.", above: 0)
            .Option("dt", 0.1, "Euler step of the unrolled dynamics.", above: 0)
            .Option("burn-in", 100, "Steps without gradient before the loss window.", min: 0)
            .Option("loss-steps", 50, "Steps in the loss window (backpropagated).", min: 1)
            .Option("evaluate", 64, "Held-out networks to compare trained and untrained couplings on.", min: 1)
            .Option("seed", 0L, "Seed of the weights, batches and phases."));
        d.Subcommand("komplexnet", "Train KomplexNet (or a baseline) on overlapping two-object Fashion-MNIST images, or load it from the checkpoint cache; report accuracy.", k => k
            .Option("data", "overlap-fashion", "The data set.", choices: ["overlap-fashion"])
            .Option("variant", KomplexVariant.Feedforward, "feedforward, feedback, or a baseline: complex-without-kuramoto, real.")
            .Option("train", 10000, "Training composites (from the Fashion-MNIST training split).", min: 1)
            .Option("test", 500, "Test composites (from the test split).", min: 1)
            .Option("overlap", 0.5, "Shared fraction of the two objects' boxes.", min: 0, max: 1)
            .Option("canvas", 40, "Canvas side.", min: 1)
            .Option("channels", 8, "Channels C of the oscillator layer.", min: 1)
            .Option("steps", 8, "Kuramoto steps.", min: 0)
            .Option("step-size", 0.5, "Kuramoto step size ε.")
            .Option("inhibition", 1.0, "Initial global inhibition κ (learned): pushes groups of units apart.")
            .Option("synchrony-weight", 1.0, "Weight of the object-synchrony term in the loss (uses the masks; 0: labels only).")
            .Option("epochs", 5, "Training epochs.", min: 1)
            .Option("batch-size", 64, "Images per step.", min: 1)
            .Option("lr", 5e-3, "Adam learning rate (decayed linearly to 0).", above: 0)
            .Option("seed", 0L, "Seed of the data, weights, order and phases."));
        d.Subcommand("phases", "Phase maps of a trained complex network: hue = phase, brightness = amplitude.", p => p
            .Option(ValueKinds.PhaseModel, "model", "A komplexnet result (or a KomplexNet).", required: true)
            .Option(ValueKinds.Images, "images", "Images B×1×S×S, e.g. {x[..4]}; default: the first 6 test composites of the run."));
    }

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context) => invocation.Subcommand switch
    {
        "simulate" => Simulate(invocation, context),
        "kuranet" => KuraNet(invocation, context),
        "komplexnet" => KomplexNet(invocation, context),
        _ => Phases(invocation),
    };

    static CouplingSweepResult Simulate(MagicInvocation invocation, IMagicContext context)
    {
        var couplings = invocation.GetList<double>("coupling");
        if (couplings.Count == 0)
            throw invocation.Error("option '--coupling' needs at least one value, e.g. 2 or 0:4:0.25");
        var topology = invocation.Get<CouplingTopology>("topology");
        int n = invocation.IsGiven("n") ? invocation.Get<int>("n") : topology switch
        {
            GridCoupling grid => grid.Height * grid.Width,
            MatrixCoupling matrix => (int)matrix.Weights.shape[^1],
            _ => invocation.Get<int>("n"),
        };
        var options = new SimulationOptions
        {
            Dt = invocation.Get<double>("dt"), Steps = invocation.Get<int>("steps"), Integrator = invocation.Get<Integrator>("integrator"),
            RecordEvery = invocation.Get<int>("record-every"), RecordPhases = invocation.Flag("record-phases"), Seed = invocation.Get<long>("seed"),
        };
        options.Validate();
        var dynamics = new OscillatorDynamics(invocation.Get<double>("lag"), invocation.Get<double>("noise"),
                                              invocation.Get<double>("field"), invocation.Get<double>("field-frequency"));
        var frequencies = invocation.Get<FrequencySource>("frequencies");
        int batch = invocation.Get<int>("batch"), batchSize = invocation.Get<int>("batch-size");
        long seed = options.Seed;
        using var progress = ProgressDisplay.Show(context, "%kuramoto simulate");
        var report = progress.Adapt<SimulationProgress>(p => (p.Step, p.Steps, p.ToString()));
        int? chunk = batchSize == 0 ? null : batchSize;
        if (frequencies.Values is { } w)
        {
            if (invocation.IsGiven("n") && w.dim() is 1 or 2 && w.shape[^1] != n)
                throw invocation.Error($"option '--frequencies' has {w.shape[^1]} oscillators but '--n' is {n}; omit --n or make them agree");
            var typed = w.dtype == torch.ScalarType.Float64 ? w : w.to_type(torch.ScalarType.Float32);
            return CouplingSweep.Run(typed, couplings, options, topology, seed, chunk, report, context.CancellationToken, dynamics);
        }
        return CouplingSweep.Run(frequencies.Distribution!, couplings, n, batch, options, topology, invocation.Get<FrequencySampling>("sampling"),
                                 seed, chunk, report, context.CancellationToken, dynamics);
    }

    static KuraNetRun KuraNet(MagicInvocation invocation, IMagicContext context)
    {
        var experiment = new KuraNetExperiment
        {
            Task = invocation.Get<SynchronyTask>("task"),
            Iterations = invocation.Get<int>("iterations"), Networks = invocation.Get<int>("networks"), Oscillators = invocation.Get<int>("oscillators"),
            LearningRate = invocation.Get<double>("lr"), HiddenUnits = invocation.Get<int>("hidden"), AverageDegree = invocation.Get<double>("degree"),
            Dt = invocation.Get<double>("dt"), BurnInSteps = invocation.Get<int>("burn-in"), LossSteps = invocation.Get<int>("loss-steps"),
            EvaluationNetworks = invocation.Get<int>("evaluate"), Seed = invocation.Get<long>("seed"),
        };
        experiment.Validate();
        using var progress = ProgressDisplay.Show(context, "%kuramoto kuranet", experiment.Iterations);
        return experiment.Run(progress.Adapt<KuraNetProgress>(p => (p.Iteration, p.Iterations, p.ToString())), context.CancellationToken);
    }

    static KomplexNetRun KomplexNet(MagicInvocation invocation, IMagicContext context)
    {
        var experiment = new KomplexNetExperiment
        {
            Variant = invocation.Get<KomplexVariant>("variant"), TrainCount = invocation.Get<int>("train"), TestCount = invocation.Get<int>("test"),
            Overlap = invocation.Get<double>("overlap"), Canvas = invocation.Get<int>("canvas"), Channels = invocation.Get<int>("channels"),
            KuramotoSteps = invocation.Get<int>("steps"), StepSize = invocation.Get<double>("step-size"),
            GlobalInhibition = invocation.Get<double>("inhibition"), SynchronyWeight = invocation.Get<double>("synchrony-weight"),
            Epochs = invocation.Get<int>("epochs"), BatchSize = invocation.Get<int>("batch-size"), LearningRate = invocation.Get<double>("lr"),
            Seed = invocation.Get<long>("seed"),
        };
        experiment.Validate();
        var batches = (experiment.TrainCount + experiment.BatchSize - 1) / experiment.BatchSize;
        using var progress = ProgressDisplay.Show(context, "%kuramoto komplexnet", (long)batches * experiment.Epochs);
        return experiment.Run(progress.Adapt<TrainingProgress>(p => ((long)(p.Epoch - 1) * p.Batches + p.Batch, (long)p.Epochs * p.Batches, p.ToString())),
                              context.CancellationToken);
    }

    static PhaseMapsResult Phases(MagicInvocation invocation)
    {
        var images = invocation.Get<ImageInputs?>("images")?.Images;
        return invocation.Get<object>("model") switch
        {
            KomplexNetRun run => run.PhaseMaps(images),
            Synchrony.KomplexNet net when images is not null => PhaseMapsResult.Compute(net, images, null),
            _ => throw invocation.Error("option '--images' is required when '--model' is a KomplexNet: images B×1×S×S, e.g. {x[..4]}"),
        };
    }
}
