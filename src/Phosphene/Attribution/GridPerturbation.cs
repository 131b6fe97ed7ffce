namespace Phosphene.Attribution;

/// <summary>How the grid methods (<see cref="SobolAttribution"/>, <see cref="HsicAttribution"/>) perturb an image x under a mask M ∈ [0, 1] (1 keeps).</summary>
public enum GridPerturbation
{
    /// <summary>x ⊙ M: masked pixels fade to black (baseline 0); the default of Fel et al. (2021).</summary>
    Inpainting,

    /// <summary>x ⊙ M + blur(x) ⊙ (1 − M): masked pixels fade to a Gaussian-blurred copy.</summary>
    Blurring,

    /// <summary>x + (M − 0.5)·a: every cell's intensity is shifted by up to ±a/2.</summary>
    Amplitude,
}
