using System.Diagnostics;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;

namespace WasmProbe.Benchmarks;

/// <summary>Cost of an armed write watchpoint that is never hit on the debugger benchmark's store-heavy loop (a
/// read-modify-write of memory per iteration), side by side with the same static build without write checks.</summary>
public sealed class WatchpointBenchmark : IBenchmark
{
    private const int Iterations = 20_000_000;

    public string Name => "watch";
    public string Description => "armed write watchpoint never hit vs the same static build (target <= 1.5x)";

    public bool Run(TextWriter output)
    {
        var bytes = Wasmtime.Module.ConvertText(DebuggerBenchmark.Guest).ToArray();
        double plain = Best(() => Time(bytes, watch: false));
        double watched = Best(() => Time(bytes, watch: true));
        output.WriteLine($"{"case",-58} {"time",10} {"ratio",8}");
        output.WriteLine($"{"static build, no write checks",-58} {plain,8:F1}ms {1.0,8:F2}");
        output.WriteLine($"{"static build, watchpoint on [2048, 2056) armed, never hit",-58} {watched,8:F1}ms {watched / plain,8:F2}");
        bool met = watched / plain <= 1.5;
        output.WriteLine($"{(met ? "PASS" : "FAIL")}: armed watchpoint <= 1.5x");
        return met;
    }

    private static double Best(Func<double> measure)
    {
        measure();
        return Enumerable.Range(0, 3).Select(_ => measure()).Min();
    }

    private static double Time(byte[] bytes, bool watch)
    {
        using var session = DebugSession.Create(bytes, new DebugSessionOptions
        {
            Entry = "work", Arguments = [Iterations], Mode = InstrumentationMode.Static, WatchWrites = watch,
            Host = new GuestOptions { Deadline = TimeSpan.FromMinutes(1) },
        });
        if (watch) session.AddWatchpoint(2048, 8);
        var clock = Stopwatch.StartNew();
        var final = session.Run(_ => ResumeAction.Continue);
        if (final is not FinishedStop) throw new InvalidOperationException($"unexpected {final}");
        return clock.Elapsed.TotalMilliseconds;
    }
}
