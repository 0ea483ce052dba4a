extern alias generator;

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using generator::WasmProbe.Generators;

namespace WasmProbe.Generators.Tests;

/// <summary>Runs <see cref="WasmProbeGenerator"/> over in-memory sources and modules, the way the compiler does in a
/// project with WasmProbe's build targets: each module is an AdditionalFile holding base64 with the item path in its
/// WasmProbeModule metadata.</summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        // The running runtime's trusted platform assemblies: the framework plus everything this test app loads
        // (WasmProbe, Wasmtime, xunit), so generated code binds exactly as in a real test project. Not the generator:
        // a project has it as an analyzer, not a reference (its compiled-in copy of WasmProbe's Wasm types would clash).
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return [.. tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => !Path.GetFileName(p).Equals("WasmProbe.Generators.dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>All references but xunit's, for a project that does not use xunit.</summary>
    public static ImmutableArray<MetadataReference> ReferencesWithoutXunit =>
        [.. References.Where(r => !Path.GetFileName(r.Display!).StartsWith("xunit", StringComparison.OrdinalIgnoreCase))];

    public static byte[] Guest(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "guests", name));

    public static byte[] Wat(string text) => Wasmtime.Module.ConvertText(text).ToArray();

    /// <summary>The payload of custom section <paramref name="name"/>: its offset in <paramref name="wasm"/> and length.</summary>
    public static (int Offset, int Length) CustomSection(byte[] wasm, string name)
    {
        int p = 8;
        while (p < wasm.Length)
        {
            byte id = wasm[p++];
            int size = (int)ReadLeb(wasm, ref p);
            int end = p + size;
            if (id == 0)
            {
                int q = p;
                int length = (int)ReadLeb(wasm, ref q);
                if (System.Text.Encoding.UTF8.GetString(wasm, q, length) == name) return (q + length, end - q - length);
            }
            p = end;
        }
        throw new ArgumentException($"no custom section {name}");
    }

    /// <summary>The module with local names added to its name section (a "local names" subsection, which clang's
    /// output lacks), so line probes over several functions have named locals in common. The name section follows the
    /// code and DWARF sections, so every pc stays the same.</summary>
    public static byte[] WithLocalNames(byte[] wasm, params (int Function, int Local, string Name)[] names)
    {
        var (offset, length) = CustomSection(wasm, "name");
        var subsections = new List<(byte Id, byte[] Payload)>();
        for (int p = offset; p < offset + length;)
        {
            byte id = wasm[p++];
            int size = (int)ReadLeb(wasm, ref p);
            subsections.Add((id, wasm[p..(p + size)]));
            p += size;
        }
        var locals = new List<byte>();
        var byFunction = names.GroupBy(n => n.Function).OrderBy(g => g.Key).ToList();
        WriteLeb(locals, (uint)byFunction.Count);
        foreach (var function in byFunction)
        {
            WriteLeb(locals, (uint)function.Key);
            WriteLeb(locals, (uint)function.Count());
            foreach (var (_, local, name) in function.OrderBy(n => n.Local))
            {
                WriteLeb(locals, (uint)local);
                var utf8 = System.Text.Encoding.UTF8.GetBytes(name);
                WriteLeb(locals, (uint)utf8.Length);
                locals.AddRange(utf8);
            }
        }
        subsections.RemoveAll(s => s.Id == 2);
        subsections.Add((2, [.. locals]));
        var payload = new List<byte>();
        var nameBytes = System.Text.Encoding.UTF8.GetBytes("name");
        WriteLeb(payload, (uint)nameBytes.Length);
        payload.AddRange(nameBytes);
        foreach (var (id, content) in subsections.OrderBy(s => s.Id))
        {
            payload.Add(id);
            WriteLeb(payload, (uint)content.Length);
            payload.AddRange(content);
        }
        // Replace the whole section, header (id 0, size) included.
        int sectionStart = FindSectionStart(wasm, offset - nameBytes.Length - 1);
        var section = new List<byte> { 0 };
        WriteLeb(section, (uint)payload.Count);
        section.AddRange(payload);
        return [.. wasm[..sectionStart], .. section, .. wasm[(offset + length)..]];
    }

    /// <summary>Where the section whose payload starts at <paramref name="payloadStart"/> starts.</summary>
    private static int FindSectionStart(byte[] wasm, int payloadStart)
    {
        int p = 8;
        while (p < wasm.Length)
        {
            int start = p++;
            int size = (int)ReadLeb(wasm, ref p);
            if (p == payloadStart) return start;
            p += size;
        }
        throw new ArgumentException("section not found");
    }

    private static ulong ReadLeb(byte[] bytes, ref int p)
    {
        ulong value = 0;
        int shift = 0;
        byte b;
        do
        {
            b = bytes[p++];
            value |= (ulong)(b & 0x7f) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return value;
    }

    private static void WriteLeb(List<byte> output, uint value)
    {
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            output.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }

    public static CSharpCompilation Compilation(IEnumerable<string> sources, IEnumerable<MetadataReference>? references = null) =>
        CSharpCompilation.Create(
            "ProbeTests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"/src/Probes{i}.cs")),
            references ?? References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

    public static AdditionalText Module(string itemPath, byte[] bytes) => new InMemoryText($"/obj/wasmprobe/{Path.GetFileName(itemPath)}.b64", Convert.ToBase64String(bytes), itemPath);

    public static AdditionalText MissingModule(string itemPath) => new InMemoryText($"/obj/wasmprobe/{Path.GetFileName(itemPath)}.b64", "!missing:/project/" + itemPath, itemPath);

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> modules, bool track = false) =>
        CSharpGeneratorDriver.Create(
            [new WasmProbeGenerator().AsSourceGenerator()],
            modules,
            ParseOptions,
            new Options(),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    public sealed record Result(Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<GeneratedSourceResult> Sources, GeneratorDriver Driver)
    {
        public string Source(int index = 0) => Sources[index].SourceText.ToString();

        /// <summary>Warnings and errors of the compilation with the generated code.</summary>
        public ImmutableArray<Diagnostic> CompileDiagnostics =>
            [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];
    }

    public static Result Run(string source, params AdditionalText[] modules) => Run([source], modules);

    public static Result Run(IEnumerable<string> sources, IEnumerable<AdditionalText> modules, IEnumerable<MetadataReference>? references = null)
    {
        var compilation = Compilation(sources, references);
        var driver = Driver(modules).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var run = driver.GetRunResult();
        return new Result(output, diagnostics, run.Results.Single().GeneratedSources, driver);
    }

    /// <summary>Compares with Snapshots/<paramref name="name"/> verbatim. With WASMPROBE_UPDATE_SNAPSHOTS=1 the
    /// snapshot in the source tree is (re)written instead.</summary>
    public static void ShouldMatchSnapshot(this string actual, string name, [CallerFilePath] string caller = "")
    {
        string source = Path.Combine(Path.GetDirectoryName(caller)!, "Snapshots", name);
        if (Environment.GetEnvironmentVariable("WASMPROBE_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(source, actual);
            return;
        }
        string path = Path.Combine(AppContext.BaseDirectory, "Snapshots", name);
        File.Exists(path).ShouldBeTrue($"snapshot {name} is missing: run the tests with WASMPROBE_UPDATE_SNAPSHOTS=1 to create it, then review it");
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        actual.ShouldBe(expected, $"generated code differs from Snapshots/{name}; if the change is intended, rerun with WASMPROBE_UPDATE_SNAPSHOTS=1 and review the diff");
    }

    private sealed class InMemoryText(string path, string text, string itemPath) : AdditionalText
    {
        public override string Path { get; } = path;
        public string ItemPath { get; } = itemPath;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>Analyzer config options as the SDK writes them for AdditionalFiles with WasmProbeModule metadata.</summary>
    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(null);
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(null);
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Values((textFile as InMemoryText)?.ItemPath);

        private sealed class Values(string? itemPath) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value)
            {
                value = itemPath ?? "";
                return itemPath is not null && key == "build_metadata.AdditionalFiles.WasmProbeModule";
            }
        }
    }
}
