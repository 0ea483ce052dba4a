namespace WasmProbe.Benchmarks;

/// <summary>Where the repository and its corpus are: the corpus is <c>tests/corpus</c> under the repository root (the
/// folder with WasmProbe.sln), unless WASMPROBE_CORPUS names another folder of the same layout.</summary>
public static class RepositoryPaths
{
    public static string CorpusRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("WASMPROBE_CORPUS");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Path.GetFullPath(fromEnvironment.Split(Path.PathSeparator)[0]);
        return Path.Combine(RepositoryRoot(), "tests", "corpus");
    }

    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "WasmProbe.sln"))) return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"repository root (the folder with WasmProbe.sln) not found above {AppContext.BaseDirectory}");
    }
}
