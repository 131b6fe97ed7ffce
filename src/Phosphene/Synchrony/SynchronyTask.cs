using Phosphene.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// One batch of a synchrony task: node features the coupling network sees (B×N×F), natural frequencies (B×N) and,
/// for group synchrony, the group of each node (int64 B×N). Owns its tensors.
/// </summary>
public sealed class SynchronyBatch : IDisposable
{
    /// <summary>Node features, float32 B×N×F.</summary>
    public Tensor Features { get; }
    /// <summary>Natural frequencies ω, float32 B×N.</summary>
    public Tensor Frequencies { get; }
    /// <summary>Groups for group synchrony (int64 B×N), or null for global synchrony.</summary>
    public Tensor? Labels { get; }
    /// <summary>Number of groups (1 for global synchrony).</summary>
    public int Groups { get; }

    /// <summary>Wraps the tensors (taking ownership).</summary>
    public SynchronyBatch(Tensor features, Tensor frequencies, Tensor? labels, int groups)
    {
        Features = features.DetachFromDisposeScope();
        Frequencies = frequencies.DetachFromDisposeScope();
        Labels = labels?.DetachFromDisposeScope();
        Groups = groups;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Frequencies.Dispose();
        Labels?.Dispose();
    }
}

/// <summary>What KuraNet is asked to synchronise: a generator of batches and the loss that scores them.</summary>
public abstract class SynchronyTask
{
    /// <summary>Node feature dimension F.</summary>
    public abstract int FeatureDimension { get; }
    /// <summary>A short description.</summary>
    public abstract string Name { get; }
    /// <summary>Draws B networks of N nodes, deterministic under <paramref name="seed"/>.</summary>
    public abstract SynchronyBatch Sample(int networks, int oscillators, long seed);
    /// <summary>The loss of T×B×N phase trajectories on <paramref name="batch"/>.</summary>
    public abstract Tensor Loss(Tensor phases, SynchronyBatch batch);

    /// <summary>Parses <c>global</c>, <c>global:lorentz(0,0.5)</c> or <c>clusters:moons|circles|gaussians</c>.</summary>
    /// <exception cref="PhospheneException">Unknown task, with a suggestion.</exception>
    public static SynchronyTask Parse(string text)
    {
        string t = text.Trim();
        int colon = t.IndexOf(':');
        string head = (colon < 0 ? t : t[..colon]).ToLowerInvariant(), tail = colon < 0 ? "" : t[(colon + 1)..];
        return head switch
        {
            "global" => new GlobalSynchronyTask(tail.Length == 0 ? null : FrequencyDistribution.Parse(tail)),
            "clusters" => new ClusterSynchronyTask(tail.Length == 0 ? PointCloudKind.Moons : PointClouds.ParseKind(tail)),
            _ => throw new PhospheneException($"unknown task '{head}'{Suggestions.DidYouMean(head, ["global", "clusters"])} (choose global or clusters:moons|circles|gaussians)"),
        };
    }
}

/// <summary>
/// Global synchrony of disordered oscillators (Ricci et al. 2021, §4.1): the feature of each node is its natural
/// frequency, drawn from <see cref="Distribution"/> (default uniform(−1,1)); the loss is the circular variance.
/// </summary>
public sealed class GlobalSynchronyTask(FrequencyDistribution? distribution = null) : SynchronyTask
{
    /// <summary>The frequency law.</summary>
    public FrequencyDistribution Distribution { get; } = distribution ?? UniformFrequencies.Between(-1, 1);
    /// <inheritdoc />
    public override int FeatureDimension => 1;
    /// <inheritdoc />
    public override string Name => $"global synchrony, ω ~ {Distribution}";
    /// <inheritdoc />
    public override SynchronyBatch Sample(int networks, int oscillators, long seed)
    {
        using var scope = NewDisposeScope();
        var omega = Distribution.Sample(networks, oscillators, seed);
        return new SynchronyBatch(omega.unsqueeze(-1), omega, null, 1);
    }
    /// <inheritdoc />
    public override Tensor Loss(Tensor phases, SynchronyBatch batch) => SynchronyLoss.CircularVariance(phases);
}

/// <summary>
/// Clustering by synchrony (Ricci et al. 2021, §4.2): identical oscillators (ω = 0) placed at the points of a 2-D
/// cloud, whose coordinates are the node features; the loss asks each cluster to lock and the clusters to spread
/// apart (<see cref="SynchronyLoss.CircularMoments(Tensor, Tensor, int)"/>).
/// </summary>
public sealed class ClusterSynchronyTask(PointCloudKind kind, int groups = 3, double noise = 0.05) : SynchronyTask
{
    /// <summary>The cloud shape.</summary>
    public PointCloudKind Kind { get; } = kind;
    /// <summary>Groups of a Gaussian mixture (moons and circles have 2).</summary>
    public int GaussianGroups { get; } = groups;
    /// <summary>Coordinate noise.</summary>
    public double Noise { get; } = noise;
    /// <inheritdoc />
    public override int FeatureDimension => 2;
    /// <inheritdoc />
    public override string Name => $"cluster synchrony on {Kind.ToString().ToLowerInvariant()}";
    /// <inheritdoc />
    public override SynchronyBatch Sample(int networks, int oscillators, long seed)
    {
        using var clouds = PointClouds.Generate(Kind, networks, oscillators, Noise, GaussianGroups, seed: seed);
        using var scope = NewDisposeScope();
        return new SynchronyBatch(clouds.Points.clone(), zeros(networks, oscillators), clouds.Labels.clone(), clouds.Groups);
    }
    /// <inheritdoc />
    public override Tensor Loss(Tensor phases, SynchronyBatch batch) => SynchronyLoss.CircularMoments(phases, batch.Labels!, batch.Groups);
}
