using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace Phosphene.Kernel.Execution.Packages;

/// <summary>
/// The NuGet packages a session has loaded with <c>#r "nuget: …"</c>: restores new ones, refuses version conflicts with
/// assemblies already loaded (by the kernel or an earlier package), makes their native libraries loadable, and gives
/// the metadata references a <c>nuget:</c> directive stands for.
/// </summary>
public sealed class LoadedPackages
{
    private readonly PackageRestore _restore;
    private readonly object _lock = new();
    private readonly Dictionary<string, RestoredPackage> _packages = new(StringComparer.OrdinalIgnoreCase);
    // Package id -> the references its directive resolves to (its assemblies and its dependencies').
    private readonly Dictionary<string, ImmutableArray<PortableExecutableReference>> _references = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LoadedAssembly> _assemblies = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _nativeFolders = [];
    private readonly ConcurrentDictionary<AssemblyLoadContext, bool> _hookedContexts = new();
    private bool _platformKnown;

    private sealed record LoadedAssembly(Version Version, string? Path, string Source);

    /// <summary>
    /// The packages of the toolkit itself, built into this kernel: <c>#r "nuget: Phosphene.Interactive"</c> (how .NET
    /// Interactive loads Phosphene, so the first cell of a notebook for both hosts) says so and restores nothing.
    /// </summary>
    public static IReadOnlySet<string> BuiltIn { get; } = new HashSet<string>(["Phosphene", "Phosphene.Notebook", "Phosphene.Interactive"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the registry; restores run with <paramref name="restore"/>.</summary>
    public LoadedPackages(PackageRestore restore) => _restore = restore;

    /// <summary>The loaded packages, by id.</summary>
    public IReadOnlyCollection<RestoredPackage> Packages
    {
        get
        {
            lock (_lock)
                return _packages.Values.ToList();
        }
    }

    /// <summary>
    /// Makes <paramref name="requests"/> loadable: packages not loaded yet are restored together (progress and the
    /// restore's output go to <paramref name="progress"/>), their assemblies checked against those already loaded,
    /// and their native folders put on the native search path.
    /// </summary>
    /// <exception cref="PackageRestoreException">The restore failed.</exception>
    /// <exception cref="PackageConflictException">A requested version differs from a loaded one, or an assembly conflicts.</exception>
    public void Install(IReadOnlyList<PackageRequest> requests, TextWriter progress, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var pending = new List<PackageRequest>();
            foreach (var request in requests.DistinctBy(r => r.Name, StringComparer.OrdinalIgnoreCase))
            {
                if (BuiltIn.Contains(request.Name))
                {
                    progress.WriteLine($"Phosphene is built into this kernel: #r \"nuget: {request.Name}\" loads nothing here (it is how .NET Interactive loads Phosphene).");
                    // One reference (Roslyn takes one per #r): the notebook layer, which every session references already.
                    var notebook = typeof(Phosphene.Notebook.NotebookNamespaces).Assembly.Location;
                    _references[request.Name] = [MetadataReference.CreateFromFile(notebook, documentation: XmlDocumentation.For(notebook))];
                    continue;
                }
                if (!_packages.TryGetValue(request.Name, out var loaded))
                {
                    pending.Add(request);
                    continue;
                }
                if (request.Version is not null && !SameVersion(request.Version, loaded.Version))
                    throw new PackageConflictException(
                        $"{loaded.Name} {loaded.Version} is already loaded, so {request.Name} {request.Version} cannot be: a process holds one version of a package. " +
                        $"Restart the kernel to use {request.Version}, or reference {loaded.Version}.");
                if (!_references.ContainsKey(request.Name))
                    _references[request.Name] = ReferencesOf(loaded);
            }
            if (pending.Count == 0)
                return;

            foreach (var request in pending)
                progress.WriteLine($"Restoring {request}…");
            progress.Flush();
            // The restore's warnings (e.g. NU1603, a dependency resolved to another version) are worth seeing in the cell.
            var graph = _restore.Restore(pending, line =>
            {
                if (line.Contains("warning NU", StringComparison.Ordinal))
                    progress.WriteLine(line);
            }, cancellationToken);
            var byName = graph.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            foreach (var request in pending)
                if (!byName.ContainsKey(request.Name))
                    throw new PackageRestoreException($"The restore of {request} did not return the package.", []);

            var added = Admit(graph);
            foreach (var request in pending)
                _references[request.Name] = ReferencesOf(byName[request.Name]);
            foreach (var package in added.Where(p => pending.Any(r => r.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase))))
                progress.WriteLine($"Installed {package.Name} {package.Version}" +
                    (package.Dependencies.Count > 0 ? $" (with {Closure(package, byName).Count - 1} dependencies)" : "") + ".");
            progress.Flush();
        }
    }

    /// <summary>The references <c>#r "nuget: <paramref name="name"/>"</c> stands for; empty when it was not installed.</summary>
    public ImmutableArray<PortableExecutableReference> ReferencesFor(string name)
    {
        lock (_lock)
            return _references.TryGetValue(name, out var references) ? references : [];
    }

