namespace Phosphene.Synchrony;

/// <summary>
/// The KuraNet experiment of notebook 07 (Ricci, Jung, Zhang, Chalvidal &amp; Serre 2021, "KuraNet: systems of
/// coupled oscillators that learn to synchronize"): train a coupling network on a synchrony task, then compare the
/// untrained and trained couplings on the same held-out networks and initial phases.
/// </summary>
/// <remarks>
/// Clustering tasks (<see cref="ClusterSynchronyTask"/>) use signed, row-L2-normalised, asymmetric couplings; global
/// synchrony uses softmax-normalised symmetric couplings, as in the paper. Both networks start from the same weights
/// (<see cref="Seed"/>); the held-out networks use the seed <c>Seed + 1 000 000 007</c> (wrapping).
/// </remarks>
public sealed record KuraNetExperiment
{
    /// <summary>The task (default global synchrony of uniform(−1, 1) frequencies).</summary>
    public SynchronyTask Task { get; init; } = SynchronyTask.Parse("global");

    /// <summary>Hidden units of the coupling network; default 128.</summary>
    public int HiddenUnits { get; init; } = 128;

    /// <summary>Average degree (softmax) or row norm (signed) of the couplings; default 1.</summary>
    public double AverageDegree { get; init; } = 1;

    /// <summary>Euler step of the unrolled dynamics; default 0.1.</summary>
    public double Dt { get; init; } = 0.1;

    /// <summary>Steps without gradient before the loss window; default 100.</summary>
    public int BurnInSteps { get; init; } = 100;

    /// <summary>Steps in the loss window (backpropagated); default 50.</summary>
    public int LossSteps { get; init; } = 50;

    /// <summary>Gradient steps, each on fresh networks; default 200.</summary>
    public int Iterations { get; init; } = 200;

    /// <summary>Networks per training batch; default 16.</summary>
    public int Networks { get; init; } = 16;

    /// <summary>Oscillators per network (training and evaluation); default 32.</summary>
    public int Oscillators { get; init; } = 32;

    /// <summary>Adam learning rate; default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Held-out networks the untrained and trained couplings are compared on; default 64.</summary>
    public int EvaluationNetworks { get; init; } = 64;

    /// <summary>Seed of the weights, batches and phases; default 0.</summary>
    public long Seed { get; init; }

    /// <summary>The coupling network's settings for <see cref="Task"/>.</summary>
    public KuraNetOptions Network => new()
    {
        HiddenUnits = HiddenUnits,
        AverageDegree = AverageDegree,
        Dt = Dt,
        BurnInSteps = BurnInSteps,
        LossSteps = LossSteps,
        Normalization = Task is ClusterSynchronyTask ? CouplingNormalization.RowL2 : CouplingNormalization.Softmax,
        Symmetric = Task is not ClusterSynchronyTask,
    };

    /// <summary>The training schedule.</summary>
    public KuraNetTrainingOptions Training => new()
    {
        Iterations = Iterations,
        Networks = Networks,
        Oscillators = Oscillators,
        LearningRate = LearningRate,
        Seed = Seed,
    };

    /// <summary>Checks every setting before any work.</summary>
    /// <exception cref="PhospheneException">A setting is out of range (named as the property).</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Task);
        if (EvaluationNetworks < 1)
            throw Invalid.Setting(nameof(KuraNetExperiment), nameof(EvaluationNetworks), EvaluationNetworks, "at least 1");
        Network.Validate();
        Training.Validate();
    }

    /// <summary>Trains KuraNet on <see cref="Task"/> and evaluates it against its untrained self.</summary>
    /// <param name="progress">Receives training progress.</param>
    /// <param name="cancellation">Stops training.</param>
    /// <exception cref="PhospheneException">Invalid settings, or training that diverged.</exception>
    public KuraNetRun Run(IProgress<KuraNetProgress>? progress = null, CancellationToken cancellation = default)
    {
        Validate();
        var options = Network;
        var untrained = new KuraNet(Task.FeatureDimension, options, Seed);
        var net = new KuraNet(Task.FeatureDimension, options, Seed);
        try
        {
            var training = KuraNetTrainer.Train(net, Task, Training, progress, cancellation);
            long heldOut = unchecked(Seed + 1_000_000_007);
            var before = KuraNetTrainer.Evaluate(untrained, Task, EvaluationNetworks, Oscillators, heldOut);
            var after = KuraNetTrainer.Evaluate(net, Task, EvaluationNetworks, Oscillators, heldOut);
            return new KuraNetRun(net, Task, training, before, after);
        }
        catch
        {
            net.Dispose();
            throw;
        }
        finally
        {
            untrained.Dispose();
        }
    }
}
