using System.Globalization;
using WasmProbe.Benchmarks.Scale;
using WasmProbe.Coverage;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Benchmarks;

/// <summary>WasmProbe on real, compiler-produced guests (<see cref="RealGuest.All"/>: SQLite at -O0 and -O2, the
/// 2,000-function C guest, the Rust order book at opt-level 0 and 2), issue 16. For each guest, side by side:
/// (a) the debug build's code section against the original's; (b) run time of the static build with one breakpoint
/// that is never hit, of the coverage build and of a debug session idle and armed by that breakpoint, against the plain
/// module (same engine, this process, each compiled once, alternating rounds, best time); (c) the CLI's <c>trace --step --max-stops 1000</c> against <c>trace</c>
/// without stops, as whole child processes (wall time, peak RSS), cold (first process, empty compiled-code cache) and
/// warm (second process, same cache).
/// Debug builds and CLI runs happen in child processes with capped memory (<see cref="ChildProcess"/>): today's debug
/// builds of these guests take many GB. A case that fails prints its failure as the figure.</summary>
public sealed class ScaleBenchmark(IReadOnlyList<string> guestNames) : IBenchmark
{
    /// <summary>The hidden command line (<c>scale-child debug-build FILE</c>) the benchmark runs itself with to measure
    /// one debug build in a child process.</summary>
    public const string ChildCommand = "scale-child";

    private const string DebugBuildResult = "debug-build-code-bytes";
    private const double DebugCodeTarget = 3.0;
    private const double StaticTarget = 1.1;
    private const double CoverageTarget = 1.3;
    private const double DebugArmedTarget = 1.5;
    private const double ColdTraceTarget = 4.0;
    private const double WarmTraceTarget = 1.5;
    private const long TraceRssTarget = 1L << 30;
    private const int Rounds = 3;
    private const int MaxStops = 1000;

    public string Name => "scale";
    public string Description => "real guests (SQLite, Rust, 2,000 C functions): debug build size, idle breakpoint, coverage, trace --step; 'scale NAME...' runs only guests whose name contains NAME";

