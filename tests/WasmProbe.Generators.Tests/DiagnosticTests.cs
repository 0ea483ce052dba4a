extern alias generator;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using WasmProbe.Wasm.Decoding;
using static WasmProbe.Generators.Tests.GeneratorHarness;

namespace WasmProbe.Generators.Tests;

/// <summary>Every diagnostic fires with its id, its message, and at the exact attribute argument (marked [| |] in the
/// sources below).</summary>
public partial class DiagnosticTests
{
    private static readonly AdditionalText Fib = Module("guests/fib.wasm", Guest("fib.wasm"));
    private static readonly AdditionalText Types = Module("guests/types.wasm", Guest("types.wasm"));
    private static readonly AdditionalText Throws = Module("guests/throws.wasm", Guest("throws.wasm"));
    private static readonly AdditionalText SortO0 = Module("guests/sort-O0.wasm", Guest("sort-O0.wasm"));
    private static readonly AdditionalText SortO2 = Module("guests/sort-O2.wasm", Guest("sort-O2.wasm"));

    private static readonly AdditionalText[] WithSort = [Fib, Types, SortO0, SortO2];

    private const string SortModule = "[WasmModule(\"guests/sort-O0.wasm\", Entry = \"_start\", Wasi = true)]";
    private const string InlinedSortModule = "[WasmModule(\"guests/sort-O2.wasm\", Entry = \"_start\", Wasi = true)]";

    /// <summary>Runs the generator on a source whose expected diagnostic span is marked with [| and |]; asserts exactly
    /// one generator diagnostic, with that id and span, and returns its message.</summary>
    private static string Diagnose(string id, string markedSource, AdditionalText[]? modules = null)
    {
        int start = markedSource.IndexOf("[|", StringComparison.Ordinal);
        int end = markedSource.IndexOf("|]", StringComparison.Ordinal) - 2;
        start.ShouldBeGreaterThanOrEqualTo(0, "the source marks no span");
        string source = markedSource.Replace("[|", "").Replace("|]", "");
        var result = Run([source], modules ?? [Fib, Types]);
        var diagnostic = result.GeneratorDiagnostics.ShouldHaveSingleItem();
        diagnostic.Id.ShouldBe(id);
        diagnostic.Severity.ShouldBe(DiagnosticSeverity.Error);
        diagnostic.Location.SourceSpan.ShouldBe(TextSpan.FromBounds(start, end), $"located at '{source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length)}'");
        diagnostic.Location.GetLineSpan().Path.ShouldBe("/src/Probes0.cs");
        return diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Probe(string probeAttributes, string method = "public void M() { }", string module = "[WasmModule(\"guests/fib.wasm\", Entry = \"fib\", Args = new object[] { 10 })]") => $$"""
        using WasmProbe.Probes;

        {{module}}
        public partial class P
        {
            {{probeAttributes}}
            {{method}}
        }
        """;

    [Fact]
    public void WP0001_module_not_listed()
    {
        Diagnose("WP0001", Probe("[BreakAt(\"fib\", 0xa1)]", module: "[WasmModule([|\"guests/nope.wasm\"|])]"))
            .ShouldBe("The module 'guests/nope.wasm' is not listed in the project as a WasmModule item (listed: guests/fib.wasm, guests/types.wasm)");
        Diagnose("WP0001", Probe("[BreakAt(\"fib\", 0xa1)]", module: "[WasmModule([|\"fib.wasm\"|])]"), [])
            .ShouldBe("The module 'fib.wasm' is not listed in the project as a WasmModule item (no WasmModule items are listed: add <WasmModule Include=\"fib.wasm\" /> to the project)");
    }

    [Fact]
    public void WP0002_module_file_not_found()
    {
        Diagnose("WP0002", Probe("[BreakAt(\"fib\", 0xa1)]", module: "[WasmModule([|\"guests/gone.wasm\"|])]"), [MissingModule("guests/gone.wasm")])
            .ShouldBe("The module 'guests/gone.wasm' is listed in the project but the file does not exist: /project/guests/gone.wasm");
    }

    [Fact]
    public void WP0003_malformed_module_with_byte_offset()
    {
        byte[] truncated = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x01];
        Diagnose("WP0003", Probe("[BreakAt(\"fib\", 0xa1)]", module: "[WasmModule([|\"bad.wasm\"|])]"), [Module("bad.wasm", truncated)])
            .ShouldBe("The module 'bad.wasm' is malformed: section size 16 out of bounds (1 bytes left): unexpected end (at byte offset 0x8)");
    }

    [Fact]
    public void WP0004_unknown_function_by_name_index_or_entry()
    {
        Diagnose("WP0004", Probe("[BreakAt([|\"fibonacci\"|], 0xa1)]"))
            .ShouldBe("The module 'guests/fib.wasm' has no function 'fibonacci' (it has functions 0 to 4; named: add, fib, store, divide, pair)");
        Diagnose("WP0004", Probe("[BreakAt([|5|], 0xa1)]"))
            .ShouldBe("The module 'guests/fib.wasm' has no function with index 5 (it has functions 0 to 4; named: add, fib, store, divide, pair)");
        Diagnose("WP0004", Probe("[BreakAt(\"fib\", 0xa1)]", module: "[WasmModule(\"guests/fib.wasm\", Entry = [|\"add\"|])]"))
            .ShouldBe("The module 'guests/fib.wasm' has no function exported as 'add' (exported functions: fib, store, divide, pair)");
    }

    [Fact]
    public void WP0005_imported_function()
    {
        Diagnose("WP0005", Probe("[BreakAt([|\"scale\"|], 0x53)]", module: "[WasmModule(\"guests/types.wasm\")]"))
            .ShouldBe("Function scale of 'guests/types.wasm' is imported and has no code to stop in; pick a function the module defines (for example mix)");
    }

    [Fact]
    public void WP0006_pc_outside_the_function()
    {
        Diagnose("WP0006", Probe("[BreakAt(\"fib\", [|0x79|])]"))
            .ShouldBe("pc 0x79 is outside fib: its instructions span 0x7f..0xc5");
    }

