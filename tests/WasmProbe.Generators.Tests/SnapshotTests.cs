using static WasmProbe.Generators.Tests.GeneratorHarness;

namespace WasmProbe.Generators.Tests;

/// <summary>One positive scenario per feature: the generator reports nothing, the generated code compiles without a
/// warning (nullable on, every warning level), and it matches its snapshot under Snapshots/ verbatim.</summary>
public class SnapshotTests
{
    private static readonly Microsoft.CodeAnalysis.AdditionalText Fib = Module("guests/fib.wasm", Guest("fib.wasm"));
    private static readonly Microsoft.CodeAnalysis.AdditionalText Types = Module("guests/types.wasm", Guest("types.wasm"));

    private static readonly Microsoft.CodeAnalysis.AdditionalText SortO0 = Module("guests/sort-O0.wasm", Guest("sort-O0.wasm"));
    private static readonly Microsoft.CodeAnalysis.AdditionalText SortO2 = Module("guests/sort-O2.wasm", Guest("sort-O2.wasm"));

    private static string Generate(string source, IEnumerable<Microsoft.CodeAnalysis.MetadataReference>? references = null, params Microsoft.CodeAnalysis.AdditionalText[] modules)
    {
        var result = Run([source], [Fib, Types, SortO0, SortO2, .. modules], references);
        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompileDiagnostics.Select(d => d.ToString()).ShouldBeEmpty();
        result.Sources.Length.ShouldBe(1);
        return result.Source();
    }

    [Fact]
    public void Breakpoint_with_typed_view_and_every_expectation_kind()
    {
        Generate("""
            using WasmProbe.Probes;

            namespace Demo;

            [WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
            public partial class FibProbes
            {
                [BreakAt("fib", 0xa1)]
                [ExpectLocal("n", 10, Hit = 1)]
                [ExpectLocal(3, 0u, Hit = 1)]
                [ExpectStack(0, 1)]
                [ExpectGlobal("__stack_pointer", 65536)]
                [ExpectGlobal(2, 1000)]
                [ExpectMemory(0x400, "2a 00 00 00")]
                [ExpectMemory<int>(0x400, 42)]
                public void Loop_head(FibProbes.Fib_0xa1 stop)
                {
                    int a = stop.Locals.a, b = stop.Locals.b;
                    int top = stop.Stack.S0;
                    long limit = stop.Globals.limit;
                    stop.Globals.__stack_pointer = a + b + top + (int)limit;
                }
            }
            """).ShouldMatchSnapshot("Breakpoint.g.cs");
    }

    [Fact]
    public void Stepping_declarative_session_and_static_probes()
    {
        Generate("""
            using WasmProbe.Debugging;
            using WasmProbe.Probes;

            namespace Demo.Stepping;

            [WasmModule("./guests/fib.wasm", Entry = "fib", Args = [5], DeadlineMilliseconds = 2000)]
            public partial class StepProbes
            {
                [StepFrom("fib", 0xab, Steps = 3, Mode = StepMode.Into, Hit = 2)]
                [ExpectLocal("b", 1)]
                public void Into_add(Fib_0xab_Steps stop)
                {
                    if (stop.InStartFunction) _ = stop.Locals.n;
                }

                [BreakAt(1, 0xc3, Optional = true)]
                [ExpectLocal("b", 5)]
                public void Declarative()
                {
                }

                [BreakAt("$add", 0x79, Hit = 2)]
                public static void Session(DebugSession session) => _ = session.Frames;

                [BreakAt("fib", 0xa5)]
                public void Base_view(BreakpointView stop) => _ = stop.Hit;
            }
            """).ShouldMatchSnapshot("Stepping.g.cs");
    }

    [Fact]
    public void Every_value_type_imports_and_float_values()
    {
        Generate("""
            using WasmProbe.Probes;

            [WasmModule("guests/types.wasm", Entry = "mix", Args = new object[] { 3, 1.5f })]
            public partial class TypesProbes
            {
                [BreakAt("mix", 0x7d)]
                [ExpectLocal("x", 1.5f)]
                [ExpectLocal("wide", 30)]
                [ExpectLocal("d", 0)]
                [ExpectLocal("vec", "01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00")]
                [ExpectStack(0, 1.5)]
                [ExpectGlobal("ratio", 0.5f)]
                [ExpectMemory<double>(0x20, -0.0)]
                public void Mixed(TypesProbes.Mix_0x7d stop)
                {
                    System.Runtime.Intrinsics.Vector128<byte> vec = stop.Locals.vec;
                    double s0 = stop.Stack.S0;
                    int unnamed = stop.Locals.local5;
                    _ = (vec, s0, unnamed);
                }
            }
            """).ShouldMatchSnapshot("Types.g.cs");
    }

