using System.Diagnostics;
using WasmProbe.Caching;
using WasmProbe.Coverage;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;

namespace WasmProbe.Benchmarks;

/// <summary>Cost of guest coverage: each guest runs uninstrumented and coverage-instrumented (same module, same engine,
/// this process), then once more through debug sessions (static mode,
/// coverage off vs on), which is how tests run. Target: &lt;= 1.3x on the compute-heavy guests (sieve, matmul,
/// xorshift); the branch-dense (collatz) and call-dense (recursive fib) guests are reported too.
/// <para>Tight loops run up to ~1.8x faster or slower depending on where the engine happens to place their machine code
/// and memory, for the plain module as much as for the instrumented one. So each variant is compiled
/// <see cref="Copies"/> times (the copies differ only in a custom section, so their code is identical but placed anew),
/// rounds alternate between the variants, and each variant's best time is compared: that is its cost, without the
/// luck of one placement (or the noise of other load on the machine).</para></summary>
public sealed class CoverageBenchmark : IBenchmark
{
    private const double Target = 1.3;
    private const int Rounds = 5;
    private const int Copies = 4;

    private sealed record Guest(string Name, string Description, string Export, int Argument, bool Targeted, string Wat);

    private static readonly Guest[] Guests =
    [
        new("sieve", "sieve of Eratosthenes below 10,000,000 (nested loops, an if)", "sieve", 10_000_000, true, """
            (module
              (memory 153)
              (func $sieve (export "sieve") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $count i32)
                (memory.fill (i32.const 0) (i32.const 0) (local.get $n))
                (local.set $i (i32.const 2))
                (block $done
                  (loop $outer
                    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                    (if (i32.eqz (i32.load8_u (local.get $i)))
                      (then
                        (local.set $count (i32.add (local.get $count) (i32.const 1)))
                        (local.set $j (i32.add (local.get $i) (local.get $i)))
                        (block $marked
                          (loop $mark
                            (br_if $marked (i32.ge_u (local.get $j) (local.get $n)))
                            (i32.store8 (local.get $j) (i32.const 1))
                            (local.set $j (i32.add (local.get $j) (local.get $i)))
                            (br $mark)))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $outer)))
                (local.get $count)))
            """),
        new("matmul", "f64 matrix product, 160 x 160 (triple loop)", "matmul", 160, true, """
            (module
              (memory 10)
              (func $matmul (export "matmul") (param $n i32) (result f64)
                (local $i i32) (local $j i32) (local $k i32) (local $sum f64) (local $b i32) (local $c i32) (local $trace f64)
                (local.set $b (i32.mul (i32.mul (local.get $n) (local.get $n)) (i32.const 8)))
                (local.set $c (i32.mul (local.get $b) (i32.const 2)))
                ;; A[i][j] = i + j, B[i][j] = i - j
                (local.set $i (i32.const 0))
                (loop $fi
                  (local.set $j (i32.const 0))
                  (loop $fj
                    (f64.store (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))
                      (f64.convert_i32_s (i32.add (local.get $i) (local.get $j))))
                    (f64.store (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
                      (f64.convert_i32_s (i32.sub (local.get $i) (local.get $j))))
                    (br_if $fj (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
                  (br_if $fi (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
                (local.set $i (i32.const 0))
                (loop $li
                  (local.set $j (i32.const 0))
                  (loop $lj
                    (local.set $sum (f64.const 0))
                    (local.set $k (i32.const 0))
                    (loop $lk
                      (local.set $sum (f64.add (local.get $sum)
                        (f64.mul
                          (f64.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
                          (f64.load (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (i32.const 3)))))))
                      (br_if $lk (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
                    (f64.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))) (local.get $sum))
                    (br_if $lj (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
                  (local.set $trace (f64.add (local.get $trace) (f64.load (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (i32.add (local.get $n) (i32.const 1))) (i32.const 3))))))
                  (br_if $li (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
                (local.get $trace)))
            """),
        new("xorshift", "xorshift mixing with a memory read-modify-write, 20,000,000 iterations (the debugger benchmark's loop, call inlined)", "work", 20_000_000, true, """
            (module
              (memory 1)
              (func $work (export "work") (param $n i32) (result i32) (local $i i32) (local $acc i32) (local $x i32)
                i32.const 12345 local.set $x
                (loop $l
                  local.get $x  local.get $x i32.const 13 i32.shl  i32.xor  local.set $x
                  local.get $x  local.get $x i32.const 17 i32.shr_u  i32.xor  local.set $x
                  local.get $x  local.get $x i32.const 5 i32.shl  i32.xor  local.set $x
                  local.get $x i32.const 1020 i32.and
                  local.get $x i32.const 1020 i32.and i32.load
                  local.get $x i32.add
                  i32.store
                  local.get $acc local.get $x i32.const 3 i32.shr_u i32.add local.set $acc
                  local.get $i i32.const 1 i32.add local.tee $i
                  local.get $n i32.lt_u br_if $l)
                local.get $acc))
            """),
        new("collatz", "total Collatz steps of 1..300,000 (an if/else per step: branch-dense)", "collatz", 300_000, false, """
            (module
              (func $collatz (export "collatz") (param $limit i32) (result i64) (local $i i32) (local $x i64) (local $steps i64)
                (local.set $i (i32.const 1))
                (loop $numbers
                  (local.set $x (i64.extend_i32_u (local.get $i)))
                  (block $one
                    (loop $step
                      (br_if $one (i64.eq (local.get $x) (i64.const 1)))
                      (if (i32.wrap_i64 (i64.and (local.get $x) (i64.const 1)))
                        (then (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1))))
                        (else (local.set $x (i64.shr_u (local.get $x) (i64.const 1)))))
                      (local.set $steps (i64.add (local.get $steps) (i64.const 1)))
                      (br $step)))
                  (br_if $numbers (i32.le_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $limit))))
                (local.get $steps)))
            """),
        new("fib", "recursive fib(30) (a call and an if per 10 instructions: call-dense)", "fib", 30, false, """
            (module
              (func $fib (export "fib") (param $n i32) (result i32)
                (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
                  (then (local.get $n))
                  (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                                 (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
            """),
    ];