    [Fact]
    public void WP0007_pc_not_an_instruction_start_lists_nearby_pcs()
    {
        Diagnose("WP0007", Probe("[BreakAt(\"fib\", [|0xa4|])]"))
            .ShouldBe("pc 0xa4 is not the start of an instruction in fib; nearest valid pcs: 0xa1, 0xa2, 0xa3, 0xa5");
    }

    [Fact]
    public void WP0008_unreachable_pc_lists_nearby_reachable_pcs()
    {
        byte[] wasm = Wat("""(module (func $f (export "f") (result i32) i32.const 1 return i32.const 2 drop i32.const 3))""");
        var pcs = ModuleDecoder.Decode(wasm).Bodies[0].Code.Instructions.Select(i => i.Offset).ToArray();
        string Hex(int i) => "0x" + pcs[i].ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        Diagnose("WP0008", Probe($"[BreakAt(\"f\", [|{pcs[3]}|])]", module: "[WasmModule(\"u.wasm\", Entry = \"f\")]"), [Module("u.wasm", wasm)])
            .ShouldBe($"pc {Hex(3)} in f is unreachable code and can never stop; nearest reachable pcs: {Hex(0)}, {Hex(1)}");
    }

    [Fact]
    public void WP0009_unknown_local_lists_the_locals()
    {
        Diagnose("WP0009", Probe("[BreakAt(\"fib\", 0xa1)][ExpectLocal([|\"count\"|], 1)]"))
            .ShouldBe("fib has no local 'count' (its locals: n (i32), a (i32), b (i32), i (i32))");
        Diagnose("WP0009", Probe("[BreakAt(\"fib\", 0xa1)][ExpectLocal([|4|], 1)]"))
            .ShouldBe("fib has no local with index 4 (its locals: n (i32), a (i32), b (i32), i (i32))");
    }

    [Fact]
    public void WP0010_unknown_global_lists_the_globals()
    {
        Diagnose("WP0010", Probe("[BreakAt(\"fib\", 0xa1)][ExpectGlobal([|\"sp\"|], 1)]"))
            .ShouldBe("The module 'guests/fib.wasm' has no global 'sp' (its globals: __stack_pointer (i32), calls (i32), limit (i64))");
    }

    [Fact]
    public void WP0011_value_not_convertible_to_the_slot_type()
    {
        Diagnose("WP0011", Probe("[BreakAt(\"fib\", 0xa1)][ExpectLocal(\"n\", [|1.5|])]"))
            .ShouldBe("1.5 (double) cannot be converted to i32, the type of local n");
        Diagnose("WP0011", Probe("[BreakAt(\"fib\", 0xa1)][ExpectStack(0, [|5000000000L|])]"))
            .ShouldBe("5000000000 (long) cannot be converted to i32, the type of stack slot S0 at fib+0xa1");
        Diagnose("WP0011", Probe("[BreakAt(\"fib\", 0xa1)][ExpectGlobal(\"limit\", [|\"1000\"|])]"))
            .ShouldBe("\"1000\" (string) cannot be converted to i64, the type of global limit");
        Diagnose("WP0011", Probe("[BreakAt(\"fib\", 0xa1)]", module: "[WasmModule(\"guests/fib.wasm\", Entry = \"fib\", Args = new object[] { [|10.5|] })]"))
            .ShouldBe("10.5 (double) cannot be converted to i32, the type of parameter 0 of 'fib'");
        Diagnose("WP0011", Probe("[BreakAt(\"fib\", 0xa1)][ExpectMemory(0x400, [|\"2a 0\"|])]"))
            .ShouldBe("\"2a 0\" (string) cannot be converted to bytes (write hex pairs such as \"2a 00 00 00\")");
    }

    [Fact]
    public void WP0012_stack_depth_out_of_range()
    {
        Diagnose("WP0012", Probe("[BreakAt(\"fib\", 0xa1)][ExpectStack([|2|], 1)]"))
            .ShouldBe("Stack depth 2 does not exist at fib+0xa1: the operand stack holds 2 values there ([i32, i32], bottom first)");
        Diagnose("WP0012", Probe("[BreakAt(\"fib\", 0xa5)][ExpectStack([|0|], 1)]"))
            .ShouldBe("Stack depth 0 does not exist at fib+0xa5: the operand stack holds 0 values there");
    }

    [Fact]
    public void WP0013_memory_address_outside_the_declared_minimum()
    {
        Diagnose("WP0013", Probe("[BreakAt(\"fib\", 0xa1)][ExpectMemory<long>([|0xfffc|], 1L)]"))
            .ShouldBe("memory[0xfffc..0x10004] is outside the declared minimum size of memory (1 page = 0x10000 bytes)");
        Diagnose("WP0013", Probe("[BreakAt(\"fib\", 0xa1)][ExpectMemory(0, \"00\", Memory = [|1|])]")).ShouldBe("memory 1 is outside the module's memories: it has 1 memory");
    }

    [Fact]
    public void WP0014_wrong_stop_view_parameter()
    {
        Diagnose("WP0014", Probe("[BreakAt(\"fib\", 0xa1)]", "public void M([|int|] stop) { }"))
            .ShouldBe("The parameter of probe method 'M' must be P.Fib_0xa1, a DebugSession, or nothing; found Int32");
        var result = Run([Probe("[BreakAt(\"fib\", 0xa1)]", "public void M(P.Fib_0xa5 stop) { }")], [Fib]);
        result.GeneratorDiagnostics.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe("The parameter of probe method 'M' must be P.Fib_0xa1, a DebugSession, or nothing; found Fib_0xa5");
    }

    [Fact]
    public void WP0015_class_not_partial()
    {
        Diagnose("WP0015", """
            using WasmProbe.Probes;

            [WasmModule("guests/fib.wasm")]
            public class [|P|]
            {
            }
            """).ShouldBe("Class 'P' is not partial: [WasmModule] classes get generated members and tests, so declare them 'public partial' (and their containing types 'partial'), not static and not generic");
        Diagnose("WP0015", """
            using WasmProbe.Probes;

            public class Outer
            {
                [WasmModule("guests/fib.wasm")]
                public partial class [|P|]
                {
                }
            }
            """).ShouldStartWith("Class 'P' is nested in 'Outer', which is not partial");
        Diagnose("WP0015", """
            using WasmProbe.Probes;

            [WasmModule("guests/fib.wasm")]
            internal partial class [|P|]
            {
            }
            """).ShouldStartWith("Class 'P' is not public (nor are all its containing types), so xunit would not run its tests (or set GenerateFacts = false)");
    }

