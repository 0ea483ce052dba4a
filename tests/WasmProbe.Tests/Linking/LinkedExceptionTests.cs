using WasmProbe.Debugging;
using WasmProbe.Engine.Linking;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Debugging;
using WasmProbe.Wasm.Instructions;

namespace WasmProbe.Tests.Linking;

/// <summary>An exception thrown in a linked module that unwinds out of it through its export's wrapper, caught in the
/// guest: run() calls lib's risky(1), whose inner(1) throws, catches that, then calls risky(0), whose inner(0) returns 7.
/// halves(n) adds the two results of lib's split(n) (n / 2 and n % 2); run_safe() returns lib's safe(), which
/// catches inner(1)'s throw itself and returns 9.</summary>
public class LinkedExceptionTests
{
    private const string Guest = """
        (module
          (import "lib" "risky" (func $risky (param i32) (result i32)))
          (import "lib" "split" (func $split (param i32) (result i32 i32)))
          (import "lib" "safe" (func $safe (result i32)))
          (func (export "run_safe") (result i32) (call $safe))
          (func $run (export "run") (result i32)
            (block $caught
              (try_table (catch_all $caught)
                (drop (call $risky (i32.const 1)))))
            (call $risky (i32.const 0)))
          (func (export "halves") (param i32) (result i32)
            (i32.add (call $split (local.get 0)))))
        """;

    private const string Library = """
        (module
          (tag $boom)
          (func $inner (param $fail i32) (result i32)
            (if (local.get $fail) (then (throw $boom)))
            (i32.const 7))
          (func $risky (export "risky") (param i32) (result i32)
            (call $inner (local.get 0)))
          (func (export "safe") (result i32)
            (block $caught
              (try_table (catch $boom $caught)
                (drop (call $inner (i32.const 1)))))
            (i32.const 9))
          (func (export "split") (param i32) (result i32 i32)
            (i32.div_u (local.get 0) (i32.const 2))
            (i32.rem_u (local.get 0) (i32.const 2))))
        """;

    /// <summary>Without exception stops unless asked for: the library's throw would stop first.</summary>
    private static DebugSession Session(string entry = "run", ExceptionStops exceptionStops = ExceptionStops.None, params object[] arguments) =>
        DebugSession.Create(Wat.ToBinary(Guest), new DebugSessionOptions
        {
            Entry = entry,
            Arguments = arguments,
            Mode = InstrumentationMode.Debug,
            ExceptionStops = exceptionStops,
            Host = new() { Links = [new LinkedModule("lib", Wat.ToBinary(Library))] },
        });

    [Theory]
    [InlineData(ExceptionStops.All)]
    [InlineData(ExceptionStops.Uncaught)]
    public async Task A_throw_in_the_linked_module_stops_there_naming_the_module_and_whether_it_can_tell_who_catches(ExceptionStops stops)
    {
        await using var session = Session(exceptionStops: stops);

        // No frame of lib catches it; the guest's catch_all does, which the library's frames cannot tell.
        var thrown = (await session.ContinueAsync()).ShouldBeOfType<ExceptionStop>();
        thrown.Module.ShouldBe("lib");
        thrown.At.Function.ShouldBe(DebugSession.Decode(Wat.ToBinary(Library)).Names.ResolveFunction("inner"));
        thrown.Tag.ShouldBe(0);
        thrown.Caught.ShouldBeNull();
        session.Frames.Select(f => $"{f.Module}!{f.FunctionName}").ShouldBe(["lib!inner", "lib!risky", "!run"]);
        session.Local(0).AsInt32().ShouldBe(1);
        session.Local("fail").AsInt32().ShouldBe(1);

        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results.Single().AsInt32().ShouldBe(7);
    }

    [Fact]
    public async Task After_an_exception_unwound_out_of_the_linked_module_a_step_over_a_call_into_it_stays_in_the_guest()
    {
        await using var session = Session();
        var run = Wat.Pcs(session, "run");
        session.AddBreakpoint("run", run[^2]);   // the second call of risky, after the catch

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        var step = (await session.StepOverAsync()).ShouldBeOfType<StepStop>();

        (step.Module, step.At.Pc).ShouldBe((null, run[^1]));
        session.StackSlot(0).AsInt32().ShouldBe(7);
    }

    [Fact]
    public async Task After_an_exception_unwound_out_of_the_linked_module_a_breakpoint_there_shows_only_the_live_frames()
    {
        await using var session = Session();
        var inner = session.AddBreakpoint("lib", "inner", Wat.Pcs(DebugSession.Decode(Wat.ToBinary(Library)), "inner")[0]);

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.Frames.Select(f => $"{f.Module}!{f.FunctionName}").ShouldBe(["lib!inner", "lib!risky", "!run"]);
        session.Local(0).AsInt32().ShouldBe(1);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        inner.HitCount.ShouldBe(2);
        session.Frames.Select(f => $"{f.Module}!{f.FunctionName}").ShouldBe(["lib!inner", "lib!risky", "!run"]);
        session.Local(0).AsInt32().ShouldBe(0);
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results.Single().AsInt32().ShouldBe(7);
    }

    [Theory]
    [InlineData(ExceptionStops.All)]
    [InlineData(ExceptionStops.Uncaught)]
    public async Task A_throw_the_linked_module_catches_itself_is_known_as_caught(ExceptionStops stops)
    {
        await using var session = Session("run_safe", stops);

        var first = await session.ContinueAsync();

        if (stops == ExceptionStops.All)
        {
            var thrown = first.ShouldBeOfType<ExceptionStop>();
            (thrown.Module, thrown.Caught).ShouldBe(("lib", true));
            first = await session.ContinueAsync();
        }
        first.ShouldBeOfType<FinishedStop>().Results.Single().AsInt32().ShouldBe(9);
    }

    [Fact]
    public async Task An_export_with_several_results_returns_them_through_its_wrapper()
    {
        await using var session = Session("halves", arguments: 7);
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results.Single().AsInt32().ShouldBe(3 + 1);
    }

    [Fact]
    public void Only_a_module_an_exception_can_unwind_through_gets_wrappers_that_catch()
    {
        static bool Catches(byte[] linked)
        {
            var build = Instrumenter.Instrument(DebugSession.Decode(linked), new InstrumentationOptions { Mode = InstrumentationMode.Debug, ReportThrows = false, Linked = true });
            return DebugSession.Decode(build.Bytes).Bodies.Any(b => b.Code.Instructions.Any(i => i.Opcode == Opcode.TryTable));
        }

        Catches(Wat.ToBinary(Library)).ShouldBeTrue();
        Catches(FractionsGuest.MathLib.Bytes).ShouldBeFalse("mathlib neither throws nor calls out of itself");
    }
}
