namespace WasmProbe.Caching;

/// <summary>A thread-safe cache bounded by the bytes of its values, evicting the least recently used first. A value is
/// built once per key (concurrent callers wait for the first); a failed build is not cached. Values in use are held
/// by a <see cref="CacheLease{T}"/> and never evicted while leased, so <paramref name="evicted"/> can release native
/// resources: the cache may exceed its bound only by values still leased.</summary>
internal sealed class LruCache<TKey, TValue>(long capacityBytes, Func<TValue, long> weigh, Action<TValue>? evicted = null)
    where TKey : notnull
{
    private readonly object _gate = new();
    private readonly Dictionary<TKey, Entry> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private long _accountedBytes;

    public long CapacityBytes => capacityBytes;

    /// <summary>The summed weight of the values held (built values only).</summary>
    public long AccountedBytes
    {
        get
        {
            lock (_gate) return _accountedBytes;
        }
    }

    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>The value for <paramref name="key"/>, unleased: for values that need no release.</summary>
    public TValue GetOrAdd(TKey key, Func<TValue> build)
    {
        using var lease = Rent(key, build);
        return lease.Value;
    }

    /// <summary>The value for <paramref name="key"/>, built if absent; it stays cached at least until the lease is disposed.</summary>
    public CacheLease<TValue> Rent(TKey key, Func<TValue> build)
    {
        Entry entry;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var found))
            {
                entry = found;
                _recency.Remove(entry.Node);
                _recency.AddFirst(entry.Node);
            }
            else
            {
                entry = new Entry(key, new Lazy<TValue>(build, LazyThreadSafetyMode.ExecutionAndPublication));
                entry.Node = _recency.AddFirst(entry);
                _entries.Add(key, entry);
            }
            entry.Leases++;
        }

        TValue value;
        try
        {
            value = entry.Value.Value;
        }
        catch
        {
            lock (_gate)
            {
                entry.Leases--;
                if (_entries.TryGetValue(key, out var current) && current == entry) Forget(entry);
            }
            throw;
        }

        List<TValue> victims;
        lock (_gate)
        {
            if (entry.Weight < 0 && _entries.TryGetValue(key, out var current) && current == entry)
            {
                entry.Weight = weigh(value);
                _accountedBytes += entry.Weight;
            }
            victims = Trim();
        }
        Release(victims);
        return new CacheLease<TValue>(value, () => Return(entry));
    }

    private void Return(Entry entry)
    {
        List<TValue> victims;
        lock (_gate)
        {
            entry.Leases--;
            victims = Trim();
        }
        Release(victims);
    }

    /// <summary>Evicts unleased values, oldest first, until the cache fits its bound. Called under the lock.</summary>
    private List<TValue> Trim()
    {
        var victims = new List<TValue>();
        for (var node = _recency.Last; node is not null && _accountedBytes > capacityBytes;)
        {
            var entry = node.Value;
            node = node.Previous;
            if (entry.Leases > 0 || entry.Weight < 0) continue;
            Forget(entry);
            victims.Add(entry.Value.Value);
        }
        return victims;
    }

    private void Forget(Entry entry)
    {
        _entries.Remove(entry.Key);
        _recency.Remove(entry.Node);
        if (entry.Weight > 0) _accountedBytes -= entry.Weight;
    }

    private void Release(List<TValue> victims)
    {
        if (evicted is null) return;
        foreach (var victim in victims) evicted(victim);
    }

    private sealed class Entry(TKey key, Lazy<TValue> value)
    {
        public TKey Key { get; } = key;
        public Lazy<TValue> Value { get; } = value;
        public LinkedListNode<Entry> Node { get; set; } = null!;
        public int Leases { get; set; }

        /// <summary>-1 until the value is built.</summary>
        public long Weight { get; set; } = -1;
    }
}

/// <summary>A value held out of an <see cref="LruCache{TKey, TValue}"/>: not evicted until disposed.</summary>
internal sealed class CacheLease<T>(T value, Action release) : IDisposable
{
    private int _released;

    public T Value { get; } = value;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) release();
    }
}