    public string Name => "coverage";
    public string Description => $"guest coverage overhead vs uninstrumented, same module and engine (target: <= {Target}x on compute-heavy guests)";

    public bool Run(TextWriter output)
    {
        output.WriteLine($"each guest: {Copies} separately compiled copies of each variant x {Rounds} alternating rounds, same engine (epoch interruption on, as in sessions); best time of each variant");
        output.WriteLine($"{"guest",-10} {"plain",10} {"coverage",10} {"ratio",7} {"counters",9} {"incr/run",12}  description");
        bool pass = true;
        var results = new List<(Guest Guest, double Ratio)>();
        foreach (var guest in Guests)
        {
            var bytes = Wasmtime.Module.ConvertText(guest.Wat).ToArray();
            var coverage = CoverageInstrumenter.Instrument(bytes);
            var (plain, covered, increments) = Measure(bytes, coverage, guest);
            double ratio = covered / plain;
            results.Add((guest, ratio));
            output.WriteLine($"{guest.Name,-10} {plain,8:F1}ms {covered,8:F1}ms {ratio,6:F2}x {coverage.CounterCount,9} {increments,12:N0}  {guest.Description}");
        }

        // Through debug sessions (static mode, no breakpoints), as a test would run it.
        var sieve = Guests[0];
        var sieveBytes = Wasmtime.Module.ConvertText(sieve.Wat).ToArray();
        var (sessionPlain, sessionCovered) = MeasureSessions(sieveBytes, sieve);
        output.WriteLine();
        output.WriteLine($"through debug sessions (static mode, no breakpoints), {sieve.Name}: coverage off {sessionPlain:F1}ms, on {sessionCovered:F1}ms, ratio {sessionCovered / sessionPlain:F2}x");
        var (instancePlain, instanceCovered) = MeasureInstances(sieveBytes, sieve);
        output.WriteLine($"through Instantiate() instances (a plain test's calls; counters read at disposal), {sieve.Name}: coverage off {instancePlain:F1}ms, on {instanceCovered:F1}ms, ratio {instanceCovered / instancePlain:F2}x");

        output.WriteLine();
        foreach (var (guest, ratio) in results.Where(r => r.Guest.Targeted))
            pass &= Verdict(output, $"{guest.Name}: coverage <= {Target}x (measured {ratio:F2}x)", ratio <= Target);
        foreach (var (guest, ratio) in results.Where(r => !r.Guest.Targeted))
            output.WriteLine($"INFO: {guest.Name}: {ratio:F2}x ({guest.Description})");
        return pass;
    }

    private static bool Verdict(TextWriter output, string target, bool met)
    {
        output.WriteLine($"{(met ? "PASS" : "FAIL")}: {target}");
        return met;
    }

    private static (double Plain, double Covered, long Increments) Measure(byte[] bytes, CoverageInstrumentation coverage, Guest guest)
    {
        long increments;
        using (var check = new Runner(coverage.Bytes, guest.Export))
        using (var reference = new Runner(bytes, guest.Export))
        {
            object? expected = reference.Invoke(guest.Argument);
            object? actual = check.Invoke(guest.Argument);
            if (!Equals(expected, actual)) throw new InvalidOperationException($"{guest.Name}: coverage changed the result ({expected} vs {actual})");
            long before = check.Counters(coverage).Sum();
            check.Invoke(guest.Argument);
            increments = check.Counters(coverage).Sum() - before;
        }

        double plain = double.MaxValue, covered = double.MaxValue;
        for (int copy = 0; copy < Copies; copy++)
        {
            using var plainRunner = new Runner(WithNonce(bytes, copy), guest.Export);
            using var coveredRunner = new Runner(WithNonce(coverage.Bytes, copy), guest.Export);
            plainRunner.Invoke(guest.Argument);
            coveredRunner.Invoke(guest.Argument);
            for (int round = 0; round < Rounds; round++)
            {
                plain = Math.Min(plain, plainRunner.Time(guest.Argument));
                covered = Math.Min(covered, coveredRunner.Time(guest.Argument));
            }
        }
        return (plain, covered, increments);
    }

