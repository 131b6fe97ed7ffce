namespace Phosphene.Probing;

/// <summary>Neural predictivity of several layers against the same responses.</summary>
/// <param name="Layers">Layers in the order scored.</param>
/// <param name="Scores">Layer → its predictivity (raw, per target, ceiled).</param>
public sealed record PredictivityResult(IReadOnlyList<string> Layers, IReadOnlyDictionary<string, PredictivityScore> Scores)
{
    /// <summary>The responses' noise ceiling (the same for every layer), when they had trials.</summary>
    public NoiseCeiling? Ceiling => Scores[Layers[0]].Ceiling;

    /// <summary>The layer with the highest predictivity.</summary>
    public string BestLayer => Layers.OrderByDescending(l => Scores[l].Raw).First();

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Layers.Select(l => $"{l}: {Scores[l]}"));
}
