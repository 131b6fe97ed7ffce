namespace Phosphene.Attribution;

/// <summary>How <see cref="IntegratedGradients"/> discretises the path integral over α ∈ [0, 1].</summary>
public enum IntegrationRule
{
    /// <summary>The trapezoid rule on <c>steps</c> equally spaced points, both ends included (Captum's <c>riemann_trapezoid</c>).</summary>
    Trapezoid,

    /// <summary>Gauss–Legendre quadrature with <c>steps</c> nodes on [0, 1]: exact for polynomial paths of degree &lt; 2·steps.</summary>
    GaussLegendre,
}