    [Fact]
    public void WP0016_entry_argument_count()
    {
        Diagnose("WP0016", Probe("[BreakAt(\"fib\", 0xa1)]", module: "[WasmModule(\"guests/fib.wasm\", Entry = \"fib\", Args = [|new object[] { 1, 2 }|])]"))
            .ShouldBe("Entry 'fib' takes 1 argument ([i32] -> [i32]) but Args has 2 values");
        Diagnose("WP0016", Probe("[BreakAt(\"fib\", 0xa1)]", module: "[WasmModule(\"guests/fib.wasm\", Entry = [|\"fib\"|])]"))
            .ShouldBe("Entry 'fib' takes 1 argument ([i32] -> [i32]) but Args has 0 values");
    }

    [Fact]
    public void WP0017_expectation_without_a_probe()
    {
        Diagnose("WP0017", Probe("[[|ExpectLocal(\"n\", 1)|]]"))
            .ShouldBe("Method 'M' has Expect* attributes but no [BreakAt], [BreakAtLine], [StepFrom], [OnCall], [OnReturn], [BreakOnWrite] or [BreakOnGlobalWrite]: add one so the expectations have a stop to be checked at");
    }

    [Fact]
    public void WP0017_an_ending_without_a_probe()
    {
        Diagnose("WP0017", Probe("[[|ExpectFinish(55)|]]"))
            .ShouldBe("Method 'M' has Expect* attributes but no [BreakAt], [BreakAtLine], [StepFrom], [OnCall], [OnReturn], [BreakOnWrite] or [BreakOnGlobalWrite]: add one so the expectations have a stop to be checked at");
    }

    [Fact]
    public void WP0028_expect_finish_with_the_wrong_number_of_results_or_no_entry()
    {
        Diagnose("WP0028", Probe("[BreakAt(\"fib\", 0xa1)][[|ExpectFinish(1, 2)|]]"))
            .ShouldBe("[ExpectFinish] on 'M' has 2 values but 'fib' returns 1 value ([i32] -> [i32])");
        Diagnose("WP0028", Probe("[BreakAt(\"fib\", 0xa1)][[|ExpectFinish(new object[] { 1, 2 })|]]"))
            .ShouldBe("[ExpectFinish] on 'M' has 2 values but 'fib' returns 1 value ([i32] -> [i32])");
        Diagnose("WP0028", Probe("[BreakAt(\"fib\", 0xa1)][[|ExpectFinish(55)|]]", module: "[WasmModule(\"guests/fib.wasm\")]"))
            .ShouldBe("[ExpectFinish] on 'M' needs an entry to return them: set [WasmModule(Entry = ...)]");
    }

    [Fact]
    public void WP0011_an_expected_result_not_convertible_to_the_entry_s_result_type()
    {
        Diagnose("WP0011", Probe("[BreakAt(\"fib\", 0xa1)][ExpectFinish([|5.5|])]"))
            .ShouldBe("5.5 (double) cannot be converted to i32, the type of result 0 of 'fib'");
        Diagnose("WP0011", Probe("[BreakAt(\"fib\", 0xa1)][ExpectFinish(new object[] { [|\"55\"|] })]"))
            .ShouldBe("\"55\" (string) cannot be converted to i32, the type of result 0 of 'fib'");
    }

    [Fact]
    public void WP0029_unknown_trap_code()
    {
        Diagnose("WP0029", Probe("[BreakAt(\"fib\", 0xa1)][ExpectTrap([|\"divide_by_zero\"|])]"))
            .ShouldBe("[ExpectTrap] on 'M': \"divide_by_zero\" is not a trap code; use one of: " + string.Join(", ", WasmProbe.Wasm.Model.TrapCodes.All));
    }

    [Fact]
    public void WP0030_both_expect_finish_and_expect_trap()
    {
        Diagnose("WP0030", Probe("[BreakAt(\"fib\", 0xa1)][ExpectFinish(55)][[|ExpectTrap|]]"))
            .ShouldBe("Method 'M' has both [ExpectFinish] and [ExpectTrap]: a run either returns or traps; keep one");
    }

    /// <summary>A module with two function imports, one a mock cannot provide, and an export calling the first.</summary>
    private static readonly Lazy<(AdditionalText Module, int CallPc)> Imports = new(() =>
    {
        byte[] wasm = Wat("""(module (import "host" "scale" (func (param i32 i64) (result f64))) (import "host" "lanes" (func (param v128))) (func (export "run") (result f64) i32.const 1 i64.const 2 call 0))""");
        return (Module("imports.wasm", wasm), ModuleDecoder.Decode(wasm).Bodies[0].Code.Instructions[2].Offset);
    });

    private static string ImportsProbe(string members) => Probe("", members, "[WasmModule(\"imports.wasm\", Entry = \"run\")]");

    [Fact]
    public void WP0031_a_mock_of_an_import_the_module_does_not_have()
    {
        Diagnose("WP0031", ImportsProbe("[MockImport([|\"host\"|], \"scal\")] public static double M(int a, long b) => 0;"), [Imports.Value.Module])
            .ShouldBe("The module 'imports.wasm' has no function import \"host\".\"scal\" (its function imports: host.scale, host.lanes)");
    }

