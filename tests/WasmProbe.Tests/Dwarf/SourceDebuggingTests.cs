using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Dwarf;

namespace WasmProbe.Tests.Dwarf;

/// <summary>Source-level debugging of the C guest (examples/CGuest/guest/sort.c): line breakpoints, line steps and
/// backtraces with C function names and lines.</summary>
public class SourceDebuggingTests
{
    // sort.c sorts 5, 2, 9, 1, 7, 3: the outer loop body (line 30) runs 5 times; the shifting loop body (line 33) runs
    // once per inversion: (5,2) (5,1) (5,3) (2,1) (9,1) (9,7) (9,3) (7,3) = 8 times.
    private const int OuterIterations = 5, Shifts = 8;

    private static async Task<(int Stops, List<SourceLocation?> Sources, StopEvent Final)> RunToEnd(DebugSession session, LineBreakpoint breakpoint)
    {
        var sources = new List<SourceLocation?>();
        var stop = await session.ContinueAsync();
        int stops = 0;
        while (stop is BreakpointStop hit)
        {
            breakpoint.Contains(hit.Breakpoint).ShouldBeTrue();
            stops++;
            sources.Add(session.Frames[0].Source);
            stop = await session.ContinueAsync();
        }
        return (stops, sources, stop);
    }

    [Theory]
    [InlineData("sort-O0.wasm", 30, OuterIterations)]
    [InlineData("sort-O0.wasm", 33, Shifts)]
    [InlineData("sort-O0-dwarf5.wasm", 33, Shifts)]
    [InlineData("sort-O2.wasm", 30, OuterIterations)]
    [InlineData("sort-O2.wasm", 33, Shifts)]
    public async Task A_line_breakpoint_stops_on_that_line_once_per_loop_iteration(string guest, int line, int iterations)
    {
        await using var session = CGuest.Session(guest);
        var breakpoint = session.AddBreakpointAtLine("sort.c", line);
        breakpoint.Files.ShouldBe([CGuest.SortPath]);
        session.LineBreakpoints.ShouldBe([breakpoint]);

        var (stops, sources, final) = await RunToEnd(session, breakpoint);

        stops.ShouldBe(iterations);
        breakpoint.HitCount.ShouldBe(iterations);
        sources.ShouldAllBe(s => s != null && s.File == CGuest.SortPath && s.Line == line && s.Function == "insertion_sort");
        final.ShouldBeOfType<FinishedStop>();
        session.Stdout.ShouldBe(CGuest.SortOutput);
    }

    [Fact]
    public void At_O2_a_line_resolves_to_every_copy_of_it()
    {
        using var session = CGuest.Session("sort-O2.wasm");
        // insertion_sort is both kept out of line (`used`) and inlined into main.
        var breakpoint = session.AddBreakpointAtLine("sort.c", 30);
        breakpoint.Breakpoints.Select(b => b.FunctionName).ShouldBe(["insertion_sort", "__original_main"]);
        session.Dwarf.Lines.PcsForLine("sort.c", 30).ShouldBe(breakpoint.Breakpoints.Select(b => b.Location.Pc));
    }

    [Fact]
    public async Task A_static_session_takes_line_breakpoints_too()
    {
        await using var session = DebugSession.Open(CGuest.PathOf("sort-O0.wasm"), new DebugSessionOptions
        {
            Entry = "_start", Host = CGuest.Options.Host, Mode = InstrumentationMode.Static,
        });
        var breakpoint = session.AddBreakpointAtLine("/cguest/sort.c", 33);
        (await RunToEnd(session, breakpoint)).Stops.ShouldBe(Shifts);
    }