    [Fact]
    public void Without_facts_nested_class_is_emitted_as_plain_methods()
    {
        Generate("""
            using WasmProbe.Probes;

            namespace Demo
            {
                public static partial class Outer
                {
                    [WasmModule("guests/fib.wasm", Entry = "divide", Args = new object[] { 7, 2 }, GenerateFacts = false, Wasi = true)]
                    public partial class Inner
                    {
                        [BreakAt("divide", 0xe1)]
                        [ExpectStack(1, 7)]
                        void Divide(Inner.Divide_0xe1 stop) => _ = stop.Locals.b;
                    }
                }
            }
            """).ShouldMatchSnapshot("NoFacts.g.cs");
    }

    [Fact]
    public void Source_variables_typed_from_DWARF()
    {
        // vars.c's run at line 62: structs with bitfields and an enum, an array of them, a typedef'd pointer, a union,
        // unsigned long long, double, char, _Bool, volatile int. The method body compiles only if each is typed so.
        Generate("""
            using WasmProbe.Probes;

            namespace Demo.Variables;

            [WasmModule("guests/vars-O0.wasm", Entry = "run", Args = new object[] { 4 })]
            public partial class VarsProbes
            {
                [BreakAtLine("vars.c", 62)]
                public void Run(VarsProbes.Vars_c_L62 stop)
                {
                    var v = stop.Variables;
                    int qty = v.items[2].qty;
                    uint level = v.items[0].level;
                    byte tag = v.items[0].tag[1];
                    VarsProbes.SourceTypes.color color = v.it.Value.color;
                    int count = v.items.Length;
                    byte low = v.w.bytes[0];
                    float f = v.w.f;
                    _ = (qty, level, tag, color == VarsProbes.SourceTypes.color.BLUE, count, low, f, v.big + 1UL, v.half * 2, v.letter, v.ok, v.v, v.seed, v.it.Address);
                }
            }
            """, null, Module("guests/vars-O0.wasm", Guest("vars-O0.wasm"))).ShouldMatchSnapshot("SourceVariables.g.cs");
    }

    [Fact]
    public void Views_of_one_class_share_its_source_types()
    {
        string generated = Generate("""
            using WasmProbe.Probes;

            namespace Demo.Variables;

            [WasmModule("guests/vars-O0.wasm", Entry = "run", Args = new object[] { 4 })]
            public partial class SharedTypes
            {
                [BreakAtLine("vars.c", 61)]
                public void Before(SharedTypes.Vars_c_L61 stop) => _ = stop.Variables.it.Value.qty;

                [BreakAtLine("vars.c", 62)]
                public void At(SharedTypes.Vars_c_L62 stop) => _ = stop.Variables.items[0].qty;
            }
            """, null, Module("guests/vars-O0.wasm", Guest("vars-O0.wasm")));

        System.Text.RegularExpressions.Regex.Matches(generated, @"public sealed class item\b").Count.ShouldBe(1);
        System.Text.RegularExpressions.Regex.Matches(generated, @"public static class SourceTypes\b").Count.ShouldBe(1);
    }

    [Fact]
    public void Source_lines_in_one_function()
    {
        // -O0: line 33 starts at one pc of insertion_sort; line 29 has rows for the for loop's init, condition and
        // increment, all in the loop's scope, so it stops at the first only (once per execution, as gdb does).
        // Locals are unnamed (clang keeps C variables in memory at -O0): local1 is the parameter n, local4 the frame.
        Generate("""
            using WasmProbe.Probes;

            namespace Demo.Lines;

            [WasmModule("guests/sort-O0.wasm", Entry = "_start", Wasi = true)]
            public partial class SortProbes
            {
                [BreakAtLine("sort.c", 33)]
                [ExpectLocal("local1", 6, Hit = 1)]
                public void Shift(SortProbes.Sort_c_L33 stop)
                {
                    int frame = stop.Locals.local4;
                    string where = stop.File + stop.Line + stop.FunctionName + stop.Source?.Column;
                    _ = (frame, where, stop.Stack.Count, stop.Globals.__stack_pointer, stop.Memory.ReadInt32(frame + 12));
                }

                [BreakAtLine("/cguest/sort.c", 29, Hit = 2, Optional = true)]
                public void Loop(LineView stop) => _ = stop.Hit;
            }
            """).ShouldMatchSnapshot("Lines.g.cs");
    }

