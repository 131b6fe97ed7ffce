namespace Phosphene.Attribution;

/// <summary>The regions that <see cref="Lime"/> and <see cref="KernelShap"/> switch on and off.</summary>
public enum SegmentationKind
{
    /// <summary>SLIC superpixels (<see cref="Superpixels.Slic"/>), computed per image; the default.</summary>
    Slic,

    /// <summary>A regular square grid (<see cref="Superpixels.Grid"/>) of about the requested number of cells.</summary>
    Grid,
}
