using WasmProbe.Coverage;
using WasmProbe.Debugging;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Debugging;
using WasmProbe.Tests.Fixtures;

namespace WasmProbe.Tests.Coverage;

/// <summary>Coverage through debug sessions: it composes with breakpoints and stepping, is read when the run ends,
/// traps or is disposed, and merges across sessions.</summary>
public class SessionCoverageTests
{
    private const string Loop = WatGuests.Loop;

    private static DebugSessionOptions Sum(int n, CoverageCollector collector, InstrumentationMode mode = InstrumentationMode.Debug) =>
        new() { Entry = "sum", Arguments = [n], Mode = mode, Coverage = true, CoverageCollector = collector };

    private static int[] Ints(IReadOnlyList<WasmValue> values) => [.. values.Select(v => v.AsInt32())];

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task Breakpoints_stop_with_the_right_locals_and_pcs_and_counts_are_right(InstrumentationMode mode)
    {
        var collector = new CoverageCollector();
        await using var session = Wat.Session(Loop, Sum(5, collector, mode));
        var pcs = Wat.Pcs(session, "sum");
        var breakpoint = session.AddBreakpoint("sum", pcs[3]);
        var seen = new List<(int Pc, int I, int Acc, int[] Stack)>();

        var stop = await session.ContinueAsync();
        session.Coverage.ShouldBeNull();
        while (stop is BreakpointStop hit)
        {
            var frame = session.Frames[0];
            seen.Add((hit.Location!.Value.Pc, frame.Locals[1].AsInt32(), frame.Locals[2].AsInt32(), Ints(frame.Stack)));
            frame.Locals.Count.ShouldBe(3);
            stop = await session.ContinueAsync();
        }

        seen.ShouldAllBe(s => s.Pc == pcs[3]);
        seen.Select(s => s.I).ShouldBe([0, 1, 2, 3, 4]);
        seen.Select(s => s.Acc).ShouldBe([0, 0, 1, 3, 6]);
        seen.Select(s => s.Stack).ShouldBe([[0, 0], [0, 1], [1, 2], [3, 3], [6, 4]]);
        breakpoint.HitCount.ShouldBe(5);
        stop.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(10);

        var sum = session.Coverage.ShouldNotBeNull().Function("sum");
        sum.Calls.ShouldBe(1);
        sum.HitsAt(pcs[3]).ShouldBe(5);
        sum.BranchAt(pcs[11]).Outcomes.Select(o => o.Count).ShouldBe([4L, 1L]);
        collector.Modules.Single().ShouldBeSameAs(session.Coverage);
    }

    [Fact]
    public async Task Single_stepping_sees_the_original_instructions_and_stacks()
    {
        const string wat = """
            (module
              (func $pick (export "pick") (param i32 i32 i32) (result i32)
                local.get 0
                local.get 1
                local.get 2
                select))
            """;
        await using var session = Wat.Session(wat, new DebugSessionOptions { Entry = "pick", Arguments = [7, 8, 5], Coverage = true, CoverageCollector = new() });
        var stops = new List<(int Pc, int[] Stack)>();
        var stop = await session.StepIntoAsync();
        while (stop is StepStop step)
        {
            stops.Add((step.At.Pc, Ints(session.Frames[0].Stack)));
            stop = await session.StepIntoAsync();
        }
        var pcs = Wat.Pcs(session, "pick");
        stops.Select(s => s.Pc).ShouldBe(pcs);
        stops.Select(s => s.Stack).ShouldBe([[], [7], [7, 8], [7, 8, 5], [7]]);
        stop.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(7);
        session.Coverage!.Function("pick").BranchAt(pcs[3]).Outcomes.Select(o => o.Count).ShouldBe([1L, 0L]);
    }