    public bool Run(TextWriter output)
    {
        var guests = RealGuest.All.Where(g => guestNames.Count == 0 || guestNames.Any(n => g.Name.Contains(n, StringComparison.OrdinalIgnoreCase))).ToArray();
        if (guests.Length == 0)
        {
            output.WriteLine($"no guest matches {string.Join(" ", guestNames)}; guests: {string.Join(", ", RealGuest.All.Select(g => g.Name))}");
            return false;
        }
        output.WriteLine($"child processes: DOTNET_GCHeapHardLimit={ChildProcess.HeapLimitBytes >> 30} GB, killed above {ChildProcess.RssLimitBytes >> 30} GB resident or after {ChildProcess.Timeout.TotalSeconds:F0} s");
        var results = new List<GuestFigures>();
        foreach (var guest in guests)
        {
            output.WriteLine($"measuring {guest.Name} ({guest.Path})...");
            output.Flush();
            results.Add(Measure(guest));
        }

        output.WriteLine();
        output.WriteLine($"{"guest",-13} {"code",9} {"debug build code",24} {"ratio",7}");
        foreach (var r in results)
            output.WriteLine($"{r.Guest.Name,-13} {Megabytes(r.Code),9} {r.DebugCode.Cell(Megabytes, 24)} {r.DebugCode.Over(Measurement.Of(r.Code)).RatioCell(7)}");

        output.WriteLine();
        output.WriteLine($"{"guest",-13} {"workload",-26} {"plain",9} {"static, bp never hit",24} {"ratio",7} {"coverage",24} {"ratio",7}");
        foreach (var r in results)
        {
            output.WriteLine($"{r.Guest.Name,-13} {r.Guest.Timed,-26} {r.Plain.Cell(Milliseconds, 9)} {r.Static.Cell(Milliseconds, 24)} {r.Static.Over(r.Plain).RatioCell(7)} "
                + $"{r.Coverage.Cell(Milliseconds, 24)} {r.Coverage.Over(r.Plain).RatioCell(7)}");
        }

        output.WriteLine();
        output.WriteLine("debug session (Debug mode, a new session per run: instantiation included), idle and armed by the same breakpoint, never hit");
        output.WriteLine($"{"guest",-13} {"workload",-26} {"plain",9} {"debug, idle",24} {"ratio",7} {"debug, armed",24} {"ratio",7}");
        foreach (var r in results)
        {
            output.WriteLine($"{r.Guest.Name,-13} {r.Guest.Timed,-26} {r.Plain.Cell(Milliseconds, 9)} {r.Times.DebugIdle.Cell(Milliseconds, 24)} {r.Times.DebugIdle.Over(r.Plain).RatioCell(7)} "
                + $"{r.Times.DebugArmed.Cell(Milliseconds, 24)} {r.Times.DebugArmed.Over(r.Plain).RatioCell(7)}");
        }

        output.WriteLine();
        output.WriteLine($"CLI, whole process: trace (no stops) vs trace --step --max-stops {MaxStops}; cold = first process, warm = second");
        output.WriteLine($"{"guest",-13} {"workload",-22} {"trace",8} {"--step",24} {"ratio",7} {"trace",8} {"--step",24} {"ratio",7} {"peak RSS: trace",16} {"--step",9}");
        output.WriteLine($"{"",-13} {"",-22} {"cold",8} {"cold",24} {"",7} {"warm",8} {"warm",24}");
        foreach (var r in results)
        {
            var t = r.Trace;
            output.WriteLine($"{r.Guest.Name,-13} {r.Guest.Traced,-22} {t.PlainCold.Wall.Cell(Seconds, 8)} {t.StepCold.Wall.Cell(Seconds, 24)} {t.StepCold.Wall.Over(t.PlainCold.Wall).RatioCell(7)} "
                + $"{t.PlainWarm.Wall.Cell(Seconds, 8)} {t.StepWarm.Wall.Cell(Seconds, 24)} {t.StepWarm.Wall.Over(t.PlainWarm.Wall).RatioCell(7)} "
                + $"{Megabytes(Math.Max(t.PlainCold.PeakRss, t.PlainWarm.PeakRss)),16} {Megabytes(t.StepPeakRss),9}");
        }

        output.WriteLine();
        bool pass = true;
        foreach (var r in results)
        {
            var t = r.Trace;
            pass &= Verdict(output, r.Guest, $"debug build code <= {DebugCodeTarget}x the original", r.DebugCode.Over(Measurement.Of(r.Code)), DebugCodeTarget);
            pass &= Verdict(output, r.Guest, $"static build, breakpoint never hit <= {StaticTarget}x", r.Static.Over(r.Plain), StaticTarget);
            pass &= Verdict(output, r.Guest, $"coverage <= {CoverageTarget}x", r.Coverage.Over(r.Plain), CoverageTarget);
            if (r.Guest.Timed.Calls == 1) pass &= Verdict(output, r.Guest, $"debug session armed, breakpoint never hit <= {DebugArmedTarget}x", r.Times.DebugArmed.Over(r.Plain), DebugArmedTarget);
            pass &= Verdict(output, r.Guest, $"trace --step --max-stops {MaxStops}, cold <= {ColdTraceTarget}x trace", t.StepCold.Wall.Over(t.PlainCold.Wall), ColdTraceTarget);
            pass &= Verdict(output, r.Guest, $"trace --step --max-stops {MaxStops}, warm <= {WarmTraceTarget}x trace", t.StepWarm.Wall.Over(t.PlainWarm.Wall), WarmTraceTarget);
            var rss = t.StepCold.Wall.Succeeded && t.StepWarm.Wall.Succeeded ? Measurement.Of(t.StepPeakRss) : Measurement.Failed("trace --step failed");
            pass &= Verdict(output, r.Guest, $"trace --step peak RSS <= {TraceRssTarget >> 30} GB", rss, TraceRssTarget, Megabytes);
        }
        return pass;
    }

