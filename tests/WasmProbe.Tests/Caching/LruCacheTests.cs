using WasmProbe.Caching;

namespace WasmProbe.Tests.Caching;

public class LruCacheTests
{
    private readonly List<string> _evicted = [];

    private LruCache<int, string> Cache(long capacity) => new(capacity, v => v.Length, _evicted.Add);

    [Fact]
    public void Over_its_bound_it_evicts_the_least_recently_used_value()
    {
        var cache = Cache(capacity: 30);
        cache.GetOrAdd(1, () => new string('a', 10));
        cache.GetOrAdd(2, () => new string('b', 10));
        cache.GetOrAdd(3, () => new string('c', 10));
        cache.GetOrAdd(1, () => throw new InvalidOperationException("cached"));

        cache.GetOrAdd(4, () => new string('d', 10));

        _evicted.ShouldBe([new string('b', 10)]);
        cache.AccountedBytes.ShouldBe(30);
        cache.Count.ShouldBe(3);
    }

    [Fact]
    public void A_leased_value_is_not_evicted_until_returned()
    {
        var cache = Cache(capacity: 10);
        var lease = cache.Rent(1, () => new string('a', 10));
        cache.GetOrAdd(2, () => new string('b', 10));

        _evicted.ShouldBe([new string('b', 10)]);
        lease.Dispose();
        lease.Dispose();
        cache.GetOrAdd(3, () => new string('c', 10));

        _evicted.ShouldBe([new string('b', 10), new string('a', 10)]);
        cache.AccountedBytes.ShouldBe(10);
    }

    [Fact]
    public void Leased_values_may_exceed_the_bound_and_are_trimmed_when_returned()
    {
        var cache = Cache(capacity: 10);
        var leases = Enumerable.Range(0, 3).Select(i => cache.Rent(i, () => new string('x', 10))).ToList();
        cache.AccountedBytes.ShouldBe(30);

        leases.ForEach(l => l.Dispose());

        cache.AccountedBytes.ShouldBeLessThanOrEqualTo(10);
        _evicted.Count.ShouldBe(2);
    }

    [Fact]
    public void A_failed_build_is_not_cached()
    {
        var cache = Cache(capacity: 100);
        Should.Throw<InvalidOperationException>(() => cache.GetOrAdd(1, () => throw new InvalidOperationException("no")));
        cache.Count.ShouldBe(0);
        cache.GetOrAdd(1, () => "built").ShouldBe("built");
    }

    [Fact]
    public async Task Concurrent_callers_share_one_build()
    {
        var cache = Cache(capacity: 100);
        int builds = 0;
        using var gate = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => cache.GetOrAdd(1, () =>
        {
            Interlocked.Increment(ref builds);
            gate.Wait(TimeSpan.FromSeconds(30));
            return "value";
        }))).ToArray();
        gate.Set();
        string[] values = await Task.WhenAll(callers);

        builds.ShouldBe(1);
        values.ShouldAllBe(v => v == "value");
    }
}
