using Plotly.NET;

namespace Phosphene.Notebook.Display;

/// <summary>
/// Plotly.NET charts (<see cref="GenericChart"/>, which Plotly.NET.CSharp's <c>Chart.*</c> also return) and animated
/// <see cref="PlotlyFigure"/>s as interactive HTML that works offline: plotly.js comes from <see cref="PlotlyJs"/>.
/// </summary>
public sealed class PlotlyFormatter : IFormatterSet
{
    /// <inheritdoc/>
    public void Register()
    {
        NotebookFormatter.RegisterHtml<GenericChart>(Html);
        NotebookFormatter.RegisterText<GenericChart>(chart => Describe(GenericChart.getTraces(chart).Length));
        NotebookFormatter.RegisterHtml<PlotlyFigure>(figure => figure.ToHtml());
        NotebookFormatter.RegisterText<PlotlyFigure>(figure => Describe(figure.TraceCount) + (figure.FrameCount > 0 ? $", {figure.FrameCount} frames" : ""));
    }

    /// <summary>
    /// The chart's HTML (<see cref="PlotlyFigure.ToHtml"/>): a div and the script that draws it, preceded by plotly.js
    /// itself when this is the first chart since <see cref="PlotlyJs.Reset"/> (or start-up).
    /// </summary>
    public static string Html(GenericChart chart) => new PlotlyFigure(chart).ToHtml();

    private static string Describe(int traces) => $"Plotly chart ({traces} trace{(traces == 1 ? "" : "s")})";
}
