using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// Finds the XML documentation of an assembly so completion and inspection can show summaries: the <c>.xml</c> beside
/// it (the toolkit's, a package's), else, for the runtime's own assemblies, the one in the targeting pack
/// (<c>&lt;dotnet&gt;/packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref/netX.Y/</c>), where the runtime keeps its docs.
/// </summary>
internal static class XmlDocumentation
{
    private static readonly ConcurrentDictionary<string, DocumentationProvider?> Providers = new(StringComparer.Ordinal);
    private static readonly Lazy<string?> ReferencePackFolder = new(FindReferencePack);

    /// <summary>The documentation of the assembly at <paramref name="assemblyPath"/>, or null when none is found.</summary>
    public static DocumentationProvider? For(string assemblyPath)
        => Providers.GetOrAdd(assemblyPath, static path =>
        {
            var beside = Path.ChangeExtension(path, ".xml");
            if (File.Exists(beside))
                return XmlDocumentationProvider.CreateFromFile(beside);
            // CoreLib's public types are documented under System.Runtime, the reference assembly that exposes them.
            var name = Path.GetFileNameWithoutExtension(path) is "System.Private.CoreLib" ? "System.Runtime" : Path.GetFileNameWithoutExtension(path);
            var packed = ReferencePackFolder.Value is { } pack ? Path.Combine(pack, name + ".xml") : null;
            return packed is not null && File.Exists(packed) ? XmlDocumentationProvider.CreateFromFile(packed) : null;
        });

    /// <summary>A reference to <paramref name="path"/> that carries its documentation.</summary>
    public static PortableExecutableReference Reference(string path)
        => MetadataReference.CreateFromFile(path, documentation: For(path));

    private static string? FindReferencePack()
    {
        // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/packs/Microsoft.NETCore.App.Ref/<version>/ref/netX.Y
        var runtime = new DirectoryInfo(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        var root = runtime.Parent?.Parent?.Parent;
        var packs = root is null ? null : new DirectoryInfo(Path.Combine(root.FullName, "packs", "Microsoft.NETCore.App.Ref"));
        if (packs is null || !packs.Exists)
            return null;
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var exact = Path.Combine(packs.FullName, runtime.Name, "ref", framework);
        if (Directory.Exists(exact))
            return exact;
        return packs.GetDirectories().Select(d => Path.Combine(d.FullName, "ref", framework)).Where(Directory.Exists).Order(StringComparer.Ordinal).LastOrDefault();
    }
}