    // Checks every assembly of the graph against what is loaded, then records the new packages and assemblies.
    private List<RestoredPackage> Admit(IReadOnlyList<RestoredPackage> graph)
    {
        KnowPlatformAssemblies();
        var incoming = new Dictionary<string, (Version Version, string Path, RestoredPackage Package)>(StringComparer.OrdinalIgnoreCase);
        foreach (var package in graph.Where(p => !_packages.ContainsKey(p.Name)))
        {
            foreach (var path in package.Assemblies)
            {
                var name = AssemblyName.GetAssemblyName(path);
                var version = name.Version ?? new Version(0, 0);
                if (_assemblies.TryGetValue(name.Name!, out var loaded) && loaded.Version < version)
                    throw new PackageConflictException(
                        $"{package.Name} {package.Version} needs {name.Name} {version}, but {name.Name} {loaded.Version} is already loaded ({loaded.Source}). " +
                        $"Restart the kernel and run this #r first, or choose a version of {package.Name} built against {name.Name} {loaded.Version}.");
                if (!_assemblies.ContainsKey(name.Name!))
                    incoming[name.Name!] = (version, path, package);
            }
        }
        var added = graph.Where(p => !_packages.ContainsKey(p.Name)).ToList();
        foreach (var package in added)
            _packages[package.Name] = package;
        foreach (var (name, (version, path, package)) in incoming)
            _assemblies[name] = new LoadedAssembly(version, path, $"from package {package.Name} {package.Version}");
        foreach (var folder in added.SelectMany(p => p.NativeFolders).Where(f => !_nativeFolders.Contains(f)))
            _nativeFolders.Add(folder);
        if (_nativeFolders.Count > 0)
            HookNativeResolution();
        return added;
    }

    // A package's directive references its own assemblies and its dependencies', each name once, taking the copy that
    // is loaded when the kernel or an earlier package already has that assembly at an equal or higher version.
    private ImmutableArray<PortableExecutableReference> ReferencesOf(RestoredPackage package)
    {
        var closure = Closure(package, _packages);
        var references = ImmutableArray.CreateBuilder<PortableExecutableReference>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in closure.SelectMany(p => p.Assemblies))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (!seen.Add(name))
                continue;
            var chosen = _assemblies.TryGetValue(name, out var loaded) && loaded.Path is not null ? loaded.Path : path;
            references.Add(MetadataReference.CreateFromFile(chosen, documentation: XmlDocumentation.For(chosen)));
        }
        return references.ToImmutable();
    }

    private static List<RestoredPackage> Closure(RestoredPackage root, IReadOnlyDictionary<string, RestoredPackage> packages)
    {
        var result = new List<RestoredPackage>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var stack = new Stack<RestoredPackage>([root]);
        while (stack.TryPop(out var package))
        {
            if (!seen.Add(package.Name))
                continue;
            result.Add(package);
            foreach (var dependency in package.Dependencies)
                if (packages.TryGetValue(dependency, out var next))
                    stack.Push(next);
        }
        return result;
    }

    private static bool SameVersion(string requested, string loaded)
        => NormalizeVersion(requested) == NormalizeVersion(loaded) || requested.Trim() == $"[{loaded}]";

    private static string NormalizeVersion(string version)
    {
        var parts = version.Trim().Split('-', 2);
        var numbers = parts[0].Split('.').ToList();
        while (numbers.Count > 3 && numbers[^1] == "0")
            numbers.RemoveAt(numbers.Count - 1);
        while (numbers.Count < 3)
            numbers.Add("0");
        return string.Join('.', numbers) + (parts.Length == 2 ? "-" + parts[1].ToLowerInvariant() : "");
    }

    // The assemblies the process can already bind: the runtime's and the kernel's (the trusted platform assemblies),
    // and anything loaded since (e.g. by #r of a path).
    private void KnowPlatformAssemblies()
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic))
        {
            var name = assembly.GetName();
            if (name.Name is not null && !_assemblies.ContainsKey(name.Name))
                _assemblies[name.Name] = new LoadedAssembly(name.Version ?? new Version(0, 0), string.IsNullOrEmpty(assembly.Location) ? null : assembly.Location, "loaded by the kernel");
        }
        if (_platformKnown)
            return;
        _platformKnown = true;
        var trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var path in trusted)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (_assemblies.ContainsKey(name))
                continue;
            try
            {
                _assemblies[name] = new LoadedAssembly(AssemblyName.GetAssemblyName(path).Version ?? new Version(0, 0), path, "part of the runtime or the kernel");
            }
            catch (BadImageFormatException)
            {
                // A native file on the list: not an assembly.
            }
        }
    }

    // Package assemblies are loaded by Roslyn's interactive loader into load contexts of their own; a DllImport from
    // them finds the packages' native folders through each context's ResolvingUnmanagedDll.
    private void HookNativeResolution()
    {
        if (_hookedContexts.TryAdd(AssemblyLoadContext.Default, true))
        {
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveNative;
            AppDomain.CurrentDomain.AssemblyLoad += (_, e) => Hook(AssemblyLoadContext.GetLoadContext(e.LoadedAssembly));
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
                Hook(AssemblyLoadContext.GetLoadContext(assembly));
        }
    }

    private void Hook(AssemblyLoadContext? context)
    {
        if (context is not null && _hookedContexts.TryAdd(context, true))
            context.ResolvingUnmanagedDll += ResolveNative;
    }

    private IntPtr ResolveNative(Assembly assembly, string name)
    {
        string[] folders;
        lock (_lock)
            folders = _nativeFolders.ToArray();
        var candidates = Path.HasExtension(name) && !name.EndsWith(".1", StringComparison.Ordinal)
            ? new[] { name, "lib" + name }
            : [name, "lib" + name, name + NativeSuffix, "lib" + name + NativeSuffix];
        foreach (var folder in folders)
            foreach (var candidate in candidates)
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
                    return handle;
            }
        return IntPtr.Zero;
    }

    private static readonly string NativeSuffix = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
}

/// <summary>A package or assembly version that cannot be loaded next to what the session already loaded.</summary>
public sealed class PackageConflictException : Exception
{
    /// <summary>Creates the exception with a message that names both versions and the way out.</summary>
    public PackageConflictException(string message) : base(message) { }
}
