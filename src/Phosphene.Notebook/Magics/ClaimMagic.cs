using Phosphene.Notebook.Claims;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// <c>%claim</c>: checks a paper's claim on a value the notebook computed and shows it as a row (claim, paper,
/// measured value, criterion, outcome); <c>%claim table</c> shows every claim of the notebook. A thin layer over
/// <see cref="ClaimLedger.Session"/>.
/// </summary>
public sealed class ClaimMagic : Magic
{
    /// <inheritdoc />
    public override string Name => "claim";

    /// <inheritdoc />
    public override string Summary => "Check a paper's claim on a value the notebook computed; 'table' shows every claim so far.";

    /// <inheritdoc />
    protected override void Declare(MagicDeclaration d)
    {
        d.Bare(b => b
            .Argument<string>("statement", "The claim in words, quoted, e.g. \"Integrated Gradients is complete\".", required: true)
            .Required<string>("paper", $"The paper that makes it, by key: {string.Join(", ", PaperCatalog.Keys)} (or one you registered).")
            .Required<double>("value", "The value measured in the notebook, e.g. {completenessError}.")
            .Required<string>("criterion", "What the value must satisfy: \"<= 1e-3\", \"> 0\", \"within 0.03 of 0.71\" or \"in [0.1, 0.2]\".")
            .Option("not-reproduced", "", "Declares that the claim does not hold at our scale, and why (quoted)."));
        d.Subcommand("table", "Every claim the notebook has checked, with the count of each outcome.");
    }

    /// <inheritdoc />
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        if (invocation.Subcommand == "table")
            return ClaimLedger.Session.Table();
        string reason = invocation.Get<string>("not-reproduced");
        return ClaimLedger.Session.Check(invocation.Get<string>("statement"), invocation.Get<string>("paper"),
                                         invocation.Get<double>("value"), invocation.Get<string>("criterion"),
                                         reason.Length == 0 ? null : reason);
    }
}
