using System.Runtime.InteropServices;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Imaging;

/// <summary>
/// Lays images out in rows and columns with optional row labels (left) and column labels (top), for galleries such
/// as inputs × attribution methods. Images are upscaled by an integer factor with nearest-neighbour sampling so small
/// inputs (28×28) stay crisp; cells are as large as the largest image, images sit at a cell's top-left corner.
/// </summary>
/// <remarks>
/// Layout, in output pixels: a left strip <see cref="LabelWidth"/> wide when there are row labels, a top strip
/// <see cref="LabelHeight"/> high when there are column labels, then for each cell <see cref="Padding"/> followed by
/// the cell, and a final <see cref="Padding"/> on the right and bottom.
/// </remarks>
public sealed class ImageGrid
{
    /// <summary>Nearest-neighbour upscaling factor; default 3.</summary>
    public int Scale { get; init; } = 3;
    /// <summary>Gap between cells and around the grid, in output pixels; default 4.</summary>
    public int Padding { get; init; } = 4;
    /// <summary>Label text size in pixels; default 13.</summary>
    public float FontSize { get; init; } = 13;
    /// <summary>Labels of the rows (one per row) or null for none.</summary>
    public IReadOnlyList<string>? RowLabels { get; init; }
    /// <summary>Labels of the columns (one per column) or null for none.</summary>
    public IReadOnlyList<string>? ColumnLabels { get; init; }
    /// <summary>Background grey level in [0, 1]; default 1 (white).</summary>
    public float Background { get; init; } = 1f;

    /// <summary>Width of the row-label strip: the widest row label plus two paddings, or 0 without row labels.</summary>
    public int LabelWidth
    {
        get
        {
            if (RowLabels is not { Count: > 0 } labels) return 0;
            using var font = Font();
            return (int)Math.Ceiling(labels.Max(l => font.MeasureText(l))) + 2 * Padding;
        }
    }
    /// <summary>Height of the column-label strip, or 0 without column labels.</summary>
    public int LabelHeight => ColumnLabels is { Count: > 0 } ? (int)Math.Ceiling(FontSize * 1.5f) : 0;

