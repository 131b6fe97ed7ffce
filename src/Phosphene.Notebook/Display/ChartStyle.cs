using Plotly.NET;
using Plotly.NET.CSharp;
using Plotly.NET.LayoutObjects;
using Plotly.NET.TraceObjects;

namespace Phosphene.Notebook.Display;

/// <summary>
/// Plotly.NET styling that Plotly.NET.CSharp's typed arguments do not reach (marker colour scales with fixed bounds,
/// axis scale anchors, hover text), set by plotly.js property name on Plotly.NET's own objects.
/// </summary>
internal static class ChartStyle
{
    /// <summary>The chart with a title and axis titles.</summary>
    public static GenericChart Titled(this GenericChart chart, string title, string xTitle, string yTitle) =>
        Plotly.NET.Chart.withTitle(title, TitleFont: null).Invoke(
            chart.WithXAxisStyle<double, double, string>(TitleText: xTitle).WithYAxisStyle<double, double, string>(TitleText: yTitle));

    /// <summary>A marker with the given plotly.js properties (e.g. <c>("size", 5)</c>, <c>("cmin", 0.0)</c>).</summary>
    public static Marker Marker(params (string Name, object? Value)[] properties) => Set(new Marker(), properties);

    /// <summary>The chart with the given properties set on each of its traces (e.g. <c>("hoverinfo", "text")</c>).</summary>
    public static GenericChart WithTraceProperties(this GenericChart chart, params (string Name, object? Value)[] properties)
    {
        foreach (var trace in GenericChart.getTraces(chart))
            Set(trace, properties);
        return chart;
    }

    /// <summary>The chart with the given properties added to its x axis (<paramref name="y"/> false) or y axis.</summary>
    public static GenericChart WithAxisProperties(this GenericChart chart, bool y, params (string Name, object? Value)[] properties)
    {
        var axis = Set(new LinearAxis(), properties);
        return (y ? Plotly.NET.Chart.withYAxis(axis, null) : Plotly.NET.Chart.withXAxis(axis, null)).Invoke(chart);
    }

    /// <summary>The chart with the given top-level layout properties (e.g. <c>("showlegend", false)</c>).</summary>
    public static GenericChart WithLayoutProperties(this GenericChart chart, params (string Name, object? Value)[] properties)
    {
        Set(GenericChart.getLayout(chart), properties);
        return chart;
    }

    /// <summary>Values rounded to 6 decimals, so long series stay light in the page.</summary>
    public static double[] Rounded(IEnumerable<double> values) => values.Select(v => Math.Round(v, 6)).ToArray();

    private static T Set<T>(T target, (string Name, object? Value)[] properties) where T : DynamicObj.DynamicObj
    {
        foreach (var (name, value) in properties)
            target.SetProperty(name, value);
        return target;
    }
}