    [Fact]
    public async Task A_removed_line_breakpoint_no_longer_stops()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        var breakpoint = session.AddBreakpointAtLine("sort.c", 33);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.RemoveBreakpoint(breakpoint).ShouldBeTrue();
        session.LineBreakpoints.ShouldBeEmpty();
        session.Breakpoints.ShouldBeEmpty();
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>();
        breakpoint.HitCount.ShouldBe(1);
    }

    [Fact]
    public async Task A_backtrace_shows_the_C_functions_with_their_files_and_lines()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        session.AddBreakpointAtLine("sort.c", 33);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        var frames = session.Frames;
        frames.Select(f => f.Source?.ToString()).ShouldBe([
            "insertion_sort at /cguest/sort.c:33:24",
            "main at /cguest/sort.c:51:5",
            "_start at build/libc-bottom-half/crt/crt1-command.c:12:13",
            null]); // the linker's _start.command_export wrapper has no DWARF
        frames.Select(f => f.ToString()).ShouldBe([
            $"insertion_sort+0x{frames[0].Pc:x} at /cguest/sort.c:33:24",
            $"__original_main+0x{frames[1].Pc:x} at /cguest/sort.c:51:5 in main", // clang renames main(void)
            $"_start+0x{frames[2].Pc:x} at build/libc-bottom-half/crt/crt1-command.c:12:13",
            $"_start.command_export+0x{frames[3].Pc:x}"]);
        frames[0].SourceFrames.ShouldBe([frames[0].Source!]);
    }

    [Fact]
    public async Task At_O2_a_backtrace_expands_inlined_calls()
    {
        await using var session = CGuest.Session("sort-O2.wasm");
        session.AddBreakpointAtLine("sort.c", 33);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        var top = session.Frames[0];
        top.FunctionName.ShouldBe("__original_main"); // the wasm function: insertion_sort is inlined into main
        top.Source!.Function.ShouldBe("insertion_sort");
        top.SourceFrames.Select(s => s.ToString()).ShouldBe(["insertion_sort at /cguest/sort.c:33:22", "main at /cguest/sort.c:51:5"]);
        top.ToString().ShouldBe($"__original_main+0x{top.Pc:x} at /cguest/sort.c:33:22 in insertion_sort");
    }

    [Fact]
    public async Task A_trap_backtrace_has_source_positions()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        var breakpoint = session.AddBreakpointAtLine("sort.c", 33); // a[j + 1] = a[j];
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        // At -O0 the line starts by loading `a` from insertion_sort's stack frame (local.get fp; i32.load offset):
        // point `a` far outside memory, and the load of a[j] traps on this line.
        var pc = breakpoint.Breakpoints[0].Location;
        var code = session.Analysis(pc.Function).Code;
        int index = code.IndexOfOffset(pc.Pc);
        code[index].Opcode.ShouldBe(Wasm.Instructions.Opcode.LocalGet);
        code[index + 1].Opcode.ShouldBe(Wasm.Instructions.Opcode.I32Load);
        int slot = session.Local(code[index].Index).AsInt32() + (int)code[index + 1].MemArg.Offset;
        session.Memory().WriteInt32(slot, 0x7FFF_FFF0);
        session.RemoveBreakpoint(breakpoint);

        var trap = (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();
        trap.Code.ShouldBe("memory_out_of_bounds");
        trap.Frames.Take(2).Select(f => f.Source?.ToString()).ShouldBe([
            "insertion_sort at /cguest/sort.c:33:24", "main at /cguest/sort.c:51:5"]);
    }

    [Fact]
    public async Task Stepping_over_lines_walks_the_insertion_sort()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        var breakpoint = session.AddBreakpointAtLine("sort.c", 30);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.RemoveBreakpoint(breakpoint);

        var lines = new List<int>();
        for (int i = 0; i < 22; i++)
        {
            var stop = await session.StepLineAsync(StepKind.Over);
            stop.ShouldBeOfType<StepStop>();
            var source = session.Frames[0].Source.ShouldNotBeNull();
            source.Function.ShouldBe("insertion_sort");
            lines.Add(source.Line);
        }

        // i = 1 (key 2): one shift; i = 2 (key 9): none; i = 3 (key 1): three shifts.
        lines.ShouldBe([31, 32, 33, 34, 32, 36, 29, 30, 31, 32, 36, 29, 30, 31, 32, 33, 34, 32, 33, 34, 32, 33]);
    }

    [Fact]
    public async Task Stepping_into_a_call_stops_at_the_callees_first_line_and_stepping_out_at_the_callers_next_line()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        session.RemoveBreakpoint(session.AddBreakpointAtLine("sort.c", 51)); // (checks the line resolves)
        var call = session.AddBreakpointAtLine("sort.c", 51);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.RemoveBreakpoint(call);

        var stops = new List<string>();
        async Task Step(StepKind kind)
        {
            (await session.StepLineAsync(kind)).ShouldBeOfType<StepStop>();
            var source = session.Frames[0].Source!;
            stops.Add($"{kind} -> {source.Function}:{source.Line} (depth {session.Frames.Count})");
        }

        await Step(StepKind.Into);  // insertion_sort(values, n): past the prologue, to the first line of the body
        await Step(StepKind.Over);
        await Step(StepKind.Out);   // back in main, on to the line after the call
        await Step(StepKind.Over);
        await Step(StepKind.Over);  // the printf call in the loop is stepped over
        stops.ShouldBe([
            "Into -> insertion_sort:29 (depth 4)",
            "Over -> insertion_sort:30 (depth 4)",
            "Out -> main:52 (depth 3)",
            "Over -> main:53 (depth 3)",
            "Over -> main:52 (depth 3)"]);
    }

    [Fact]
    public async Task Stepping_into_a_line_whose_call_result_feeds_another_call_enters_the_inner_call()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        var print = session.AddBreakpointAtLine("sort.c", 55); // printf("\nsum=%d\n", sum(values, n));
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.RemoveBreakpoint(print);

        (await session.StepLineAsync(StepKind.Into)).ShouldBeOfType<StepStop>();
        session.Frames[0].Source!.ToString().ShouldBe("sum at /cguest/sort.c:41:9");
        (await session.StepLineAsync(StepKind.Out)).ShouldBeOfType<StepStop>();
        session.Frames[0].Source!.Line.ShouldBe(56); // printf ran; the next line of main
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>();
        session.Stdout.ShouldBe(CGuest.SortOutput); // (libc flushes stdout at exit)
    }

    [Fact]
    public async Task A_line_step_before_the_run_stops_at_the_first_line_with_code()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        (await session.StepLineAsync(StepKind.Into)).ShouldBeOfType<StepStop>();
        session.Frames[0].Source!.ToString().ShouldBe("_start at build/libc-bottom-half/crt/crt1-command.c:12:13");
    }

    [Fact]
    public async Task A_breakpoint_met_during_a_line_step_ends_the_step()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        var call = session.AddBreakpointAtLine("sort.c", 51);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        var inner = session.AddBreakpointAtLine("sort.c", 33);
        var stop = await session.StepLineAsync(StepKind.Over); // over insertion_sort(...), which hits line 33
        stop.ShouldBeOfType<BreakpointStop>().Breakpoint.ShouldBe(inner.Breakpoints[0]);
        session.Frames[0].Source!.Line.ShouldBe(33);
        call.HitCount.ShouldBe(1);
    }

    [Fact]
    public void Line_steps_work_from_an_inline_handler()
    {
        using var session = CGuest.Session("sort-O0.wasm");
        var breakpoint = session.AddBreakpointAtLine("sort.c", 30);
        var lines = new List<int>();
        var final = session.Run(stop =>
        {
            if (stop is BreakpointStop) session.RemoveBreakpoint(breakpoint);
            lines.Add(session.Frames[0].Source!.Line);
            return lines.Count < 12 ? session.BeginLineStep(StepKind.Over) : ResumeAction.Continue;
        });
        lines.ShouldBe([30, 31, 32, 33, 34, 32, 36, 29, 30, 31, 32, 36]);
        final.ShouldBeOfType<FinishedStop>();
        session.Stdout.ShouldBe(CGuest.SortOutput);
    }

    [Fact]
    public void An_unknown_file_is_an_error_listing_the_known_files()
    {
        using var session = CGuest.Session("sort-O0.wasm");
        var error = Should.Throw<ArgumentException>(() => session.AddBreakpointAtLine("src/sort.c", 30));
        error.ParamName.ShouldBe("file");
        error.Message.ShouldStartWith("no source file 'src/sort.c' in the module's line table; known files: /cguest/sort.c, build/libc-bottom-half/crt/crt1-command.c, ");
        error.Message.ShouldEndWith("(and 20 more) (Parameter 'file')"); // 32 files have code; 12 are listed
        session.Breakpoints.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(27, "line 27 of /cguest/sort.c has no code; nearest lines with code: 24, 28, 29, 30")]
    [InlineData(47, "line 47 of /cguest/sort.c has no code; nearest lines with code: 43, 45, 48, 50")]
    [InlineData(1000, "line 1000 of /cguest/sort.c has no code; nearest lines with code: 52, 53, 55, 56")]
    public void A_line_without_code_is_an_error_naming_the_nearest_lines_with_code(int line, string message)
    {
        using var session = CGuest.Session("sort-O0.wasm");
        var error = Should.Throw<ArgumentException>(() => session.AddBreakpointAtLine("sort.c", line));
        error.ParamName.ShouldBe("line");
        error.Message.ShouldBe($"{message} (Parameter 'line')");
        var resolution = session.Dwarf.ResolveLine("sort.c", line);
        (resolution.Status, resolution.Error).ShouldBe((LineResolutionStatus.NoCode, message));
    }

    [Fact]
    public void A_module_without_DWARF_has_no_source_positions_or_line_breakpoints()
    {
        using var session = Debugging.Wat.Session("(module (func (export \"f\") nop))", new DebugSessionOptions { Entry = "f" });
        session.Dwarf.HasLineInfo.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => session.AddBreakpointAtLine("a.c", 1))
            .Message.ShouldBe("the module has no DWARF line information (build it with -g and keep its .debug_* custom sections)");
        Should.Throw<InvalidOperationException>(() => session.BeginLineStep(StepKind.Over));
        session.Run(_ => ResumeAction.Continue).ShouldBeOfType<FinishedStop>();
        session.Locate(0).ShouldBeNull();
    }

    [Fact]
    public async Task Malformed_DWARF_leaves_frames_without_source_and_source_APIs_raise_the_typed_error()
    {
        var module = Wasm.Decoding.ModuleDecoder.Decode(CGuest.Read("sort-O0.wasm"));
        int index = module.CustomSections.FindIndex(s => s.Name == ".debug_line");
        var payload = (byte[])module.CustomSections[index].Payload.Clone();
        payload[4] = 9; // version 9
        var bytes = Wasm.Encoding.ModuleEncoder.Encode(module);
        int at = IndexOf(bytes, module.CustomSections[index].Payload);
        payload.CopyTo(bytes, at);

        await using var session = DebugSession.Create(bytes, CGuest.Options);
        Should.Throw<DwarfFormatException>(() => session.AddBreakpointAtLine("sort.c", 30)).Section.ShouldBe(".debug_line");
        session.AddBreakpoint("insertion_sort", session.Module.Bodies[session.Module.Names.ResolveFunction("insertion_sort") - session.Module.ImportedFunctionCount].Code[0].Offset);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.Frames.ShouldAllBe(f => f.Source == null);
        session.Frames[0].ToString().ShouldStartWith("insertion_sort+0x");
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        }
        return -1;
    }
}
