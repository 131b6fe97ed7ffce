namespace Phosphene;

/// <summary>
/// Where Phosphene keeps what it downloads or computes once: datasets, trained model checkpoints.
/// <c>$PHOSPHENE_CACHE</c> if set, else <c>$XDG_CACHE_HOME/phosphene</c>, else <c>~/.cache/phosphene</c>.
/// </summary>
public static class PhospheneCache
{
    /// <summary>The cache root for this process, resolved from the environment on each call.</summary>
    public static string Root
    {
        get
        {
            string? explicitRoot = Environment.GetEnvironmentVariable("PHOSPHENE_CACHE");
            if (!string.IsNullOrWhiteSpace(explicitRoot)) return Path.GetFullPath(explicitRoot);
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "phosphene");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home, ".cache", "phosphene");
        }
    }

    /// <summary>A sub-folder of <see cref="Root"/> (e.g. "datasets", "models"), not created.</summary>
    public static string Folder(string name) => Path.Combine(Root, name);
}