    [Fact]
    public void WP0032_a_mock_whose_signature_is_not_the_import_s_shows_the_one_it_needs()
    {
        Diagnose("WP0032", ImportsProbe("[MockImport(\"host\", \"scale\")] public static double [|M|](int a, int b) => 0;"), [Imports.Value.Module])
            .ShouldBe("[MockImport] method 'M' cannot provide host.scale [i32 i64] -> [f64]: it must be 'static double M(int, long)' (it is 'static double M(int, int)')");
        Diagnose("WP0032", ImportsProbe("[MockImport(\"host\", \"scale\")] public double [|M|](int a, long b) => 0;"), [Imports.Value.Module])
            .ShouldBe("[MockImport] method 'M' cannot provide host.scale [i32 i64] -> [f64]: it must be 'static double M(int, long)' (it is 'double M(int, long)')");
        Diagnose("WP0032", ImportsProbe("[[|MockImport(\"host\", \"lanes\")|]] public static void M() { }"), [Imports.Value.Module])
            .ShouldBe("[MockImport] method 'M' cannot provide host.lanes [v128] -> []: only i32, i64, f32 and f64 parameters and at most one result can be mocked");
    }

    [Fact]
    public void WP0005_on_call_of_an_imported_function()
    {
        Diagnose("WP0005", ImportsProbe("[OnCall([|0|])] public void M() { }"), [Imports.Value.Module])
            .ShouldBe("Function host.scale of 'imports.wasm' is imported and has no code to stop in; pick a function the module defines (for example run)");
    }

    [Fact]
    public void WP0033_expected_calls_of_an_import_no_mock_records()
    {
        Diagnose("WP0033", ImportsProbe($"[BreakAt(\"run\", {Imports.Value.CallPc})][[|ExpectImportCalls(\"host\", \"scale\", 1)|]] public void M() {{ }}"), [Imports.Value.Module])
            .ShouldBe("[ExpectImportCalls] of host.scale: no [MockImport] method of 'P' provides it, so its calls are not recorded");
    }

    [Fact]
    public void WP0034_a_return_probe_on_a_function_that_never_returns()
    {
        // As clang ends a noreturn function: the body's end follows an unreachable.
        var spin = Module("spin.wasm", Wat("(module (func $spin (export \"spin\") (loop $forever (br $forever)) unreachable))"));
        Diagnose("WP0034", Probe("[OnReturn([|\"spin\"|])]", module: "[WasmModule(\"spin.wasm\")]"), [spin])
            .ShouldBe("spin never returns (no reachable return, end or branch out of it), so [OnReturn] could never stop");
    }

    [Fact]
    public void WP0035_arguments_and_results_only_at_calls_and_returns()
    {
        Diagnose("WP0035", Probe("[BreakAt(\"fib\", 0xa1)][[|ExpectResult(0, 55)|]]"))
            .ShouldBe("[ExpectResult] needs an [OnReturn] probe, not [BreakAt]");
        Diagnose("WP0035", Probe("[OnCall(\"fib\")][[|ExpectResult(0, 55)|]]"))
            .ShouldBe("[ExpectResult] needs an [OnReturn] probe, not [OnCall]");
        Diagnose("WP0035", Probe("[StepFrom(\"fib\", 0xa1)][[|ExpectArg(\"n\", 10)|]]"))
            .ShouldBe("[ExpectArg] needs an [OnCall] or [OnReturn] probe, not [StepFrom]");
    }

    [Fact]
    public void WP0036_a_result_the_function_does_not_return()
    {
        Diagnose("WP0036", Probe("[OnReturn(\"fib\")][ExpectResult([|1|], 55)]"))
            .ShouldBe("[ExpectResult] of result 1: fib returns 1 result (i32), R0 first");
        Diagnose("WP0036", Probe("[OnReturn(\"pair\")][ExpectResult([|2|], 1)]"))
            .ShouldBe("[ExpectResult] of result 2: pair returns 2 results (i32, i64), R0 first");
    }

    [Fact]
    public void WP0009_an_argument_must_be_a_parameter()
    {
        Diagnose("WP0009", Probe("[OnReturn(\"fib\")][ExpectArg([|\"a\"|], 1)]"))
            .ShouldBe("fib has no local 'a' among its parameters (its parameters: n (i32))");
        Diagnose("WP0009", Probe("[OnCall(\"add\")][ExpectArg([|2|], 1)]"))
            .ShouldBe("add has no local with index 2 among its parameters (its parameters: x (i32), y (i32))");
    }

    [Fact]
    public void WP0011_an_argument_or_result_of_the_wrong_type()
    {
        Diagnose("WP0011", Probe("[OnReturn(\"add\")][ExpectArg(\"y\", [|1.5|])]"))
            .ShouldBe("1.5 (double) cannot be converted to i32, the type of parameter y");
        Diagnose("WP0011", Probe("[OnReturn(\"pair\")][ExpectResult(1, [|\"7\"|])]"))
            .ShouldBe("\"7\" (string) cannot be converted to i64, the type of result R1");
    }

    [Fact]
    public void WP0013_a_watched_range_outside_the_declared_minimum_or_in_no_memory()
    {
        Diagnose("WP0013", Probe("[BreakOnWrite([|0xfffe|], 4)]"))
            .ShouldBe("memory[0xfffe..0x10002] is outside the declared minimum size of memory (1 page = 0x10000 bytes)");
        Diagnose("WP0013", Probe("[BreakAt(\"fib\", 0xa1)][ExpectNoWrite(0, 4, Memory = [|1|])]"))
            .ShouldBe("memory 1 is outside the module's memories: it has 1 memory");
    }

    [Fact]
    public void WP0037_an_empty_range_cannot_be_watched()
    {
        Diagnose("WP0037", Probe("[BreakOnWrite(0x400, [|0|])]"))
            .ShouldBe("[BreakOnWrite] of memory 0: a watched range needs at least one byte (the length is 0)");
    }

    [Fact]
    public void A_range_of_a_64_bit_memory_can_be_watched_within_its_minimum_size()
    {
        var memory64 = Module("m64.wasm", Wat("(module (memory i64 1) (func (export \"run\")))"));
        var result = Run([Probe("[ExpectNoWrite(0, 4)][OnCall(\"run\")]", module: "[WasmModule(\"m64.wasm\", Entry = \"run\")]")], [memory64]);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompileDiagnostics.ShouldBeEmpty();
        Diagnose("WP0013", Probe("[BreakOnWrite([|0x10000|], 4)]", module: "[WasmModule(\"m64.wasm\", Entry = \"run\")]"), [memory64])
            .ShouldStartWith("memory[0x10000..0x10004] is outside the declared minimum size of memory");
    }