    /// <summary>The module with a custom section "wasmprobe-benchmark-copy" appended: same code, compiled and placed anew.</summary>
    private static byte[] WithNonce(byte[] bytes, int copy)
    {
        var name = System.Text.Encoding.ASCII.GetBytes("wasmprobe-benchmark-copy");
        byte[] section = [0, (byte)(name.Length + 2), (byte)name.Length, .. name, (byte)copy];
        return [.. bytes, .. section];
    }

    private static (double Plain, double Covered) MeasureSessions(byte[] bytes, Guest guest)
    {
        double Once(bool coverage)
        {
            using var session = DebugSession.Create(bytes, new DebugSessionOptions
            {
                Entry = guest.Export, Arguments = [guest.Argument], Mode = InstrumentationMode.Static, ExceptionStops = ExceptionStops.None,
                Coverage = coverage, CoverageCollector = new CoverageCollector(), Host = new GuestOptions { Deadline = TimeSpan.FromMinutes(1) },
            });
            var clock = Stopwatch.StartNew();
            var final = session.Run(_ => ResumeAction.Continue);
            if (final is not FinishedStop) throw new InvalidOperationException($"unexpected {final}");
            return clock.Elapsed.TotalMilliseconds;
        }
        Once(false);
        Once(true);
        var off = new List<double>();
        var on = new List<double>();
        for (int round = 0; round < Rounds * Copies; round++)
        {
            off.Add(Once(false));
            on.Add(Once(true));
        }
        return (off.Min(), on.Min());
    }

    /// <summary>What a generated <c>Class.Instance</c> is.</summary>
    private sealed class Instance(WasmProbe.Probes.ProbeModule module) : WasmProbe.Probes.ProbeInstance(module);

    /// <summary>Instantiate, call, dispose (which reads the counters), as a plain [Fact] over <c>Instantiate()</c> does.</summary>
    private static (double Plain, double Covered) MeasureInstances(byte[] bytes, Guest guest)
    {
        string file = Path.Combine(Path.GetTempPath(), $"wasmprobe-benchmark-{Guid.NewGuid():N}.wasm");
        File.WriteAllBytes(file, bytes);
        try
        {
            var modules = new[] { false, true }.Select(coverage => new WasmProbe.Probes.ProbeModule(typeof(CoverageBenchmark), file, null, [], deadlineMilliseconds: 60_000)
            {
                Coverage = coverage, CoverageCollector = new CoverageCollector(),
            }).ToArray();
            double Once(WasmProbe.Probes.ProbeModule module)
            {
                var clock = Stopwatch.StartNew();
                using (var instance = new Instance(module)) instance.Invoke(guest.Export, WasmProbe.Inspection.WasmValue.I32(guest.Argument));
                return clock.Elapsed.TotalMilliseconds;
            }
            Once(modules[0]);
            Once(modules[1]);
            var off = new List<double>();
            var on = new List<double>();
            for (int round = 0; round < Rounds * Copies; round++)
            {
                off.Add(Once(modules[0]));
                on.Add(Once(modules[1]));
            }
            if (modules[1].CoverageCollector!.Modules.Single().Runs != Rounds * Copies + 1) throw new InvalidOperationException("an instance run was not counted");
            return (off.Min(), on.Min());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>One instance of a module in its own store, with its export ready to call.</summary>
    private sealed class Runner : IDisposable
    {
        private readonly CacheLease<CompiledModule> _compiled;
        private readonly Wasmtime.Store _store;
        private readonly Wasmtime.Instance _instance;
        private readonly Wasmtime.Function _function;

        public Runner(byte[] bytes, string export)
        {
            _compiled = ModuleCache.Shared.Compiled.Rent(bytes);
            _store = new Wasmtime.Store(WasmtimeRuntime.Engine);
            _store.SetEpochDeadline(WasmtimeRuntime.Ticks(TimeSpan.FromMinutes(5)));
            using var linker = new Wasmtime.Linker(WasmtimeRuntime.Engine);
            _instance = linker.Instantiate(_store, _compiled.Value.Module);
            _function = _instance.GetFunction(export) ?? throw new InvalidOperationException($"no export {export}");
        }

        public object? Invoke(int argument)
        {
            _store.SetEpochDeadline(WasmtimeRuntime.Ticks(TimeSpan.FromMinutes(5)));
            return _function.Invoke(argument);
        }

        public double Time(int argument)
        {
            var clock = Stopwatch.StartNew();
            Invoke(argument);
            return clock.Elapsed.TotalMilliseconds;
        }

        public long[] Counters(CoverageInstrumentation coverage)
        {
            var memory = _instance.GetMemory(coverage.CounterExport)!;
            return coverage.ReadCounters(memory.GetSpan(0, checked((int)memory.GetLength())));
        }

        public void Dispose()
        {
            _store.Dispose();
            _compiled.Dispose();
        }
    }
}
