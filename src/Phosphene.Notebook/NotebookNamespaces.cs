namespace Phosphene.Notebook;

/// <summary>
/// The namespaces every notebook host imports into its C# session, so one notebook runs unchanged on each: the usual
/// System ones, TorchSharp, the notebook layer, Plotly.NET's C# API, DataFrames and every namespace of the Phosphene core.
/// </summary>
public static class NotebookNamespaces
{
    /// <summary>The imports that name a type (its static members are imported), not a namespace.</summary>
    public static IReadOnlyList<string> StaticTypes { get; } = ["TorchSharp.torch"];

    /// <summary>The C# <c>using</c> directives of <see cref="Imported"/>, for hosts that import by submitting code.</summary>
    public static string UsingDirectives
        => string.Join("\n", Imported.Select(n => StaticTypes.Contains(n) ? $"using static {n};" : $"using {n};"));

    /// <summary>The namespaces (and <see cref="StaticTypes"/>), in import order, as Roslyn scripting's imports take them.</summary>
    public static IReadOnlyList<string> Imported { get; } =
    [
        "System", "System.IO", "System.Linq", "System.Collections.Generic", "System.Text", "System.Threading",
        "System.Threading.Tasks", "System.Diagnostics", "TorchSharp", "TorchSharp.torch",
        "Phosphene.Notebook.Display", "Phosphene.Notebook.Magics", "Phosphene.Notebook.Claims", "Plotly.NET.CSharp", "Microsoft.Data.Analysis",
        .. typeof(PhospheneCache).Assembly.GetExportedTypes().Select(t => t.Namespace).OfType<string>().Distinct().Order(StringComparer.Ordinal),
    ];
}
