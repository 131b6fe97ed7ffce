using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Phosphene.Kernel.Execution.Packages;

/// <summary>A package of a restored graph with its assets for the running framework and platform.</summary>
/// <param name="Name">The package id as the feed spells it.</param>
/// <param name="Version">The resolved version.</param>
/// <param name="Assemblies">Absolute paths of its runtime assemblies.</param>
/// <param name="NativeFolders">Absolute folders holding its native libraries for this platform.</param>
/// <param name="Dependencies">Ids of the packages it depends on.</param>
public sealed record RestoredPackage(string Name, string Version, IReadOnlyList<string> Assemblies, IReadOnlyList<string> NativeFolders,
    IReadOnlyList<string> Dependencies);

/// <summary>A restore that failed: the messages of <c>dotnet restore</c> itself (e.g. NU1101 for an unknown package).</summary>
public sealed class PackageRestoreException : Exception
{
    /// <summary>Creates the exception with the restore's error lines.</summary>
    public PackageRestoreException(string message, IReadOnlyList<string> errors) : base(message) => Errors = errors;

    /// <summary>The restore's own error lines, without the temporary project's path.</summary>
    public IReadOnlyList<string> Errors { get; }
}

/// <summary>
/// Restores packages the way a project would: a temporary SDK project that references them is restored with
/// <c>dotnet restore</c>, and its <c>project.assets.json</c> says which runtime and native assets of every package in
/// the graph apply to this framework and platform. The user's NuGet configuration applies: the configuration chain
/// starts at <see cref="ConfigurationDirectory"/> (the notebook's folder), then the user's and machine's files;
/// <c>NUGET_PACKAGES</c> and the other NuGet environment variables are inherited.
/// </summary>
public sealed partial class PackageRestore
{
    /// <summary>The target framework of the running runtime, e.g. <c>net10.0</c>.</summary>
    public static readonly string TargetFramework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";

    private readonly string? _configurationDirectory;

    /// <summary>
    /// Creates a restorer whose NuGet configuration chain starts at <paramref name="configurationDirectory"/>; null means
    /// the working directory at the time of each restore (the notebook's folder).
    /// </summary>
    public PackageRestore(string? configurationDirectory = null) => _configurationDirectory = configurationDirectory;

    /// <summary>The folder whose <c>nuget.config</c> (and those of its parents) apply.</summary>
    public string ConfigurationDirectory => _configurationDirectory ?? Environment.CurrentDirectory;

