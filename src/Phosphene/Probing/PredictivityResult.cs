using System.Text.Json.Nodes;
using Phosphene.Results;

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

    /// <summary>
    /// Saves the result to <paramref name="path"/> (see <see cref="ResultFile"/>): every layer's per-target and per-fold
    /// scores and the noise ceiling, as values. <see cref="Load"/> reads it back.
    /// </summary>
    /// <exception cref="PhospheneException">The path cannot be written.</exception>
    public void Save(string path)
    {
        var values = new JsonObject
        {
            ["layers"] = ResultFile.Strings(Layers),
            ["scores"] = ResultFile.Map(Scores, s => new JsonObject
            {
                ["perTarget"] = ResultFile.Numbers(s.PerTarget),
                ["foldScores"] = ResultFile.Numbers(s.FoldScores),
            }),
            ["ceiling"] = Ceiling is { } c ? new JsonObject
            {
                ["perTarget"] = ResultFile.Numbers(c.PerTarget),
                ["trials"] = c.Trials,
                ["splits"] = c.Splits,
            } : null,
        };
        ResultFile.Write(path, nameof(PredictivityResult), values, []);
    }

    /// <summary>Reads a result written by <see cref="Save"/>.</summary>
    /// <exception cref="PhospheneException">A missing or damaged file, or one that holds another type of result.</exception>
    public static PredictivityResult Load(string path)
    {
        using var file = ResultFile.Open(path, nameof(PredictivityResult));
        var ceiling = file.Values["ceiling"] is { } c
            ? new NoiseCeiling(ResultFile.Numbers(c["perTarget"]!), (int)c["trials"]!, (int)c["splits"]!) : null;
        return new PredictivityResult(ResultFile.Strings(file.Value("layers")),
            ResultFile.Map(file.Value("scores"), s => new PredictivityScore(ResultFile.Numbers(s["perTarget"]!), ResultFile.Numbers(s["foldScores"]!), ceiling)));
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Layers.Select(l => $"{l}: {Scores[l]}"));
}
