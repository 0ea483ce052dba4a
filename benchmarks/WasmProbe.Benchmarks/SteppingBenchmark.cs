using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace WasmProbe.Benchmarks;

/// <summary>Single-stepping throughput with every stop written as JSON (function, pc, locals and operand stack with
/// their values), issue 16: <c>wasmprobe trace --step</c> against V8's inspector (Node) doing the same on the same
/// guest, the Rust order book at opt-level 2, from the same first pc. WasmProbe's rate is taken from two whole
/// processes that differ only in <c>--max-stops</c> (start-up and compilation cancel out; the JSON goes to /dev/null);
/// V8's from the script's own clock, first stop to last (Stepping/v8-step.mjs). Best of three runs each.</summary>
public sealed class SteppingBenchmark : IBenchmark
{
    private const double Target = 300_000;
    private const int Runs = 3;
    private const int FewStops = 20_000;
    private const int ManyStops = 420_000;
    private const int V8Stops = 2_000;
    private const string Export = "run";
    private const string Argument = "100000";

    public string Name => "stepping";
    public string Description => "trace --step stops/s with locals and stack as JSON, against V8's inspector on the same guest (target >= 300 k stops/s)";

    public bool Run(TextWriter output)
    {
        string guest = Path.Combine(Tests.Repository.Root, "guests", "rust", "orderbook-O2.wasm");
        string cli = Path.Combine(AppContext.BaseDirectory, "WasmProbe.Cli.dll");
        var cache = Directory.CreateTempSubdirectory("wasmprobe-stepping-cache-");
        try
        {
            string[] trace = ["trace", guest, "--invoke", Export, Argument, "--step", "--max-stops"];
            int firstPc = FirstPc(cli, [.. trace, "1"], cache.FullName);
            double Best(int stops) => Enumerable.Range(0, Runs).Min(_ => WallMilliseconds(cli, [.. trace, stops.ToString(CultureInfo.InvariantCulture)], cache.FullName));
            double few = Best(FewStops), many = Best(ManyStops);
            double wasmProbe = (ManyStops - FewStops) / ((many - few) / 1000);
            double? v8 = V8StopsPerSecond(guest, firstPc);

            output.WriteLine($"guest: guests/rust/orderbook-O2.wasm, {Export}({Argument}), stepping from pc {firstPc}");
            output.WriteLine($"  wasmprobe trace --step: {FewStops:N0} stops {few / 1000:F2} s, {ManyStops:N0} stops {many / 1000:F2} s (whole processes) -> {wasmProbe / 1000:F0} k stops/s");
            output.WriteLine(v8 is { } rate
                ? $"  V8 inspector (node {NodeVersion()}): {rate / 1000:F2} k stops/s; WasmProbe is {wasmProbe / rate:F0}x V8"
                : "  V8 inspector: not measured (node not found)");
            bool met = wasmProbe >= Target;
            output.WriteLine($"{(met ? "PASS" : "FAIL")}: trace --step >= {Target / 1000:F0} k stops/s");
            return met;
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    /// <summary>The whole process's wall time, its JSON sent to /dev/null by the shell (not read by this process,
    /// which would compete for the machine's cores).</summary>
    private static double WallMilliseconds(string cli, string[] arguments, string cacheDirectory)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["-c", "exec dotnet \"$@\" > /dev/null", "sh", cli, .. arguments]) start.ArgumentList.Add(argument);
        start.Environment["WASMPROBE_CACHE_DIR"] = cacheDirectory;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        double milliseconds = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"wasmprobe {string.Join(" ", arguments)} failed: {errors}");
        return milliseconds;
    }

    private static int FirstPc(string cli, string[] arguments, string cacheDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])[cli, .. arguments]) start.ArgumentList.Add(argument);
        start.Environment["WASMPROBE_CACHE_DIR"] = cacheDirectory;
        using var process = Process.Start(start)!;
        string first = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("wasmprobe trace printed nothing");
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        using var stop = JsonDocument.Parse(first);
        return stop.RootElement.GetProperty("pc").GetInt32();
    }

    private static double? V8StopsPerSecond(string guest, int firstPc)
    {
        string script = Path.Combine(Tests.Repository.Root, "benchmarks", "WasmProbe.Benchmarks", "Stepping", "v8-step.mjs");
        double best = 0;
        for (int run = 0; run < Runs; run++)
        {
            string? line = Node(script, guest, Export, Argument, firstPc.ToString(CultureInfo.InvariantCulture), V8Stops.ToString(CultureInfo.InvariantCulture));
            if (line is null) return null;
            using var result = JsonDocument.Parse(line);
            best = Math.Max(best, result.RootElement.GetProperty("stops").GetInt32() / (result.RootElement.GetProperty("ms").GetDouble() / 1000));
        }
        return best;
    }

    private static string NodeVersion() => Node("--version") ?? "?";

    /// <summary>The last line node prints, or null when node cannot be started.</summary>
    private static string? Node(params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"node {string.Join(" ", arguments)} failed: {errors.Result}");
            return output.TrimEnd().Split('\n')[^1];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
