using System.Diagnostics;
using WasmProbe.Caching;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;

namespace WasmProbe.Benchmarks;

/// <summary>Cost of debugging a compute-heavy guest, all measured in this process against the same module run without
/// instrumentation on the same engine: (a) static build with breakpoints that are never hit, (b) debug build ready for
/// dynamic breakpoints (idle, and armed by a breakpoint elsewhere), (c) a breakpoint hit in the hot loop with an
/// expectation evaluated at each hit, (d) single-stepping with the controller inside the callback and with the async
/// pause/resume API.</summary>
public sealed class DebuggerBenchmark : IBenchmark
{
    internal const string Guest = """
        (module
          (memory 1)
          (func $mix (param $x i32) (result i32)
            local.get $x  local.get $x i32.const 13 i32.shl  i32.xor  local.set $x
            local.get $x  local.get $x i32.const 17 i32.shr_u  i32.xor  local.set $x
            local.get $x  local.get $x i32.const 5 i32.shl  i32.xor)
          (func $cold (param i32) (result i32)
            local.get 0 i32.const 1 i32.add)
          (func $work (export "work") (param $n i32) (result i32) (local $i i32) (local $acc i32) (local $x i32)
            i32.const 12345 local.set $x
            (loop $l
              local.get $x call $mix local.set $x
              local.get $x i32.const 1020 i32.and
              local.get $x i32.const 1020 i32.and i32.load
              local.get $x i32.add
              i32.store
              local.get $acc local.get $x i32.const 3 i32.shr_u i32.add local.set $acc
              local.get $x i32.eqz
              (if (then local.get $acc call $cold local.set $acc))
              local.get $i i32.const 1 i32.add local.tee $i
              local.get $n i32.lt_u br_if $l)
            local.get $acc))
        """;

    private const int Iterations = 20_000_000;
    private const int Repetitions = 3;

    /// <summary>Each variant is compiled this many times (the copies differ by a custom section): how Cranelift lays
    /// out one compiled copy can change its speed by tens of percent, so each variant gets its best copy.</summary>
    private const int Copies = 4;

    public string Name => "debugger";
    public string Description => "debugger overhead and stop rates (targets: idle static <= 1.05x, debug build <= 2x, >= 5M hits/s, >= 1M / 300k steps/s)";

    public bool Run(TextWriter output)
    {
        var bytes = Wasmtime.Module.ConvertText(Guest).ToArray();
        var module = Wasm.Decoding.ModuleDecoder.Decode(bytes);
        int work = module.Names.ResolveFunction("work");
        int cold = module.Names.ResolveFunction("cold");
        var workCode = module.Bodies[work - module.IndexSpaces.ImportedFunctionCount].Code;
        int coldPc = module.Bodies[cold - module.IndexSpaces.ImportedFunctionCount].Code[0].Offset;
        int hotPc = workCode.Instructions.First(i => i.Opcode == Wasm.Instructions.Opcode.LocalGet && i.Index == 2).Offset;

        double plain = BestCopy(bytes, copy => TimePlain(copy));
        double idleStatic = BestCopy(bytes, copy => TimeSession(copy, InstrumentationMode.Static, coldPc, "cold"));
        double idleDebug = BestCopy(bytes, copy => TimeSession(copy, InstrumentationMode.Debug, null, null));
        double armedDebug = BestCopy(bytes, copy => TimeSession(copy, InstrumentationMode.Debug, coldPc, "cold"));
        double idleEarlyReturns = BestCopy(bytes, copy => TimeSession(copy, InstrumentationMode.Debug, null, null, earlyReturns: true));
        double hitsPerSecond = HotBreakpoint(bytes, hotPc);
        double inlineSteps = InlineSteps(bytes);
        double asyncSteps = AsyncSteps(bytes).GetAwaiter().GetResult();

        output.WriteLine($"guest: loop of {Iterations:N0} iterations (xorshift, memory read-modify-write, a call per iteration)");
        output.WriteLine($"{"case",-58} {"time",10} {"ratio",8}");
        output.WriteLine($"{"uninstrumented",-58} {plain,8:F1}ms {1.0,8:F2}");
        output.WriteLine($"{"(a) static build, breakpoint set but never hit",-58} {idleStatic,8:F1}ms {idleStatic / plain,8:F2}");
        output.WriteLine($"{"(b) debug build, no breakpoint set",-58} {idleDebug,8:F1}ms {idleDebug / plain,8:F2}");
        output.WriteLine($"{"(b) debug build, armed by a breakpoint never hit",-58} {armedDebug,8:F1}ms {armedDebug / plain,8:F2}");
        output.WriteLine($"{"(b) debug build with early returns, no breakpoint set",-58} {idleEarlyReturns,8:F1}ms {idleEarlyReturns / plain,8:F2}");
        output.WriteLine($"(c) breakpoint in the hot loop + expectation: {hitsPerSecond / 1e6:F2} M hits/s");
        output.WriteLine($"(d) single-step, controller inside the callback: {inlineSteps / 1e6:F2} M steps/s");
        output.WriteLine($"(d) single-step, async pause/resume API: {asyncSteps / 1e3:F0} k steps/s");

        bool pass = true;
        pass &= Verdict(output, "(a) idle static overhead <= 1.05x", idleStatic / plain <= 1.05);
        pass &= Verdict(output, "(b) debug build (armed) <= 2x", armedDebug / plain <= 2.0);
        pass &= Verdict(output, "(c) >= 5M hits/s", hitsPerSecond >= 5e6);
        pass &= Verdict(output, "(d) inline >= 1M steps/s", inlineSteps >= 1e6);
        pass &= Verdict(output, "(d) async >= 300k steps/s", asyncSteps >= 3e5);
        return pass;
    }

