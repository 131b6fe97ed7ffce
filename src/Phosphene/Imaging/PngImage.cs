using System.Runtime.InteropServices;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Imaging;

/// <summary>
/// PNG ↔ tensor conversion with SkiaSharp. Tensors are float32 C×H×W (or 1×C×H×W) in [0, 1] with C = 1 (grey),
/// 3 (RGB) or 4 (RGBA, straight alpha). Encoding rounds to the nearest 8-bit level (values outside [0, 1] are
/// clamped, NaN is rejected); decoding divides by 255, so an image whose values are multiples of 1/255 survives
/// encode → decode exactly.
/// </summary>
public static class PngImage
{
    /// <summary>Encodes an image tensor as PNG bytes.</summary>
    /// <exception cref="PhospheneException">The shape is not C×H×W / 1×C×H×W with C in {1, 3, 4}, or it holds NaN.</exception>
    public static byte[] Encode(Tensor image)
    {
        using var scope = NewDisposeScope();
        var chw = CheckImage(image);
        int channels = (int)chw.shape[0], height = (int)chw.shape[1], width = (int)chw.shape[2];
        if (chw.isnan().any().item<bool>())
            throw new PhospheneException("cannot encode an image holding NaN values; replace them first (e.g. nan_to_num)");
        var bytes = chw.to_type(ScalarType.Float32).clamp(0, 1).mul(255).round().to_type(ScalarType.Byte);
        // Skia wants interleaved pixels: grey as Gray8, colour as RGBA8888.
        byte[] pixels;
        SKImageInfo info;
        if (channels == 1)
        {
            pixels = bytes.reshape(height * width).data<byte>().ToArray();
            info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        }
        else
        {
            var rgba = channels == 4 ? bytes : cat([bytes, full([1, height, width], (byte)255, ScalarType.Byte)], 0);
            pixels = rgba.permute(1, 2, 0).contiguous().reshape(height * width * 4).data<byte>().ToArray();
            info = new SKImageInfo(width, height, SKColorType.Rgba8888, channels == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        }
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = pixmap.Encode(SKPngEncoderOptions.Default)
                ?? throw new PhospheneException($"SkiaSharp could not encode a {width}×{height} image as PNG");
            return data.ToArray();
        }
        finally { handle.Free(); }
    }

    /// <summary>Encodes an image tensor and writes it to <paramref name="path"/>.</summary>
    public static void Save(Tensor image, string path) => File.WriteAllBytes(path, Encode(image));

    /// <summary>
    /// Decodes PNG bytes to a float32 C×H×W tensor in [0, 1]: C = 1 for grey PNGs, 3 for opaque colour, 4 when the
    /// image has transparency.
    /// </summary>
    /// <exception cref="PhospheneException">The bytes are not a decodable image.</exception>
    public static Tensor Decode(byte[] png, string origin = "image")
    {
        using var codec = SKCodec.Create(new SKMemoryStream(png))
            ?? throw new PhospheneException($"'{origin}' is not a PNG (or other image) SkiaSharp can decode");
        bool grey = codec.Info.ColorType == SKColorType.Gray8;
        bool alpha = !grey && codec.Info.AlphaType != SKAlphaType.Opaque;
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height,
            grey ? SKColorType.Gray8 : SKColorType.Rgba8888, grey ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var pixels = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        SKCodecResult result;
        try { result = codec.GetPixels(info, handle.AddrOfPinnedObject()); }
        finally { handle.Free(); }
        if (result != SKCodecResult.Success)
            throw new PhospheneException($"'{origin}' could not be decoded: {result}");

        using var scope = NewDisposeScope();
        int h = info.Height, w = info.Width;
        var hwc = tensor(pixels, [h, w, grey ? 1 : 4]);
        var chw = hwc.permute(2, 0, 1);
        if (!grey && !alpha) chw = chw.narrow(0, 0, 3);
        return chw.to_type(ScalarType.Float32).div_(255f).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Reads and decodes a PNG file.</summary>
    public static Tensor Load(string path) => Decode(File.ReadAllBytes(path), path);

    /// <summary>Returns the C×H×W view of a C×H×W or 1×C×H×W image tensor, or a clear error.</summary>
    internal static Tensor CheckImage(Tensor image)
    {
        var chw = image.dim() == 4 && image.shape[0] == 1 ? image.squeeze(0) : image;
        if (chw.dim() != 3 || chw.shape[0] is not (1 or 3 or 4) || chw.shape[1] == 0 || chw.shape[2] == 0)
            throw new PhospheneException(
                $"expected an image tensor shaped C×H×W (or 1×C×H×W) with C in {{1, 3, 4}}, got [{string.Join(", ", image.shape)}]");
        return chw;
    }
}
