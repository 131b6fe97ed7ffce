using System.Text.Json;
using System.Text.Json.Nodes;

namespace Phosphene.Kernel.Install;

/// <summary>
/// Writes the kernelspec <c>phosphene-csharp</c>: kernel.json plus logos, in the Jupyter data directory chosen
/// by the user (<c>--user</c>, <c>--prefix P</c>, or the system-wide default).
/// </summary>
/// <remarks>
/// argv runs this very assembly with the <c>dotnet</c> host (<c>dotnet /abs/Phosphene.Kernel.dll -f {connection_file}</c>),
/// so a repository build works without a tool install, and a dotnet-tool install points at the tool's own copy.
/// </remarks>
public static class KernelSpecInstaller
{
    /// <summary>The kernelspec name notebooks refer to.</summary>
    public const string KernelName = "phosphene-csharp";

    /// <summary>The name front ends show.</summary>
    public const string DisplayName = "C# (Phosphene)";

    /// <summary>The kernel.json content for a kernel started as <c>dotnet <paramref name="assemblyPath"/></c>.</summary>
    public static JsonObject KernelJson(string dotnetHost, string assemblyPath) => new()
    {
        ["argv"] = new JsonArray(dotnetHost, assemblyPath, "-f", "{connection_file}"),
        ["display_name"] = DisplayName,
        ["language"] = "csharp",
        ["interrupt_mode"] = "message",
        ["metadata"] = new JsonObject { ["debugger"] = false },
    };

    /// <summary>
    /// Installs the kernelspec under <c>&lt;data dir&gt;/kernels/phosphene-csharp</c> and returns that folder.
    /// <paramref name="prefix"/> is a sys.prefix-like root (the spec goes to <c>P/share/jupyter/kernels</c>);
    /// <paramref name="user"/> selects the user's Jupyter data dir; neither means <c>/usr/local/share/jupyter</c>.
    /// </summary>
    public static string Install(bool user, string? prefix)
    {
        var dataDir = prefix is not null ? Path.Combine(Path.GetFullPath(prefix), "share", "jupyter")
            : user ? UserDataDir()
            : "/usr/local/share/jupyter";
        var target = Path.Combine(dataDir, "kernels", KernelName);
        Directory.CreateDirectory(target);
        var assembly = typeof(KernelSpecInstaller).Assembly.Location;
        var json = KernelJson(DotnetHost(), assembly).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(Path.Combine(target, "kernel.json"), json + "\n");
        var logos = Path.Combine(AppContext.BaseDirectory, "kernelspec");
        foreach (var logo in new[] { "logo-32x32.png", "logo-64x64.png" })
            File.Copy(Path.Combine(logos, logo), Path.Combine(target, logo), overwrite: true);
        return target;
    }

    private static string UserDataDir()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return fromEnvironment;
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return OperatingSystem.IsMacOS() ? Path.Combine(home, "Library", "Jupyter")
            : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter")
            : Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "share") : xdg, "jupyter");
    }

    // The host running us when started as `dotnet X.dll`; otherwise the dotnet the SDK points at, or the one on PATH.
    private static string DotnetHost()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet")
            return process;
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
            return hostPath;
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
