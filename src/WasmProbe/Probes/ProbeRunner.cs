using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Model;

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
        using var session = module.CreateSession(InstrumentationMode.Static);
        RunStops(module, session, [new CodeLocation(probe.Function, probe.Pc)], probe.Hit, probe.Optional, probe.Expectations, probe.Ending, probe.ImportCalls, onStop, null, e => e.Check(session),
            (at, hit, total) => $"{at} (pc 0x{probe.Pc:x}, hit {hit} of {total})",
            breakpoints => $"{breakpoints[0]} (pc 0x{probe.Pc:x})",
            "the breakpoint was never hit");
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
        using var session = module.CreateSession(InstrumentationMode.Static);
        RunStops(module, session, probe.Locations, probe.Hit, probe.Optional, probe.Expectations, probe.Ending, probe.ImportCalls, onStop, null, e => e.Check(session),
            (at, hit, total) => $"{line} ({at}, hit {hit} of {total})",
            breakpoints => $"{line} (at {string.Join(", ", breakpoints)})",
            "the line was never hit");
    }

    /// <summary>One entry run with static instrumentation and a breakpoint at each location; a stop at any of them is
    /// a hit of the probe (numbered across all of them).</summary>
    /// <param name="stopName">The headline of a failing stop: (breakpoint, hit, total hits).</param>
    /// <param name="probeName">The probe's name in messages about the run as a whole.</param>
    /// <param name="isHit">Whether a stop at one of the locations is a hit (null: every stop is).</param>
    /// <param name="check">Checks one expectation at a hit.</param>
    private static void RunStops(ProbeModule module, DebugSession session, IReadOnlyList<CodeLocation> locations, int wantedHit, bool optional,
        IReadOnlyList<Expectation> expectations, ExpectedEnding? ending, IReadOnlyList<ImportCallExpectation>? importCalls, Action<DebugSession, int>? onStop,
        Func<CodeLocation, bool>? isHit, Func<Expectation, string?> check, Func<Breakpoint, int, int, string> stopName, Func<IReadOnlyList<Breakpoint>, string> probeName, string neverHit)
    {
        using var calls = ImportCallLog.Begin();
        var breakpoints = locations.Select(l => session.AddBreakpoint(l.Function, l.Pc)).ToArray();
        string name = probeName(breakpoints);
        var report = new FailureReport();
        int hits = 0;

        var final = session.Run(stop =>
        {
            if (stop is not BreakpointStop hit || Array.IndexOf(breakpoints, hit.Breakpoint) < 0) return ResumeAction.Continue;
            if (isHit is not null && !isHit(hit.Breakpoint.Location)) return ResumeAction.Continue;
            int n = ++hits;
            if (wantedHit != 0 && n != wantedHit) return ResumeAction.Continue;
            var failures = new List<string>();
            Exception? thrown = null;
            foreach (var expectation in expectations)
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
            if (failures.Count > 0)
            {
                var at = hit.Breakpoint;
                report.AddStop(total => stopName(at, n, total), failures, thrown, session);
            }
            return ResumeAction.Continue;
        });

        if ((ending ?? ExpectedEnding.Normal).Check(final, module.ExitCode) is { } ended) report.AddEnding(ended);
        else
        {
            if (!optional && hits == 0) report.AddEnding($"{name}: {neverHit}; {FailureReport.Outcome(final)}");
            else if (!optional && wantedHit > hits) report.AddEnding($"{name}: hit {hits} {(hits == 1 ? "time" : "times")}, never a hit {wantedHit}; {FailureReport.Outcome(final)}");
            CheckImportCalls(importCalls, calls.Log, report);
        }
        if (report.HasFailures) throw new ProbeFailedException(report.Format(hits), report.FirstException);
    }

    /// <summary>Runs an <see cref="OnReturnAttribute"/> probe: a breakpoint at the function's entry (to keep each call's
    /// arguments, innermost call last) and at each of its exits; a stop at an exit whose branch is taken is a hit.</summary>
    /// <param name="onStop">Calls the probe method with the stop (session, hit, the return); null for declarative-only probes.</param>
    public static void RunReturn(ProbeModule module, ReturnProbe probe, Action<DebugSession, int, FunctionReturn>? onStop)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(probe);
        using var session = module.CreateSession(InstrumentationMode.Static);
        var analysis = session.Analysis(probe.Function);
        var exits = Wasm.Resolution.FunctionExits.Of(analysis).ToDictionary(e => e.Pc);
        int parameters = analysis.Locals.ParameterCount;
        int results = session.Module.IndexSpaces.FunctionTypeOfFunction(probe.Function).Results.Length;
        int entryPc = Wasm.Resolution.PcResolver.Entry(analysis);
        var locations = exits.Keys.Append(entryPc).Distinct().Order().Select(pc => new CodeLocation(probe.Function, pc)).ToArray();
        var calls = new Stack<Inspection.WasmValue[]>();
        FunctionReturn? current = null;
        string function = session.Module.Names.FunctionOrIndex(probe.Function);
        RunStops(module, session, locations, probe.Hit, probe.Optional, probe.Expectations, probe.Ending, probe.ImportCalls,
            onStop is null ? null : (s, hit) => onStop(s, hit, current!),
            at =>
            {
                var frame = session.Frames[0];
                if (at.Pc == entryPc) calls.Push([.. frame.Locals.Take(parameters)]);
                var stack = frame.Stack;
                if (!exits.TryGetValue(at.Pc, out var exit) || !Leaves(exit, stack)) return false;
                var returned = exit.Kind == Wasm.Resolution.ExitKind.TailCall ? [] : stack.Skip(stack.Count - exit.ValuesAboveResults - results).Take(results).ToArray();
                current = new FunctionReturn(exit, calls.Count > 0 ? calls.Pop() : [], returned);
                return true;
            },
            e => e is ReturnExpectation returning ? returning.Check(current!) : e.Check(session),
            (_, hit, total) => $"{function} returning at 0x{current!.Exit.Pc:x} ({current.Exit.Kind}, return {hit} of {total})",
            _ => $"{function} (returns)",
            "the function never returned");
    }

    private static bool Leaves(Wasm.Resolution.FunctionExit exit, IReadOnlyList<Inspection.WasmValue> stack) => exit.Kind switch
    {
        Wasm.Resolution.ExitKind.BranchIf => stack[^1].AsInt32() != 0,
        Wasm.Resolution.ExitKind.BranchTable => exit.Leaving![Math.Min((uint)stack[^1].AsInt32(), (uint)(exit.Leaving.Length - 1))],
        _ => true,
    };

    /// <param name="onStep">Calls the probe method with the stop (session, step); null for declarative-only probes.</param>
    public static void RunSteps(ProbeModule module, StepProbe probe, Action<DebugSession, int>? onStep)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(probe);
        using var calls = ImportCallLog.Begin();
        using var session = module.CreateSession(InstrumentationMode.Debug);
        var breakpoint = session.AddBreakpoint(probe.Function, probe.Pc);
        string start = $"{breakpoint.FunctionName}+0x{probe.Pc:x}";
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
        session.LastStop?.Location is { } at ? $"{session.Module.Names.FunctionOrIndex(at.Function)}+0x{at.Pc:x}" : "?";
}