    /// <summary>
    /// Restores <paramref name="requests"/> together and returns every package of the resulting graph.
    /// Lines of the restore's output are passed to <paramref name="log"/> as they arrive.
    /// </summary>
    /// <exception cref="PackageRestoreException">The restore failed; the exception carries its error lines.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the restore is stopped).</exception>
    public IReadOnlyList<RestoredPackage> Restore(IReadOnlyList<PackageRequest> requests, Action<string> log, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("phosphene-nuget-").FullName;
        try
        {
            var project = Path.Combine(folder, "packages.csproj");
            File.WriteAllText(project, ProjectText(requests));
            var errors = RunRestore(project, log, cancellationToken);
            var assets = Path.Combine(folder, "obj", "project.assets.json");
            if (errors.Count > 0 || !File.Exists(assets))
            {
                var summary = errors.Count > 0 ? string.Join("\n", errors) : "dotnet restore wrote no project.assets.json";
                throw new PackageRestoreException($"Restoring {string.Join(", ", requests)} failed:\n{summary}", errors);
            }
            return ReadAssets(assets);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    private static string ProjectText(IReadOnlyList<PackageRequest> requests)
    {
        // Directory.Build.* and Directory.Packages.props of the temp folder's parents must not change the graph.
        var references = string.Join("\n", requests.Select(r =>
            $"    <PackageReference Include=\"{SecurityElement.Escape(r.Name)}\" Version=\"{SecurityElement.Escape(r.Version ?? "*")}\" />"));
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>{TargetFramework}</TargetFramework>
                <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
                <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>
                <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """;
    }

    private List<string> RunRestore(string project, Action<string> log, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(DotnetHost(),
            ["restore", project, "--nologo", "--disable-build-servers", "-verbosity:minimal", $"-p:RestoreRootConfigDirectory={ConfigurationDirectory}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ConfigurationDirectory,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["MSBUILDTERMINALLOGGER"] = "off";
        var errors = new List<string>();
        void OnLine(string? line)
        {
            if (string.IsNullOrWhiteSpace(line))
                return;
            var cleaned = Clean(line, project);
            lock (errors)
            {
                if (ErrorLine().IsMatch(cleaned) && !errors.Contains(cleaned))
                    errors.Add(cleaned);
            }
            log(cleaned);
        }
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (cancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
            process.WaitForExit();
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0 && errors.Count == 0)
            errors.Add($"dotnet restore exited with code {process.ExitCode}");
        return errors;
    }

    // "/tmp/x/packages.csproj : error NU1101: Unable to find package Foo. ... [/tmp/x/packages.csproj]" -> "error NU1101: ..."
    private static string Clean(string line, string project)
    {
        var text = line.Replace($" [{project}]", "", StringComparison.Ordinal).Trim();
        var prefix = project + " : ";
        return text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text.Replace(project, "the package project", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(^|\s)error\s+[A-Z]+\d+\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorLine();

    /// <summary>The <c>dotnet</c> host of the running runtime (a tool's apphost is not it), else <c>dotnet</c> on PATH.</summary>
    private static string DotnetHost()
    {
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory(); // <root>/shared/Microsoft.NETCore.App/<version>/
        var root = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    /// <summary>Reads the packages of the restored graph, with their assets for this framework and platform.</summary>
    internal static IReadOnlyList<RestoredPackage> ReadAssets(string assetsFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(assetsFile));
        var root = document.RootElement;
        var packageFolders = root.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name).ToList();
        var libraries = root.GetProperty("libraries");
        var target = root.GetProperty("targets").EnumerateObject()
            .First(t => !t.Name.Contains('/', StringComparison.Ordinal)).Value; // the framework's target, without a RID
        var rids = RuntimeFallbacks();
        var packages = new List<RestoredPackage>();
        foreach (var entry in target.EnumerateObject())
        {
            if (entry.Value.TryGetProperty("type", out var type) && type.GetString() != "package")
                continue;
            var slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
            var (name, version) = (entry.Name[..slash], entry.Name[(slash + 1)..]);
            var relative = libraries.GetProperty(entry.Name).GetProperty("path").GetString()!;
            var folder = packageFolders.Select(f => Path.Combine(f, relative)).FirstOrDefault(Directory.Exists)
                ?? Path.Combine(packageFolders[0], relative);
            string Full(string asset) => Path.GetFullPath(Path.Combine(folder, asset));

            // Runtime-specific assemblies (runtimes/<rid>/lib/...) replace the portable ones for the best matching RID.
            var runtimeTargets = AssetsByRid(entry.Value, "runtime", rids);
            var assemblies = runtimeTargets.Count > 0 ? runtimeTargets : Section(entry.Value, "runtime");
            var natives = AssetsByRid(entry.Value, "native", rids).Concat(Section(entry.Value, "native"));
            var dependencies = entry.Value.TryGetProperty("dependencies", out var deps) ? deps.EnumerateObject().Select(d => d.Name).ToList() : [];
            packages.Add(new RestoredPackage(name, version,
                assemblies.Where(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Select(Full).ToList(),
                natives.Select(n => Path.GetDirectoryName(Full(n))!).Distinct().ToList(),
                dependencies));
        }
        return packages;
    }

    // Asset paths of a section ("runtime", "native"); "_._" marks an intentionally empty folder.
    private static List<string> Section(JsonElement package, string section)
        => package.TryGetProperty(section, out var assets)
            ? assets.EnumerateObject().Select(a => a.Name).Where(a => !a.EndsWith("/_._", StringComparison.Ordinal)).ToList()
            : [];

    private static List<string> AssetsByRid(JsonElement package, string assetType, IReadOnlyList<string> rids)
    {
        if (!package.TryGetProperty("runtimeTargets", out var targets))
            return [];
        var byRid = targets.EnumerateObject()
            .Where(a => a.Value.GetProperty("assetType").GetString() == assetType && !a.Name.EndsWith("/_._", StringComparison.Ordinal))
            .GroupBy(a => a.Value.GetProperty("rid").GetString() ?? "")
            .ToDictionary(g => g.Key, g => g.Select(a => a.Name).ToList());
        return rids.Select(r => byRid.GetValueOrDefault(r)).FirstOrDefault(list => list is not null) ?? [];
    }

    // The running platform's RID and its portable fallbacks, most specific first (linux-x64, linux, unix-x64, unix, any).
    private static IReadOnlyList<string> RuntimeFallbacks()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var rids = new List<string> { RuntimeInformation.RuntimeIdentifier, $"{os}-{arch}", os };
        if (!OperatingSystem.IsWindows())
            rids.AddRange([$"unix-{arch}", "unix"]);
        rids.Add("any");
        return rids.Distinct().ToList();
    }
}