    [Fact]
    public void WP0038_a_watched_variable_the_DWARF_does_not_place()
    {
        Diagnose("WP0038", Probe("[BreakOnWrite([|\"bufff\"|])]", module: SortModule), WithSort)
            .ShouldBe("[BreakOnWrite] of 'bufff': no global variable of that name in the module's DWARF (its globals include errno, __stdout_FILE, stdout, " +
                "__stdout_used, buf, ofl_head, dummy_file, __progname, __progname_full, __libc, __hwcap, errmsgstr)");
        Diagnose("WP0038", Probe("[OnCall(\"insertion_sort\")][ExpectNoWrite([|\"buf[2000]\"|])]", module: SortModule), WithSort)
            .ShouldBe("[ExpectNoWrite] of 'buf[2000]': index 2000 is out of range for 'buf' (unsigned char[1032])");
        Diagnose("WP0038", Probe("[BreakOnWrite([|\"buf\"|])]"))
            .ShouldBe("[BreakOnWrite] of 'buf': the module has no DWARF debug information to find it in (build it with -g), so give the address");
        Diagnose("WP0037", Probe("[BreakOnWrite(\"buf\", Memory = [|1|])]", module: SortModule), WithSort)
            .ShouldBe("[BreakOnWrite] of memory 1: a source variable lies in memory 0");
    }

    [Fact]
    public void WP0040_an_expected_variable_not_in_scope_lists_those_that_are()
    {
        Diagnose("WP0040", Probe("[BreakAtLine(\"sort.c\", 36)][ExpectVariable([|\"keys\"|], 1)]", module: SortModule), WithSort)
            .ShouldBe("[ExpectVariable] 'keys' at sort.c:36 (insertion_sort+0x34b): no variable 'keys' in scope; in scope: key (int), j (int), i (int), a (int *), n (int)");
        // Line 33 at -O2 is in insertion_sort and, inlined, in main: the variable must be in scope at both.
        Diagnose("WP0040", Probe("[BreakAtLine(\"sort.c\", 33)][ExpectVariable([|\"values\"|], 1)]", module: InlinedSortModule), WithSort)
            .ShouldBe("[ExpectVariable] 'values' at sort.c:33 (insertion_sort+0x1e2): no variable 'values' in scope; in scope: key (int), j (int), i (int), a (int *), n (int)");
    }

    [Theory]
    [InlineData("key.x", "'key' is not a structure or union (int)")]
    [InlineData("a.x", "'a' is not a structure or union (int *) (use '->' for a pointer)")]
    [InlineData("*key", "'key' is not a pointer (int)")]
    [InlineData("n[0]", "'n' is not an array or pointer (int)")]
    [InlineData("a[", "an index (a non-negative integer) expected")]
    public void WP0041_a_path_step_the_type_does_not_allow(string path, string message)
    {
        Diagnose("WP0041", Probe($"[BreakAtLine(\"sort.c\", 36)][ExpectVariable([|\"{path}\"|], 1)]", module: SortModule), WithSort).ShouldBe($"[ExpectVariable] '{path}' at sort.c:36 (insertion_sort+0x34b): {message}");
    }

    [Theory]
    [InlineData("key", "2.5", "2.5 (double) cannot be converted to int, the type of variable key (it takes an integer from -2147483648 to 2147483647)")]
    [InlineData("key", "1L << 40", "1099511627776 (long) cannot be converted to int, the type of variable key (it takes an integer from -2147483648 to 2147483647)")]
    [InlineData("a", "\"text\"", "\"text\" (string) cannot be converted to int *, the type of variable a (a pointer takes an address or null)")]
    [InlineData("a", "-1", "-1 (int) cannot be converted to int *, the type of variable a (a pointer takes an address or null)")]
    public void WP0011_an_expected_variable_value_the_source_type_cannot_hold(string path, string value, string message)
    {
        Diagnose("WP0011", Probe($"[BreakAtLine(\"sort.c\", 36)][ExpectVariable(\"{path}\", [|{value}|])]", module: SortModule), WithSort).ShouldBe(message);
    }

    [Fact]
    public void WP0042_a_variable_the_optimizer_left_without_a_location_at_every_stop()
    {
        Diagnose("WP0042", Probe("[BreakAtLine(\"sort.c\", 33)][ExpectVariable([|\"j\"|], 1)]", module: InlinedSortModule), WithSort)
            .ShouldBe("[ExpectVariable] 'j': the compiler kept no location for 'j' at sort.c:33 (insertion_sort+0x1e2), sort.c:33 (__original_main+0x333) (optimized out); " +
                "probe a line where it is live, or build with -O0");
    }

    [Fact]
    public void WP0043_variables_of_a_module_without_debug_info()
    {
        Diagnose("WP0043", Probe("[BreakAt(\"fib\", 0xa1)][ExpectVariable([|\"n\"|], 1)]"))
            .ShouldBe("The module 'guests/fib.wasm' has no .debug_info to find source variable 'n' in (build it with -g and keep its .debug_* custom sections)");
        Diagnose("WP0035", Probe("[[|ExpectVariable(\"n\", 6)|]][OnCall(\"insertion_sort\")]", module: SortModule), WithSort)
            .ShouldBe("[ExpectVariable] needs a stop at an instruction of a function's body ([BreakAt], [BreakAtLine], [StepFrom]), not [OnCall]");
    }

    [Theory]
    [InlineData("stop.ForceReturn(1, 2L)")]
    [InlineData("stop.ForceReturn(1L)")]
    [InlineData("stop.ForceReturn(\"1\")")]
    public void A_forced_return_that_does_not_fit_the_function_s_results_does_not_compile(string call)
    {
        var result = Run([Probe("[OnCall(\"add\")]", $"public void M(Add_Call stop) => {call};")], [Fib, Types]);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        var error = result.CompileDiagnostics.ShouldHaveSingleItem();
        error.Id.ShouldBe("CS0619");
        error.GetMessage(System.Globalization.CultureInfo.InvariantCulture).ShouldContain("add returns (i32): call ForceReturn(int r0)");
        error.Location.SourceTree!.ToString().Substring(error.Location.SourceSpan.Start, error.Location.SourceSpan.Length).ShouldStartWith("stop.ForceReturn");
    }

