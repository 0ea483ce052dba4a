using System.Diagnostics;
using WasmProbe.Coverage;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Coverage;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Benchmarks;

/// <summary>The coverage benchmark's <c>large</c> case: peak managed memory per input byte of decoding, coverage
/// (decode → plan → rewrite → encode), static instrumentation with 10 breakpoints and debug instrumentation, on the two
/// generated shapes (one function with 20,000 ifs; 30,000 small functions), the repository's real C guests (big-O0,
/// SQLite -O0 and -O2), and the large real module: <c>benchmarks/guests/yosys.core.wasm</c> (fetched by <c>benchmarks/guests/fetch-yosys.sh</c>) or
/// the module <c>WASMPROBE_LARGE_MODULE</c> names; without it that row is skipped.</summary>
public sealed class LargeCoverageBenchmark : IBenchmark
{
    private const double MaxBytesPerInputByte = 50;
    private const double MaxLargeSeconds = 5;
    private const long MaxLargeRss = 2L << 30;
    private const double MaxCompileRatio = 1.3;
    /// <summary>Generated modules are far denser in instructions than compiled ones; their bound is the unit tests'.</summary>
    private const double MaxGeneratedBytesPerInputByte = 350;

    /// <summary>A stage not run, or one that failed (a n/a cell, and a failed verdict).</summary>
    private static readonly (double Seconds, double PerByte) Failed = (double.NaN, double.NaN);

    public string Name => "coverage-large";
    public string Description => $"coverage of large modules: peak managed memory per input byte per stage (target: <= {MaxBytesPerInputByte}), the large real module in <= {MaxLargeSeconds} s and <= 2 GB";

    public bool Run(TextWriter output)
    {
        output.WriteLine("peak managed heap growth during each stage, per input byte (B/B); time in seconds");
        output.WriteLine($"{"module",-24} {"bytes",11} {"decode",12} {"coverage",16} {"static",16} {"debug",16}");
        bool pass = true;
        pass &= Measure(output, "generated: 20,000 ifs", Wasmtime.Module.ConvertText(GeneratedModules.OneHugeFunction(20_000)).ToArray(), real: false);
        pass &= Measure(output, "generated: 30,000 funcs", Wasmtime.Module.ConvertText(GeneratedModules.ManySmallFunctions(30_000)).ToArray(), real: false);
        string root = WasmProbe.Tests.Repository.Root;
        pass &= Measure(output, "examples big-O0.wasm", File.ReadAllBytes(Path.Combine(root, "examples", "CGuest", "guest", "big-O0.wasm")), real: true);
        foreach (string build in new[] { "sqlite-O0.wasm", "sqlite-O2.wasm" })
            pass &= Measure(output, build, File.ReadAllBytes(Path.Combine(root, "guests", "sqlite", build)), real: true);
        var large = Environment.GetEnvironmentVariable("WASMPROBE_LARGE_MODULE") is { Length: > 0 } named ? named
            : Path.Combine(WasmProbe.Tests.Repository.Root, "benchmarks", "guests", "yosys.core.wasm");
        if (File.Exists(large)) pass &= Measure(output, Path.GetFileName(large), File.ReadAllBytes(large), real: true, large: true);
        else output.WriteLine($"SKIP: no large module at {large} (run benchmarks/guests/fetch-yosys.sh or set WASMPROBE_LARGE_MODULE)");
        return pass;
    }

