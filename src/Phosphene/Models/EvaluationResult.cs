namespace Phosphene.Models;

/// <summary>How a classifier does on a labelled dataset.</summary>
/// <param name="Accuracy">Fraction of examples whose arg-max logit is the label, in [0, 1].</param>
/// <param name="Loss">Mean cross-entropy (natural log) over the examples.</param>
/// <param name="Correct">Number of correctly classified examples.</param>
/// <param name="Count">Number of examples.</param>
public sealed record EvaluationResult(double Accuracy, double Loss, long Correct, long Count)
{
    /// <inheritdoc />
    public override string ToString() =>
        System.FormattableString.Invariant($"accuracy {Accuracy:P2} ({Correct}/{Count}), loss {Loss:F4}");
}
