namespace WasmProbe.Tests.Corpus;

/// <summary>The shared corpus of real modules (../shared/corpus relative to the repository root, or
/// WASMPROBE_CORPUS).</summary>
public static class CorpusFiles
{
    public static string Root { get; } = FindRoot();

    public static string ValidDirectory => Path.Combine(Root, "spec", "valid");
    public static string MalformedDirectory => Path.Combine(Root, "spec", "malformed");

    public static IReadOnlyList<string> Valid { get; } = List(ValidDirectory);
    public static IReadOnlyList<string> Malformed { get; } = List(MalformedDirectory);

    public static TheoryData<string> ValidNames => ToTheory(Valid);
    public static TheoryData<string> MalformedNames => ToTheory(Malformed);

    public static byte[] ReadValid(string name) => File.ReadAllBytes(Path.Combine(ValidDirectory, name));
    public static byte[] ReadMalformed(string name) => File.ReadAllBytes(Path.Combine(MalformedDirectory, name));

    private static TheoryData<string> ToTheory(IEnumerable<string> paths)
    {
        var data = new TheoryData<string>();
        foreach (var path in paths) data.Add(Path.GetFileName(path));
        return data;
    }

    private static IReadOnlyList<string> List(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.wasm").OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : throw new DirectoryNotFoundException($"corpus folder {directory} not found; see shared/corpus/README.md");

    private static string FindRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("WASMPROBE_CORPUS");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasmProbe.sln")))
                return Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared", "corpus");
        }
        throw new DirectoryNotFoundException("repository root (WasmProbe.sln) not found above " + AppContext.BaseDirectory);
    }
}
