namespace Phosphene.Benchmarks;

/// <summary>Files of the repository the benchmarks need at run time (the Python peers and zoo twins).</summary>
static class RepositoryPaths
{
    /// <summary>The folder holding Notebooks.sln, found upwards from the working directory or the program.</summary>
    public static string Root { get; } = FindRoot();

    public static string PeerScript => Path.Combine(Root, "benchmarks", "peers", "train_pytorch.py");

    public static string AttributionPeerScript => Path.Combine(Root, "benchmarks", "peers", "attribution_pytorch.py");

    static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln"))) return dir.FullName;
        throw new PhospheneException("cannot find the repository (Notebooks.sln) above the working directory; run from the repository");
    }
}
