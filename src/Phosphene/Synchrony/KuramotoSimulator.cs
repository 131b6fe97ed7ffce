using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Integrates a batch of Kuramoto networks (<see cref="KuramotoModel"/>) with a fixed-step Euler, Heun or RK4 scheme;
/// noise is added after the deterministic step (Euler–Maruyama splitting, strong order ½ whatever the integrator).
/// </summary>
/// <remarks>
/// All state lives in buffers allocated before the first step and updated in place, so a step allocates no tensor
/// (except for sparse, per-network matrix, grid and pairwise coupling, whose products TorchSharp can only return as
/// new tensors). Float32 all-to-all networks without noise integrated by Euler take a fused single-pass SIMD step on
/// the tensors' storage (the common large-N case, about ten times fewer memory passes).
/// </remarks>
public static class KuramotoSimulator
{
    /// <summary>
    /// Runs <paramref name="model"/> from <paramref name="initialPhases"/> (B×N, the model's dtype) and records r(t),
    /// ψ(t) (and θ(t) if asked) every <see cref="SimulationOptions.RecordEvery"/> steps.
    /// </summary>
    /// <param name="model">The networks.</param>
    /// <param name="initialPhases">θ(0), B×N radians; see <see cref="InitialPhases"/>.</param>
    /// <param name="options">Step, length, integrator, recording (default <see cref="SimulationOptions"/>).</param>
    /// <param name="progress">Receives a report at most <see cref="SimulationOptions.ProgressReports"/> times.</param>
    /// <param name="cancellation">Checked every step.</param>
    /// <exception cref="PhospheneException">Invalid options or phases that do not match the model.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static KuramotoTrajectory Simulate(KuramotoModel model, Tensor initialPhases, SimulationOptions? options = null,
                                              IProgress<SimulationProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new SimulationOptions();
        options.Validate();
        model.CheckPhases(initialPhases);
        var clock = Stopwatch.StartNew();

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long b = model.Networks, n = model.Oscillators;
        var dtype = model.Frequencies.dtype;
        int records = options.Steps / options.RecordEvery + 1;
        int measureSteps = Math.Max(1, (int)Math.Round(options.MeasureFraction * options.Steps));
        int reportEvery = Math.Max(1, options.Steps / options.ProgressReports);
        double dt = options.Dt, noiseScale = Math.Sqrt(2 * model.NoiseIntensity * dt);

        using var workspace = new SimulationWorkspace(model);
        var theta = initialPhases.detach().contiguous().clone();   // contiguous: the fused step works on its storage
        var k1 = zeros(b, n, dtype: dtype);
        var k2 = zeros(b, n, dtype: dtype);
        var k3 = options.Integrator == Integrator.RungeKutta4 ? zeros(b, n, dtype: dtype) : null;
        var k4 = options.Integrator == Integrator.RungeKutta4 ? zeros(b, n, dtype: dtype) : null;
        var stage = zeros(b, n, dtype: dtype);
        var displacement = zeros(b, n, dtype: dtype);
        var noise = model.NoiseIntensity > 0 ? zeros(b, n, dtype: dtype) : null;
        using var generator = new Generator(unchecked((ulong)options.Seed));
        var r = zeros(b, records, dtype: dtype);
        var psi = zeros(b, records, dtype: dtype);
        var phases = options.RecordPhases ? zeros(b, n, records, dtype: dtype) : null;
        double lastMeanR = Record(theta, r, psi, phases, 0);
        using var fused = MeanFieldEulerStepper.Applies(model, options) ? new MeanFieldEulerStepper(model, theta, displacement) : null;

        for (int step = 1; step <= options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            double t = (step - 1) * dt;
            bool measuring = step > options.Steps - measureSteps;
            switch (options.Integrator)
            {
                case Integrator.Euler when fused is not null:
                    fused.Step(t, dt, measuring);
                    break;
                case Integrator.Euler:
                    model.VelocityInto(theta, t, workspace, k1);
                    theta.add_(k1, dt);
                    if (measuring) displacement.add_(k1, dt);
                    break;
                case Integrator.Heun:
                    model.VelocityInto(theta, t, workspace, k1);
                    stage.copy_(theta).add_(k1, dt);
                    model.VelocityInto(stage, t + dt, workspace, k2);
                    k1.add_(k2);
                    theta.add_(k1, dt / 2);
                    if (measuring) displacement.add_(k1, dt / 2);
                    break;
                default:
                    model.VelocityInto(theta, t, workspace, k1);
                    stage.copy_(theta).add_(k1, dt / 2);
                    model.VelocityInto(stage, t + dt / 2, workspace, k2);
                    stage.copy_(theta).add_(k2, dt / 2);
                    model.VelocityInto(stage, t + dt / 2, workspace, k3!);
                    stage.copy_(theta).add_(k3!, dt);
                    model.VelocityInto(stage, t + dt, workspace, k4!);
                    k1.add_(k2, 2).add_(k3!, 2).add_(k4!);
                    theta.add_(k1, dt / 6);
                    if (measuring) displacement.add_(k1, dt / 6);
                    break;
            }
            if (noise is not null)
            {
                noise.normal_(0, 1, generator);
                theta.add_(noise, noiseScale);
                if (measuring) displacement.add_(noise, noiseScale);
            }
            if (step % options.RecordEvery == 0)
            {
                // Wrapping only when recording keeps float32 phases precise without a per-step cost.
                theta.remainder_(2 * Math.PI);
                lastMeanR = Record(theta, r, psi, phases, step / options.RecordEvery);
            }
            if (progress is not null && (step % reportEvery == 0 || step == options.Steps))
                progress.Report(new SimulationProgress(step, options.Steps, lastMeanR, clock.Elapsed));
        }

        theta.remainder_(2 * Math.PI);
        var times = Enumerable.Range(0, records).Select(i => i * options.RecordEvery * dt).ToArray();
        double[] coupling;
        using (var k = model.Coupling.detach().to_type(ScalarType.Float64)) coupling = k.data<double>().ToArray();
        var effective = displacement.div_(measureSteps * dt);
        return new KuramotoTrajectory(times, coupling, r, psi, phases, theta, effective, options, clock.Elapsed);
    }

    static double Record(Tensor theta, Tensor r, Tensor psi, Tensor? phases, int index)
    {
        using var scope = NewDisposeScope();
        var c = theta.cos().mean([1]);
        var s = theta.sin().mean([1]);
        var coherence = hypot(c, s);
        r.select(1, index).copy_(coherence);
        psi.select(1, index).copy_(atan2(s, c));
        phases?.select(2, index).copy_(theta.remainder(2 * Math.PI));
        return coherence.mean().to_type(ScalarType.Float64).item<double>();
    }
}
