namespace WasmProbe.Tests.Corpus;

/// <summary>The corpus (<see cref="CorpusLocator"/>) as xunit theory data.</summary>
public static class CorpusFiles
{
    public static string RepositoryCorpus => CorpusLocator.RepositoryCorpus;

    /// <summary>Full paths, ordered by name.</summary>
    public static IReadOnlyList<string> Valid { get; } = CorpusLocator.ValidByName.Values.ToArray();
    public static IReadOnlyList<string> Malformed { get; } = CorpusLocator.MalformedByName.Values.ToArray();

    public static TheoryData<string> ValidNames => ToTheory(CorpusLocator.ValidByName.Keys);
    public static TheoryData<string> MalformedNames => ToTheory(CorpusLocator.MalformedByName.Keys);

    public static byte[] ReadValid(string name) => File.ReadAllBytes(CorpusLocator.ValidByName[name]);
    public static byte[] ReadMalformed(string name) => File.ReadAllBytes(CorpusLocator.MalformedByName[name]);

    private static TheoryData<string> ToTheory(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (var name in names) data.Add(name);
        return data;
    }
}
