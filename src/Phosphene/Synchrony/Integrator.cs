namespace Phosphene.Synchrony;

/// <summary>Fixed-step explicit integrators for the phase equations.</summary>
public enum Integrator
{
    /// <summary>Forward Euler, first order, one evaluation per step.</summary>
    Euler,
    /// <summary>Heun's method (explicit trapezoid), second order, two evaluations per step.</summary>
    Heun,
    /// <summary>The classical fourth-order Runge–Kutta method, four evaluations per step.</summary>
    RungeKutta4,
}

/// <summary>Names of <see cref="Integrator"/> values as users type them.</summary>
public static class Integrators
{
    /// <summary>The accepted names: <c>euler</c>, <c>heun</c>, <c>rk4</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["euler", "heun", "rk4"];

    /// <summary>Parses <c>euler</c>, <c>heun</c> or <c>rk4</c> (case-insensitive; <c>rungekutta4</c> also accepted).</summary>
    /// <exception cref="PhospheneException">An unknown name, with a suggestion.</exception>
    public static Integrator Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "euler" => Integrator.Euler,
        "heun" => Integrator.Heun,
        "rk4" or "rungekutta4" => Integrator.RungeKutta4,
        _ => throw new PhospheneException($"unknown integrator '{name}'{Suggestions.DidYouMean(name, Names)} (choose euler, heun or rk4)"),
    };

    /// <summary>The short name of an integrator (<c>euler</c>, <c>heun</c>, <c>rk4</c>).</summary>
    public static string Name(this Integrator integrator) => integrator switch
    {
        Integrator.Euler => "euler",
        Integrator.Heun => "heun",
        _ => "rk4",
    };
}
