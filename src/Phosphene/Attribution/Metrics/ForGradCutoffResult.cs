using System.Globalization;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The outcome of a FORGrad cutoff search: the metric's score of the filtered maps at every cutoff σ tried, the
/// unfiltered score for comparison, and the best σ.
/// </summary>
public sealed record ForGradCutoffResult
{
    /// <summary>The attribution method's name the cutoff belongs to, e.g. <c>saliency</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The registry name of the metric maximised (or minimised), e.g. <c>mu-fidelity</c>.</summary>
    public required string Metric { get; init; }

    /// <summary>Whether a higher score of <see cref="Metric"/> is better.</summary>
    public required bool HigherIsBetter { get; init; }

    /// <summary>The cutoffs tried, in cycles per image, increasing.</summary>
    public required IReadOnlyList<double> Sigmas { get; init; }

    /// <summary>The metric's score of the filtered maps at each of <see cref="Sigmas"/> (the cutoff curve).</summary>
    public required IReadOnlyList<double> Scores { get; init; }

    /// <summary>The metric's score of the unfiltered maps.</summary>
    public required double UnfilteredScore { get; init; }

    /// <summary>The cutoff with the best score (the smallest such σ on a tie).</summary>
    public required double BestSigma { get; init; }

    /// <summary>The score at <see cref="BestSigma"/>.</summary>
    public required double BestScore { get; init; }

    /// <summary>Number of validation inputs the scores were measured on.</summary>
    public required long ValidationCount { get; init; }

    /// <summary>SHA-256 (hex) of the validation inputs and targets: a search on other data does not reuse this result.</summary>
    public string ValidationHash { get; init; } = "";

    /// <summary>True when this result came from the in-memory or on-disk cache rather than a new search.</summary>
    public bool FromCache { get; init; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"forgrad {Method}: best σ = {BestSigma:G4} ({Metric} {BestScore:G4} vs {UnfilteredScore:G4} unfiltered, " +
        $"{Sigmas.Count} cutoffs, {ValidationCount} inputs{(FromCache ? ", from cache" : "")})");
}