    private static bool Verdict(TextWriter output, RealGuest guest, string target, Measurement measured, double limit, Func<double, string>? format = null)
    {
        bool met = measured.Succeeded && measured.Value <= limit;
        string figure = measured.Succeeded ? (format ?? Ratio)(measured.Value).Trim() : $"failed: {measured.Failure}";
        output.WriteLine($"{(met ? "PASS" : "FAIL")}: {guest.Name}: {target} (measured {figure})");
        return met;
    }

    private static string Megabytes(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F2} MB");
    private static string Milliseconds(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:F1}ms");
    private static string Seconds(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:F2}s");
    private static string Ratio(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio:F2}x");

    private sealed record GuestFigures(RealGuest Guest, int Code, Measurement DebugCode, RunTimes Times, TraceFigures Trace)
    {
        public Measurement Plain => Times.Plain;
        public Measurement Static => Times.Static;
        public Measurement Coverage => Times.Coverage;
    }

    private sealed record TraceRun(Measurement Wall, long PeakRss);

    private sealed record TraceFigures(TraceRun PlainCold, TraceRun StepCold, TraceRun PlainWarm, TraceRun StepWarm)
    {
        public long StepPeakRss => Math.Max(StepCold.PeakRss, StepWarm.PeakRss);
    }

    private static GuestFigures Measure(RealGuest guest)
    {
        string path = Path.Combine(WasmProbe.Tests.Repository.Root, guest.Path);
        var bytes = File.ReadAllBytes(path);
        return new GuestFigures(guest, CodeSection.Size(bytes), MeasureDebugBuild(path), MeasureRunTimes(guest, bytes), MeasureTraces(guest, path));
    }

    private static Measurement MeasureDebugBuild(string path)
    {
        var child = ChildProcess.RunDotnet(typeof(ScaleBenchmark).Assembly.Location, [ChildCommand, "debug-build", path]);
        var fields = child.LastOutputLine.Split(' ');
        return child.Succeeded && fields is [DebugBuildResult, var size]
            ? Measurement.Of(double.Parse(size, CultureInfo.InvariantCulture))
            : Measurement.Failed(child.FailureReason);
    }

