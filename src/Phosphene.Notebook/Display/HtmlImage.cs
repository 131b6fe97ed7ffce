using System.Globalization;
using System.Net;

namespace Phosphene.Notebook.Display;

/// <summary>Images inside HTML output: an <c>&lt;img&gt;</c> with the PNG as a data URI (no files, no network).</summary>
public static class HtmlImage
{
    /// <summary>
    /// An <c>&lt;img&gt;</c> showing <paramref name="png"/>, at <paramref name="width"/> × <paramref name="height"/>
    /// CSS pixels when given, scaled without smoothing (pixels stay crisp when small images are enlarged).
    /// </summary>
    public static string Png(byte[] png, int? width = null, int? height = null, string? alt = null)
    {
        ArgumentNullException.ThrowIfNull(png);
        var size = (width is { } w ? string.Create(CultureInfo.InvariantCulture, $" width=\"{w}\"") : "")
                   + (height is { } h ? string.Create(CultureInfo.InvariantCulture, $" height=\"{h}\"") : "");
        return $"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"{size} "
               + "style=\"image-rendering:pixelated;image-rendering:crisp-edges\""
               + (alt is null ? "" : $" alt=\"{WebUtility.HtmlEncode(alt)}\"") + "/>";
    }
}
