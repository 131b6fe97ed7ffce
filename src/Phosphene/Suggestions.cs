namespace Phosphene;

/// <summary>"Did you mean" suggestions for misspelt names (methods, options, layers, datasets).</summary>
public static class Suggestions
{
    /// <summary>
    /// The candidate closest to <paramref name="input"/> by case-insensitive Levenshtein distance, if it is close
    /// enough to be a plausible typo (distance at most a third of the longer name, and at least 1 edit allowed).
    /// </summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int d = Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance) { best = candidate; bestDistance = d; }
        }
        if (best is null) return null;
        int allowed = Math.Max(1, Math.Max(input.Length, best.Length) / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary><c>"; did you mean 'x'?"</c> when a close candidate exists, else an empty string.</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates) =>
        Closest(input, candidates) is { } best ? $"; did you mean '{best}'?" : "";

    /// <summary>Levenshtein edit distance (insertions, deletions, substitutions).</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
