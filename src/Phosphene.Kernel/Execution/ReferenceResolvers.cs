using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;
using Phosphene.Kernel.Execution.Packages;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// Resolves a cell's <c>#r</c> directives: <c>#r "nuget: Name, Version"</c> to the assemblies the session restored for
/// that package (<see cref="LoadedPackages"/>), and <c>#r "path/to.dll"</c> (or an assembly name) as Roslyn scripting
/// does, relative to the notebook's working directory at the time the cell runs.
/// </summary>
internal sealed class KernelMetadataResolver : MetadataReferenceResolver
{
    private readonly LoadedPackages _packages;
    // Every cell is a new compilation that resolves its references again (the default ones, earlier cells' #r, and the
    // dependencies of referenced assemblies). Handing back the same reference objects lets Roslyn reuse the assembly
    // symbols it built for the previous cell instead of reading the assemblies again: a large part of a cell's cost.
    private readonly ConcurrentDictionary<(string Reference, string? BaseFilePath, string Directory, MetadataReferenceProperties Properties), ImmutableArray<PortableExecutableReference>> _resolved = new();
    private readonly ConcurrentDictionary<AssemblyIdentity, PortableExecutableReference?> _missing = new();

    /// <summary>Creates the resolver over <paramref name="packages"/>.</summary>
    public KernelMetadataResolver(LoadedPackages packages) => _packages = packages;

    private static ScriptMetadataResolver Files => ScriptMetadataResolver.Default.WithBaseDirectory(Environment.CurrentDirectory);

    public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        if (reference.StartsWith(PackageRequest.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            PackageRequest? request;
            try
            {
                request = PackageRequest.TryParse(reference);
            }
            catch (FormatException)
            {
                return [];
            }
            return request is null ? [] : _packages.ReferencesFor(request.Name);
        }
        var key = (reference, KernelSourceResolver.BaseOf(baseFilePath), Environment.CurrentDirectory, properties);
        if (_resolved.TryGetValue(key, out var cached))
            return cached;
        var resolved = Files.ResolveReference(reference, key.Item2, properties)
            .Select(r => r.FilePath is { } path ? MetadataReference.CreateFromFile(path, properties, XmlDocumentation.For(path)) : r)
            .ToImmutableArray();
        // Only successes are kept: a DLL that is missing now may be built before the next cell.
        return resolved.IsDefaultOrEmpty ? resolved : _resolved.GetOrAdd(key, resolved);
    }

    public override bool ResolveMissingAssemblies => true;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity)
        => _missing.GetOrAdd(referenceIdentity, identity => Files.ResolveMissingAssembly(definition, identity));

    public override bool Equals(object? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}

/// <summary>Resolves <c>#load "file.csx"</c> relative to the notebook's working directory (or to the loading file).</summary>
internal sealed class KernelSourceResolver : SourceReferenceResolver
{
    /// <summary>The one instance (it holds no state: the working directory is read at each resolution).</summary>
    public static readonly KernelSourceResolver Instance = new();

    private static SourceFileResolver Files => new([], Environment.CurrentDirectory);

    // A cell's name stays as it is, so stack frames and diagnostics keep saying cell[3].csx.
    public override string? NormalizePath(string path, string? baseFilePath)
        => !Path.IsPathRooted(path) && BaseOf(baseFilePath) is null ? path : Files.NormalizePath(path, BaseOf(baseFilePath));

    public override string? ResolveReference(string path, string? baseFilePath) => Files.ResolveReference(path, BaseOf(baseFilePath));

    public override Stream OpenRead(string resolvedPath) => Files.OpenRead(resolvedPath);

    // A cell's own file name (cell[3].csx) is not a real file: cells resolve against the working directory.
    internal static string? BaseOf(string? baseFilePath) => baseFilePath is not null && Path.IsPathRooted(baseFilePath) ? baseFilePath : null;

    public override bool Equals(object? other) => other is KernelSourceResolver;

    public override int GetHashCode() => typeof(KernelSourceResolver).GetHashCode();
}
