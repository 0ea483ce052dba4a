using System.Diagnostics;
using System.Globalization;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Benchmarks;

/// <summary>Binary reader/writer throughput: decode only, encode only (of an already decoded module) and decode+encode,
/// on the largest module of the valid spec corpus and on the whole valid corpus (every file once per iteration).
/// Throughput is input bytes per second (MB = 10^6 bytes). Target: decode+encode of the largest module >= 100 MB/s.</summary>
public sealed class CodecBenchmark : IBenchmark
{
    private const double TargetMegabytesPerSecond = 100;
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan MinimumMeasuredTime = TimeSpan.FromSeconds(1);

    public string Name => "codec";
    public string Description => "ModuleDecoder/ModuleEncoder throughput on the spec corpus (target: decode+encode >= 100 MB/s on the largest module)";

    public bool Run(TextWriter output)
    {
        var files = WasmProbe.Tests.Corpus.CorpusLocator.ValidByName
            .Select(f => (Name: f.Key, Bytes: File.ReadAllBytes(f.Value))).ToArray();
        var largest = files.OrderByDescending(f => f.Bytes.Length).ThenBy(f => f.Name, StringComparer.Ordinal).First();
        long corpusBytes = files.Sum(f => (long)f.Bytes.Length);

        // Sanity first: a fast codec that gets it wrong is no use.
        var largestModule = ModuleDecoder.Decode(largest.Bytes);
        if (!ModuleEncoder.Encode(largestModule).AsSpan().SequenceEqual(largest.Bytes))
            throw new InvalidOperationException($"{largest.Name} does not round-trip byte for byte");

        output.WriteLine($"corpus: {WasmProbe.Tests.Corpus.CorpusLocator.RepositoryCorpus} (and WASMPROBE_CORPUS)");
        output.WriteLine($"largest module: {largest.Name} ({largest.Bytes.Length:N0} bytes); whole valid corpus: {files.Length:N0} files, {corpusBytes:N0} bytes");

        // JIT warm-up over everything (tiered compilation promotes hot methods after a few dozen calls).
        RunFor(TimeSpan.FromSeconds(0.5), () => DecodeEncodeAll(files));

        // The decoded corpus (several MB) stays alive only for the one case that needs it: every full GC has to mark
        // what is alive, so holding it would slow the other cases down for reasons of this harness, not of the codec.
        var largestBytes = largest.Bytes;
        var results = new List<Result>
        {
            Measure("largest: decode", largestBytes.Length, () => ModuleDecoder.Decode(largestBytes).Bodies.Count),
            Measure("largest: encode", largestBytes.Length, () => ModuleEncoder.Encode(largestModule).Length),
            Measure("largest: decode+encode", largestBytes.Length, () => ModuleEncoder.Encode(ModuleDecoder.Decode(largestBytes)).Length),
            Measure("corpus: decode", corpusBytes, () => DecodeAll(files)),
        };
        var corpusModules = files.Select(f => ModuleDecoder.Decode(f.Bytes)).ToArray();
        results.Add(Measure("corpus: encode", corpusBytes, () => EncodeAll(corpusModules)));
        corpusModules = null;
        results.Add(Measure("corpus: decode+encode", corpusBytes, () => DecodeEncodeAll(files)));

        output.WriteLine();
        output.WriteLine("MB/s = input bytes (10^6) per second of wall-clock time; 'CPU MB/s' divides by the process's CPU time instead,");
        output.WriteLine("which other load on the machine does not inflate. 'GC' is the share of wall-clock time spent in GC pauses.");
        output.WriteLine();
        output.WriteLine($"{"case",-24} {"input bytes",12} {"iterations",10} {"time/iter",11} {"MB/s",8} {"CPU MB/s",9} {"alloc/iter",12} {"alloc/input",11} {"GC",5} {"gen0/1/2 GCs",13}");
        output.WriteLine(new string('-', 24 + 12 + 10 + 11 + 8 + 9 + 12 + 11 + 5 + 13 + 9));
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-24} {r.InputBytes,12:N0} {r.Iterations,10:N0} {FormatTime(r.PerIteration),11} {r.MegabytesPerSecond,8:F1} {r.CpuMegabytesPerSecond,9:F1} {r.AllocatedPerIteration,12:N0} {r.AllocatedPerIteration / (double)r.InputBytes,10:F1}x {r.GcPauseShare,5:P0} {$"{r.Gen0}/{r.Gen1}/{r.Gen2}",13}"));
        }
        if (results.Any(r => r.MegabytesPerSecond < 0.8 * r.CpuMegabytesPerSecond))
        {
            output.WriteLine();
            output.WriteLine("NOTE: wall-clock throughput is well below CPU-time throughput: the machine is busy, so the wall-clock numbers");
            output.WriteLine("      are pessimistic; rerun on a quiet machine before drawing conclusions.");
        }

        var target = results.Single(r => r.Name == "largest: decode+encode");
        bool pass = target.MegabytesPerSecond >= TargetMegabytesPerSecond;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(pass ? "PASS" : "FAIL")}: decode+encode on the largest corpus module ({largest.Name}) = {target.MegabytesPerSecond:F1} MB/s (target >= {TargetMegabytesPerSecond:F0} MB/s)"));
        return pass;
    }

    private static long DecodeAll((string Name, byte[] Bytes)[] files)
    {
        long sink = 0;
        foreach (var file in files) sink += ModuleDecoder.Decode(file.Bytes).Bodies.Count;
        return sink;
    }

    private static long EncodeAll(Module[] modules)
    {
        long sink = 0;
        foreach (var module in modules) sink += ModuleEncoder.Encode(module).Length;
        return sink;
    }

    private static long DecodeEncodeAll((string Name, byte[] Bytes)[] files)
    {
        long sink = 0;
        foreach (var file in files) sink += ModuleEncoder.Encode(ModuleDecoder.Decode(file.Bytes)).Length;
        return sink;
    }

    private static long RunFor(TimeSpan duration, Func<long> iteration)
    {
        long sink = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration) sink += iteration();
        return sink;
    }

    private static Result Measure(string name, long inputBytes, Func<long> iteration)
    {
        long sink = RunFor(WarmUp, iteration);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var pauseBefore = GC.GetTotalPauseDuration();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long iterations = 0;
        var stopwatch = Stopwatch.StartNew();
        do
        {
            sink += iteration();
            iterations++;
        }
        while (stopwatch.Elapsed < MinimumMeasuredTime);
        var elapsed = stopwatch.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        GC.KeepAlive(sink);
        return new Result(name, inputBytes, iterations, elapsed, cpu, pause,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2, allocated / iterations);
    }

    private static string FormatTime(TimeSpan time) => time.TotalMilliseconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:F2} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds * 1000:F1} us");

    private sealed record Result(string Name, long InputBytes, long Iterations, TimeSpan Elapsed, TimeSpan Cpu, TimeSpan GcPause,
        int Gen0, int Gen1, int Gen2, long AllocatedPerIteration)
    {
        public TimeSpan PerIteration => Elapsed / Iterations;
        public double MegabytesPerSecond => InputBytes * Iterations / Elapsed.TotalSeconds / 1e6;
        public double CpuMegabytesPerSecond => InputBytes * Iterations / Math.Max(Cpu.TotalSeconds, 1e-9) / 1e6;
        public double GcPauseShare => GcPause / Elapsed;
    }
}
