using System.Globalization;
using System.Net;
using Phosphene.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Display;

/// <summary>
/// How tensors look in a notebook. Every tensor shows its shape, dtype and device with a preview: the values for
/// small tensors, min/max/mean for large ones. Tensors that look like images are also shown as pictures
/// (<c>image/png</c>, and HTML that scales them up crisply): H×W and C×H×W with C in {1, 3}, and N×C×H×W batches
/// of up to <see cref="MaxGridImages"/> images as a grid. Images with values outside [0, 1] are min-max scaled for
/// display (the caption says so).
/// </summary>
public sealed class TensorFormatter : IFormatterSet
{
    /// <summary>Largest number of elements whose values are all printed.</summary>
    public const int MaxPrintedElements = 400;

    /// <summary>Largest batch shown as an image grid.</summary>
    public const int MaxGridImages = 64;

    private const int GridColumns = 8;
    private const int DisplayedSize = 112;

    /// <inheritdoc/>
    public void Register()
    {
        NotebookFormatter.RegisterText<Tensor>(Text);
        NotebookFormatter.RegisterHtml<Tensor>(Html);
        NotebookFormatter.RegisterPng<Tensor>(t => Picture(t)?.Png ?? [], t => Picture(t) is { } p ? (p.DisplayWidth, p.DisplayHeight) : (0, 0));
    }

    /// <summary><c>Tensor [3, 28, 28] float32 cpu</c>.</summary>
    public static string Summary(Tensor tensor)
        => string.Create(CultureInfo.InvariantCulture, $"Tensor [{string.Join(", ", tensor.shape)}] {DType(tensor.dtype)} {tensor.device}");

    /// <summary>The summary line, then the values (numpy style) or, for large tensors, min/max/mean.</summary>
    public static string Text(Tensor tensor)
    {
        if (tensor.IsInvalid)
            return "Tensor (disposed)";
        var summary = Summary(tensor) + (tensor.requires_grad ? " requires_grad" : "");
        if (tensor.numel() == 0)
            return summary;
        using var scope = NewDisposeScope();
        var values = tensor.detach().cpu();
        if (values.numel() <= MaxPrintedElements)
            return summary + "\n" + values.ToString(TorchSharp.TensorStringStyle.Numpy, "g5", 100, CultureInfo.InvariantCulture, "\n").TrimEnd();
        return summary + "\n" + Statistics(values);
    }

    /// <summary>The picture of an image-like tensor, or null when the tensor is not one.</summary>
    public static TensorPicture? Picture(Tensor tensor)
    {
        if (tensor.IsInvalid || !LooksLikeImage(tensor))
            return null;
        using var scope = NewDisposeScope();
        var values = tensor.detach().cpu().to_type(ScalarType.Float32);
        if (tensor.dtype == ScalarType.Byte)
            values = values.div(255f);
        if (values.isnan().any().item<bool>() || values.isinf().any().item<bool>())
            return null;
        var min = values.min().item<float>();
        var max = values.max().item<float>();
        string? note = null;
        if (min < 0 || max > 1)
        {
            values = max > min ? values.sub(min).div(max - min) : values.sub(min);
            note = string.Create(CultureInfo.InvariantCulture, $"values in [{min:g4}, {max:g4}] scaled to [0, 1] for display");
        }
        var images = values.dim() switch
        {
            2 => values.unsqueeze(0).unsqueeze(0),
            3 => values.unsqueeze(0),
            _ => values,
        };
        var count = (int)images.shape[0];
        long height = images.shape[2], width = images.shape[3];
        byte[] png;
        int pixelWidth, pixelHeight;
        if (count == 1)
        {
            png = PngImage.Encode(images[0]);
            (pixelWidth, pixelHeight) = ((int)width, (int)height);
        }
        else
        {
            using var grid = new ImageGrid { Scale = 1, Padding = 2 }.Compose(images, Math.Min(count, GridColumns));
            png = PngImage.Encode(grid);
            (pixelWidth, pixelHeight) = ((int)grid.shape[2], (int)grid.shape[1]);
        }
        var scale = Math.Clamp((int)Math.Ceiling(DisplayedSize / (double)Math.Max(height, width)), 1, 8);
        return new TensorPicture(png, pixelWidth, pixelHeight, pixelWidth * scale, pixelHeight * scale, count, note);
    }

    /// <summary>The HTML: the summary, then the picture (scaled up without smoothing) or the values.</summary>
    public static string Html(Tensor tensor)
    {
        var caption = $"<div style=\"font-family:monospace;font-size:12px\">{WebUtility.HtmlEncode(Summary(tensor))}";
        if (Picture(tensor) is { } picture)
        {
            var note = picture.Note is null ? "" : $" <span style=\"color:#777\">({WebUtility.HtmlEncode(picture.Note)})</span>";
            return caption + note + "</div>"
                + $"<img src=\"data:image/png;base64,{Convert.ToBase64String(picture.Png)}\" width=\"{picture.DisplayWidth}\" height=\"{picture.DisplayHeight}\" "
                + "style=\"image-rendering:pixelated;image-rendering:crisp-edges\" alt=\"" + WebUtility.HtmlEncode(Summary(tensor)) + "\"/>";
        }
        var text = Text(tensor);
        var body = text.Contains('\n') ? text[(text.IndexOf('\n') + 1)..] : "";
        return caption + "</div>" + (body.Length == 0 ? "" : $"<pre style=\"margin:2px 0\">{WebUtility.HtmlEncode(body)}</pre>");
    }

    private static bool LooksLikeImage(Tensor tensor)
    {
        if (tensor.dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Byte))
            return false;
        var shape = tensor.shape;
        static bool Side(long n) => n is >= 4 and <= 2048;
        return shape.Length switch
        {
            2 => Side(shape[0]) && Side(shape[1]),
            3 => shape[0] is 1 or 3 && Side(shape[1]) && Side(shape[2]),
            4 => shape[0] is >= 1 and <= MaxGridImages && shape[1] is 1 or 3 && Side(shape[2]) && Side(shape[3]),
            _ => false,
        };
    }

    private static string Statistics(Tensor values)
    {
        if (values.dtype == ScalarType.Bool)
            return string.Create(CultureInfo.InvariantCulture, $"true: {values.sum().item<long>()} of {values.numel()}");
        var real = values.is_complex() ? values.abs() : values.to_type(ScalarType.Float64);
        return string.Create(CultureInfo.InvariantCulture,
            $"min {real.min().item<double>():g5}, max {real.max().item<double>():g5}, mean {real.mean().item<double>():g5}, std {real.std().item<double>():g5}");
    }

    private static string DType(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16",
        ScalarType.Int8 => "int8",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };
}

/// <summary>A tensor drawn as a picture: the PNG and the sizes at which it is stored and shown.</summary>
/// <param name="Png">PNG bytes.</param>
/// <param name="PixelWidth">Width of the PNG in pixels.</param>
/// <param name="PixelHeight">Height of the PNG in pixels.</param>
/// <param name="DisplayWidth">Width to show it at, in CSS pixels (an integer multiple: small images are scaled up).</param>
/// <param name="DisplayHeight">Height to show it at, in CSS pixels.</param>
/// <param name="Images">How many images it holds (a grid when more than one).</param>
/// <param name="Note">What was done to the values for display, if anything.</param>
public sealed record TensorPicture(byte[] Png, int PixelWidth, int PixelHeight, int DisplayWidth, int DisplayHeight, int Images, string? Note);
