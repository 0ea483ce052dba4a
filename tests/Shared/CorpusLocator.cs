namespace WasmProbe.Tests.Corpus;

/// <summary>The modules the corpus tests and benchmarks run over: the spec-testsuite binaries the repository carries
/// (<c>tests/corpus/spec</c>), plus any further corpora named by <c>WASMPROBE_CORPUS</c> (folders separated by the
/// platform's path separator, each laid out like <c>tests/corpus</c>: suites with <c>valid/</c> and
/// <c>malformed/</c> folders). A module of the repository's corpus is named by its file name, one of a further corpus
/// by <c>corpus/suite/file</c>.</summary>
public static class CorpusLocator
{
    public static string RepositoryCorpus { get; } = Repository.PathOf("tests", "corpus");

    /// <summary>Full paths by name, ordered by name.</summary>
    public static IReadOnlyDictionary<string, string> ValidByName { get; } = Collect("valid");
    public static IReadOnlyDictionary<string, string> MalformedByName { get; } = Collect("malformed");

    private static IReadOnlyDictionary<string, string> Collect(string kind)
    {
        var byName = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Files(RepositoryCorpus, kind)) byName.Add(Path.GetFileName(path), path);
        if (byName.Count == 0) throw new DirectoryNotFoundException($"no {kind} modules under {RepositoryCorpus}; see tests/corpus/README.md");
        foreach (var root in FurtherCorpora())
        {
            foreach (var path in Files(root, kind))
            {
                var suite = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path)))!;
                byName[$"{Path.GetFileName(root)}/{suite}/{Path.GetFileName(path)}"] = path;
            }
        }
        return byName;
    }

    private static IEnumerable<string> Files(string root, string kind) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root).SelectMany(suite => Directory.Exists(Path.Combine(suite, kind))
                ? Directory.GetFiles(Path.Combine(suite, kind), "*.wasm")
                : []).OrderBy(f => f, StringComparer.Ordinal)
            : throw new DirectoryNotFoundException($"corpus folder {root} not found");

    private static IEnumerable<string> FurtherCorpora() =>
        (Environment.GetEnvironmentVariable("WASMPROBE_CORPUS") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Path.GetFullPath)
            .Where(root => !string.Equals(root, Path.GetFullPath(RepositoryCorpus), StringComparison.Ordinal));
}
