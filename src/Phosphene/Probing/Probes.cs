namespace Phosphene.Probing;

/// <summary>The probe registry: creates a probe from its name (<c>logistic</c>, <c>ridge</c>, <c>pls</c>, <c>mlp-3dpc</c>).</summary>
public static class Probes
{
    /// <summary>Every probe name, classifiers first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["logistic", "mlp-3dpc", "ridge", "pls"];

    /// <summary>Creates an unfitted probe.</summary>
    /// <param name="name">A registry name.</param>
    /// <param name="c">Logistic C; null chooses it by inner cross-validation ("auto"). Default 1.</param>
    /// <param name="alpha">Ridge α; null (default) chooses it by leave-one-out.</param>
    /// <param name="components">PLS components; default 25.</param>
    /// <param name="pcaComponents">Randomised PCA to this many components before the probe; default none.</param>
    /// <param name="seed">Seed of the probe's random choices; default 0.</param>
    /// <exception cref="PhospheneException">Unknown name (with a suggestion).</exception>
    public static Probe Create(string name, double? c = 1.0, double? alpha = null, int components = 25,
                               int? pcaComponents = null, long seed = 0) => name.Trim().ToLowerInvariant() switch
    {
        "logistic" => new LogisticRegressionProbe { C = c, PcaComponents = pcaComponents, Seed = seed },
        "ridge" => new RidgeProbe { Alpha = alpha, PcaComponents = pcaComponents, Seed = seed },
        "pls" => new PlsProbe { Components = components, PcaComponents = pcaComponents, Seed = seed },
        "mlp-3dpc" => new ThreeDpcProbe { PcaComponents = pcaComponents, Seed = seed },
        _ => throw new PhospheneException(
            $"unknown probe '{name}'{Suggestions.DidYouMean(name, Names)} (probes: {string.Join(", ", Names)})"),
    };
}
