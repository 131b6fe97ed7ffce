namespace Phosphene.Synchrony;

/// <summary>How to integrate a <see cref="KuramotoModel"/>: step, length, integrator, what to record.</summary>
public sealed record SimulationOptions
{
    /// <summary>Time step dt (default 0.01).</summary>
    public double Dt { get; init; } = 0.01;
    /// <summary>Number of steps (default 5000: t from 0 to Steps·dt).</summary>
    public int Steps { get; init; } = 5000;
    /// <summary>Integrator (default RK4).</summary>
    public Integrator Integrator { get; init; } = Integrator.RungeKutta4;
    /// <summary>Record r(t) and ψ(t) every this many steps (default 10), and at t = 0.</summary>
    public int RecordEvery { get; init; } = 10;
    /// <summary>Also record the phases θ(t) (B×N×T floats; default false, mind the memory at large N).</summary>
    public bool RecordPhases { get; init; }
    /// <summary>
    /// Fraction of the run, from the end, over which <see cref="KuramotoTrajectory.RInfinity"/> and the effective
    /// frequencies are averaged (default 0.2: the last fifth).
    /// </summary>
    public double MeasureFraction { get; init; } = 0.2;
    /// <summary>Seed of the noise generator (used only when the model has noise; default 0).</summary>
    public long Seed { get; init; }
    /// <summary>Report progress at most this many times over the run (default 100).</summary>
    public int ProgressReports { get; init; } = 100;

    /// <summary>Total simulated time Steps·dt.</summary>
    public double Duration => Steps * Dt;

    /// <summary>Checks every option.</summary>
    /// <exception cref="PhospheneException">The first invalid option, with its valid range.</exception>
    public void Validate()
    {
        static PhospheneException Invalid(string setting, object value, string requirement) =>
            Phosphene.Invalid.Setting(nameof(SimulationOptions), setting, value, requirement);
        if (!(Dt > 0) || !double.IsFinite(Dt)) throw Invalid(nameof(Dt), Dt, "a positive time step");
        if (Steps < 1) throw Invalid(nameof(Steps), Steps, "at least 1");
        if (RecordEvery < 1) throw Invalid(nameof(RecordEvery), RecordEvery, "at least 1 (record every step, or less often)");
        if (!(MeasureFraction > 0 && MeasureFraction <= 1)) throw Invalid(nameof(MeasureFraction), MeasureFraction, "in (0, 1]");
        if (ProgressReports < 1) throw Invalid(nameof(ProgressReports), ProgressReports, "at least 1");
    }
}

/// <summary>Progress of a simulation: steps done of the total, the current mean r over the batch, time taken.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="Steps">Total steps.</param>
/// <param name="MeanR">Order parameter r at this step, averaged over the networks.</param>
/// <param name="Elapsed">Wall time since the start.</param>
public sealed record SimulationProgress(int Step, int Steps, double MeanR, TimeSpan Elapsed)
{
    /// <summary>Fraction done, in [0, 1].</summary>
    public double Fraction => (double)Step / Steps;

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"step {Step}/{Steps}: r = {MeanR:F3}");
}
