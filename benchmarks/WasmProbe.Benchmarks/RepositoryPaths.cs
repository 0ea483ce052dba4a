namespace WasmProbe.Benchmarks;

/// <summary>Where the repository and the shared corpus are: the corpus is ../shared/corpus next to the repository root
/// (the folder with WasmProbe.sln), unless WASMPROBE_CORPUS names it.</summary>
public static class RepositoryPaths
{
    public static string CorpusRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("WASMPROBE_CORPUS");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        var root = RepositoryRoot();
        return Path.GetFullPath(Path.Combine(root, "..", "shared", "corpus"));
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
        throw new DirectoryNotFoundException($"repository root (the folder with WasmProbe.sln) not found above {AppContext.BaseDirectory}; set WASMPROBE_CORPUS to the corpus folder");
    }
}
