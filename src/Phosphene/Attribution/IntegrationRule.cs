namespace Phosphene.Attribution;

/// <summary>How <see cref="IntegratedGradients"/> discretises the path integral over α ∈ [0, 1].</summary>
public enum IntegrationRule
{
    /// <summary>
    /// The trapezoid rule on n = <c>steps</c> equally spaced points α_k = k/(n − 1), both ends included: weights
    /// 1/(n − 1), halved at α = 0 and α = 1, summing to 1 (exact for an integrand linear in α).
    /// </summary>
    /// <remarks>
    /// Not the same numbers as Captum's <c>riemann_trapezoid</c>: Captum takes the same points but weights them by 1/n
    /// (halved at the ends), which sum to (n − 1)/n. Every weight here is n/(n − 1) times Captum's, so our maps are
    /// exactly n/(n − 1) times Captum's (50/49 at 50 steps) and Captum's fall short of completeness by an extra 1/n
    /// of f(x) − f(b). Multiply Captum's maps by n/(n − 1) to compare them with these.
    /// </remarks>
    Trapezoid,

    /// <summary>Gauss–Legendre quadrature with <c>steps</c> nodes on [0, 1]: exact for polynomial paths of degree &lt; 2·steps.</summary>
    GaussLegendre,
}
