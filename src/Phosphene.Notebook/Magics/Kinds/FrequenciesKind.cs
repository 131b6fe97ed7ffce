using Phosphene.Synchrony;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>Natural frequencies of oscillators: a distribution to sample, or given values.</summary>
/// <param name="Distribution">The distribution (<c>lorentz(0,0.5)</c>), or null when <paramref name="Values"/> are given.</param>
/// <param name="Values">Frequencies N or B×N (float32 or float64), or null for a distribution.</param>
public sealed record FrequencySource(FrequencyDistribution? Distribution, Tensor? Values);

/// <summary>Natural frequencies: <c>lorentz(x0,γ)</c>, <c>normal(μ,σ)</c>, <c>uniform(a,b)</c>, or a float tensor N or B×N.</summary>
public sealed class FrequenciesKind : MagicValueKind
{
    /// <inheritdoc/>
    public override string Name => "frequencies";

    /// <inheritdoc/>
    public override string Description => "frequencies (lorentz(x0,γ), normal(μ,σ), uniform(a,b), or a float tensor {w}: N or B×N)";

    /// <inheritdoc/>
    public override Type ValueType => typeof(FrequencySource);

    /// <inheritdoc/>
    public override IReadOnlyList<string> Words => ["lorentz(0,0.5)", "normal(0,1)", "uniform(-1,1)"];

    /// <inheritdoc/>
    protected override object Convert(object value, string what) => value switch
    {
        FrequencyDistribution distribution => new FrequencySource(distribution, null),
        Tensor tensor => new FrequencySource(null, TensorKind.Check(tensor, what, floating: true, allowSparse: false)),
        string word => FromWord(word, what),
        _ => throw Refuse(value, what),
    };

    /// <inheritdoc/>
    public override object FromWord(string word, string what) => new FrequencySource(FrequencyDistribution.Parse(word), null);
}
