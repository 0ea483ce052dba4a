using System.Text.RegularExpressions;
using WasmProbe.Tests;

namespace WasmProbe.EndToEnd.Tests;

/// <summary>Follows the README's "from a source tree" steps literally in a new project outside the
/// repository, with a module no WasmProbe project has seen: writes the documented files, builds the documented module,
/// and runs `dotnet test --list-tests` and `dotnet test` on it. Filter it out with --filter "Category!=FreshProject".</summary>
[Trait("Category", "FreshProject")]
public partial class FreshProjectTests
{
    /// <summary>The documentation these steps come from (relative to the repository root).</summary>
    public const string DocPath = "README.md";

    [Fact]
    public void A_new_project_following_the_documented_steps_gets_typed_stops_and_passing_tests()
    {
        string repo = Repository.Root;
        string doc = File.ReadAllText(Path.Combine(repo, DocPath));
        var files = DocumentedBlocks(doc, "fresh-project-file");
        var wats = DocumentedBlocks(doc, "fresh-project-wat");
        files.Keys.ShouldBe(["CounterTests.csproj", "CounterProbes.cs"], ignoreOrder: true);
        wats.Keys.ShouldBe(["guests/counter.wasm"]);

        string dir = Path.Combine(Path.GetTempPath(), "wasmprobe-fresh-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "guests"));
        try
        {
            foreach (var (name, text) in files)
                File.WriteAllText(Path.Combine(dir, name), text.Replace("/path/to/WasmProbe", repo.Replace('\\', '/'), StringComparison.Ordinal));
            // The module, built from the documented text by Wasmtime's parser (no wabt needed on the test machine); a pc
            // that did not match the documented one would fail the build with WP0006..WP0008.
            foreach (var (name, wat) in wats)
                File.WriteAllBytes(Path.Combine(dir, name), Wasmtime.Module.ConvertText(wat).ToArray());

            // The configuration this test was built in, so the WasmProbe projects it references are already built.
            string configuration = typeof(FreshProjectTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
                .Cast<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug";
            var run = Dotnet(dir, "test", "-c", configuration);
            run.Output.ShouldContain("Passed!  - Failed:     0, Passed:     2, Skipped:     0, Total:     2", customMessage: run.Output);
            run.ExitCode.ShouldBe(0, run.Output);

            var list = Dotnet(dir, "test", "-c", configuration, "--no-build", "--list-tests");
            list.Output.ShouldContain("CounterTests.CounterProbes.Adds_i_to_total", customMessage: list.Output);
            list.Output.ShouldContain("CounterTests.CounterProbes.Count_returns_the_sum", customMessage: list.Output);
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Code blocks preceded by <c>&lt;!-- marker: name --&gt;</c>, by name.</summary>
    private static Dictionary<string, string> DocumentedBlocks(string doc, string marker)
    {
        var blocks = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(doc.ReplaceLineEndings("\n"), $@"<!-- {marker}: (?<name>\S+) -->\n```\w*\n(?<body>.*?)\n```", RegexOptions.Singleline))
            blocks[m.Groups["name"].Value] = m.Groups["body"].Value + "\n";
        return blocks;
    }

    private static (int ExitCode, string Output) Dotnet(string directory, params string[] arguments) => DotnetCli.Run(directory, arguments);
}