    /// <summary>
    /// Composes the grid. <paramref name="rows"/>[r][c] is a C×H×W (or 1×C×H×W) image in [0, 1], C = 1 or 3; rows may
    /// differ in length. Returns float32 3×H×W in [0, 1], quantised to 8 bits (the labels are drawn by Skia).
    /// </summary>
    public Tensor Compose(IReadOnlyList<IReadOnlyList<Tensor>> rows)
    {
        if (rows.Count == 0 || rows.All(r => r.Count == 0))
            throw new PhospheneException("an image grid needs at least one image");
        if (Scale < 1) throw new PhospheneException($"grid scale must be a positive integer, got {Scale}");
        int columns = rows.Max(r => r.Count);
        if (RowLabels is not null && RowLabels.Count != rows.Count)
            throw new PhospheneException($"the grid has {rows.Count} rows but {RowLabels.Count} row labels");
        if (ColumnLabels is not null && ColumnLabels.Count != columns)
            throw new PhospheneException($"the grid has {columns} columns but {ColumnLabels.Count} column labels");

        using var scope = NewDisposeScope();
        var images = rows.Select(r => r.Select(AsRgb).ToArray()).ToArray();
        long cellH = images.SelectMany(r => r).Max(i => i.shape[1]) * Scale;
        long cellW = images.SelectMany(r => r).Max(i => i.shape[2]) * Scale;
        int left = LabelWidth, top = LabelHeight;
        long width = left + columns * (cellW + Padding) + Padding;
        long height = top + rows.Count * (cellH + Padding) + Padding;

        var canvas = full([3, height, width], Background, ScalarType.Float32);
        for (int r = 0; r < images.Length; r++)
            for (int c = 0; c < images[r].Length; c++)
            {
                var image = images[r][c];
                var up = image.repeat_interleave(Scale, 1).repeat_interleave(Scale, 2);
                long y = top + Padding + r * (cellH + Padding), x = left + Padding + c * (cellW + Padding);
                canvas[TensorIndex.Colon, TensorIndex.Slice(y, y + up.shape[1]), TensorIndex.Slice(x, x + up.shape[2])] = up;
            }
        var withLabels = DrawLabels(canvas, cellH, cellW);
        return withLabels.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Composes a grid from an N×C×H×W batch laid out <paramref name="columns"/> per row (the last row may be short).
    /// </summary>
    public Tensor Compose(Tensor batch, int columns)
    {
        if (batch.dim() != 4) throw new PhospheneException($"expected images shaped N×C×H×W, got [{string.Join(", ", batch.shape)}]");
        if (columns < 1) throw new PhospheneException($"a grid needs at least one column, got {columns}");
        var rows = Enumerable.Range(0, (int)((batch.shape[0] + columns - 1) / columns))
            .Select(r => (IReadOnlyList<Tensor>)Enumerable.Range(r * columns, (int)Math.Min(columns, batch.shape[0] - r * columns))
                .Select(i => batch[i]).ToArray())
            .ToArray();
        return Compose(rows);
    }

    /// <summary>Composes the grid and encodes it as PNG.</summary>
    public byte[] ComposePng(IReadOnlyList<IReadOnlyList<Tensor>> rows)
    {
        using var grid = Compose(rows);
        return PngImage.Encode(grid);
    }

    static Tensor AsRgb(Tensor image)
    {
        var chw = PngImage.CheckImage(image);
        if (chw.shape[0] == 4) throw new PhospheneException("grid images must be grey or RGB (C = 1 or 3), got RGBA");
        return (chw.shape[0] == 1 ? chw.expand(3, -1, -1) : chw).to_type(ScalarType.Float32).clamp(0, 1);
    }

    SKFont Font() => new(LabelTypeface.Value, FontSize);

    // SkiaSharp's Linux native build carries no fontconfig, so the default typeface has no glyphs: load DejaVu Sans
    // (Debian's fonts-dejavu-core) from its file. The same font everywhere also keeps rendered grids identical.
    static readonly Lazy<SKTypeface> LabelTypeface = new(() =>
    {
        string[] candidates = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
                               "/usr/share/fonts/TTF/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans.ttf", @"C:\Windows\Fonts\arial.ttf"];
        foreach (var path in candidates.Where(File.Exists))
            if (SKTypeface.FromFile(path) is { } typeface) return typeface;
        throw new PhospheneException(
            "no font found for grid labels: install DejaVu Sans (Debian/Ubuntu: apt install fonts-dejavu-core)");
    });

    /// <summary>Draws the labels with Skia onto an 8-bit copy of the canvas; returns the 3×H×W result.</summary>
    Tensor DrawLabels(Tensor canvas, long cellH, long cellW)
    {
        int height = (int)canvas.shape[1], width = (int)canvas.shape[2];
        var bytes = canvas.mul(255).round().to_type(ScalarType.Byte);
        var rgba = cat([bytes, full([1, height, width], (byte)255, ScalarType.Byte)], 0).permute(1, 2, 0).contiguous();
        var pixels = rgba.reshape(height * width * 4).data<byte>().ToArray();
        if (RowLabels is { Count: > 0 } || ColumnLabels is { Count: > 0 })
        {
            var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
            try
            {
                var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
                using var surface = SKSurface.Create(info, handle.AddrOfPinnedObject(), info.RowBytes);
                using var font = Font();
                using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
                var sc = surface.Canvas;
                for (int r = 0; r < (RowLabels?.Count ?? 0); r++)
                {
                    float y = LabelHeight + Padding + r * (cellH + Padding) + cellH / 2f + FontSize / 3f;
                    sc.DrawText(RowLabels![r], Padding, y, SKTextAlign.Left, font, paint);
                }
                for (int c = 0; c < (ColumnLabels?.Count ?? 0); c++)
                {
                    float x = LabelWidth + Padding + c * (cellW + Padding) + cellW / 2f;
                    sc.DrawText(ColumnLabels![c], x, FontSize * 1.1f, SKTextAlign.Center, font, paint);
                }
                sc.Flush();
            }
            finally { handle.Free(); }
        }
        return tensor(pixels, [height, width, 4]).narrow(2, 0, 3).permute(2, 0, 1)
            .to_type(ScalarType.Float32).div_(255f).contiguous();
    }
}
