using Phosphene.Synchrony;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// A coupling topology of oscillators: <c>all</c> (mean field), <c>grid:HxW[:periodic]</c> (8 neighbours), or a
/// coupling matrix (dense or sparse, N×N or B×N×N) as a tensor or a <see cref="CouplingTopology"/>.
/// </summary>
public sealed class CouplingKind : MagicValueKind
{
    /// <inheritdoc/>
    public override string Name => "coupling";

    /// <inheritdoc/>
    public override string Description => "a coupling (all, grid:HxW[:periodic], or a matrix {A}: N×N, B×N×N or sparse)";

    /// <inheritdoc/>
    public override Type ValueType => typeof(CouplingTopology);

    /// <inheritdoc/>
    public override IReadOnlyList<string> Words => ["all", "grid:32x32", "grid:32x32:periodic"];

    /// <inheritdoc/>
    protected override object Convert(object value, string what) => value switch
    {
        CouplingTopology topology => topology,
        Tensor matrix => new MatrixCoupling(TensorKind.Check(matrix, what, floating: true, allowSparse: true)),
        string word => FromWord(word, what) ?? throw Refuse(value, what),
        _ => throw Refuse(value, what),
    };

    /// <inheritdoc/>
    public override object? FromWord(string word, string what)
    {
        var text = word.Trim();
        if (text.Equals("all", StringComparison.OrdinalIgnoreCase))
            return new AllToAllCoupling();
        if (text.StartsWith("grid", StringComparison.OrdinalIgnoreCase))
            return GridCoupling.Parse(text);
        throw new MagicException($"{what} takes all, grid:HxW[:periodic] or a matrix {{A}}, not '{text}'{Suggestions.DidYouMean(text, ["all", "grid"])}");
    }
}
