using System.Text.Json;
using System.Xml.Linq;
using WasmProbe.Cli;
using WasmProbe.Debugging;
using WasmProbe.Tests.Dwarf;
using WasmProbe.Tests.Linking;
using static WasmProbe.Tests.Cli.CliRun;

namespace WasmProbe.Tests.Cli;

/// <summary>The CLI's <c>--link NAME=PATH</c> on the C program fractions.wasm, whose arithmetic is in mathlib.wasm.</summary>
public sealed class LinkOptionTests : IDisposable
{
    private static readonly string Fractions = CGuest.PathOf("fractions.wasm");
    private static readonly string MathLib = "mathlib=" + CGuest.PathOf("mathlib.wasm");
    private readonly string _out = Directory.CreateTempSubdirectory("wasmprobe-cli-link-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Trace_runs_the_guest_with_the_linked_module()
    {
        var (code, output, error) = Run("trace", Fractions, "--invoke", "add", "1", "2", "1", "3", "--link", MathLib);
        code.ShouldBe(0, error);
        output.Trim().ShouldBe("{\"event\":\"finished\",\"results\":[{\"type\":\"i32\",\"value\":5}]}");
    }

    [Fact]
    public void A_trap_in_the_linked_module_is_located_at_the_guest_and_says_where_it_happened()
    {
        var (code, output, _) = Run("trace", Fractions, "--invoke", "whole", "7", "0", "--link", MathLib);
        code.ShouldBe(1);
        output.ShouldContain("\"code\":\"integer_divide_by_zero\"");
        output.ShouldContain("in the linked module mathlib (mathlib.wasm), function quotient");
    }

    [Fact]
    public void A_line_breakpoint_in_the_linked_module_stops_there_with_its_variables_and_frames_naming_their_modules()
    {
        var (code, output, error) = Run("trace", Fractions, "--invoke", "add", "1", "2", "1", "3", "--link", MathLib, "--break", "mathlib.c:7", "--vars", "--max-stops", "1");
        code.ShouldBe(0, error);
        var stop = output.Split('\n')[0];
        stop.ShouldStartWith("{\"event\":\"breakpoint\",\"func\":0,\"pc\":166,\"module\":\"mathlib\",\"locals\":[{\"type\":\"i32\",\"value\":2},{\"type\":\"i32\",\"value\":3}");
        stop.ShouldContain("\"vars\":{\"rest\":2,\"a\":2,\"b\":3}");
        stop.ShouldEndWith("\"frames\":[{\"func\":0,\"pc\":166,\"module\":\"mathlib\"},{\"func\":1,\"pc\":404,\"module\":\"mathlib\"},{\"func\":3,\"pc\":210}]}");
    }

    [Fact]
    public void A_breakpoint_at_a_linked_function_and_pc_takes_the_module_before_a_bang()
    {
        var (code, output, error) = Run("trace", Fractions, "--invoke", "add", "1", "2", "1", "3", "--link", MathLib, "--break", "mathlib!gcd@0x59", "--max-stops", "1");
        code.ShouldBe(0, error);
        output.ShouldStartWith("{\"event\":\"breakpoint\",\"func\":0,\"pc\":89,\"module\":\"mathlib\"");

        (code, _, error) = Run("trace", Fractions, "--invoke", "add", "1", "2", "1", "3", "--link", MathLib, "--break", "other!gcd@0x59");
        code.ShouldBe(1);
        error.Trim().ShouldBe("error: --break other!gcd@0x59: no module named 'other' is linked (linked: mathlib)", "no .NET \"(Parameter 'module')\" after it");

        (code, _, error) = Run("trace", Fractions, "--invoke", "add", "1", "2", "1", "3", "--link", MathLib, "--break", "mathlib!gcd@0x10");
        code.ShouldBe(1);
        error.ShouldStartWith("error: --break mathlib!gcd@0x10: in the linked module mathlib (mathlib.wasm): pc 0x10 is outside gcd");
    }

    [Fact]
    public void Stepping_enters_the_linked_module_s_functions_with_stops_naming_it_and_returns_to_the_guest()
    {
        var (code, output, error) = Run("trace", Fractions, "--invoke", "add", "1", "2", "1", "3", "--link", MathLib, "--step");
        code.ShouldBe(0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var steps = lines.Where(l => l.GetProperty("event").GetString() == "step").ToList();
        var guest = DebugSession.Decode(File.ReadAllBytes(Fractions)).Names;
        var mathlib = DebugSession.Decode(FractionsGuest.MathLib.Bytes).Names;
        string FunctionOf(JsonElement frame) => frame.TryGetProperty("module", out var module)
            ? module.GetString() + "!" + mathlib.FunctionOrIndex(frame.GetProperty("func").GetInt32())
            : guest.FunctionOrIndex(frame.GetProperty("func").GetInt32());

        var functions = steps.Select(FunctionOf).ToList();
        functions.Where((f, i) => i == 0 || functions[i - 1] != f).ShouldBe(["add", "mathlib!lcm", "mathlib!gcd", "mathlib!lcm", "add", "mathlib!gcd", "add"]);
        var gcdInLcm = steps.First(s => FunctionOf(s) == "mathlib!gcd");
        gcdInLcm.GetProperty("frames").EnumerateArray().Select(FunctionOf).ShouldBe(["mathlib!gcd", "mathlib!lcm", "add"]);
        gcdInLcm.GetProperty("locals").EnumerateArray().Take(2).Select(l => l.GetProperty("value").GetInt32()).ShouldBe([2, 3]);
        lines[^1].GetRawText().ShouldBe("{\"event\":\"finished\",\"results\":[{\"type\":\"i32\",\"value\":5}]}");
    }

    [Fact]
    public void Coverage_reports_both_modules()
    {
        var (code, _, error) = Run("coverage", Fractions, "--invoke", "add", "1", "2", "1", "3", "--out", _out, "--link", MathLib);
        code.ShouldBe(0, error);
        var files = XDocument.Load(Path.Combine(_out, "coverage.cobertura.xml")).Descendants("class").Select(c => c.Attribute("filename")!.Value).ToList();
        files.ShouldContain("/cguest/fractions.c");
        files.ShouldContain("/cguest/mathlib.c");
    }

    [Fact]
    public void A_missing_link_is_an_error_naming_the_import()
    {
        var (code, _, error) = Run("trace", Fractions, "--invoke", "add", "1", "2", "1", "3", "--link", "other=" + CGuest.PathOf("mathlib.wasm"));
        code.ShouldBe(1);
        error.ShouldStartWith("error: the guest imports mathlib::lcm, which nothing provides (linked: other): link a module as 'mathlib'");
    }

    [Fact]
    public void A_malformed_link_is_a_usage_error()
    {
        var (code, _, error) = Run("trace", Fractions, "--invoke", "add", "1", "2", "1", "3", "--link", "mathlib");
        code.ShouldBe(Program.UsageError);
        error.ShouldStartWith("error: --link 'mathlib' is not NAME=PATH");
    }
}
