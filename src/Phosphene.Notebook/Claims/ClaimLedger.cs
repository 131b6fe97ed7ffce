namespace Phosphene.Notebook.Claims;

/// <summary>
/// The claims a notebook session has checked, in the order first checked; checking a statement again (a re-run
/// cell) replaces its entry. <see cref="Session"/> is the one the <c>%claim</c> magic and notebooks use.
/// </summary>
public sealed class ClaimLedger
{
    private readonly object _lock = new();
    private readonly List<ClaimCheck> _checks = [];

    /// <summary>The ledger of this process's notebook session.</summary>
    public static ClaimLedger Session { get; } = new();

    /// <summary>Every check so far.</summary>
    public IReadOnlyList<ClaimCheck> Checks
    {
        get { lock (_lock) return _checks.ToList(); }
    }

    /// <summary>
    /// Checks <paramref name="statement"/> of the paper <paramref name="paper"/> (a <see cref="PaperCatalog"/> key) on
    /// <paramref name="value"/> against <paramref name="criterion"/> (see <see cref="ClaimCriterion.Parse"/>). With
    /// <paramref name="notReproducedBecause"/>, the notebook declares that the claim does not hold at its scale, and why.
    /// </summary>
    /// <exception cref="PhospheneException">Empty statement, unknown paper, unreadable criterion or empty reason.</exception>
    public ClaimCheck Check(string statement, string paper, double value, string criterion, string? notReproducedBecause = null)
    {
        if (string.IsNullOrWhiteSpace(statement))
            throw new PhospheneException("a claim needs its statement, e.g. \"Integrated Gradients is complete\"");
        if (notReproducedBecause is not null && string.IsNullOrWhiteSpace(notReproducedBecause))
            throw new PhospheneException($"claim '{statement}': a claim declared not reproduced needs the reason, in words");
        var source = PaperCatalog.Find(paper);
        var test = ClaimCriterion.Parse(criterion);
        bool met = test.IsMetBy(value);
        var status = (met, notReproducedBecause is null) switch
        {
            (true, true) => ClaimStatus.Holds,
            (false, true) => ClaimStatus.Fails,
            (false, false) => ClaimStatus.NotReproducedHere,
            _ => ClaimStatus.HoldsThoughDeclaredNot,
        };
        var check = new ClaimCheck(statement.Trim(), source, value, test, status, notReproducedBecause?.Trim());
        lock (_lock)
        {
            int existing = _checks.FindIndex(c => c.Statement == check.Statement);
            if (existing >= 0) _checks[existing] = check;
            else _checks.Add(check);
        }
        return check;
    }

    /// <summary>The table of every check so far, for the end of a notebook.</summary>
    public ClaimTable Table() => new(Checks);

    /// <summary>Forgets every check (a notebook restarted without restarting the process).</summary>
    public void Clear()
    {
        lock (_lock) _checks.Clear();
    }
}

/// <summary>A notebook's claims gathered in one table, with the count of each outcome.</summary>
/// <param name="Checks">The checks, in the order first checked.</param>
public sealed record ClaimTable(IReadOnlyList<ClaimCheck> Checks)
{
    /// <summary>How many checks have <paramref name="status"/>.</summary>
    public int Count(ClaimStatus status) => Checks.Count(c => c.Status == status);

    /// <summary>One line: how many hold, fail, are not reproduced here, or hold though declared not.</summary>
    public string Summary
    {
        get
        {
            var parts = new List<string> { $"{Count(ClaimStatus.Holds)} hold", $"{Count(ClaimStatus.Fails)} fail" };
            if (Count(ClaimStatus.NotReproducedHere) is > 0 and var n) parts.Add($"{n} not reproduced here");
            if (Count(ClaimStatus.HoldsThoughDeclaredNot) is > 0 and var h) parts.Add($"{h} hold though declared not reproduced");
            return $"{Checks.Count} claims: {string.Join(", ", parts)}";
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Join("\n", Checks.Select(c => c.ToString()).Append(Summary));
}