    private static bool Verdict(TextWriter output, string target, bool met)
    {
        output.WriteLine($"{(met ? "PASS" : "FAIL")}: {target}");
        return met;
    }

    /// <summary>The best of several compiled copies of the module (see <see cref="Copies"/>), each measured at its best.</summary>
    internal static double BestCopy(byte[] bytes, Func<byte[], double> measure) =>
        Enumerable.Range(0, Copies).Select(copy => Best(() => measure(WithNonce(bytes, copy)))).Min();

    /// <summary>The module with a custom section appended (after every other section, so pcs do not move).</summary>
    private static byte[] WithNonce(byte[] bytes, int copy)
    {
        byte[] name = "wasmprobe-benchmark-copy"u8.ToArray();
        byte[] section = [0, (byte)(name.Length + 2), (byte)name.Length, .. name, (byte)copy];
        return [.. bytes, .. section];
    }

    /// <summary>The best of several runs after a warm-up: on a shared machine, other load only ever adds time.</summary>
    private static double Best(Func<double> measure)
    {
        measure();
        return Enumerable.Range(0, Repetitions).Select(_ => measure()).Min();
    }

    private static double TimePlain(byte[] bytes)
    {
        using var compiled = ModuleCache.Shared.Compiled.Rent(bytes);
        using var store = new Wasmtime.Store(WasmtimeRuntime.Engine);
        store.SetEpochDeadline(WasmtimeRuntime.Ticks(TimeSpan.FromMinutes(1)));
        var instance = new Wasmtime.Linker(WasmtimeRuntime.Engine).Instantiate(store, compiled.Value.Module);
        var run = instance.GetFunction<int, int>("work")!;
        var clock = Stopwatch.StartNew();
        run(Iterations);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double TimeSession(byte[] bytes, InstrumentationMode mode, int? breakpointPc, string? function, bool earlyReturns = false)
    {
        using var session = DebugSession.Create(bytes, new DebugSessionOptions
        {
            Entry = "work", Arguments = [Iterations], Mode = mode, EarlyReturns = earlyReturns, Host = new GuestOptions { Deadline = TimeSpan.FromMinutes(1) },
        });
        if (breakpointPc is { } pc) session.AddBreakpoint(function!, pc);
        var clock = Stopwatch.StartNew();
        var final = session.Run(_ => ResumeAction.Continue);
        if (final is not FinishedStop) throw new InvalidOperationException($"unexpected {final}");
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double HotBreakpoint(byte[] bytes, int pc)
    {
        const int hits = 2_000_000;
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            using var session = DebugSession.Create(bytes, new DebugSessionOptions { Entry = "work", Arguments = [hits], Mode = InstrumentationMode.Static });
            session.AddBreakpoint("work", pc);
            int failures = 0;
            var clock = Stopwatch.StartNew();
            session.Run(_ =>
            {
                if (session.Local(3).AsInt32() == 0) failures++;
                return ResumeAction.Continue;
            });
            double rate = session.Breakpoints[0].HitCount / clock.Elapsed.TotalSeconds;
            if (failures != 0 || session.Breakpoints[0].HitCount != hits) throw new InvalidOperationException("the expectation failed");
            best = Math.Max(best, rate);
        }
        return best;
    }

    private static double InlineSteps(byte[] bytes)
    {
        const int steps = 2_000_000;
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            using var session = DebugSession.Create(bytes, new DebugSessionOptions { Entry = "work", Arguments = [Iterations] });
            int count = 0;
            var clock = Stopwatch.StartNew();
            session.Run(_ => ++count < steps ? ResumeAction.StepInto : ResumeAction.RunToCompletion, ResumeAction.StepInto);
            clock.Stop();
            best = Math.Max(best, count / clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static async Task<double> AsyncSteps(byte[] bytes)
    {
        const int steps = 200_000;
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            await using var session = DebugSession.Create(bytes, new DebugSessionOptions { Entry = "work", Arguments = [Iterations] });
            await session.StepIntoAsync();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) await session.StepIntoAsync();
            clock.Stop();
            best = Math.Max(best, steps / clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
