namespace Phosphene.Notebook.Claims;

/// <summary>
/// The notebook's way to check a paper's claim from C#: <c>Claim.Check("r∞ follows √(1 − Kc/K)", "kuramoto", gap,
/// "&lt;= 0.03")</c> records the check in <see cref="ClaimLedger.Session"/> and returns it for display, as <c>%claim</c> does.
/// </summary>
public static class Claim
{
    /// <inheritdoc cref="ClaimLedger.Check"/>
    public static ClaimCheck Check(string statement, string paper, double value, string criterion, string? notReproducedBecause = null)
        => ClaimLedger.Session.Check(statement, paper, value, criterion, notReproducedBecause);

    /// <summary>Every claim the session has checked, for the end of a notebook.</summary>
    public static ClaimTable Table() => ClaimLedger.Session.Table();
}
