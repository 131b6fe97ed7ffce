using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>How to train KuraNet: iterations of freshly drawn networks, batch and network size, Adam's rate, seed.</summary>
public sealed record KuraNetTrainingOptions
{
    /// <summary>Gradient steps (default 200); each draws a new batch of networks.</summary>
    public int Iterations { get; init; } = 200;
    /// <summary>Networks per batch B (default 16).</summary>
    public int Networks { get; init; } = 16;
    /// <summary>Oscillators per network N (default 32).</summary>
    public int Oscillators { get; init; } = 32;
    /// <summary>Adam learning rate (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Seed of the batches and initial phases (default 0).</summary>
    public long Seed { get; init; }
    /// <summary>Report progress every this many iterations (default 10).</summary>
    public int ReportEvery { get; init; } = 10;

    /// <summary>Checks every option.</summary>
    public void Validate()
    {
        static PhospheneException Invalid(string setting, object value, string requirement) =>
            Phosphene.Invalid.Setting(nameof(KuraNetTrainingOptions), setting, value, requirement);
        if (Iterations < 1) throw Invalid(nameof(Iterations), Iterations, "at least 1");
        if (Networks < 2) throw Invalid(nameof(Networks), Networks, "at least 2 (batch normalisation)");
        if (Oscillators < 2) throw Invalid(nameof(Oscillators), Oscillators, "at least 2");
        if (!(LearningRate > 0)) throw Invalid(nameof(LearningRate), LearningRate, "positive");
        if (ReportEvery < 1) throw Invalid(nameof(ReportEvery), ReportEvery, "at least 1");
    }
}

/// <summary>Progress of KuraNet training: iteration and the running mean loss of the last reporting window.</summary>
public sealed record KuraNetProgress(int Iteration, int Iterations, double Loss, TimeSpan Elapsed)
{
    /// <summary>Fraction done, in [0, 1].</summary>
    public double Fraction => (double)Iteration / Iterations;
    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"iteration {Iteration}/{Iterations}: loss {Loss:F4}");
}

/// <summary>A KuraNet training run: loss per iteration, and time.</summary>
public sealed record KuraNetTrainingResult(IReadOnlyList<double> Losses, TimeSpan Elapsed);

/// <summary>
/// How well couplings synchronise held-out networks: the task loss over the loss window, the circular variance 1 − r
/// at the final step, and r(t) over the whole run (burn-in and loss window) for every network. Owns <see cref="R"/>.
/// </summary>
public sealed class KuraNetEvaluation : IDisposable
{
    internal KuraNetEvaluation(double loss, double circularVariance, Tensor r, double dt)
    {
        Loss = loss;
        CircularVariance = circularVariance;
        R = r.DetachFromDisposeScope();
        Times = Enumerable.Range(0, (int)r.shape[1]).Select(i => i * dt).ToArray();
    }
    /// <summary>Task loss, averaged over the loss window and the networks.</summary>
    public double Loss { get; }
    /// <summary>Mean circular variance 1 − r over the networks at the last step.</summary>
    public double CircularVariance { get; }
    /// <summary>Global coherence r(t), B×T (T = burn-in + loss steps + 1).</summary>
    public Tensor R { get; }
    /// <summary>Times of the columns of <see cref="R"/>.</summary>
    public IReadOnlyList<double> Times { get; }
    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"loss {Loss:F4}, circular variance {CircularVariance:F4}");
    /// <inheritdoc />
    public void Dispose() => R.Dispose();
}

