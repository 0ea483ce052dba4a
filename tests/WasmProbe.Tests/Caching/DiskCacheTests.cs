using WasmProbe.Caching;

namespace WasmProbe.Tests.Caching;

public sealed class DiskCacheTests : IDisposable
{
    private readonly CacheFixture _fixture = new();

    [Fact]
    public void A_module_is_compiled_once_and_loaded_from_disk_by_another_cache()
    {
        var wasm = CacheFixture.Guest(1);
        CacheFixture.Load(_fixture.Compiled(), wasm).ShouldBe(CompiledOrigin.Compiled);
        _fixture.OnlyEntry();
        CacheFixture.Load(_fixture.Compiled(), wasm).ShouldBe(CompiledOrigin.Disk);
    }

    [Fact]
    public void A_loaded_module_runs()
    {
        var wasm = CacheFixture.Guest(2);
        CacheFixture.Load(_fixture.Compiled(), wasm);
        using var lease = _fixture.Compiled().Rent(wasm);
        lease.Value.Origin.ShouldBe(CompiledOrigin.Disk);
        using var store = new Wasmtime.Store(Engine.WasmtimeRuntime.Engine);
        store.SetEpochDeadline(1000);
        var instance = new Wasmtime.Linker(Engine.WasmtimeRuntime.Engine).Instantiate(store, lease.Value.Module);
        instance.GetFunction<int>("run")!().ShouldBe(0);
    }

    [Fact]
    public void Another_module_is_a_miss()
    {
        CacheFixture.Load(_fixture.Compiled(), CacheFixture.Guest(3));
        CacheFixture.Load(_fixture.Compiled(), CacheFixture.Guest(4)).ShouldBe(CompiledOrigin.Compiled);
        _fixture.Entries().Length.ShouldBe(2);
    }

    public static TheoryData<string> Damages => ["truncated", "garbage", "older format", "other key", "refused by Wasmtime"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_entry_is_recompiled_and_replaced(string damage)
    {
        var wasm = CacheFixture.Guest(5);
        CacheFixture.Load(_fixture.Compiled(), wasm);
        string entry = _fixture.OnlyEntry();
        byte[] good = File.ReadAllBytes(entry);
        byte[] bad = damage switch
        {
            "truncated" => good[..(good.Length / 2)],
            "garbage" => [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))],
            "older format" => [.. good[..^41], 0, .. good[^40..]],
            "other key" => [.. good[..^40], (byte)~good[^40], .. good[^39..]],
            _ => [.. new byte[good.Length - DiskStore.TrailerLength], .. good[^DiskStore.TrailerLength..]],
        };
        File.WriteAllBytes(entry, bad);

        CacheFixture.Load(_fixture.Compiled(), wasm).ShouldBe(CompiledOrigin.Compiled);
        File.ReadAllBytes(_fixture.OnlyEntry()).ShouldBe(good);
        CacheFixture.Load(_fixture.Compiled(), wasm).ShouldBe(CompiledOrigin.Disk);
    }

    [Fact]
    public void Over_its_bound_the_directory_drops_the_least_recently_used_entry()
    {
        var first = CacheFixture.Guest(6);
        var second = CacheFixture.Guest(7);
        var third = CacheFixture.Guest(8);
        CacheFixture.Load(_fixture.Compiled(), first);
        long entrySize = new FileInfo(_fixture.OnlyEntry()).Length;
        var bounded = _fixture.Compiled(diskBytes: entrySize * 5 / 2);
        CacheFixture.Load(bounded, second);
        CacheFixture.Load(_fixture.Compiled(), first).ShouldBe(CompiledOrigin.Disk);

        CacheFixture.Load(bounded, third);

        _fixture.Entries().Length.ShouldBe(2);
        CacheFixture.Load(_fixture.Compiled(), first).ShouldBe(CompiledOrigin.Disk);
        CacheFixture.Load(_fixture.Compiled(), third).ShouldBe(CompiledOrigin.Disk);
    }

    [Fact]
    public async Task Concurrent_writers_of_one_module_leave_one_valid_entry()
    {
        var wasm = CacheFixture.Guest(9, functions: 50);
        using var start = new Barrier(4);
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            var cache = _fixture.Compiled();
            start.SignalAndWait();
            return CacheFixture.Load(cache, wasm);
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(writers);

        _fixture.OnlyEntry();
        System.IO.Directory.GetFiles(_fixture.Directory, "*.tmp").ShouldBeEmpty();
        CacheFixture.Load(_fixture.Compiled(), wasm).ShouldBe(CompiledOrigin.Disk);
    }

    [Fact]
    public void Concurrent_writers_of_many_modules_all_land()
    {
        var modules = Enumerable.Range(100, 12).Select(n => CacheFixture.Guest(n)).ToArray();
        Parallel.For(0, 4, writer =>
        {
            var cache = _fixture.Compiled();
            foreach (var wasm in modules.Skip(writer).Concat(modules.Take(writer))) CacheFixture.Load(cache, wasm);
        });

        _fixture.Entries().Length.ShouldBe(modules.Length);
        var reader = _fixture.Compiled();
        modules.ShouldAllBe(wasm => CacheFixture.Load(reader, wasm) == CompiledOrigin.Disk);
    }

    public void Dispose() => _fixture.Dispose();
}