    [Fact]
    public async Task Breakpoints_inside_counted_try_table_and_br_table_stubs_see_original_stacks()
    {
        // The catch landing of the try_table is counted in a wrapper block around it; the br_table edges into the two
        // join points are counted in stub blocks around it. Breakpoints inside both still show the original stack.
        const string wat = """
            (module
              (tag $e (param i32))
              (func $f (export "f") (param $x i32) (param $y i32) (result i32) (local $r i32)
                block $caught (result i32)
                  try_table (catch $e $caught)
                    local.get $x
                    if
                      local.get $y
                      throw $e
                    end
                  end
                  i32.const 0
                end
                local.set $r
                block $q
                  block $p
                    local.get $x
                    if
                      local.get $r
                      local.get $y
                      br_table $p $q
                    end
                    local.get $r
                    local.get $y
                    br_table $p $q
                  end
                  i32.const 1
                  local.set $r
                end
                local.get $r))
            """;
        var collector = new CoverageCollector();
        var bytes = Wat.ToBinary(wat);
        var instrumentation = CoverageInstrumenter.Instrument(bytes);
        instrumentation.Functions[0].StubbedBrTables.ShouldBeGreaterThan(0);

        int[] Pcs(DebugSession s) => Wat.Pcs(s, "f");
        foreach (var (x, y) in new[] { (1, 0), (1, 1), (0, 0), (0, 1) })
        {
            await using var session = DebugSession.Create(bytes, new DebugSessionOptions { Entry = "f", Arguments = [x, y], Coverage = true, CoverageCollector = collector, ExceptionStops = ExceptionStops.None });
            var pcs = Pcs(session);
            session.AddBreakpoint("f", pcs[4]);  // local.get $y before throw
            session.AddBreakpoint("f", pcs[17]); // br_table in the if
            session.AddBreakpoint("f", pcs[21]); // second br_table
            var stacks = new List<string>();
            var stop = await session.ContinueAsync();
            while (stop is BreakpointStop)
            {
                stacks.Add($"{session.Frames[0].Pc}: [{string.Join(" ", Ints(session.Frames[0].Stack))}]");
                stop = await session.ContinueAsync();
            }
            stop.ShouldBeOfType<FinishedStop>();
            int r = x == 1 ? y : 0;
            stacks.ShouldBe(x == 1
                ? [$"{pcs[4]}: []", $"{pcs[17]}: [{r} {y}]"]
                : [$"{pcs[21]}: [{r} {y}]"]);
        }

        var coverage = collector.Modules.Single();
        coverage.Runs.ShouldBe(4);
        var f = coverage.Function("f");
        var module = coverage.Module;
        var fpcs = CoverageHost.PcsOf(module, "f");
        f.BranchAt(fpcs[1]).Outcomes.Single().ShouldBe(new BranchOutcome("catch tag 0", 2));
        f.BranchAt(fpcs[17]).Outcomes.Select(o => o.Count).ShouldBe([1L, 1L]);
        f.BranchAt(fpcs[21]).Outcomes.Select(o => o.Count).ShouldBe([1L, 1L]);
        f.HitsAt(fpcs[23]).ShouldBe(2); // i32.const 1 after block $p
    }

    private const string Divide = """
        (module
          (func $div (param $a i32) (param $b i32) (result i32)
            local.get $a
            local.get $b
            i32.div_s
            i32.const 1
            i32.add)
          (func $main (export "main") (param $b i32) (result i32)
            i32.const 100
            local.get $b
            call $div
            i32.const 2
            i32.mul))
        """;