    /// <summary>The child side of <see cref="MeasureDebugBuild"/>: instruments one module for debugging and prints
    /// the size of the result's code section.</summary>
    public static int RunChild(IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is not ["debug-build", var path])
        {
            Console.Error.WriteLine($"usage: {ChildCommand} debug-build FILE");
            return 2;
        }
        var module = ModuleDecoder.Decode(File.ReadAllBytes(path));
        var instrumented = Instrumenter.Instrument(module, new InstrumentationOptions { Mode = InstrumentationMode.Debug });
        output.WriteLine($"{DebugBuildResult} {CodeSection.Size(instrumented.Bytes)}");
        return 0;
    }

    private sealed record RunTimes(Measurement Plain, Measurement Static, Measurement Coverage, Measurement DebugIdle, Measurement DebugArmed);

    /// <summary>Best times of the plain module, the static build with a breakpoint at the entry of the guest's cold
    /// function, the coverage build, and a debug session idle and armed by that breakpoint, rounds alternating
    /// between them.</summary>
    private static RunTimes MeasureRunTimes(RealGuest guest, byte[] bytes)
    {
        var module = ModuleDecoder.Decode(bytes);
        using var plain = Runner(() => new GuestRunner(bytes, guest, guest.Timed), guest);
        if (!plain.Succeeded)
        {
            var none = Measurement.Failed("no plain run");
            return new RunTimes(plain.Measurement, none, none, none, none);
        }
        var cold = ColdLocation(module, guest.ColdFunction);
        using var idle = Runner(() => new GuestRunner(Instrumenter.Instrument(module, new InstrumentationOptions
        {
            Mode = InstrumentationMode.Static,
            Probes = [cold],
        }).Bytes, guest, guest.Timed), guest, plain.Result);
        using var coverage = Runner(() => new GuestRunner(CoverageInstrumenter.Instrument(bytes, module).Bytes, guest, guest.Timed), guest, plain.Result);
        using var debugIdle = Runner(() => new DebugSessionRunner(bytes, guest, null), guest, plain.Result);
        using var debugArmed = Runner(() => new DebugSessionRunner(bytes, guest, cold), guest, plain.Result);
        var runners = new[] { plain, idle, coverage, debugIdle, debugArmed };
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var runner in runners) runner.Time();
        }
        foreach (var armed in new[] { idle, debugArmed })
        {
            if (armed.Succeeded && armed.Runner!.Stops > 0) armed.Fail($"the breakpoint in {guest.ColdFunction} was hit {armed.Runner.Stops} times");
        }
        return new RunTimes(plain.Measurement, idle.Measurement, coverage.Measurement, debugIdle.Measurement, debugArmed.Measurement);
    }

    private static CodeLocation ColdLocation(Module module, string function)
    {
        int index = module.Names.ResolveFunction(function);
        return new CodeLocation(index, module.Bodies[index - module.IndexSpaces.ImportedFunctionCount].Code[0].Offset);
    }

    private static TimedRunner Runner(Func<ITimedGuest> build, RealGuest guest, object? expected = null)
    {
        var timed = new TimedRunner();
        try
        {
            timed.Runner = build();
            timed.Result = timed.Runner.Invoke();
            if (expected is not null && !Equals(expected, timed.Result)) timed.Fail($"the result changed ({timed.Result} instead of {expected})");
        }
        catch (Exception e)
        {
            timed.Fail($"{e.GetType().Name}: {e.Message}");
        }
        return timed;
    }

    /// <summary>One variant's runner, its first result (a warm-up run) and best time, or why it failed.</summary>
    private sealed class TimedRunner : IDisposable
    {
        private double _best = double.MaxValue;
        private string? _failure;

        public ITimedGuest? Runner { get; set; }
        public object? Result { get; set; }
        public bool Succeeded => _failure is null;
        public Measurement Measurement => _failure is null ? Measurement.Of(_best) : Measurement.Failed(_failure);

        public void Fail(string reason) => _failure ??= reason;

        public void Time()
        {
            if (!Succeeded) return;
            try
            {
                _best = Math.Min(_best, Runner!.TimeMilliseconds());
            }
            catch (Exception e)
            {
                Fail($"{e.GetType().Name}: {e.Message}");
            }
        }

        public void Dispose() => Runner?.Dispose();
    }

    private static TraceFigures MeasureTraces(RealGuest guest, string path)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "WasmProbe.Cli.dll");
        string[] trace = ["trace", path, "--invoke", guest.Traced.Export, .. guest.Traced.Arguments.Select(a => a.ToString(CultureInfo.InvariantCulture))];
        string[] step = [.. trace, "--step", "--max-stops", MaxStops.ToString(CultureInfo.InvariantCulture)];
        // Cold: an empty compiled-code cache of its own; warm: the second process over the same cache.
        var cache = Directory.CreateTempSubdirectory("wasmprobe-scale-cache-");
        try
        {
            TraceRun Once(string[] arguments)
            {
                var child = ChildProcess.RunDotnet(cli, arguments, cache.FullName);
                return new TraceRun(child.Succeeded ? Measurement.Of(child.WallMilliseconds) : Measurement.Failed(child.FailureReason), child.PeakRssBytes);
            }
            var plainCold = Once(trace);
            var stepCold = Once(step);
            var plainWarm = Once(trace);
            // A second process fails the same way; failing usually takes the longest (up to the memory cap).
            var stepWarm = stepCold.Wall.Succeeded ? Once(step) : stepCold with { Wall = Measurement.Failed("not run: the cold run failed") };
            return new TraceFigures(plainCold, stepCold, plainWarm, stepWarm);
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }
}
