using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Watchpoints;

namespace WasmProbe.Probes;

/// <summary>Runs generated probe tests: one entry run per test, on the calling thread (<see cref="DebugSession.Run"/>),
/// evaluating the declarative expectations and calling the probe method at each stop. Failures are collected while
/// the guest runs and thrown afterwards as one <see cref="ProbeFailedException"/>, so the message can say
/// "hit 3 of 10".</summary>
public static class ProbeRunner
{
    /// <param name="onStop">Calls the probe method with the stop (session, hit); null for declarative-only probes.</param>
    public static void RunBreakpoint(ProbeModule module, BreakpointProbe probe, Action<DebugSession, int>? onStop)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(probe);
        // fib+0xa1 (pc 0xa1, hit 3 of 10): ...
        using var session = module.CreateSession(InstrumentationMode.Static, watchWrites: probe.NoWrites is { Count: > 0 });
        var breakpoint = AddBreakpoint(session, probe.Module, probe.Function, probe.Pc);
        RunStops(module, session, new RunChecks(probe.Hit, probe.Optional, probe.Expectations, probe.Ending, probe.ImportCalls, probe.NoWrites),
            stop => stop is BreakpointStop hit && hit.Breakpoint == breakpoint, onStop, e => e.Check(session),
            hit => total => $"{breakpoint} (pc 0x{probe.Pc:x}, hit {hit} of {total})",
            $"{breakpoint} (pc 0x{probe.Pc:x})", "the breakpoint was never hit");
    }

    /// <summary>Runs a <see cref="BreakAtLineAttribute"/> probe: a breakpoint at each of the line's locations, whose
    /// stops are all hits of the probe, counted in execution order.</summary>
    /// <param name="onStop">Calls the probe method with the stop (session, hit); null for declarative-only probes.</param>
    public static void RunLineBreakpoint(ProbeModule module, LineProbe probe, Action<DebugSession, int>? onStop)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(probe);
        if (probe.Locations.Count == 0) throw new ArgumentException("a line probe needs at least one location", nameof(probe));
        // sort.c:33 (insertion_sort+0x2d5, hit 3 of 8): ...
        string line = $"{probe.File}:{probe.Line}";
        using var session = module.CreateSession(InstrumentationMode.Static, watchWrites: probe.NoWrites is { Count: > 0 });
        var breakpoints = probe.Locations.Select(l => AddBreakpoint(session, probe.Module, l.Function, l.Pc)).ToArray();
        Breakpoint? at = null;
        RunStops(module, session, new RunChecks(probe.Hit, probe.Optional, probe.Expectations, probe.Ending, probe.ImportCalls, probe.NoWrites),
            stop => (at = (stop as BreakpointStop)?.Breakpoint) is { } b && Array.IndexOf(breakpoints, b) >= 0, onStop, e => e.Check(session),
            hit =>
            {
                var here = at;
                return total => $"{line} ({here}, hit {hit} of {total})";
            },
            $"{line} (at {string.Join(", ", (IEnumerable<Breakpoint>)breakpoints)})", "the line was never hit");
    }

    /// <summary>Runs an <see cref="OnReturnAttribute"/> probe: each return <see cref="ReturnStops"/> sees is a hit.</summary>
    /// <param name="onStop">Calls the probe method with the stop (session, hit, the return); null for declarative-only probes.</param>
    public static void RunReturn(ProbeModule module, ReturnProbe probe, Action<DebugSession, int, FunctionReturn>? onStop)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(probe);
        using var session = module.CreateSession(InstrumentationMode.Static, watchWrites: probe.NoWrites is { Count: > 0 });
        var returns = ReturnStops.Arm(session, probe.Function);
        FunctionReturn? current = null;
        string function = session.Module.Names.FunctionOrIndex(probe.Function);
        RunStops(module, session, new RunChecks(probe.Hit, probe.Optional, probe.Expectations, probe.Ending, probe.ImportCalls, probe.NoWrites),
            stop => (current = returns.Observe(stop)) is not null,
            onStop is null ? null : (s, hit) => onStop(s, hit, current!),
            e => e is ReturnExpectation returning ? returning.Check(current!) : e.Check(session),
            hit =>
            {
                var exit = current!.Exit;
                return total => $"{function} returning at 0x{exit.Pc:x} ({exit.Kind}, return {hit} of {total})";
            },
            $"{function} (returns)", "the function never returned");
    }

    /// <summary>Runs a <see cref="BreakOnWriteAttribute"/> probe: a watchpoint on the range, whose every write is a hit.</summary>
    /// <param name="onStop">Calls the probe method with the stop (session, hit, the write); null for declarative-only probes.</param>
    public static void RunWrite(ProbeModule module, WriteProbe probe, Action<DebugSession, int, WriteHit>? onStop)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(probe);
        using var session = module.CreateSession(InstrumentationMode.Static, watchWrites: true);
        var range = probe.Range;
        var watchpoint = session.AddWatchpoint(range.Address, range.Length, range.Memory);
        WriteHit? current = null;
        string name = $"{Watched(range)} (writes)";
        RunStops(module, session, new RunChecks(probe.Hit, probe.Optional, probe.Expectations, probe.Ending, probe.ImportCalls, probe.NoWrites),
            stop => ReferenceEquals((current = (stop as WatchpointStop)?.Write)?.Watchpoint, watchpoint),
            onStop is null ? null : (s, hit) => onStop(s, hit, current!),
            e => e.Check(session),
            hit =>
            {
                string write = Describe(session, current!);
                return total => $"{Watched(range)} ({write}, write {hit} of {total})";
            },
            name, "the range was never written", () => WriteContext(current!));
    }

    /// <summary>Runs a <see cref="BreakOnGlobalWriteAttribute"/> probe: a watchpoint on the global, whose every write is a hit.</summary>
    /// <param name="onStop">Calls the probe method with the stop (session, hit, the write); null for declarative-only probes.</param>
    public static void RunGlobalWrite(ProbeModule module, GlobalWriteProbe probe, Action<DebugSession, int, GlobalWriteHit>? onStop)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(probe);
        using var session = module.CreateSession(InstrumentationMode.Static, watchWrites: true);
        var watchpoint = session.AddGlobalWatchpoint(probe.Global);
        string global = session.Module.Names.Global(probe.Global) ?? $"global {probe.Global}";
        GlobalWriteHit? current = null;
        RunStops(module, session, new RunChecks(probe.Hit, probe.Optional, probe.Expectations, probe.Ending, probe.ImportCalls, probe.NoWrites),
            stop => ReferenceEquals((current = (stop as GlobalWatchpointStop)?.Write)?.Watchpoint, watchpoint),
            onStop is null ? null : (s, hit) => onStop(s, hit, current!),
            e => e.Check(session),
            hit =>
            {
                string by = Where(session, current!.Function, current.Pc);
                return total => $"{global} ({by}, write {hit} of {total})";
            },
            $"{global} (writes)", "the global was never written",
            () => $"global {global}: {current!.OldValue.FormatValue()} before the write, {current.NewValue.FormatValue()} written\n");
    }

    /// <summary>What one run checks besides its stops' own expectations.</summary>
    private sealed record RunChecks(int Hit, bool Optional, IReadOnlyList<Expectation> Expectations, ExpectedEnding? Ending,
        IReadOnlyList<ImportCallExpectation>? ImportCalls, IReadOnlyList<WriteWatchpoint>? NoWrites);

    /// <summary>One entry run with static instrumentation; each stop <paramref name="isHit"/> accepts is a hit of the
    /// probe (numbered in execution order).</summary>
    /// <param name="check">Checks one expectation at a hit.</param>
    /// <param name="headline">The headline of a failing hit: given the hit, a text of the total number of hits.</param>
    /// <param name="probeName">The probe's name in messages about the run as a whole.</param>
    /// <param name="context">The context of a failing hit; null: the session's frames.</param>
    private static void RunStops(ProbeModule module, DebugSession session, RunChecks checks, Func<StopEvent, bool> isHit, Action<DebugSession, int>? onStop,
        Func<Expectation, string?> check, Func<int, Func<int, string>> headline, string probeName, string neverHit, Func<string>? context = null)
    {
        using var calls = ImportCallLog.Begin();
        var forbidden = ForbiddenWrites.Arm(session, checks.NoWrites);
        var report = new FailureReport();
        int hits = 0;

        var final = session.Run(stop =>
        {
            if (forbidden?.Report(stop, report) == true || !isHit(stop)) return ResumeAction.Continue;
            int n = ++hits;
            if (checks.Hit != 0 && n != checks.Hit) return ResumeAction.Continue;
            var failures = new List<string>();
            Exception? thrown = null;
            foreach (var expectation in checks.Expectations)
            {
                if (expectation.Hit != 0 && expectation.Hit != n) continue;
                if (check(expectation) is { } failure) failures.Add(failure);
            }
            if (onStop is not null)
            {
                try
                {
                    onStop(session, n);
                }
                catch (Exception e)
                {
                    thrown = e;
                    failures.Add(FailureReport.Describe(e));
                }
            }
            if (failures.Count > 0) report.AddStop(headline(n), failures, thrown, session, context?.Invoke());
            return ResumeAction.Continue;
        });

        if ((checks.Ending ?? ExpectedEnding.Normal).Check(final, module.ExitCode) is { } ended) report.AddEnding(ended);
        else
        {
            if (!checks.Optional && hits == 0) report.AddEnding($"{probeName}: {neverHit}; {FailureReport.Outcome(final)}");
            else if (!checks.Optional && checks.Hit > hits) report.AddEnding($"{probeName}: hit {hits} {(hits == 1 ? "time" : "times")}, never a hit {checks.Hit}; {FailureReport.Outcome(final)}");
            CheckImportCalls(checks.ImportCalls, calls.Log, report);
        }
        if (report.HasFailures) throw new ProbeFailedException(report.Format(hits), report.FirstException);
    }

    /// <summary>The ranges a run must not write (<see cref="ExpectNoWriteAttribute"/>), armed on its session: each write
    /// into one is a failing stop of the run.</summary>
    private sealed class ForbiddenWrites(DebugSession session, WriteWatchpoint[] armed)
    {
        public static ForbiddenWrites? Arm(DebugSession session, IReadOnlyList<WriteWatchpoint>? ranges) => ranges is { Count: > 0 }
            ? new ForbiddenWrites(session, [.. ranges.Select(r => session.AddWatchpoint(r.Address, r.Length, r.Memory))])
            : null;

        /// <summary>True when <paramref name="stop"/> is a write into a forbidden range (then added to the report).</summary>
        public bool Report(StopEvent stop, FailureReport report)
        {
            if (stop is not WatchpointStop { Write: var write } || !armed.Any(w => ReferenceEquals(w, write.Watchpoint))) return false;
            string where = Describe(session, write);
            report.AddStop(_ => $"{Watched(write.Watchpoint)} must not be written [ExpectNoWrite]", [$"written by {where}"], null, session, WriteContext(write));
            return true;
        }
    }

    private static string Watched(WriteWatchpoint range) =>
        $"{(range.Memory == 0 ? "memory" : $"memory {range.Memory}")}[0x{range.Address:x}..0x{range.Address + range.Length:x}]";

    private static string Describe(DebugSession session, WriteHit write) =>
        $"{Where(session, write.Function, write.Pc)}, {write.Length} {(write.Length == 1 ? "byte" : "bytes")} at 0x{write.Address:x}";

    /// <summary>fib+0xa1.</summary>
    /// <param name="module">The linked module the location is in; null: the guest's.</param>
    private static Breakpoint AddBreakpoint(DebugSession session, string? module, int function, int pc) =>
        module is null ? session.AddBreakpoint(function, pc) : session.AddBreakpoint(module, function, pc);

    private static string Where(DebugSession session, int function, int pc) => $"{session.Module.Names.FunctionOrIndex(function)}+0x{pc:x}";

    /// <summary>A write stop's context: the bytes (the guest is in the write check, with no frame to show).</summary>
    private static string WriteContext(WriteHit write) =>
        $"bytes at 0x{write.Address:x} before the write: {Bytes(write.OldBytes)}\nbytes it writes: {Bytes(write.NewBytes)}\n";

    private static string Bytes(byte[] bytes) => bytes.Length == 0 ? "(out of bounds)"
        : bytes.Length <= 32 ? MemoryExpectation.Hex(bytes) : MemoryExpectation.Hex(bytes[..32]) + $" ... ({bytes.Length} bytes)";

    /// <param name="onStep">Calls the probe method with the stop (session, step); null for declarative-only probes.</param>
    public static void RunSteps(ProbeModule module, StepProbe probe, Action<DebugSession, int>? onStep)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(probe);
        using var calls = ImportCallLog.Begin();
        using var session = module.CreateSession(InstrumentationMode.Debug, earlyReturns: probe.EarlyReturns);
        var breakpoint = AddBreakpoint(session, probe.Module, probe.Function, probe.Pc);
        string start = breakpoint.ToString();
        var report = new FailureReport();
        var action = probe.Mode == StepMode.Into ? ResumeAction.StepInto : ResumeAction.StepOver;
        int step = -1;

        var final = session.Run(stop =>
        {
            if (step < 0)
            {
                if (stop is not BreakpointStop hit || hit.Breakpoint != breakpoint || hit.Hit != Math.Max(1, probe.Hit)) return ResumeAction.Continue;
                step = 0;
                session.RemoveBreakpoint(breakpoint);
            }
            else
            {
                step++;
            }
            var failures = new List<string>();
            Exception? thrown = null;
            if (step == 0)
            {
                foreach (var expectation in probe.Expectations)
                {
                    if (expectation.Check(session) is { } failure) failures.Add(failure);
                }
            }
            if (onStep is not null)
            {
                try
                {
                    onStep(session, step);
                }
                catch (Exception e)
                {
                    thrown = e;
                    failures.Add(FailureReport.Describe(e));
                }
            }
            if (failures.Count > 0)
            {
                string where = step == 0
                    ? $"{start} (pc 0x{probe.Pc:x}, hit {Math.Max(1, probe.Hit)}), step 0"
                    : $"{start} (pc 0x{probe.Pc:x}, hit {Math.Max(1, probe.Hit)}), step {step} at {Here(session)}";
                report.AddStop(_ => where, failures, thrown, session);
            }
            return step >= probe.Steps ? ResumeAction.RunToCompletion : action;
        }, ResumeAction.Continue);

        if ((probe.Ending ?? ExpectedEnding.Normal).Check(final, module.ExitCode) is { } ended) report.AddEnding(ended);
        else if (!probe.Optional && step < 0) report.AddEnding($"{start} (pc 0x{probe.Pc:x}): stepping never started: {(breakpoint.HitCount == 0 ? "the start was never hit" : $"the start was hit {breakpoint.HitCount} {(breakpoint.HitCount == 1 ? "time" : "times")}, never a hit {probe.Hit}")}; {FailureReport.Outcome(final)}");
        else if (!probe.Optional && step < probe.Steps) report.AddEnding($"{start} (pc 0x{probe.Pc:x}): stepping ended after {step} of {probe.Steps} steps; {FailureReport.Outcome(final)}");
        else CheckImportCalls(probe.ImportCalls, calls.Log, report);
        if (report.HasFailures) throw new ProbeFailedException(report.Format(breakpoint.HitCount), report.FirstException);
    }

    private static void CheckImportCalls(IReadOnlyList<ImportCallExpectation>? expectations, ImportCallLog log, FailureReport report)
    {
        foreach (var expectation in expectations ?? [])
        {
            if (expectation.Check(log) is { } failure) report.AddEnding(failure);
        }
    }

    private static string Here(DebugSession session) =>
        session.LastStop?.Location is { } at ? session.StoppedWhere(at.Function, at.Pc) : "?";
}
