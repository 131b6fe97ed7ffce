using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Imaging;

/// <summary>How maps are scaled to [0, 1] before a colormap is applied.</summary>
public enum MapScaling
{
    /// <summary><see cref="Symmetric"/> when the map has negative values, else <see cref="MinMax"/>.</summary>
    Auto,
    /// <summary>Each map's minimum goes to 0 and its maximum to 1 (a constant map goes to 0).</summary>
    MinMax,
    /// <summary>Each map is divided by its largest |value| and centred: 0 goes to 0.5 (for diverging colormaps).</summary>
    Symmetric,
    /// <summary>Values are taken as already in [0, 1]; anything outside is clamped.</summary>
    None,
}

/// <summary>
/// A colormap: a table of K sRGB colours at evenly spaced positions in [0, 1], linearly interpolated in between.
/// Built-in maps are in <see cref="Colormaps"/>; <see cref="Named"/> finds one by name.
/// </summary>
public sealed class Colormap
{
    readonly float[] _table; // K×3, values in [0, 1]

    /// <summary>Lower-case name, e.g. <c>viridis</c>.</summary>
    public string Name { get; }
    /// <summary>Number of table entries K.</summary>
    public int Size => _table.Length / 3;

    /// <summary>Creates a colormap from K×3 RGB values in [0, 1] (K ≥ 2), row-major.</summary>
    public Colormap(string name, float[] rgb)
    {
        if (rgb.Length < 6 || rgb.Length % 3 != 0)
            throw new PhospheneException($"colormap '{name}' needs at least two RGB triples, got {rgb.Length} values");
        Name = name;
        _table = rgb;
    }

    /// <summary>Creates a colormap from whitespace-separated <c>rrggbb</c> hex colours.</summary>
    public static Colormap FromHex(string name, string hexColours)
    {
        var entries = hexColours.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var rgb = new float[entries.Length * 3];
        for (int i = 0; i < entries.Length; i++)
            for (int c = 0; c < 3; c++)
                rgb[3 * i + c] = int.Parse(entries[i].AsSpan(2 * c, 2), NumberStyles.HexNumber) / 255f;
        return new Colormap(name, rgb);
    }

    /// <summary>Names of the built-in colormaps.</summary>
    public static IReadOnlyList<string> Names => Colormaps.All.Select(c => c.Name).ToArray();

    /// <summary>The built-in colormap called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="PhospheneException">Unknown name; the message suggests the closest.</exception>
    public static Colormap Named(string name) =>
        Colormaps.All.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new PhospheneException(
            $"unknown colormap '{name}'{Suggestions.DidYouMean(name, Names)} (known: {string.Join(", ", Names)})");

    /// <summary>The colour at position <paramref name="t"/> (clamped to [0, 1]).</summary>
    public (float R, float G, float B) this[double t]
    {
        get
        {
            double x = Math.Clamp(double.IsNaN(t) ? 0 : t, 0, 1) * (Size - 1);
            int i = Math.Min((int)x, Size - 2);
            float f = (float)(x - i);
            float Channel(int c) => _table[3 * i + c] + f * (_table[3 * (i + 1) + c] - _table[3 * i + c]);
            return (Channel(0), Channel(1), Channel(2));
        }
    }

    /// <summary>
    /// Colours maps: H×W gives 3×H×W, N×H×W gives N×3×H×W, float32 RGB in [0, 1]. Maps are first scaled per map
    /// by <paramref name="scaling"/> (default <see cref="MapScaling.Auto"/>).
    /// </summary>
    public Tensor Apply(Tensor maps, MapScaling scaling = MapScaling.Auto)
    {
        if (maps.dim() is not (2 or 3))
            throw new PhospheneException($"colormap expects maps shaped H×W or N×H×W, got [{string.Join(", ", maps.shape)}]");
        using var scope = NewDisposeScope();
        bool single = maps.dim() == 2;
        var batch = single ? maps.unsqueeze(0) : maps;
        var t = Scale(batch.to_type(ScalarType.Float32), scaling).clamp(0, 1).nan_to_num(0) * (Size - 1);
        var lower = t.floor().clamp(0, Size - 2);
        var fraction = (t - lower).unsqueeze(-1);
        var index = lower.to_type(ScalarType.Int64);
        var lut = tensor(_table, [Size, 3]);
        var c0 = lut.index_select(0, index.flatten()).reshape([.. index.shape, 3]);
        var c1 = lut.index_select(0, (index + 1).flatten()).reshape([.. index.shape, 3]);
        var rgb = (c0 + fraction * (c1 - c0)).permute(0, 3, 1, 2).contiguous();
        return (single ? rgb.squeeze(0) : rgb).MoveToOuterDisposeScope();
    }

    /// <summary>Scales N×H×W maps to [0, 1] per map as <paramref name="scaling"/> says.</summary>
    public static Tensor Scale(Tensor maps, MapScaling scaling)
    {
        using var scope = NewDisposeScope();
        var flat = maps.flatten(1);
        if (scaling == MapScaling.Auto)
            scaling = flat.min().item<float>() < 0 ? MapScaling.Symmetric : MapScaling.MinMax;
        Tensor scaled = scaling switch
        {
            MapScaling.MinMax => MinMax(flat),
            MapScaling.Symmetric => flat / flat.abs().amax([1], keepdim: true).clamp_min(1e-12f) * 0.5f + 0.5f,
            _ => flat.clone(),
        };
        return scaled.reshape(maps.shape).MoveToOuterDisposeScope();

        static Tensor MinMax(Tensor flat)
        {
            var low = flat.amin([1], keepdim: true);
            var range = flat.amax([1], keepdim: true) - low;
            return (flat - low) / range.clamp_min(1e-12f);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Colormap({Name}, {Size} entries)";
}
