namespace Phosphene.Probing;

/// <summary>The probe registry: creates a probe from its name (<c>logistic</c>, <c>mlp-3dpc</c>, <c>ridge</c>, <c>pls</c>).</summary>
public static class Probes
{
    /// <summary>The registry itself, classifiers first; names and summaries come from the probes.</summary>
    public static Registry<ProbeSettings, Probe> Registry { get; } = new("probe", new ProbeSettings(),
        s => new LogisticRegressionProbe { C = s.C, PcaComponents = s.PcaComponents, Seed = s.Seed },
        s => new ThreeDpcProbe { PcaComponents = s.PcaComponents, Seed = s.Seed },
        s => new RidgeProbe { Alpha = s.Alpha, PcaComponents = s.PcaComponents, Seed = s.Seed },
        s => new PlsProbe { Components = s.Components, PcaComponents = s.PcaComponents, Seed = s.Seed });

    /// <summary>Every probe name, classifiers first.</summary>
    public static IReadOnlyList<string> Names => Registry.Names;

    /// <summary>Creates an unfitted probe.</summary>
    /// <param name="name">A registry name.</param>
    /// <param name="c">Logistic C; null chooses it by inner cross-validation ("auto"). Default 1.</param>
    /// <param name="alpha">Ridge α; null (default) chooses it by leave-one-out.</param>
    /// <param name="components">PLS components; default 25.</param>
    /// <param name="pcaComponents">Randomised PCA to this many components before the probe; default none.</param>
    /// <param name="seed">Seed of the probe's random choices; default 0.</param>
    /// <exception cref="PhospheneException">Unknown name (with a suggestion).</exception>
    public static Probe Create(string name, double? c = 1.0, double? alpha = null, int components = 25,
                               int? pcaComponents = null, long seed = 0) =>
        Registry.Create(name, new ProbeSettings { C = c, Alpha = alpha, Components = components, PcaComponents = pcaComponents, Seed = seed });
}
