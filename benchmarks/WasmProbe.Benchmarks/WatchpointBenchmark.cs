using System.Diagnostics;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;

namespace WasmProbe.Benchmarks;

/// <summary>Cost of an armed write watchpoint that is never hit, side by side with the same static build without write
/// checks: on the debugger benchmark's store-heavy loop (a read-modify-write of memory per iteration) and on SQLite
/// (-O2, 100,000 inserts and an aggregate query), watching [0, 1024) as <c>[ExpectNoWrite(0, 1024)]</c> does. Also the
/// cost of an [OnReturn] probe that is never hit (breakpoints at the function's entry and exits). Each variant is
/// measured on its best of several compiled copies, as in <see cref="DebuggerBenchmark"/>.</summary>
public sealed class WatchpointBenchmark : IBenchmark
{
    private const int Iterations = 20_000_000;
    private const int SqliteRows = 100_000;

    public string Name => "watch";
    public string Description => "armed write watchpoint never hit vs the same static build, on the debugger guest and SQLite (target <= 1.5x); [OnReturn] never hit (target <= 1.05x)";

    public bool Run(TextWriter output)
    {
        var loop = Wasmtime.Module.ConvertText(DebuggerBenchmark.Guest).ToArray();
        var sqlite = File.ReadAllBytes(Path.Combine(WasmProbe.Tests.Repository.Root, "guests", "sqlite", "sqlite-O2.wasm"));
        var loopRun = new Workload("work", Iterations, Wasi: false);
        var sqliteRun = new Workload("sqlite_inserts", SqliteRows, Wasi: true);

        double plain = DebuggerBenchmark.BestCopy(loop, copy => Time(copy, loopRun, null, null));
        double watched = DebuggerBenchmark.BestCopy(loop, copy => Time(copy, loopRun, (2048, 8), null));
        double onReturn = DebuggerBenchmark.BestCopy(loop, copy => Time(copy, loopRun, null, "cold"));
        double sqlitePlain = DebuggerBenchmark.BestCopy(sqlite, copy => Time(copy, sqliteRun, null, null));
        double sqliteWatched = DebuggerBenchmark.BestCopy(sqlite, copy => Time(copy, sqliteRun, (0, 1024), null));

        output.WriteLine($"{"case",-72} {"time",10} {"ratio",8}");
        output.WriteLine($"{"loop: static build, no write checks",-72} {plain,8:F1}ms {1.0,8:F2}");
        output.WriteLine($"{"loop: static build, watchpoint on [2048, 2056) armed, never hit",-72} {watched,8:F1}ms {watched / plain,8:F2}");
        output.WriteLine($"{"loop: static build, [OnReturn(cold)] (entry and exits) armed, never hit",-72} {onReturn,8:F1}ms {onReturn / plain,8:F2}");
        output.WriteLine($"{$"SQLite -O2, sqlite_inserts({SqliteRows:N0}): static build, no write checks",-72} {sqlitePlain,8:F1}ms {1.0,8:F2}");
        output.WriteLine($"{"SQLite -O2: static build, [0, 1024) watched ([ExpectNoWrite(0, 1024)]), never hit",-72} {sqliteWatched,8:F1}ms {sqliteWatched / sqlitePlain,8:F2}");
        bool met = Verdict(output, "armed watchpoint on the loop <= 1.5x", watched / plain <= 1.5);
        met &= Verdict(output, "armed watchpoint on SQLite <= 1.5x", sqliteWatched / sqlitePlain <= 1.5);
        met &= Verdict(output, "[OnReturn] never hit <= 1.05x", onReturn / plain <= 1.05);
        return met;
    }

    private sealed record Workload(string Entry, int Argument, bool Wasi);

    private static bool Verdict(TextWriter output, string target, bool met)
    {
        output.WriteLine($"{(met ? "PASS" : "FAIL")}: {target}");
        return met;
    }

    /// <param name="watch">A range to watch (the build then checks every write), or null for no write checks.</param>
    /// <param name="returnsOf">A function whose entry and exits get breakpoints, as an [OnReturn] probe sets them.</param>
    private static double Time(byte[] bytes, Workload run, (long Address, long Length)? watch, string? returnsOf)
    {
        using var session = DebugSession.Create(bytes, new DebugSessionOptions
        {
            Entry = run.Entry, Arguments = [run.Argument], Mode = InstrumentationMode.Static, WatchWrites = watch is not null,
            ExceptionStops = ExceptionStops.None,
            Host = new GuestOptions { Wasi = run.Wasi, Deadline = TimeSpan.FromMinutes(2) },
        });
        if (watch is { } range) session.AddWatchpoint(range.Address, range.Length);
        if (returnsOf is not null)
        {
            int function = session.Module.Names.ResolveFunction(returnsOf);
            var analysis = session.Analysis(function);
            foreach (int pc in Wasm.Resolution.FunctionExits.Of(analysis).Select(e => e.Pc).Append(Wasm.Resolution.PcResolver.Entry(analysis)).Distinct())
                session.AddBreakpoint(function, pc);
        }
        int stops = 0;
        var clock = Stopwatch.StartNew();
        var final = session.Run(_ =>
        {
            stops++;
            return ResumeAction.Continue;
        });
        if (final is not FinishedStop) throw new InvalidOperationException($"unexpected {final}");
        if (stops != 0) throw new InvalidOperationException($"{stops} stops where none was expected");
        return clock.Elapsed.TotalMilliseconds;
    }
}
