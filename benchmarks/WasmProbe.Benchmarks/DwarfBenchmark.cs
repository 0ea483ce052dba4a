using System.Diagnostics;
using System.Globalization;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Dwarf.Variables;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Benchmarks;

/// <summary>DWARF reading speed on the C guests of examples/CGuest/guest: the line table alone (every line program of
/// <c>.debug_line</c> run through the state machine, rows mapped to module pcs and sorted; compile units' root DIEs
/// read for their directories) and the whole <see cref="DwarfInfo"/> (plus every DIE of <c>.debug_info</c>), then
/// pc lookups. Throughput is <c>.debug_line</c> bytes per second (MB = 10^6 bytes). Target: the line table of the
/// largest <c>.debug_line</c> (big-O0.wasm, 2,000 generated functions) >= 50 MB/s. And reading the variables of a frame:
/// the 10 scalar variables of <c>scalars</c> in tests/WasmProbe.Tests/Dwarf/Guests/vars-O0.wasm, found in scope,
/// evaluated against a frame state and formatted; target &lt;= 5 us per frame.</summary>
public sealed class DwarfBenchmark : IBenchmark
{
    private const double TargetMegabytesPerSecond = 50;
    private const double TargetFrameMicroseconds = 5;
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan MinimumMeasuredTime = TimeSpan.FromSeconds(1);

    public string Name => "dwarf";
    public string Description => "DWARF .debug_line decoding throughput on the C guests (target: >= 50 MB/s on the largest .debug_line)";

    public bool Run(TextWriter output)
    {
        var directory = Path.Combine(WasmProbe.Tests.Repository.Root, "examples", "CGuest", "guest");
        var guests = new[] { "big-O0.wasm", "sort-O0.wasm", "sort-O0-dwarf5.wasm", "sort-O2.wasm" }
            .Select(name => (Name: name, Module: ModuleDecoder.Decode(File.ReadAllBytes(Path.Combine(directory, name)))))
            .ToArray();
        output.WriteLine($"guests: {directory}");
        foreach (var (name, module) in guests)
        {
            var lines = DwarfInfo.ReadLineTable(module);
            var dwarf = DwarfInfo.Read(module);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-20} .debug_line {LineBytes(module),9:N0} bytes, .debug_info {SectionBytes(module, ".debug_info"),9:N0} bytes: {lines.Programs.Count} line programs, {lines.Rows.Count:N0} rows, {lines.Files.Count} files, {dwarf.Functions.All.Count:N0} functions"));
            if (lines.Rows.Count == 0 || !lines.Rows.SequenceEqual(dwarf.Lines.Rows)) throw new InvalidOperationException($"{name}: the line table is empty or differs between the two reads");
        }

        var results = new List<Result>();
        foreach (var (name, module) in guests)
        {
            long bytes = LineBytes(module);
            results.Add(Measure($"{name}: line table", bytes, () => DwarfInfo.ReadLineTable(module).Rows.Count));
            results.Add(Measure($"{name}: all DWARF", bytes, () => DwarfInfo.Read(module).Lines.Rows.Count));
        }

