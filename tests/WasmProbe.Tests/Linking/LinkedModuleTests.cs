using WasmProbe.Coverage;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Engine.Linking;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Debugging;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Linking;

/// <summary>Several modules in one store (<see cref="GuestOptions.Links"/>): the C program fractions.wasm, whose
/// arithmetic is imported from mathlib.wasm, and mismatching libraries written in the text format.</summary>
public class LinkedModuleTests
{
    private static readonly string Fractions = CGuest.PathOf("fractions.wasm");
    private static readonly LinkedModule MathLib = LinkedModule.FromFile("mathlib", CGuest.PathOf("mathlib.wasm"));

    private static DebugSessionOptions Run(string entry, object[] arguments, CoverageCollector? coverage = null) => new()
    {
        Entry = entry,
        Arguments = arguments,
        Host = new() { Links = [MathLib] },
        Coverage = coverage is not null,
        CoverageCollector = coverage,
    };

    [Fact]
    public async Task A_breakpoint_in_the_guest_sees_what_the_linked_functions_returned()
    {
        await using var session = DebugSession.Open(Fractions, Run("add", [1, 2, 1, 3]));
        int line = File.ReadLines(CGuest.PathOf("fractions.c")).ToList().FindIndex(l => l.Contains("int common = gcd", StringComparison.Ordinal)) + 1;
        session.AddBreakpointAtLine("fractions.c", line);

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.Frames[0].Variable("denominator").Display.ShouldBe("6");
        session.Frames[0].Variable("numerator").Display.ShouldBe("5");

        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(5);
    }

