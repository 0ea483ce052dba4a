using WasmProbe.Debugging;
using WasmProbe.Instrumentation;

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
        using var session = module.CreateSession(InstrumentationMode.Static);
        var breakpoint = session.AddBreakpoint(probe.Function, probe.Pc);
        string location = $"{breakpoint.FunctionName}+0x{probe.Pc:x}";
        var report = new FailureReport();

        var final = session.Run(stop =>
        {
            if (stop is not BreakpointStop hit || hit.Breakpoint != breakpoint) return ResumeAction.Continue;
            if (probe.Hit != 0 && hit.Hit != probe.Hit) return ResumeAction.Continue;
            var failures = new List<string>();
            Exception? thrown = null;
            foreach (var expectation in probe.Expectations)
            {
                if (expectation.Hit != 0 && expectation.Hit != hit.Hit) continue;
                if (expectation.Check(session) is { } failure) failures.Add(failure);
            }
            if (onStop is not null)
            {
                try
                {
                    onStop(session, hit.Hit);
                }
                catch (Exception e)
                {
                    thrown = e;
                    failures.Add(FailureReport.Describe(e));
                }
            }
            if (failures.Count > 0)
            {
                int n = hit.Hit;
                report.AddStop(total => $"{location} (pc 0x{probe.Pc:x}, hit {n} of {total})", failures, thrown, session);
            }
            return ResumeAction.Continue;
        });

        int hits = breakpoint.HitCount;
        if (FailureReport.Abnormal(final) is { } abnormal) report.AddEnding(abnormal);
        else if (!probe.Optional && hits == 0) report.AddEnding($"{location} (pc 0x{probe.Pc:x}): the breakpoint was never hit; {FailureReport.Outcome(final)}");
        else if (!probe.Optional && probe.Hit > hits) report.AddEnding($"{location} (pc 0x{probe.Pc:x}): hit {hits} {(hits == 1 ? "time" : "times")}, never a hit {probe.Hit}; {FailureReport.Outcome(final)}");
        if (report.HasFailures) throw new ProbeFailedException(report.Format(hits), report.FirstException);
    }

    /// <param name="onStep">Calls the probe method with the stop (session, step); null for declarative-only probes.</param>
    public static void RunSteps(ProbeModule module, StepProbe probe, Action<DebugSession, int>? onStep)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(probe);
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

        if (FailureReport.Abnormal(final) is { } abnormal) report.AddEnding(abnormal);
        else if (!probe.Optional && step < 0) report.AddEnding($"{start} (pc 0x{probe.Pc:x}): stepping never started: {(breakpoint.HitCount == 0 ? "the start was never hit" : $"the start was hit {breakpoint.HitCount} {(breakpoint.HitCount == 1 ? "time" : "times")}, never a hit {probe.Hit}")}; {FailureReport.Outcome(final)}");
        else if (!probe.Optional && step < probe.Steps) report.AddEnding($"{start} (pc 0x{probe.Pc:x}): stepping ended after {step} of {probe.Steps} steps; {FailureReport.Outcome(final)}");
        if (report.HasFailures) throw new ProbeFailedException(report.Format(breakpoint.HitCount), report.FirstException);
    }

    private static string Here(DebugSession session) =>
        session.LastStop?.Location is { } at ? $"{session.Module.Names.FunctionOrIndex(at.Function)}+0x{at.Pc:x}" : "?";
}
