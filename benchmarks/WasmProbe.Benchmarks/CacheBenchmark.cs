using System.Diagnostics;
using WasmProbe.Caching;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;

namespace WasmProbe.Benchmarks;

/// <summary>Fixed cost of a session (create, instrument, compile, instantiate, dispose; the guest's entry is not run)
/// on examples/CGuest/guest/big-O0.wasm, a 1.6 MB clang -O0 module: cold (empty caches), warm in the process (the
/// instrumented module and compiled code reused), and warm on disk (a new process, or a new cache in this process, over
/// the same cache directory). Static builds, as generated probe tests use. Target: warm in-process &lt;= 10 ms.</summary>
public sealed class CacheBenchmark : IBenchmark
{
    /// <summary>Set in the child process that measures a warm-disk session: the cache directory is WASMPROBE_CACHE_DIR.</summary>
    private const string ChildVariable = "WASMPROBE_CACHE_BENCHMARK_CHILD";

    private const int WarmSessions = 20;

    public string Name => "cache";
    public string Description => "session fixed cost on big-O0.wasm: cold, warm in-process, warm disk (target: warm <= 10 ms)";

    public bool Run(TextWriter output)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(WasmProbe.Tests.Repository.Root, "examples", "CGuest", "guest", "big-O0.wasm"));
        if (Environment.GetEnvironmentVariable(ChildVariable) is not null)
        {
            output.WriteLine(FormattableString.Invariant($"session: {Time(bytes, ModuleCache.Shared):F2} ms"));
            return true;
        }

        string directory = Directory.CreateTempSubdirectory("wasmprobe-cache-benchmark-").FullName;
        try
        {
            var settings = new CacheSettings { Directory = directory };
            var cache = new ModuleCache(settings);
            double cold = Time(bytes, cache);
            double warm = Enumerable.Range(0, WarmSessions).Select(_ => Time(bytes, cache)).Order().ElementAt(WarmSessions / 2);
            double warmDisk = Time([.. bytes], new ModuleCache(settings));
            string child = ChildSession(directory);
            long stored = new DirectoryInfo(directory).GetFiles().Sum(f => f.Length);

            output.WriteLine($"static build of big-O0.wasm ({bytes.Length / 1024} KB; compiled code on disk: {stored / 1024} KB)");
            output.WriteLine($"  cold (empty caches)                               {cold,9:F1} ms");
            output.WriteLine($"  warm, same process (median of {WarmSessions})                {warm,9:F2} ms");
            output.WriteLine($"  warm disk, new cache in this process              {warmDisk,9:F1} ms");
            output.WriteLine($"  warm disk, new process (measured by the child)    {child,9} ms");
            bool met = warm <= 10;
            output.WriteLine($"{(met ? "PASS" : "FAIL")}: warm in-process session <= 10 ms");
            return met;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static double Time(byte[] bytes, ModuleCache cache)
    {
        var clock = Stopwatch.StartNew();
        using (var session = DebugSession.Create(bytes, new DebugSessionOptions { Mode = InstrumentationMode.Static, Host = new GuestOptions { Wasi = true }, Coverage = false, Cache = cache }))
        {
            if (session.Run(_ => ResumeAction.Continue) is not FinishedStop final) throw new InvalidOperationException("instantiation did not finish");
        }
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Runs this benchmark in a new process over <paramref name="directory"/> and returns its session time.</summary>
    private static string ChildSession(string directory)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (!Environment.ProcessPath!.EndsWith("WasmProbe.Benchmarks", StringComparison.Ordinal) && !Environment.ProcessPath.EndsWith("WasmProbe.Benchmarks.exe", StringComparison.Ordinal))
            start.ArgumentList.Add(typeof(CacheBenchmark).Assembly.Location);
        start.ArgumentList.Add("cache");
        start.Environment[CacheSettings.DirectoryVariable] = directory;
        start.Environment[ChildVariable] = "1";
        using var child = Process.Start(start)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        int at = output.IndexOf("session: ", StringComparison.Ordinal);
        return at < 0 ? "?" : output[(at + "session: ".Length)..].Split(' ')[0];
    }
}
