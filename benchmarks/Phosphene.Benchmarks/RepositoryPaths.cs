namespace Phosphene.Benchmarks;

/// <summary>The repository the benchmarks run from (its Python peers live in benchmarks/peers).</summary>
static class RepositoryPaths
{
    /// <summary>The folder holding Notebooks.sln, found upwards from the working directory or the program.</summary>
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln"))) return dir.FullName;
        throw new PhospheneException("cannot find the repository (Notebooks.sln) above the working directory; run from the repository");
    }
}
