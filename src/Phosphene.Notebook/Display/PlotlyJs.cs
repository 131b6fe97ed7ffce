using System.Text;
using Plotly.NET;

namespace Phosphene.Notebook.Display;

/// <summary>
/// The plotly.js bundle embedded in the Plotly.NET assembly, and its injection into notebook output once per page.
/// </summary>
/// <remarks>
/// The loader runs the bundle with AMD/CommonJS hidden, so it always defines <c>window.Plotly</c> (with or without
/// require.js: Jupyter Notebook 6, JupyterLab / Notebook 7, VS Code, nbconvert HTML), and registers it as the
/// require.js module <c>plotly</c> when require.js is present. A chart whose script runs before plotly.js is in the
/// page (a page reloaded from a saved notebook whose bundle-carrying output was replaced, outputs rendered out of
/// order) waits for it and is drawn when a later output brings it. The host calls <see cref="Reset"/> when its output
/// starts going to a new page (the Phosphene kernel does so for each new client session: a reloaded page, another
/// tab), so the next chart carries plotly.js there.
/// </remarks>
public static class PlotlyJs
{
    private static readonly Lazy<(string Version, string Source)> Bundle = new(Load);
    private static int _injected;

    /// <summary>The plotly.js version embedded in Plotly.NET (e.g. <c>2.28.0</c>).</summary>
    public static string Version => Bundle.Value.Version;

    /// <summary>The plotly.js source (minified).</summary>
    public static string Source => Bundle.Value.Source;

    /// <summary>True once plotly.js has been put in this session's output.</summary>
    public static bool Injected => Volatile.Read(ref _injected) == 1;

    /// <summary>Forgets the injection, so the next chart carries plotly.js again (a new notebook, a reloaded page).</summary>
    public static void Reset() => Interlocked.Exchange(ref _injected, 0);

    /// <summary>True exactly once per session (until <see cref="Reset"/>): the caller must emit <see cref="LoaderHtml"/>.</summary>
    internal static bool ClaimInjection() => Interlocked.Exchange(ref _injected, 1) == 0;

    // The charts of this page that are waiting for plotly.js (a global of the page, shared by every output in it).
    private const string WaitingCharts = "window.phospheneChartsWaitingForPlotly";

    /// <summary>A script element that defines <c>window.Plotly</c> from the embedded bundle, then draws the charts waiting for it.</summary>
    internal static string LoaderHtml()
    {
        var source = Source.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
        return "<script type=\"text/javascript\">"
               + "if (!window.Plotly) { (function (define, exports, module) {\n" + source + "\n}).call(window); }"
               + "if (typeof window.define === 'function' && window.define.amd && typeof window.require === 'function' && !window.require.defined('plotly')) {"
               + " window.define('plotly', [], function () { return window.Plotly; }); }"
               + $"(function () {{ var waiting = {WaitingCharts} || []; {WaitingCharts} = []; waiting.forEach(function (draw) {{ draw(); }}); }})();"
               + "</script>";
    }

    /// <summary>
    /// A script element that runs <paramref name="draw"/> (JavaScript statements that draw into <c>element</c>, the
    /// element with id <paramref name="elementId"/>, with <c>window.Plotly</c>) now if plotly.js is in the page, and
    /// otherwise as soon as an output brings it; meanwhile the element says what it is waiting for.
    /// </summary>
    internal static string DrawScript(string elementId, string draw)
        => "<script type=\"text/javascript\">(function () {"
           + $"var element = document.getElementById('{elementId}'); var draw = function () {{ {draw} }};"
           + "if (window.Plotly) { draw(); } else {"
           + " element.textContent = 'Waiting for plotly.js: it is not in this page yet (a reloaded page, or the output that carried it was replaced); the next chart shown here brings it, and this chart is drawn then.';"
           + $" ({WaitingCharts} = {WaitingCharts} || []).push(function () {{ if (element.isConnected) {{ element.textContent = ''; draw(); }} }}); }}"
           + "})();</script>";

    private static (string, string) Load()
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames()
            .SingleOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
            ?? throw new PhospheneException($"the Plotly.NET assembly ({assembly.GetName().Version}) has no embedded plotly-*.min.js; charts cannot render offline");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return (name["Plotly.NET.plotly-".Length..^".min.js".Length], reader.ReadToEnd());
    }
}
