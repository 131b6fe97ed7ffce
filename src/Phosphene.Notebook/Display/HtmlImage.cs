using System.Globalization;
using System.Net;

namespace Phosphene.Notebook.Display;

/// <summary>Images inside HTML output: an <c>&lt;img&gt;</c> with the PNG as a data URI (no files, no network).</summary>
public static class HtmlImage
{
    /// <summary>
    /// An <c>&lt;img&gt;</c> showing <paramref name="png"/>, at <paramref name="width"/> × <paramref name="height"/>
    /// CSS pixels when given, scaled without smoothing (pixels stay crisp when small images are enlarged), never shrunk
    /// to the cell's width (a wide image scrolls).
    /// </summary>
    public static string Png(byte[] png, int? width = null, int? height = null, string? alt = null)
    {
        ArgumentNullException.ThrowIfNull(png);
        var size = (width is { } w ? string.Create(CultureInfo.InvariantCulture, $" width=\"{w}\"") : "")
                   + (height is { } h ? string.Create(CultureInfo.InvariantCulture, $" height=\"{h}\"") : "");
        // Front ends shrink wide images to the cell (max-width: 100%); a non-integer shrink without smoothing drops whole
        // pixel columns (letters of a grid's labels vanish), so the image keeps its size and the cell scrolls instead.
        return "<div style=\"overflow-x:auto\">"
               + $"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"{size} "
               + "style=\"max-width:none;image-rendering:pixelated;image-rendering:crisp-edges\""
               + (alt is null ? "" : $" alt=\"{WebUtility.HtmlEncode(alt)}\"") + "/></div>";
    }
}