    [Fact]
    public void A_forced_return_of_the_function_s_result_types_compiles()
    {
        var result = Run([Probe("[BreakAt(\"pair\", 0xe7)]", "public void M(Pair_0xe7 stop) => stop.ForceReturn(4, 7L);", "[WasmModule(\"guests/fib.wasm\", Entry = \"pair\", Args = new object[] { 1 })]")], [Fib, Types]);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompileDiagnostics.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("stop.ForceThrow_invalid(1L)", "CS1503")]
    [InlineData("stop.ForceThrow_invalid()", "CS7036")]
    [InlineData("stop.ForceThrow_fatal(1, 2)", "CS1501")]
    public void A_typed_forced_throw_that_does_not_fit_the_tag_s_payload_does_not_compile(string call, string id)
    {
        var result = Run([Probe("[OnCall(\"check\")]", $"public void M(Check_Call stop) => {call};", ThrowsModule)], [Throws]);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompileDiagnostics.ShouldHaveSingleItem().Id.ShouldBe(id);
    }

    [Fact]
    public void A_typed_forced_throw_of_the_tag_s_payload_types_compiles()
    {
        const string stepping = "[StepFrom(\"parse\", 0x60)] public void S(Parse_0x60_Steps stop) { stop.ForceThrow_invalid(3); stop.ForceThrow_fatal(4L); }";
        var result = Run([Probe("[BreakAt(\"parse\", 0x60)]", "public void M(Parse_0x60 stop) { stop.ForceThrow_invalid(3); stop.ForceThrow_fatal(4L); }\n" + stepping, ThrowsModule)], [Throws]);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompileDiagnostics.ShouldBeEmpty();
    }

    private const string ThrowsModule = "[WasmModule(\"guests/throws.wasm\", Entry = \"parse\", Args = new object[] { 1 })]";

    [Fact]
    public void WP0039_a_global_that_is_never_written_cannot_be_watched()
    {
        Diagnose("WP0039", Probe("[BreakOnGlobalWrite([|\"limit\"|])]"))
            .ShouldBe("[BreakOnGlobalWrite] of limit is immutable: nothing ever writes it");
        Diagnose("WP0010", Probe("[BreakOnGlobalWrite([|\"count\"|])]"))
            .ShouldBe("The module 'guests/fib.wasm' has no global 'count' (its globals: __stack_pointer (i32), calls (i32), limit (i64))");
        Diagnose("WP0035", Probe("[BreakOnGlobalWrite(\"calls\")][[|ExpectStack(0, 1)|]]"))
            .ShouldBe("[ExpectStack] needs a stop in a function's frame (a write stop is inside the write check), not [BreakOnGlobalWrite]");
    }

    [Fact]
    public void WP0035_a_write_stop_has_no_frame_and_stepping_watches_nothing()
    {
        Diagnose("WP0035", Probe("[BreakOnWrite(0x400, 4)][[|ExpectLocal(\"n\", 1)|]]"))
            .ShouldBe("[ExpectLocal] needs a stop in a function's frame (a write stop is inside the write check), not [BreakOnWrite]");
        Diagnose("WP0035", Probe("[StepFrom(\"fib\", 0xa1)][[|ExpectNoWrite(0, 4)|]]"))
            .ShouldBe("[ExpectNoWrite] needs a probe that runs the guest on (not one that steps it), not [StepFrom]");
    }

    [Fact]
    public void WP0026_more_than_one_probe_on_a_method()
    {
        Diagnose("WP0026", Probe("[[|BreakAt(\"fib\", 0xa1)|]][StepFrom(\"fib\", 0xa1)]"))
            .ShouldBe("Method 'M' has more than one of [BreakAt], [BreakAtLine], [StepFrom], [OnCall], [OnReturn], [BreakOnWrite] and [BreakOnGlobalWrite]: give each probe its own method");
    }

    [Fact]
    public void WP0027_probe_method_with_more_than_one_parameter()
    {
        Diagnose("WP0027", Probe("[BreakAt(\"fib\", 0xa1)]", "public void M(P.Fib_0xa1 stop, [|int|] extra) { }"))
            .ShouldBe("Probe method 'M' has 2 parameters; it takes one (P.Fib_0xa1 or a DebugSession) or none");
    }

    [Fact]
    public void WP0018_probe_method_must_return_void()
    {
        Diagnose("WP0018", Probe("[BreakAt(\"fib\", 0xa1)]", "public int [|M|]() => 1;"))
            .ShouldBe("Probe method 'M' must return void (it runs inside the guest's stop, synchronously)");
    }

    [Fact]
    public void WP0019_negative_hit_or_steps()
    {
        Diagnose("WP0019", Probe("[BreakAt(\"fib\", 0xa1, Hit = [|-1|])]"))
            .ShouldBe("Hit must be 0 (every hit) or a hit number from 1 (was -1)");
        Diagnose("WP0019", Probe("[StepFrom(\"fib\", 0xa1, Steps = [|-2|])]"))
            .ShouldBe("Steps must be 0 or more (was -2)");
    }

    [Fact]
    public void WP0020_line_probe_on_a_module_without_dwarf_line_information()
    {
        Diagnose("WP0020", Probe("[BreakAtLine([|\"fib.c\"|], 3)]"))
            .ShouldBe("The module 'guests/fib.wasm' has no DWARF line information to find line 3 of 'fib.c' in (build it with -g and keep its .debug_* custom sections, or use [BreakAt] with a pc)");
    }

