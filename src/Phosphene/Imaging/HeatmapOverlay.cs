using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Imaging;

/// <summary>Heatmaps (attribution maps, concept maps) coloured and blended over their images.</summary>
public static class HeatmapOverlay
{
    /// <summary>
    /// Colours <paramref name="maps"/> and blends them over <paramref name="images"/>:
    /// <c>(1 − alpha)·image + alpha·colormap(scale(map))</c>, per pixel.
    /// </summary>
    /// <param name="images">float32 N×C×H×W (or C×H×W) in [0, 1], C = 1 (grey, shown as RGB) or 3.</param>
    /// <param name="maps">N×h×w (or h×w); resized bilinearly to H×W when its size differs (e.g. a 7×7 Grad-CAM).</param>
    /// <param name="colormap">Default <see cref="Colormaps.Magma"/>.</param>
    /// <param name="alpha">Opacity of the heatmap in [0, 1]; default 0.5.</param>
    /// <param name="scaling">How each map is scaled to [0, 1]; default <see cref="MapScaling.Auto"/>.</param>
    /// <returns>float32 N×3×H×W (or 3×H×W) in [0, 1].</returns>
    public static Tensor Blend(Tensor images, Tensor maps, Colormap? colormap = null, double alpha = 0.5,
                               MapScaling scaling = MapScaling.Auto)
    {
        if (alpha is < 0 or > 1 || double.IsNaN(alpha))
            throw new PhospheneException($"overlay alpha must be in [0, 1], got {alpha}");
        bool single = images.dim() == 3;
        if (!(images.dim() is 3 or 4) || images.shape[^3] is not (1 or 3))
            throw new PhospheneException(
                $"overlay expects images shaped N×C×H×W or C×H×W with C = 1 or 3, got [{string.Join(", ", images.shape)}]");
        if (maps.dim() != (single ? 2 : 3) || (!single && maps.shape[0] != images.shape[0]))
            throw new PhospheneException(
                $"overlay expects one {(single ? "h×w" : "N×h×w")} map per image; images are [{string.Join(", ", images.shape)}], " +
                $"maps [{string.Join(", ", maps.shape)}]");

        using var scope = NewDisposeScope();
        var batch = single ? images.unsqueeze(0) : images;
        var mapBatch = (single ? maps.unsqueeze(0) : maps).to_type(ScalarType.Float32);
        long height = batch.shape[2], width = batch.shape[3];
        // Scale before resizing so the map's own range, not the interpolated one, sets the colours.
        var scaled = Colormap.Scale(mapBatch, scaling);
        if (scaled.shape[1] != height || scaled.shape[2] != width)
            scaled = nn.functional.interpolate(scaled.unsqueeze(1), [height, width], mode: InterpolationMode.Bilinear,
                                               align_corners: false).squeeze(1);
        var coloured = (colormap ?? Colormaps.Magma).Apply(scaled, MapScaling.None);
        var rgb = batch.shape[1] == 1 ? batch.expand(-1, 3, -1, -1) : batch;
        var blended = rgb.to_type(ScalarType.Float32) * (float)(1 - alpha) + coloured * (float)alpha;
        return (single ? blended.squeeze(0) : blended).contiguous().MoveToOuterDisposeScope();
    }
}
