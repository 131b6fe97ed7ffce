namespace Phosphene.Notebook.Claims;

/// <summary>A published paper a notebook reproduces: how claims cite it and how the record names it.</summary>
/// <param name="Key">Short handle claims use, e.g. <c>integrated-gradients</c>.</param>
/// <param name="Title">The full title as the paper gives it.</param>
/// <param name="Authors">The authors, as cited (e.g. "Sundararajan, Taly and Yan").</param>
/// <param name="Year">Year of publication.</param>
/// <param name="Identifier">arXiv identifier or DOI, e.g. <c>arXiv:1703.01365</c>.</param>
public sealed record Paper(string Key, string Title, string Authors, int Year, string Identifier)
{
    /// <summary>The short citation, e.g. "Sundararajan, Taly and Yan 2017".</summary>
    public string Citation => $"{Authors} {Year}";
}
