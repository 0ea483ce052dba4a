using static WasmProbe.Generators.Tests.GeneratorHarness;

namespace WasmProbe.Generators.Tests;

/// <summary>[WasmModule]'s WASI arguments: WP0024 at the element or argument at fault, and what a valid set emits.</summary>
public partial class DiagnosticTests
{
    private static string WasiModule(string arguments) => $"[WasmModule(\"guests/sort-O0.wasm\", Entry = \"_start\", Wasi = true, {arguments})]";

    [Fact]
    public void WP0024_malformed_environment_variables_and_directories()
    {
        Diagnose("WP0024", Probe("", module: WasiModule("Env = new[] { \"A=1\", [|\"NOVALUE\"|] }")), WithSort)
            .ShouldBe("Env: 'NOVALUE' is not NAME=value");
        Diagnose("WP0024", Probe("", module: WasiModule("Env = new[] { \"A=1\", [|\"A=2\"|] }")), WithSort)
            .ShouldBe("Env: the variable 'A' is set twice");
        Diagnose("WP0024", Probe("", module: WasiModule("Dirs = new[] { [|\"data::data\"|] }")), WithSort)
            .ShouldBe("Dirs: 'data::data': the guest path 'data' is not absolute (start it with /) nor '.'");
        Diagnose("WP0024", Probe("", module: WasiModule("Dirs = [\"data::/d\", [|\"{temp}::/d::rw\"|]]")), WithSort)
            .ShouldBe("Dirs: the guest path '/d' is opened twice");
        Diagnose("WP0024", Probe("", module: WasiModule("Dirs = new[] { [|\"data::/d::w\"|] }")), WithSort)
            .ShouldBe("Dirs: 'data::/d::w': the mode is 'w', not ro or rw");
    }

    [Fact]
    public void WP0024_stdin_and_exit_code()
    {
        Diagnose("WP0024", Probe("", module: WasiModule("StdinBytes = [|\"61 6g\"|]")), WithSort)
            .ShouldBe("StdinBytes: '61 6g' is not hex bytes (at '6g')");
        Diagnose("WP0024", Probe("", module: WasiModule("Stdin = \"x\", StdinBytes = [|\"78\"|]")), WithSort)
            .ShouldBe("StdinBytes and Stdin are both set: give the guest's input one way");
        Diagnose("WP0024", Probe("", module: WasiModule("ExitCode = [|-1|]")), WithSort)
            .ShouldBe("ExitCode must be a non-negative int (the code the guest passes to proc_exit), not -1");
    }

    [Fact]
    public void WP0024_wasi_settings_need_wasi()
    {
        Diagnose("WP0024", Probe("", module: "[WasmModule(\"guests/fib.wasm\", Entry = \"fib\", Args = new object[] { 1 }, Env = [|new[] { \"A=1\" }|])]"))
            .ShouldBe("Env needs Wasi = true (without WASI the guest cannot see it)");
    }

    [Fact]
    public void Valid_wasi_settings_reach_the_generated_module()
    {
        var result = Run([Probe("", module: WasiModule("WasiArgs = new[] { \"/d/in.txt\" }, Env = new[] { \"A=1\" }, Dirs = new[] { \"data::/d\", \"{temp}::/out::rw\" }, Stdin = \"hi\", ExitCode = 2"))], WithSort);
        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompileDiagnostics.ShouldBeEmpty();
        string source = result.Source();
        source.ShouldContain("wasiArguments: new string[] { \"/d/in.txt\" },");
        source.ShouldContain("environment: new string[] { \"A=1\" },");
        source.ShouldContain("directories: new string[] { \"data::/d\", \"{temp}::/out::rw\" },");
        source.ShouldContain("stdin: new byte[] { 0x68, 0x69 },");
        source.ShouldContain("exitCode: 2,");
    }
}
