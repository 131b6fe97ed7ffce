using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Oscillators on an H×W grid (N = H·W, row-major) coupled to their neighbours through a kernel k (kh×kw, odd sides):
/// Σⱼ Aᵢⱼ sin θⱼ = (k ⋆ sin θ)ᵢ, a 2-D cross-correlation, as in convolutional Kuramoto layers (AKOrN, Miyato et al.
/// 2025, "Artificial Kuramoto Oscillatory Neurons"; KomplexNet, Muzellec et al. 2025). The boundary is open (zero
/// padding: edge oscillators have fewer neighbours) or periodic (a torus).
/// </summary>
public sealed class GridCoupling : CouplingTopology
{
    /// <summary>Grid height H.</summary>
    public int Height { get; }
    /// <summary>Grid width W.</summary>
    public int Width { get; }
    /// <summary>The kh×kw kernel (float), referenced not copied.</summary>
    public Tensor Kernel { get; }
    /// <summary>Periodic (torus) boundary instead of open.</summary>
    public bool Periodic { get; }

    /// <summary>Grid coupling with an explicit kernel (kh×kw, odd sides).</summary>
    /// <exception cref="PhospheneException">Bad grid size or kernel shape.</exception>
    public GridCoupling(int height, int width, Tensor kernel, bool periodic = false)
    {
        if (height < 1 || width < 1) throw new PhospheneException($"grid must be at least 1×1, got {height}×{width}");
        if (kernel.dim() != 2 || kernel.shape[0] % 2 == 0 || kernel.shape[1] % 2 == 0 || !is_floating_point(kernel))
            throw new PhospheneException($"grid kernel must be a float kh×kw matrix with odd sides, got {kernel.dtype} [{string.Join(", ", kernel.shape)}]");
        Height = height;
        Width = width;
        Kernel = kernel;
        Periodic = periodic;
    }

    /// <summary>
    /// Neighbour coupling: every cell of the (2r+1)×(2r+1) square around an oscillator except itself (r =
    /// <paramref name="radius"/>; r = 1 gives the 8 nearest neighbours), each with weight 1/((2r+1)² − 1), so a full
    /// neighbourhood sums to 1 (the grid analogue of all-to-all 1/N).
    /// </summary>
    public static GridCoupling Neighbours(int height, int width, int radius = 1, bool periodic = false, ScalarType dtype = ScalarType.Float32)
    {
        if (radius < 1) throw new PhospheneException($"neighbourhood radius must be at least 1, got {radius}");
        int side = 2 * radius + 1;
        var kernel = full(side, side, 1.0 / (side * side - 1), dtype: dtype);
        kernel[radius, radius] = tensor(0.0, dtype);
        return new GridCoupling(height, width, kernel.DetachFromDisposeScope(), periodic);
    }

    /// <summary>Parses <c>grid:32x32</c> (optionally <c>grid:32x32:periodic</c>) into nearest-neighbour coupling.</summary>
    public static GridCoupling Parse(string text, ScalarType dtype = ScalarType.Float32)
    {
        var m = System.Text.RegularExpressions.Regex.Match(text.Trim(), @"^grid:(\d+)[x×](\d+)(:periodic)?$");
        if (!m.Success) throw new PhospheneException($"cannot read grid topology '{text}'; write grid:HxW, e.g. grid:32x32 (or grid:32x32:periodic)");
        return Neighbours(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), 1, m.Groups[3].Success, dtype);
    }

    /// <inheritdoc />
    public override string Name => $"grid {Height}×{Width}{(Periodic ? " periodic" : "")}, kernel {Kernel.shape[0]}×{Kernel.shape[1]}";

    /// <inheritdoc />
    public override void Check(long networks, long oscillators)
    {
        if (oscillators != (long)Height * Width)
            throw new PhospheneException($"a {Height}×{Width} grid holds {(long)Height * Width} oscillators but the networks have {oscillators}; make N = H·W");
    }

    /// <inheritdoc />
    protected internal override (Tensor Sin, Tensor Cos) Fields(Tensor sin, Tensor cos)
    {
        long b = sin.shape[0];
        // Both fields in one convolution: sin and cos as the batch's two halves.
        var images = cat([sin, cos], 0).view(2 * b, 1, Height, Width);
        long ph = Kernel.shape[0] / 2, pw = Kernel.shape[1] / 2;
        var weight = Kernel.to_type(sin.dtype).view(1, 1, Kernel.shape[0], Kernel.shape[1]);
        Tensor fields = Periodic
            ? nn.functional.conv2d(nn.functional.pad(images, [pw, pw, ph, ph], PaddingModes.Circular), weight)
            : nn.functional.conv2d(images, weight, padding: [ph, pw]);
        fields = fields.view(2 * b, (long)Height * Width);
        return (fields.narrow(0, 0, b), fields.narrow(0, b, b));
    }
}
