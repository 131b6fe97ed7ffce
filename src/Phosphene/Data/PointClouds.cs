using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Data;

/// <summary>The shapes <see cref="PointClouds"/> can generate.</summary>
public enum PointCloudKind
{
    /// <summary>Two interleaving half circles (two groups).</summary>
    Moons,
    /// <summary>Two concentric circles (two groups).</summary>
    Circles,
    /// <summary>Isotropic Gaussian blobs at random centres (any number of groups).</summary>
    GaussianMixture,
}

/// <summary>
/// A batch of labelled 2-D point clouds: <see cref="Points"/> float32 B×N×2, <see cref="Labels"/> int64 B×N in
/// [0, <see cref="Groups"/>). Owns its tensors.
/// </summary>
public sealed class PointCloudBatch : IDisposable
{
    /// <summary>Coordinates, float32 B×N×2.</summary>
    public Tensor Points { get; }
    /// <summary>Group of each point, int64 B×N.</summary>
    public Tensor Labels { get; }
    /// <summary>Number of groups.</summary>
    public int Groups { get; }

    internal PointCloudBatch(Tensor points, Tensor labels, int groups)
    {
        Points = points.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        Groups = groups;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Points.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Seeded generators of 2-D clustering problems in the manner of scikit-learn's <c>make_moons</c>,
/// <c>make_circles</c> and <c>make_blobs</c> (Pedregosa et al. 2011, "Scikit-learn: Machine Learning in Python"), batched:
/// B independent clouds of N points, groups as balanced as N allows, points in a random order.
/// Used by KuraNet's clustering experiments (Ricci et al. 2021).
/// </summary>
public static class PointClouds
{
    /// <summary>Names accepted by <see cref="ParseKind"/>.</summary>
    public static IReadOnlyList<string> KindNames { get; } = ["moons", "circles", "gaussians"];

    /// <summary>Parses <c>moons</c>, <c>circles</c> or <c>gaussians</c> (also <c>blobs</c>, <c>mixture</c>).</summary>
    /// <exception cref="PhospheneException">Unknown name, with a suggestion.</exception>
    public static PointCloudKind ParseKind(string name) => name.Trim().ToLowerInvariant() switch
    {
        "moons" => PointCloudKind.Moons,
        "circles" => PointCloudKind.Circles,
        "gaussians" or "blobs" or "mixture" or "gaussianmixture" => PointCloudKind.GaussianMixture,
        _ => throw new PhospheneException($"unknown point cloud '{name}'{Suggestions.DidYouMean(name, KindNames)} (choose moons, circles or gaussians)"),
    };

    /// <summary>
    /// Generates <paramref name="clouds"/> clouds of <paramref name="points"/> points.
    /// </summary>
    /// <param name="kind">Moons, circles or a Gaussian mixture.</param>
    /// <param name="clouds">Batch size B.</param>
    /// <param name="points">Points per cloud N (at least the number of groups).</param>
    /// <param name="noise">Standard deviation of the Gaussian noise added to every coordinate (default 0.05); for a
    /// Gaussian mixture it is the spread of each blob around its centre (centres uniform in [−1, 1]²).</param>
    /// <param name="groups">Groups of a Gaussian mixture (default 3; moons and circles always have 2).</param>
    /// <param name="circleFactor">Radius of the inner circle relative to the outer (default 0.5).</param>
    /// <param name="seed">Seed (default 0).</param>
    /// <exception cref="PhospheneException">Invalid sizes or parameters.</exception>
    public static PointCloudBatch Generate(PointCloudKind kind, int clouds, int points, double noise = 0.05, int groups = 3,
                                           double circleFactor = 0.5, long seed = 0)
    {
        int g = kind == PointCloudKind.GaussianMixture ? groups : 2;
        if (clouds < 1) throw new PhospheneException($"need at least one point cloud, got {clouds}");
        if (g < 2) throw new PhospheneException($"a Gaussian mixture needs at least 2 groups, got {groups}");
        if (points < g) throw new PhospheneException($"{points} points cannot form {g} groups; use at least {g} points");
        if (!(noise >= 0)) throw new PhospheneException($"noise must be zero or positive, got {noise}");
        if (!(circleFactor > 0 && circleFactor < 1)) throw new PhospheneException($"circle factor must lie in (0, 1), got {circleFactor}");

        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed));
        // Balanced labels 0,1,…,g−1,0,1,… then shuffled per cloud.
        var baseLabels = arange(points, dtype: ScalarType.Int64).remainder(g);
        var labels = stack(Enumerable.Range(0, clouds).Select(_ => baseLabels.index_select(0, randperm(points, generator: generator))));
        var labelsF = labels.to_type(ScalarType.Float64);
        Tensor xy;
        switch (kind)
        {
            case PointCloudKind.Moons:
            {
                // Upper moon: (cos t, sin t); lower moon: (1 − cos t, ½ − sin t), t uniform on [0, π].
                var t = empty(clouds, points, dtype: ScalarType.Float64).uniform_(0, Math.PI, generator);
                var upperX = t.cos(); var upperY = t.sin();
                var lowerX = 1 - t.cos(); var lowerY = 0.5 - t.sin();
                var isLower = labels.eq(1);
                xy = stack([where(isLower, lowerX, upperX), where(isLower, lowerY, upperY)], -1);
                break;
            }
            case PointCloudKind.Circles:
            {
                var t = empty(clouds, points, dtype: ScalarType.Float64).uniform_(0, 2 * Math.PI, generator);
                var radius = 1 - labelsF * (1 - circleFactor);
                xy = stack([radius * t.cos(), radius * t.sin()], -1);
                break;
            }
            default:
            {
                var centres = empty(clouds, g, 2, dtype: ScalarType.Float64).uniform_(-1, 1, generator);
                xy = centres.gather(1, labels.unsqueeze(-1).expand(clouds, points, 2));
                break;
            }
        }
        var jitter = empty(clouds, points, 2, dtype: ScalarType.Float64).normal_(0, 1, generator);
        var result = (xy + noise * jitter).to_type(ScalarType.Float32);
        return new PointCloudBatch(result, labels, g);
    }
}