/// <summary>
/// Trains KuraNet (Ricci et al. 2021, "KuraNet: systems of coupled oscillators that learn to synchronize") with Adam
/// by backpropagation through the unrolled Kuramoto dynamics, and evaluates couplings on held-out networks.
/// </summary>
public static class KuraNetTrainer
{
    /// <summary>
    /// Trains <paramref name="net"/> in place on batches drawn from <paramref name="task"/> (seeds
    /// <see cref="KuraNetTrainingOptions.Seed"/> + iteration), initial phases uniform. The network ends in evaluation mode.
    /// </summary>
    /// <exception cref="PhospheneException">Invalid options, a task whose features do not fit the network, or divergence.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static KuraNetTrainingResult Train(KuraNet net, SynchronyTask task, KuraNetTrainingOptions? options = null,
                                             IProgress<KuraNetProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new KuraNetTrainingOptions();
        options.Validate();
        CheckTask(net, task);
        var clock = Stopwatch.StartNew();
        using var optimizer = optim.Adam(net.parameters(), options.LearningRate);
        var losses = new List<double>(options.Iterations);
        net.train();
        try
        {
            for (int iteration = 1; iteration <= options.Iterations; iteration++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                long seed = unchecked(options.Seed * 1_000_003 + iteration);
                using var batch = task.Sample(options.Networks, options.Oscillators, seed);
                var theta0 = InitialPhases.Uniform(options.Networks, options.Oscillators, seed);
                optimizer.zero_grad();
                var couplings = net.call(batch.Features);
                var phases = KuraNet.Unroll(couplings, batch.Frequencies, theta0, net.Options);
                var loss = task.Loss(phases, batch);
                loss.backward();
                optimizer.step();
                double value = loss.item<float>();
                if (!double.IsFinite(value))
                    throw new PhospheneException($"KuraNet training diverged at iteration {iteration} (loss {value}); lower the learning rate or the time step");
                losses.Add(value);
                if (progress is not null && (iteration % options.ReportEvery == 0 || iteration == options.Iterations))
                {
                    int window = Math.Min(options.ReportEvery, losses.Count);
                    progress.Report(new KuraNetProgress(iteration, options.Iterations, losses.Skip(losses.Count - window).Average(), clock.Elapsed));
                }
            }
        }
        finally
        {
            net.eval();
        }
        return new KuraNetTrainingResult(losses, clock.Elapsed);
    }

    /// <summary>
    /// Evaluates the couplings <paramref name="net"/> predicts (in evaluation mode) on <paramref name="networks"/>
    /// held-out networks of <paramref name="oscillators"/> drawn with <paramref name="seed"/>.
    /// </summary>
    public static KuraNetEvaluation Evaluate(KuraNet net, SynchronyTask task, int networks, int oscillators, long seed)
    {
        CheckTask(net, task);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var batch = task.Sample(networks, oscillators, seed);
        bool wasTraining = net.training;
        net.eval();
        var couplings = net.call(batch.Features);
        if (wasTraining) net.train();
        return Evaluate(couplings, task, batch, InitialPhases.Uniform(networks, oscillators, seed), net.Options);
    }

    /// <summary>Evaluates given couplings (B×N×N) on a batch from initial phases (B×N), with the dynamics of <paramref name="options"/>.</summary>
    public static KuraNetEvaluation Evaluate(Tensor couplings, SynchronyTask task, SynchronyBatch batch, Tensor initialPhases, KuraNetOptions options)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var whole = options with { BurnInSteps = 0, LossSteps = options.BurnInSteps + options.LossSteps };
        var trajectory = cat([initialPhases.unsqueeze(0), KuraNet.Unroll(couplings, batch.Frequencies, initialPhases, whole)], 0);
        var window = trajectory.narrow(0, trajectory.shape[0] - options.LossSteps, options.LossSteps);
        double loss = task.Loss(window, batch).item<float>();
        var r = OrderParameter.Coherence(trajectory).t();
        double variance = 1 - r.select(1, -1).mean().item<float>();
        return new KuraNetEvaluation(loss, variance, r.contiguous(), options.Dt);
    }

    static void CheckTask(KuraNet net, SynchronyTask task)
    {
        if (task.FeatureDimension != net.FeatureDimension)
            throw new PhospheneException(
                $"the task '{task.Name}' gives {task.FeatureDimension} features per node but this KuraNet takes {net.FeatureDimension}; build KuraNet({task.FeatureDimension})");
    }
}
