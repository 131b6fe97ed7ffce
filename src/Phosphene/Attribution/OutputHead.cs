using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// The scalar an attribution method explains: a transform of the model's N×K output (logits) whose entry for each
/// input's target class is the explained score. The default is the raw <see cref="Logit"/>.
/// </summary>
public sealed class OutputHead
{
    readonly Func<Tensor, Tensor> _transform;

    OutputHead(string name, Func<Tensor, Tensor> transform)
    {
        Name = name;
        this._transform = transform;
    }

    /// <summary>The raw logit of the target class (default).</summary>
    public static OutputHead Logit { get; } = new("logit", logits => logits.alias());

    /// <summary>The softmax probability of the target class.</summary>
    public static OutputHead Softmax { get; } = new("softmax", logits => logits.softmax(1));

    /// <summary>The log-softmax (log-probability) of the target class.</summary>
    public static OutputHead LogSoftmax { get; } = new("log-softmax", logits => logits.log_softmax(1));

    /// <summary>Any head: <paramref name="transform"/> maps N×K logits to N×K' scores (differentiably, for white-box methods).</summary>
    /// <param name="name">Shown in results and errors.</param>
    /// <param name="transform">N×K logits → N×K' scores; the target indexes the second dimension.</param>
    public static OutputHead Custom(string name, Func<Tensor, Tensor> transform) => new(name, transform);

    /// <summary>The head's name: <c>logit</c>, <c>softmax</c>, <c>log-softmax</c> or a custom one.</summary>
    public string Name { get; }

    /// <summary>The heads known by name: logit, softmax, log-softmax.</summary>
    public static IReadOnlyList<OutputHead> Named { get; } = [Logit, Softmax, LogSoftmax];

    /// <summary>The head called <paramref name="name"/>.</summary>
    /// <exception cref="PhospheneException">Unknown name; the message suggests the closest one.</exception>
    public static OutputHead FromName(string name) =>
        Named.FirstOrDefault(h => h.Name == name)
        ?? throw new PhospheneException(
            $"unknown output head '{name}'{Suggestions.DidYouMean(name, Named.Select(h => h.Name))} (heads: logit, softmax, log-softmax)");

    /// <summary>Each row's score at its target: float32 N from N×K model outputs and N int64 targets.</summary>
    /// <exception cref="PhospheneException">The head's output is not N×K' with every target below K'.</exception>
    public Tensor Select(Tensor outputs, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var scores = _transform(outputs);
        if (scores.dim() != 2 || scores.shape[0] != targets.shape[0])
            throw new PhospheneException(
                $"output head '{Name}' must give N×K scores for N = {targets.shape[0]} inputs, got [{string.Join(", ", scores.shape)}]");
        return scores.gather(1, targets.unsqueeze(1)).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
