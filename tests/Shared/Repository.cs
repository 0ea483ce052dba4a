namespace WasmProbe.Tests;

/// <summary>The repository the tests run from: the folder with WasmProbe.sln above the test assembly.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasmProbe.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("repository root (WasmProbe.sln) not found above " + AppContext.BaseDirectory);
    }
}
