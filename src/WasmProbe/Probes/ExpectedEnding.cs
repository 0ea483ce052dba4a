using WasmProbe.Debugging;
using WasmProbe.Inspection;

namespace WasmProbe.Probes;

/// <summary>How a probe's run must end, built by generated code: normally (the default: returning, or <c>proc_exit</c>
/// with the class's exit code), with given results of the entry (<see cref="ExpectFinishAttribute"/>), or with a trap
/// (<see cref="ExpectTrapAttribute"/>). <see cref="Check"/> returns null when the run ended so, else the failure text.</summary>
public abstract class ExpectedEnding
{
    private protected ExpectedEnding() { }

    public static ExpectedEnding Normal { get; } = new NormalEnding();

    /// <summary>The entry returns these results (converted by the generator to the entry's result types).</summary>
    public static ExpectedEnding Finish(params WasmValue[] results) => new FinishEnding(results);

    /// <summary>The run traps; with <paramref name="code"/> (a <see cref="Wasm.Model.TrapCodes"/> name), with that trap.</summary>
    public static ExpectedEnding Trap(string? code = null) => new TrapEnding(code);

    /// <param name="exitCode">The exit code the probe class expects of <c>proc_exit</c>.</param>
    public abstract string? Check(StopEvent final, int exitCode);

    private sealed class NormalEnding : ExpectedEnding
    {
        public override string? Check(StopEvent final, int exitCode) => FailureReport.Abnormal(final, exitCode);
    }

    private sealed class FinishEnding(WasmValue[] results) : ExpectedEnding
    {
        public override string? Check(StopEvent final, int exitCode)
        {
            if (FailureReport.Abnormal(final, exitCode) is { } abnormal) return abnormal;
            if (final is not FinishedStop finished) return null;
            if (finished.ExitCode is not null) return $"the guest exited (proc_exit) instead of returning {FailureReport.Results(results)} [ExpectFinish]";
            bool same = finished.Results.Count == results.Length && results.Select((r, i) => Expectation.Same(r, finished.Results[i])).All(s => s);
            return same ? null : $"the entry returned {FailureReport.Results(finished.Results)}, expected {FailureReport.Results(results)} [ExpectFinish]";
        }
    }

    private sealed class TrapEnding(string? code) : ExpectedEnding
    {
        public override string? Check(StopEvent final, int exitCode)
        {
            string wanted = code is null ? "a trap" : $"a trap ({code})";
            return final switch
            {
                TrapStop trap when code is null || trap.Code == code => null,
                TrapStop trap => $"the guest trapped with {trap.Code} ({trap.Message}), expected {wanted} [ExpectTrap]\n" + FailureReport.Context(trap.Frames),
                FinishedStop => $"{FailureReport.Outcome(final)}, expected {wanted} [ExpectTrap]",
                _ => FailureReport.Abnormal(final, exitCode) + $"\nexpected {wanted} [ExpectTrap]",
            };
        }
    }
}