    [Fact]
    public void WP0021_unknown_source_file_lists_the_known_files()
    {
        Diagnose("WP0021", Probe("[BreakAtLine([|\"sorting.c\"|], 33)]", module: SortModule), WithSort)
            .ShouldBe("No source file 'sorting.c' in the module's line table; known files: /cguest/sort.c, build/libc-bottom-half/crt/crt1-command.c, " +
                "libc-bottom-half/cloudlibc/src/libc/stdlib/_Exit.c, libc-bottom-half/cloudlibc/src/libc/sys/uio/writev.c, " +
                "libc-bottom-half/cloudlibc/src/libc/unistd/close.c, libc-bottom-half/cloudlibc/src/libc/unistd/lseek.c, " +
                "libc-bottom-half/sources/__wasilibc_real.c, libc-bottom-half/sources/abort.c, libc-bottom-half/sources/isatty.c, " +
                "libc-top-half/musl/src/errno/strerror.c, libc-top-half/musl/src/exit/exit.c, libc-top-half/musl/src/locale/__lctrans.c (and 20 more)");
        // A path suffix must match whole segments.
        Diagnose("WP0021", Probe("[BreakAtLine([|\"ort.c\"|], 33)]", module: SortModule), WithSort).ShouldStartWith("No source file 'ort.c' in the module's line table; known files: /cguest/sort.c, ");
    }

    [Fact]
    public void WP0022_line_without_code_suggests_the_nearest_lines_with_code()
    {
        Diagnose("WP0022", Probe("[BreakAtLine(\"sort.c\", [|27|])]", module: SortModule), WithSort)
            .ShouldBe("Line 27 of /cguest/sort.c has no code; nearest lines with code: 24, 28, 29, 30");
        // At -O2 the declaration `int j = i - 1;` leaves no code of its own.
        Diagnose("WP0022", Probe("[BreakAtLine(\"cguest/sort.c\", [|31|])]", module: InlinedSortModule), WithSort)
            .ShouldBe("Line 31 of /cguest/sort.c has no code; nearest lines with code: 29, 30, 32, 33");
        Diagnose("WP0022", Probe("[BreakAtLine(\"sort.c\", [|0|])]", module: SortModule), WithSort)
            .ShouldBe("Line 0 of /cguest/sort.c has no code; nearest lines with code: 9, 10, 11, 12");
    }

    [Fact]
    public void WP0023_malformed_dwarf_names_the_section_and_offset()
    {
        var bytes = Guest("sort-O0.wasm");
        var (offset, _) = CustomSection(bytes, ".debug_line");
        bytes[offset + 4] = 99; // the first line program's version
        Diagnose("WP0023", Probe("[BreakAtLine([|\"sort.c\"|], 33)]", module: "[WasmModule(\"bad.wasm\")]"), [Module("bad.wasm", bytes)])
            .ShouldBe("The DWARF debug information of 'bad.wasm' is malformed: unsupported line table version 99 (2 to 5 are supported) (at .debug_line+0x4)");
    }

    [Fact]
    public void Line_probes_over_several_functions_have_only_the_locals_and_stack_they_share()
    {
        // -O2: line 30 starts in insertion_sort (stack [i32, i32, i32]) and in main, where it was inlined (stack []).
        Diagnose("WP0012", Probe("[BreakAtLine(\"sort.c\", 30)][ExpectStack([|0|], 1)]", module: InlinedSortModule), WithSort)
            .ShouldBe("Stack depth 0 does not exist at sort.c:30: the line's locations have different operand stacks (insertion_sort+0x1bd: [i32, i32, i32]; " +
                "__original_main+0x307: []); use [BreakAt] at one of them to check its stack");
        // Line 33 has the same stack at both.
        Diagnose("WP0012", Probe("[BreakAtLine(\"sort.c\", 33)][ExpectStack([|2|], 1)]", module: InlinedSortModule), WithSort)
            .ShouldBe("Stack depth 2 does not exist at sort.c:33: the operand stack holds 2 values there ([i32, i32], bottom first)");
        // Their locals are unnamed: local7 of main has nothing to do with local7 of insertion_sort.
        Diagnose("WP0009", Probe("[BreakAtLine(\"sort.c\", 33)][ExpectLocal([|\"local7\"|], 1)]", module: InlinedSortModule), WithSort)
            .ShouldBe("sort.c:33 (code in insertion_sort and __original_main) has no local 'local7' (a line in several functions has only the locals they all name alike, with one type: none)");
        // With local names, those both functions have are typed (and checked) by name.
        var named = Module("guests/named.wasm", WithLocalNames(Guest("sort-O2.wasm"), (6, 5, "key"), (7, 7, "key"), (7, 0, "frame")));
        Diagnose("WP0009", Probe("[BreakAtLine(\"sort.c\", 33)][ExpectLocal([|\"frame\"|], 1)]", module: "[WasmModule(\"guests/named.wasm\")]"), [named])
            .ShouldBe("sort.c:33 (code in insertion_sort and __original_main) has no local 'frame' (a line in several functions has only the locals they all name alike, with one type: key (i32))");
        Diagnose("WP0009", Probe("[BreakAtLine(\"sort.c\", 33)][ExpectLocal([|7|], 1)]", module: "[WasmModule(\"guests/named.wasm\")]"), [named])
            .ShouldBe("sort.c:33 (code in insertion_sort and __original_main) has no local with index 7 (a line in several functions has only the locals they all name alike, with one type: key (i32))");
        Diagnose("WP0011", Probe("[BreakAtLine(\"sort.c\", 33)][ExpectLocal(\"key\", [|2L << 40|])]", module: "[WasmModule(\"guests/named.wasm\")]"), [named])
            .ShouldBe("2199023255552 (long) cannot be converted to i32, the type of local key");
    }

    [Fact]
    public void Line_probe_parameter_and_hit_are_checked_like_breakpoints()
    {
        Diagnose("WP0014", Probe("[BreakAtLine(\"sort.c\", 33)]", "public void M([|P.Sort_c_L36|] stop) { }", module: SortModule), WithSort)
            .ShouldBe("The parameter of probe method 'M' must be P.Sort_c_L33, a DebugSession, or nothing; found Sort_c_L36");
        Diagnose("WP0019", Probe("[BreakAtLine(\"sort.c\", 33, Hit = [|-1|])]", module: SortModule), WithSort)
            .ShouldBe("Hit must be 0 (every hit) or a hit number from 1 (was -1)");
        Diagnose("WP0026", Probe("[[|BreakAtLine(\"sort.c\", 33)|]][BreakAt(\"insertion_sort\", 0x2d5)]", module: SortModule), WithSort)
            .ShouldBe("Method 'M' has more than one of [BreakAt], [BreakAtLine], [StepFrom], [OnCall], [OnReturn], [BreakOnWrite] and [BreakOnGlobalWrite]: give each probe its own method");
    }

