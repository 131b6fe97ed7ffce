using System.Globalization;

namespace Phosphene.Notebook.Claims;

/// <summary>What a claim check found.</summary>
public enum ClaimStatus
{
    /// <summary>The value meets the criterion.</summary>
    Holds,
    /// <summary>The value misses the criterion, and the notebook did not declare that it would.</summary>
    Fails,
    /// <summary>The value misses the criterion, as the notebook declared (with its reason): not reproduced at our scale.</summary>
    NotReproducedHere,
    /// <summary>Declared not reproduced, yet the value meets the criterion: the prose that says so is out of date.</summary>
    HoldsThoughDeclaredNot,
}

/// <summary>
/// One paper claim checked on a value the notebook computed: the statement, the paper it comes from, the measured
/// value, the criterion and the outcome. Made by <see cref="ClaimLedger.Check"/>.
/// </summary>
/// <param name="Statement">The claim in words, e.g. "Integrated Gradients is complete".</param>
/// <param name="Paper">The paper that makes it.</param>
/// <param name="Value">The value measured in the notebook.</param>
/// <param name="Criterion">What the value must satisfy for the claim to hold at our scale.</param>
/// <param name="Status">The outcome.</param>
/// <param name="NotReproducedBecause">The notebook's reason, when it declares that the claim does not hold at our scale.</param>
public sealed record ClaimCheck(string Statement, Paper Paper, double Value, ClaimCriterion Criterion, ClaimStatus Status,
                                string? NotReproducedBecause)
{
    /// <summary>The status as the record writes it: <c>holds</c>, <c>fails</c> or <c>not reproduced here</c>.</summary>
    public string StatusText => Status switch
    {
        ClaimStatus.Holds or ClaimStatus.HoldsThoughDeclaredNot => "holds",
        ClaimStatus.Fails => "fails",
        _ => "not reproduced here",
    };

    /// <summary>The mark a reader sees: ✓, ✗, "not reproduced here", or ✓ with a warning that the declaration is stale.</summary>
    public string Mark => Status switch
    {
        ClaimStatus.Holds => "✓",
        ClaimStatus.Fails => "✗",
        ClaimStatus.NotReproducedHere => "not reproduced here",
        _ => "✓ (declared not reproduced: update the notebook)",
    };

    /// <summary>The measured value with 4 significant digits.</summary>
    public string ValueText => Value.ToString("G4", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Mark}  {Statement}: {ValueText} ({Criterion}) [{Paper.Citation}]" +
        (NotReproducedBecause is { } reason ? $" — {reason}" : "");
}
