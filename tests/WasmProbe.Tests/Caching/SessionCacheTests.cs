using System.Diagnostics;
using WasmProbe.Caching;
using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Caching;

[Collection(MemoryMeasurements.Name)]
public sealed class SessionCacheTests : IDisposable
{
    private readonly CacheFixture _fixture = new();

    private ModuleCache Cache(long compiledBytes = 1L << 30) =>
        new(new CacheSettings { Directory = _fixture.Directory, CompiledBytes = compiledBytes });

    private static StopEvent RunOnce(byte[] wasm, ModuleCache cache, InstrumentationMode mode = InstrumentationMode.Static)
    {
        using var session = DebugSession.Create(wasm, CacheFixture.RunOptions(cache, mode));
        return session.Run(_ => ResumeAction.Continue);
    }

    [Fact]
    public void Sessions_over_one_module_share_its_instrumentation_and_code()
    {
        var cache = Cache();
        var wasm = CacheFixture.Guest(1);
        RunOnce(wasm, cache).ShouldBeOfType<FinishedStop>();
        long instrumented = cache.InstrumentedBytes;

        RunOnce(wasm, cache).ShouldBeOfType<FinishedStop>();
        RunOnce([.. wasm], cache).ShouldBeOfType<FinishedStop>();

        cache.InstrumentedBytes.ShouldBe(instrumented);
        cache.Compiled.Count.ShouldBe(1);
        _fixture.OnlyEntry();
    }

    [Fact]
    public void Each_instrumentation_of_a_module_is_its_own_entry()
    {
        var cache = Cache();
        var wasm = CacheFixture.Guest(2);
        RunOnce(wasm, cache, InstrumentationMode.Static);
        RunOnce(wasm, cache, InstrumentationMode.Debug);

        cache.Compiled.Count.ShouldBe(2);
    }

    [Fact]
    public void Equal_instrumentation_options_are_equal_whatever_the_probe_order()
    {
        CodeLocation a = new(0, 10), b = new(0, 20);
        var one = new InstrumentationOptions { Mode = InstrumentationMode.Static, Probes = [a, b] };
        var other = new InstrumentationOptions { Mode = InstrumentationMode.Static, Probes = [b, a, b] };

        one.ShouldBe(other);
        one.GetHashCode().ShouldBe(other.GetHashCode());
        one.CanonicalText().ShouldBe(other.CanonicalText(), "the disk cache's key");
        one.CanonicalText().ShouldNotBe(new InstrumentationOptions { Mode = InstrumentationMode.Static, Probes = [a, b], WatchWrites = true }.CanonicalText());
        one.ShouldNotBe(new InstrumentationOptions { Mode = InstrumentationMode.Static, Probes = [a] });
        one.ShouldNotBe(new InstrumentationOptions { Mode = InstrumentationMode.Static, Probes = [a, b], ReportThrows = false });
    }

    [Fact]
    public void Two_hundred_sessions_over_distinct_modules_stay_within_the_memory_bound()
    {
        const long bound = 512 << 10;
        var cache = Cache(compiledBytes: bound);
        RunOnce(CacheFixture.Guest(-1, functions: 40), cache);
        long before = WorkingSet();

        for (int n = 0; n < 200; n++)
        {
            RunOnce(CacheFixture.Guest(n, functions: 40), cache).ShouldBeOfType<FinishedStop>();
            cache.Compiled.AccountedBytes.ShouldBeLessThanOrEqualTo(bound);
        }

        cache.Compiled.Count.ShouldBeLessThan(100, "evicted modules are released");
        long growth = WorkingSet() - before;
        TestContext.Current.TestOutputHelper?.WriteLine($"{cache.Compiled.Count} compiled modules held, {cache.Compiled.AccountedBytes:N0} bytes accounted; working set +{growth / (1 << 20)} MB");
        growth.ShouldBeLessThan(400L << 20, "the working set grew by more than 400 MB over 200 sessions");
    }

    private static long WorkingSet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    public void Dispose() => _fixture.Dispose();
}