    [Fact]
    public void Diagnostics_map_to_the_right_line_and_column()
    {
        var result = Run([Probe("[BreakAt(\"fib\", 0xa4)]")], [Fib]);
        var span = result.GeneratorDiagnostics.Single().Location.GetLineSpan();
        (span.StartLinePosition.Line, span.StartLinePosition.Character).ShouldBe((5, 20));
    }

    [Fact]
    public void A_valid_probe_still_compiles_next_to_an_invalid_one()
    {
        var result = Run([Probe("[BreakAt(\"fib\", 0xa1)][ExpectLocal(\"zz\", 1)]", "public void M(P.Fib_0xa1 stop) { } [BreakAt(\"fib\", 0xa5)] public void Ok(P.Fib_0xa5 stop) { }")], [Fib]);
        result.GeneratorDiagnostics.Single().Id.ShouldBe("WP0009");
        result.CompileDiagnostics.Where(d => !d.Id.StartsWith("WP", StringComparison.Ordinal)).ShouldBeEmpty();
        result.Source().ShouldContain("public void Ok_WasmProbe()");
        result.Source().ShouldNotContain("public void M_WasmProbe()");
    }

    [Fact]
    public void WP0025_an_internal_failure_names_the_exception_and_asks_for_a_bug_report()
    {
        // A request the parser never produces (a [BreakAt] without its function) makes the validator throw, as a bug of
        // the generator's own would.
        var probe = new generator::WasmProbe.Generators.Model.ProbeMethodRequest("M", null, false, true, false,
            generator::WasmProbe.Generators.Model.ProbeKind.Breakpoint, null, false, null, null, null, null, 0, null, false, 0, null, 0,
            generator::WasmProbe.Generators.Model.EquatableArray<generator::WasmProbe.Generators.Model.ParameterInfo>.Empty,
            generator::WasmProbe.Generators.Model.EquatableArray<generator::WasmProbe.Generators.Model.ExpectationRequest>.Empty, null, false,
            generator::WasmProbe.Generators.Model.EquatableArray<generator::WasmProbe.Generators.Model.ImportCallsRequest>.Empty);
        var request = new generator::WasmProbe.Generators.Model.ProbeClassRequest(null,
            generator::WasmProbe.Generators.Model.EquatableArray<generator::WasmProbe.Generators.Model.ContainingType>.Empty, "P", "P", "class", null, true,
            null, "guests/fib.wasm", null, null, null, generator::WasmProbe.Generators.Model.EquatableArray<generator::WasmProbe.Generators.Model.ConstantArg>.Empty,
            false, null, false, generator::WasmProbe.Generators.Model.WasiRequest.None, 0, false, generator::WasmProbe.Generators.Model.EquatableArray<string>.Empty,
            new generator::WasmProbe.Generators.Model.EquatableArray<generator::WasmProbe.Generators.Model.ProbeMethodRequest>([probe]),
            generator::WasmProbe.Generators.Model.EquatableArray<generator::WasmProbe.Generators.Model.MockRequest>.Empty,
            generator::WasmProbe.Generators.Model.EquatableArray<generator::WasmProbe.Generators.Model.LinkRequest>.Empty);
        var image = new generator::WasmProbe.Generators.Model.ModuleImage("guests/fib.wasm", Guest("fib.wasm"), null, null);
        var match = generator::WasmProbe.Generators.Model.ModuleMatch.Find(request, [image]);

        var result = generator::WasmProbe.Generators.WasmProbeGenerator.Validate(match, hasXunit: true, TestContext.Current.CancellationToken);

        var diagnostic = result.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Id.ShouldBe("WP0025");
        string message = diagnostic.ToDiagnostic().GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        message.ShouldStartWith("WasmProbe's generator failed on class 'P' (module 'guests/fib.wasm'): System.NullReferenceException: ");
        message.ShouldContain("This is a bug in WasmProbe, not a problem of the module: please report it");
    }

    private const string RefModule = """
        (module (type $t (func))
          (func $f (param (ref $t)) (local (ref null $t))
            local.get 0
            drop))
        """;

    [Fact]
    public void WP0011_null_for_a_non_nullable_reference_slot()
    {
        byte[] wasm = Wat(RefModule);
        var pcs = ModuleDecoder.Decode(wasm).Bodies[0].Code.Instructions.Select(i => i.Offset).ToArray();
        AdditionalText[] modules = [Module("ref.wasm", wasm)];
        Diagnose("WP0011", Probe($"[BreakAt(\"f\", {pcs[0]})][ExpectLocal(0, [|null|])]", module: "[WasmModule(\"ref.wasm\")]"), modules)
            .ShouldBe("null (a non-nullable reference is never null) cannot be converted to (ref 0), the type of local local0");
        Diagnose("WP0011", Probe($"[BreakAt(\"f\", {pcs[1]})][ExpectStack(0, [|null|])]", module: "[WasmModule(\"ref.wasm\")]"), modules)
            .ShouldStartWith("null (a non-nullable reference is never null) cannot be converted to (ref 0)");
    }

    [Fact]
    public void A_reference_null_is_emitted_with_its_own_heap_type()
    {
        byte[] wasm = Wat(RefModule);
        int pc = ModuleDecoder.Decode(wasm).Bodies[0].Code.Instructions[0].Offset;
        var result = Run([Probe($"[BreakAt(\"f\", {pc})][ExpectLocal(1, null)]", module: "[WasmModule(\"ref.wasm\")]")], [Module("ref.wasm", wasm)]);
        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.Source().ShouldContain("Null(global::WasmProbe.Wasm.Types.ValType.FromBits(0x");
        result.Source().ShouldContain("/* (ref null 0) */");
        result.Source().ShouldNotContain("ValType.FuncRef");
    }
}