    private static bool Measure(TextWriter output, string name, byte[] bytes, bool real, bool large = false)
    {
        var (module, decode) = Stage(bytes, () => ModuleDecoder.Decode(bytes));
        var (coverage, covered) = Stage(bytes, () =>
        {
            var instrumentation = CoverageInstrumenter.Build(module, name);
            _ = instrumentation.Bytes;
            return instrumentation;
        });
        long rss = Process.GetCurrentProcess().PeakWorkingSet64;
        // Compiled now, so that the coverage build is garbage by the next stage, which is measured on its own.
        var compile = real ? (Original: Compile(bytes), Instrumented: Compile(coverage.Bytes)) : default;
        var statics = Failed;
        try
        {
            statics = Stage(bytes, () => Instrumenter.Instrument(module, new InstrumentationOptions { Mode = InstrumentationMode.Static, Probes = TenBreakpoints(module) })).Result;
        }
        catch (ModuleTooLargeException e)
        {
            output.WriteLine($"FAIL: {name}: static instrumentation: {e.Message}");
        }
        var debug = Failed;
        try
        {
            debug = Stage(bytes, () => Instrumenter.Instrument(module, new InstrumentationOptions { Mode = InstrumentationMode.Debug })).Result;
        }
        catch (ModuleTooLargeException e)
        {
            output.WriteLine($"FAIL: {name}: debug instrumentation: {e.Message}");
        }
        output.WriteLine($"{name,-24} {bytes.Length,11:N0} {Cell(decode),12} {Cell(covered),16} {Cell(statics),16} {Cell(debug),16}");

        bool pass = true;
        double bound = real ? MaxBytesPerInputByte : MaxGeneratedBytesPerInputByte;
        foreach (var (stage, result) in new[] { ("decode", decode), ("coverage", covered), ("static", statics) })
            pass &= Verdict(output, $"{name}: {stage} <= {bound} B/B (measured {result.PerByte:F1})", result.PerByte <= bound);
        // Debug builds of generated modules (an instruction every 1-2 bytes, every one a probe site) are measured, not gated.
        if (real) pass &= Verdict(output, $"{name}: debug <= {bound} B/B (measured {debug.PerByte:F1})", debug.PerByte <= bound);
        else output.WriteLine($"INFO: {name}: debug instrumentation {debug.PerByte:F1} B/B");
        if (large)
        {
            double seconds = decode.Seconds + covered.Seconds;
            pass &= Verdict(output, $"{name}: coverage rewrite (decode to encode) <= {MaxLargeSeconds} s (measured {seconds:F2} s)", seconds <= MaxLargeSeconds);
            pass &= Verdict(output, $"{name}: peak RSS through the rewrite <= 2 GB (measured {rss / 1e6:F0} MB)", rss <= MaxLargeRss);
            pass &= Verdict(output, $"{name}: static instrumentation <= {MaxLargeSeconds} s (measured {statics.Seconds:F2} s)", statics.Seconds <= MaxLargeSeconds);
        }
        if (real)
        {
            var (original, instrumented) = compile;
            pass &= Verdict(output, $"{name}: Wasmtime compiles the coverage build in <= {MaxCompileRatio}x the original's time (original {original:F1} s, coverage {instrumented:F1} s: {instrumented / original:F2}x)", instrumented / original <= MaxCompileRatio);
        }
        return pass;
    }

    /// <summary>Ten reachable instructions spread over the largest function.</summary>
    private static CodeLocation[] TenBreakpoints(Module module)
    {
        int largest = Enumerable.Range(0, module.Bodies.Count).MaxBy(d => module.Bodies[d].Code.Count);
        var analysis = new Wasm.Analysis.StackAnalyzer(module).Analyze(module.IndexSpaces.ImportedFunctionCount + largest);
        var reachable = Enumerable.Range(0, analysis.InstructionCount).Where(analysis.IsReachable).ToArray();
        return [.. Enumerable.Range(0, 10).Select(k => new CodeLocation(analysis.FunctionIndex, analysis.Code[reachable[k * (reachable.Length - 1) / 9]].Offset)).Distinct()];
    }

    private static double Compile(byte[] bytes)
    {
        var clock = Stopwatch.StartNew();
        using var compiled = Wasmtime.Module.FromBytes(WasmtimeRuntime.Engine, "benchmark", bytes);
        return clock.Elapsed.TotalSeconds;
    }

    private static string Cell((double Seconds, double PerByte) result) =>
        double.IsNaN(result.PerByte) ? "n/a" : $"{result.PerByte,5:F1} {result.Seconds,6:F2}s";

    private static bool Verdict(TextWriter output, string target, bool met)
    {
        output.WriteLine($"{(met ? "PASS" : "FAIL")}: {target}");
        return met;
    }

    /// <summary>Runs a stage, sampling the managed heap; the result, and the stage's time and peak heap growth per input byte.</summary>
    private static (T Value, (double Seconds, double PerByte) Result) Stage<T>(byte[] input, Func<T> stage)
    {
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        bool done = false;
        var sampler = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        sampler.Start();
        var clock = Stopwatch.StartNew();
        var value = stage();
        double seconds = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref done, true);
        sampler.Join();
        peak = Math.Max(peak, GC.GetTotalMemory(false));
        return (value, (seconds, (peak - baseline) / (double)input.Length));
    }
}