    [Fact]
    public async Task A_trap_inside_a_linked_module_names_that_module_and_its_function()
    {
        await using var session = DebugSession.Open(Fractions, Run("whole", [7, 0]));

        var trap = (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();

        trap.Code.ShouldBe("integer_divide_by_zero");
        trap.Message.ShouldContain("in the linked module mathlib (mathlib.wasm), function quotient");
        var inLibrary = trap.Frames[0];
        inLibrary.Module.ShouldBe("mathlib");
        inLibrary.FunctionName.ShouldBe("quotient");
        inLibrary.Source.ShouldNotBeNull().File.ShouldEndWith("mathlib.c");
        inLibrary.ToString().ShouldBe("mathlib!quotient+0x20e at /cguest/mathlib.c:20:14");
        var caller = trap.Frames[1];
        caller.Module.ShouldBeNull();
        caller.FunctionName.ShouldBe("whole");
        caller.Source.ShouldNotBeNull().File.ShouldEndWith("fractions.c");
        trap.Location.ShouldBe(caller.Location);
        session.Backtrace.ShouldBe([caller.Location]);
    }

    [Fact]
    public async Task Coverage_reports_the_guest_and_each_linked_module_as_modules_of_their_own()
    {
        var collector = new CoverageCollector();
        await using (var session = DebugSession.Open(Fractions, Run("add", [1, 2, 1, 3], collector)))
            (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>();
        await using (var session = DebugSession.Open(Fractions, Run("whole", [7, 0], collector)))
            (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();

        collector.Modules.Select(m => m.Name).Order().ShouldBe(["fractions.wasm", "mathlib.wasm"]);
        var library = collector.Modules.Single(m => m.Name == "mathlib.wasm");
        library.Runs.ShouldBe(2);
        library.Function("gcd").Calls.ShouldBe(2);
        library.Function("quotient").Calls.ShouldBe(1);
        collector.Modules.Single(m => m.Name == "fractions.wasm").Function("whole").Calls.ShouldBe(1);
    }

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task A_trap_deep_in_a_linked_module_shows_the_locals_of_its_frames_at_their_calls_in_debug_sessions(InstrumentationMode mode)
    {
        var library = new LinkedModule("lib", Wat.ToBinary("""
            (module
              (func $divide (param $x i32) (result i32) local.get $x i32.const 0 i32.div_s)
              (func (export "outer") (param $x i32) (result i32) (local $y i32)
                local.get $x
                i32.const 3
                i32.add
                local.set $y
                local.get $y
                call $divide))
            """));
        await using var session = Wat.Session("""(module (import "lib" "outer" (func $outer (param i32) (result i32))) (func (export "run") (param i32) (result i32) local.get 0 call $outer))""",
            new() { Entry = "run", Arguments = [4], Mode = mode, Host = new() { Links = [library] } });

        var trap = (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();

        trap.Frames.Select(f => $"{f.Module}!{f.FunctionName}").ShouldBe(["lib!divide", "lib!outer", "!run"]);
        trap.Frames[0].LocalsOrNull.ShouldBeNull();
        if (mode == InstrumentationMode.Debug) trap.Frames[1].Locals.Select(v => v.AsInt32()).ShouldBe([4, 7]);
        else trap.Frames[1].LocalsOrNull.ShouldBeNull();
    }

    [Fact]
    public async Task An_unreachable_in_a_linked_module_ends_the_guest_at_its_call()
    {
        var collector = new CoverageCollector();
        var library = new LinkedModule("lib", Wat.ToBinary("""(module (func (export "boom") nop unreachable))"""));
        await using var session = Wat.Session("""(module (import "lib" "boom" (func $boom)) (func (export "run") (result i32) call $boom i32.const 7))""",
            new() { Entry = "run", ModuleName = "main.wasm", Host = new() { Links = [library] }, Coverage = true, CoverageCollector = collector });

        (await session.ContinueAsync()).ShouldBeOfType<TrapStop>().Frames.Select(f => f.Module).ShouldBe(["lib", null]);

        var pcs = Wat.Pcs(session, "run");
        var guest = collector.Modules.Single(m => m.Name == "main.wasm");
        guest.HitsAt(pcs[0]).ShouldBe(1);
        guest.HitsAt(pcs[1]).ShouldBe(0);
        var boom = collector.Modules.Single(m => m.Name == "lib.wasm").Function("boom");
        boom.Instructions.Select(i => i.Hits).ShouldBe([1, 1]);
    }

    [Fact]
    public void A_missing_export_names_the_import_and_what_the_linked_module_exports()
    {
        var library = new LinkedModule("mathlib", Wat.ToBinary("""(module (func (export "gcd") (param i32 i32) (result i32) (local.get 0)))"""));

        var error = Should.Throw<ModuleLinkException>(() => DebugSession.Open(Fractions, new() { Entry = "add", Arguments = [1, 2, 1, 3], Host = new() { Links = [library] } }).Run(_ => ResumeAction.Continue));

        error.LinkedModule.ShouldBe("mathlib");
        error.Import.ShouldBe("mathlib::lcm");
        error.Message.ShouldContain("'mathlib' has no export named 'lcm' (its function exports: gcd)");
    }

    [Fact]
    public void An_export_of_another_type_says_both_types()
    {
        const string wat = """
            (module
              (func (export "gcd") (param i32 i32) (result i32) (local.get 0))
              (func (export "lcm") (param i64 i64) (result i64) (local.get 0))
              (func (export "quotient") (param i32 i32) (result i32) (local.get 0)))
            """;
        var library = new LinkedModule("mathlib", Wat.ToBinary(wat));

        var error = Should.Throw<ModuleLinkException>(() => DebugSession.Open(Fractions, new() { Entry = "add", Arguments = [1, 2, 1, 3], Host = new() { Links = [library] } }).Run(_ => ResumeAction.Continue));

        error.Import.ShouldBe("mathlib::lcm");
        error.Message.ShouldContain("the import's type is [i32 i32] -> [i32], the export's [i64 i64] -> [i64]");
    }

    [Fact]
    public void A_linked_module_that_fails_to_instantiate_is_named()
    {
        const string wat = """
            (module
              (func $boom unreachable)
              (start $boom)
              (func (export "gcd") (param i32 i32) (result i32) (local.get 0))
              (func (export "lcm") (param i32 i32) (result i32) (local.get 0))
              (func (export "quotient") (param i32 i32) (result i32) (local.get 0)))
            """;
        var library = new LinkedModule("mathlib", Wat.ToBinary(wat), "broken.wasm");

        var error = Should.Throw<ModuleLinkException>(() => DebugSession.Open(Fractions, new() { Entry = "add", Arguments = [1, 2, 1, 3], Host = new() { Links = [library] } }).Run(_ => ResumeAction.Continue));

        error.LinkedModule.ShouldBe("mathlib");
        error.Import.ShouldBeNull();
        error.Message.ShouldStartWith("the linked module mathlib (broken.wasm) could not be instantiated: ");
        error.Message.ShouldContain("unreachable");
    }

    [Fact]
    public void A_linked_module_imports_only_from_modules_linked_before_it()
    {
        var first = new LinkedModule("first", Wat.ToBinary("""(module (import "second" "f" (func)))"""));
        var second = new LinkedModule("second", Wat.ToBinary("""(module (func (export "f")))"""));

        var error = Should.Throw<ModuleLinkException>(() => DebugSession.Open(Fractions, new() { Host = new() { Links = [first, second, MathLib] } }).Run(_ => ResumeAction.Continue));

        error.Import.ShouldBe("second::f");
        error.Message.ShouldContain("from itself or from a module linked after it");
    }

    [Fact]
    public void A_linked_module_that_imports_wasi_needs_wasi()
    {
        var library = new LinkedModule("io", Wat.ToBinary("""(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))))"""));

        Should.Throw<ArgumentException>(() => DebugSession.Open(Fractions, new() { Host = new() { Links = [library, MathLib] } }).Run(_ => ResumeAction.Continue))
            .Message.ShouldBe("the linked module io (io.wasm) imports WASI (wasi_snapshot_preview1::proc_exit) but GuestOptions.Wasi is off: turn it on (Wasi = true on [WasmModule], or on GuestOptions)");
    }

    [Theory]
    [InlineData(ResumeAction.StepOver)]
    [InlineData(ResumeAction.StepInto)]
    public async Task Stepping_at_a_call_to_a_linked_function_enters_it_or_stops_next_in_the_guest(ResumeAction step)
    {
        await using var session = DebugSession.Open(Fractions, Run("whole", [7, 2]));
        var call = session.Module.Bodies[session.Module.Names.ResolveFunction("whole") - session.Module.IndexSpaces.ImportedFunctionCount].Code.Instructions
            .First(i => i.Opcode == Wasm.Instructions.Opcode.Call);
        session.AddBreakpoint("whole", call.Offset);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        var stop = (await session.ResumeAsync(step)).ShouldBeOfType<StepStop>();

        if (step == ResumeAction.StepInto)
        {
            stop.Module.ShouldBe("mathlib");
            session.Frames.Select(f => $"{f.Module}!{f.FunctionName}").ShouldBe(["mathlib!quotient", "!whole"]);
            session.Frames[0].Locals.Take(2).Select(v => v.AsInt32()).ShouldBe([7, 2]);
            stop = (await session.StepOutAsync()).ShouldBeOfType<StepStop>();
        }
        stop.Module.ShouldBeNull();
        stop.At.Function.ShouldBe(session.Module.Names.ResolveFunction("whole"));
        stop.At.Pc.ShouldBeGreaterThan(call.Offset);
        session.Frames[0].Stack[^1].AsInt32().ShouldBe(3);
    }

    [Fact]
    public void An_import_both_defined_by_the_host_and_linked_is_refused()
    {
        var options = new DebugSessionOptions
        {
            Entry = "whole",
            Arguments = [7, 2],
            Host = new() { Links = [MathLib], ConfigureLinker = (linker, store) => linker.DefineFunction("mathlib", "gcd", (int a, int b) => a) },
        };

        var error = Should.Throw<ModuleLinkException>(() => DebugSession.Open(Fractions, options).Run(_ => ResumeAction.Continue));

        error.LinkedModule.ShouldBe("mathlib");
        error.Message.ShouldStartWith("the linked module mathlib (mathlib.wasm) could not be instantiated: ");
    }

    [Fact]
    public void Link_specs_parse_as_every_front_end_reads_them()
    {
        LinkSpecs.ParseAll(["mathlib=guests/mathlib.wasm", "b=x=y.wasm"], out var problem).ShouldBe([new LinkSpec("mathlib", "guests/mathlib.wasm"), new LinkSpec("b", "x=y.wasm")]);
        problem.ShouldBeNull();
        LinkSpecs.Parse("mathlib", out problem).ShouldBeNull();
        problem.ShouldBe("'mathlib' is not NAME=PATH");
        LinkSpecs.Parse("=x.wasm", out problem).ShouldBeNull();
        problem.ShouldBe("a linked module needs a name (the import module name the guest uses)");
        LinkSpecs.ParseAll(["a=x.wasm", "a=y.wasm"], out problem).ShouldBeNull();
        problem.ShouldBe("the module name 'a' is linked twice");
        LinkSpecs.Parse("wasmprobe=x.wasm", out problem).ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain("import module of WasmProbe's probes");
    }
}