    [Fact]
    public async Task A_trap_ends_the_run_and_the_instructions_after_it_count_as_not_run()
    {
        var collector = new CoverageCollector();
        await using (var session = Wat.Session(Divide, new DebugSessionOptions { Entry = "main", Arguments = [0], Coverage = true, CoverageCollector = collector, Mode = InstrumentationMode.Static }))
        {
            (await session.RunToCompletionAsync()).ShouldBeOfType<TrapStop>().Code.ShouldBe("integer_divide_by_zero");
            var coverage = session.Coverage.ShouldNotBeNull();
            var div = CoverageHost.PcsOf(session.Module, "div");
            var main = CoverageHost.PcsOf(session.Module, "main");
            coverage.Function("div").Calls.ShouldBe(1);
            div.Select(coverage.HitsAt).ShouldBe([1L, 1L, 1L, 0L, 0L, 0L]);
            main.Select(coverage.HitsAt).ShouldBe([1L, 1L, 1L, 0L, 0L, 0L]);
        }
        await using (var session = Wat.Session(Divide, new DebugSessionOptions { Entry = "main", Arguments = [5], Coverage = true, CoverageCollector = collector }))
        {
            (await session.RunToCompletionAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(42);
        }
        var merged = collector.Modules.Single();
        merged.Runs.ShouldBe(2);
        CoverageHost.PcsOf(merged.Module, "div").Select(merged.HitsAt).ShouldBe([2L, 2L, 2L, 1L, 1L, 1L]);
    }

    [Fact]
    public async Task Disposing_a_paused_session_collects_what_ran_so_far()
    {
        var collector = new CoverageCollector();
        var session = Wat.Session(Loop, Sum(10, collector));
        var pcs = Wat.Pcs(session, "sum");
        session.AddBreakpoint("sum", pcs[5]);
        for (int i = 0; i < 3; i++) (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        await session.DisposeAsync();

        var sum = session.Coverage.ShouldNotBeNull().Function("sum");
        for (int i = 1; i <= 4; i++) sum.HitsAt(pcs[i]).ShouldBe(3);  // before the breakpoint, three iterations
        for (int i = 6; i <= 11; i++) sum.HitsAt(pcs[i]).ShouldBe(2); // after it, two
        sum.HitsAt(pcs[13]).ShouldBe(0);
        collector.Modules.Single().Runs.ShouldBe(1);
    }

    [Fact]
    public async Task Merging_two_runs_adds_their_counts()
    {
        var collector = new CoverageCollector();
        ModuleCoverage first, second;
        await using (var session = Wat.Session(Loop, Sum(3, collector)))
        {
            await session.RunToCompletionAsync();
            first = session.Coverage!;
        }
        await using (var session = Wat.Session(Loop, Sum(7, collector)))
        {
            await session.RunToCompletionAsync();
            second = session.Coverage!;
        }
        var pcs = CoverageHost.PcsOf(first.Module, "sum");
        first.HitsAt(pcs[2]).ShouldBe(3);
        second.HitsAt(pcs[2]).ShouldBe(7);

        var merged = collector.Modules.Single();
        merged.ModuleId.ShouldBe(first.ModuleId);
        merged.Runs.ShouldBe(2);
        merged.HitsAt(pcs[2]).ShouldBe(10);
        merged.Function("sum").Calls.ShouldBe(2);
        merged.Function("sum").BranchAt(pcs[11]).Outcomes.Select(o => o.Count).ShouldBe([8L, 2L]);
        first.Merge(second).HitsAt(pcs[2]).ShouldBe(10);
    }

    [Fact]
    public void Different_modules_do_not_merge()
    {
        var a = CoverageHost.FromText(Loop);
        var b = CoverageHost.FromText(Divide);
        Should.Throw<ArgumentException>(() => a.Coverage().Merge(b.Coverage())).Message.ShouldContain("different modules");
        var collector = new CoverageCollector();
        collector.Add(a.Coverage());
        collector.Add(b.Coverage());
        collector.Modules.Count.ShouldBe(2);
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public async Task Coverage_is_off_unless_asked_for()
    {
        await using var session = Wat.Session(Loop, new DebugSessionOptions { Entry = "sum", Arguments = [3] });
        session.CollectsCoverage.ShouldBe(CoverageSettings.Enabled);
        await session.RunToCompletionAsync();
        if (!CoverageSettings.Enabled) session.Coverage.ShouldBeNull();
    }

    [Fact]
    public async Task Opened_files_are_named_after_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"wasmprobe-{Guid.NewGuid():N}", "loop.wasm");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            File.WriteAllBytes(path, Wat.ToBinary(Loop));
            await using var session = DebugSession.Open(path, Sum(2, new CoverageCollector()));
            await session.RunToCompletionAsync();
            session.Coverage!.Name.ShouldBe("loop.wasm");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