    [Fact]
    public void Calls_returns_and_writes_with_their_contracts()
    {
        Generate("""
            using WasmProbe.Probes;

            namespace Demo;

            [WasmModule("guests/fib.wasm", Entry = "store", Args = new object[] { 0x400, 7 })]
            public partial class StoreProbes
            {
                [OnCall("store")]
                [ExpectArg("addr", 0x400)]
                [ExpectNoWrite(0, 0x400)]
                public void Call(Store_Call stop) => _ = stop.Args.value;

                [OnReturn("store")]
                [ExpectArg(1, 7)]
                [ExpectResult(0, 42)]
                public void Return(Store_Return stop) => stop.Results.R0 = stop.Args.value;

                [BreakOnWrite(0x400, 4, Hit = 1)]
                [ExpectMemory<int>(0x400, 42)]
                [ExpectGlobal("calls", 0)]
                public void Write(Write_0x400 stop) => _ = stop.Globals.calls + stop.NewBytes.Length;

                [BreakOnGlobalWrite("__stack_pointer", Optional = true)]
                [ExpectNoWrite(0x800, 4)]
                public void StackPointer(Global_stack_pointer_Write stop) => _ = stop.NewValue - stop.OldValue;
            }
            """).ShouldMatchSnapshot("CallsReturnsWrites.g.cs");
    }

    [Fact]
    public void Source_lines_inlined_into_several_functions()
    {
        // -O2: insertion_sort is inlined into main (and kept out of line), so lines 30 and 33 start in both functions.
        // Their locals are unnamed, so the views have none; line 33 has the same stack types at both places (typed S0,
        // S1: the address of a[j] and 4), line 30 does not (untyped stack).
        Generate("""
            using WasmProbe.Probes;

            namespace Demo.Lines;

            [WasmModule("guests/sort-O2.wasm", Entry = "_start", Wasi = true)]
            public partial class InlinedProbes
            {
                [BreakAtLine("sort.c", 33)]
                [ExpectStack(0, 4)]
                public void Shift(Sort_c_L33 stop)
                {
                    int four = stop.Stack.S0, address = stop.Stack.S1;
                    _ = (four, address, stop.Memory.ReadInt32(address));
                }

                [BreakAtLine("sort.c", 30)]
                public static void Key(Sort_c_L30 stop) => _ = stop.Stack.Count + stop.Function + stop.Pc;
            }
            """).ShouldMatchSnapshot("InlinedLines.g.cs");
    }

    [Fact]
    public void Locals_named_alike_in_every_function_of_a_line_are_typed_by_name()
    {
        // sort-O2 with local names: key is local 5 of insertion_sort and local 7 of main (where insertion_sort was
        // inlined), i is local 4 of both, frame only exists in main. The view has key and i; reading key (and checking
        // it) picks the index of the function stopped in.
        var named = Module("guests/named.wasm", WithLocalNames(Guest("sort-O2.wasm"), (6, 5, "key"), (7, 7, "key"), (6, 4, "i"), (7, 6, "i"), (7, 0, "frame")));
        Generate("""
            using WasmProbe.Probes;

            [WasmModule("guests/named.wasm", Entry = "_start", Wasi = true)]
            public partial class NamedProbes
            {
                [BreakAtLine("sort.c", 33)]
                [ExpectLocal("key", 1, Hit = 1)]
                public void Shift(NamedProbes.Sort_c_L33 stop) => _ = stop.Locals.key + stop.Locals.i;
            }
            """, null, named).ShouldMatchSnapshot("NamedLines.g.cs");
    }

    [Fact]
    public void Without_xunit_the_tests_are_plain_methods()
    {
        string generated = Generate("""
            using WasmProbe.Probes;

            [WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 3 })]
            public partial class Plain
            {
                [BreakAt("fib", 0xc3)]
                public void End()
                {
                }
            }
            """, ReferencesWithoutXunit);
        generated.ShouldNotContain("Xunit");
        generated.ShouldContain("public void End_WasmProbe()");
    }
}