        output.WriteLine();
        output.WriteLine($"{"case",-34} {".debug_line",12} {"iterations",10} {"time/iter",11} {"MB/s",8} {"CPU MB/s",9} {"alloc/iter",12}");
        output.WriteLine(new string('-', 34 + 12 + 10 + 11 + 8 + 9 + 12 + 6));
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-34} {r.InputBytes,12:N0} {r.Iterations,10:N0} {FormatTime(r.PerIteration),11} {r.MegabytesPerSecond,8:F1} {r.CpuMegabytesPerSecond,9:F1} {r.AllocatedPerIteration,12:N0}"));
        }

        // Lookups on the big guest's table: pc -> source line (with function), and line -> breakpoint pcs.
        var big = DwarfInfo.Read(guests[0].Module);
        var pcs = big.Lines.Rows.Where(r => !r.EndSequence).Select(r => r.Pc + 1).ToArray();
        long locateCount = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < MinimumMeasuredTime)
        {
            foreach (int pc in pcs) locateCount += big.Locate(pc) is null ? 0 : 1;
        }
        double locatesPerSecond = locateCount / watch.Elapsed.TotalSeconds;
        watch.Restart();
        long resolved = 0, lookups = 0;
        while (watch.Elapsed < MinimumMeasuredTime)
        {
            resolved += big.Lines.PcsForLine("unit2.c", 8 + (int)(lookups % 40)).Count;
            lookups++;
        }
        double lineLookupsPerSecond = lookups / watch.Elapsed.TotalSeconds;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lookups on big-O0.wasm: Locate(pc) with function name {locatesPerSecond / 1e6:F2} M/s; PcsForLine(file, line) over all {big.Lines.Rows.Count:N0} rows {lineLookupsPerSecond:N0}/s"));
        GC.KeepAlive(resolved);

        var frameRead = Measure("vars-O0.wasm: 10 scalar variables", 0, ReadScalarFrame());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"variables of a frame (vars-O0.wasm, scalars: in scope, evaluated, formatted): {frameRead.PerIteration.TotalMilliseconds * 1000:F2} us/frame, {frameRead.AllocatedPerIteration:N0} bytes allocated"));

        var (linesOnly, withScope, scopeText) = ExpectVariableCost();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[ExpectVariable] in the generator on sqlite-O0.wasm (lazy decode + DWARF lines, then the scope at one pc: {scopeText}): {linesOnly.PerIteration.TotalMilliseconds:F1} ms -> {withScope.PerIteration.TotalMilliseconds:F1} ms, +{(withScope.PerIteration - linesOnly.PerIteration).TotalMilliseconds:F1} ms"));

        var target = results[0];
        bool pass = target.MegabytesPerSecond >= TargetMegabytesPerSecond;
        bool framePass = frameRead.PerIteration.TotalMilliseconds * 1000 <= TargetFrameMicroseconds;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(pass ? "PASS" : "FAIL")}: line table of the largest .debug_line ({guests[0].Name}, {target.InputBytes:N0} bytes) = {target.MegabytesPerSecond:F1} MB/s (target >= {TargetMegabytesPerSecond:F0} MB/s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(framePass ? "PASS" : "FAIL")}: variables of a frame of 10 scalars = {frameRead.PerIteration.TotalMilliseconds * 1000:F2} us (target <= {TargetFrameMicroseconds:F0} us)"));
        return pass && framePass;
    }

    /// <summary>One iteration: the variables in scope at the first line of <c>scalars</c>, each evaluated and formatted
    /// (the function's DIEs are read on the first iteration, as a debugger reads them at its first stop there).</summary>
    private static Func<long> ReadScalarFrame()
    {
        var path = Path.Combine(WasmProbe.Tests.Repository.Root, "tests", "WasmProbe.Tests", "Dwarf", "Guests", "vars-O0.wasm");
        var dwarf = DwarfInfo.Read(ModuleDecoder.Decode(File.ReadAllBytes(path)));
        var function = dwarf.Functions.Named("scalars").Single();
        int pc = dwarf.Lines.PcsForLine("vars.c", 49)[0];
        var frame = new MemoryFrame();
        int count = dwarf.VariablesAt(function, pc).Count(v => v.Kind != VariableKind.Global);
        if (count != 10) throw new InvalidOperationException($"scalars has {count} variables, not 10");
        return () =>
        {
            long length = 0;
            foreach (var variable in dwarf.VariablesAt(function, pc))
            {
                if (variable.Kind != VariableKind.Global) length += variable.Evaluate(pc, frame).Display.Length;
            }
            return length;
        };
    }

    /// <summary>What the generator does for a module with [BreakAtLine] probes (decode lazily, read the line table
    /// and units), with and without what one [ExpectVariable] adds: the functions of the unit holding the probe's pc,
    /// the scope there and the path's type.</summary>
    private static (Result LinesOnly, Result WithScope, string Scope) ExpectVariableCost()
    {
        var bytes = File.ReadAllBytes(Path.Combine(WasmProbe.Tests.Repository.Root, "guests", "sqlite", "sqlite-O0.wasm"));
        var probe = DwarfInfo.ReadLines(ModuleDecoder.Decode(bytes, BodyDecoding.Lazy));
        // The first row where a VDBE loop has pOp and aOp in scope (in the amalgamation, the one unit of 3.7 MB).
        int pc = probe.Lines.Rows.First(r => r.Line > 0 && probe.VariablesAt(r.Pc).Any(v => v.Name == "pOp") && probe.VariablesAt(r.Pc).Any(v => v.Name == "aOp")).Pc;
        string scope = $"{probe.VariablesAt(pc).Count(v => v.Kind != VariableKind.Global)} variables, pOp->opcode: {VariablePath.TypeOf("pOp->opcode", probe.VariablesAt(pc)).Name}";
        var linesOnly = Measure("sqlite-O0: lines", 0, () => DwarfInfo.ReadLines(ModuleDecoder.Decode(bytes, BodyDecoding.Lazy)).Lines.Rows.Count);
        var withScope = Measure("sqlite-O0: lines + scope", 0, () =>
        {
            var dwarf = DwarfInfo.ReadLines(ModuleDecoder.Decode(bytes, BodyDecoding.Lazy));
            return dwarf.Lines.Rows.Count + VariablePath.TypeOf("pOp->opcode", dwarf.VariablesAt(pc)).Size;
        });
        return (linesOnly, withScope, scope);
    }

    /// <summary>A frame whose every local is the frame base 0x1000, over 64 KiB of memory.</summary>
    private sealed class MemoryFrame : IFrameState
    {
        private readonly byte[] _memory = new byte[65536];

        public bool TryGetLocal(int index, out ulong bits)
        {
            bits = 0x1000;
            return true;
        }

        public bool TryGetOperand(int index, out ulong bits)
        {
            bits = 0;
            return false;
        }

        public bool TryGetGlobal(int index, out ulong bits)
        {
            bits = 0x1000;
            return true;
        }

        public bool TryReadMemory(ulong address, byte[] buffer, int offset, int count)
        {
            if (address > (ulong)_memory.Length || (ulong)count > (ulong)_memory.Length - address) return false;
            Array.Copy(_memory, (int)address, buffer, offset, count);
            return true;
        }
    }

    private static long LineBytes(Module module) => SectionBytes(module, ".debug_line");

    private static long SectionBytes(Module module, string name) => module.FindCustomSection(name)?.Payload.Length ?? 0;

    private static Result Measure(string name, long inputBytes, Func<long> iteration)
    {
        long sink = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < WarmUp) sink += iteration();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long iterations = 0;
        stopwatch.Restart();
        do
        {
            sink += iteration();
            iterations++;
        }
        while (stopwatch.Elapsed < MinimumMeasuredTime);
        var elapsed = stopwatch.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        GC.KeepAlive(sink);
        return new Result(name, inputBytes, iterations, elapsed, cpu, allocated / iterations);
    }

    private static string FormatTime(TimeSpan time) => time.TotalMilliseconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:F2} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds * 1000:F1} us");

    private sealed record Result(string Name, long InputBytes, long Iterations, TimeSpan Elapsed, TimeSpan Cpu, long AllocatedPerIteration)
    {
        public TimeSpan PerIteration => Elapsed / Iterations;
        public double MegabytesPerSecond => InputBytes * Iterations / Elapsed.TotalSeconds / 1e6;
        public double CpuMegabytesPerSecond => InputBytes * Iterations / Math.Max(Cpu.TotalSeconds, 1e-9) / 1e6;
    }
}
