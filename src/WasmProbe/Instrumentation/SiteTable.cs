namespace WasmProbe.Instrumentation;

/// <summary>The sites of an instrumented module by id (a site's id is its index), ordered by function and pc. Built
/// whole by the instrumenter, or read from the disk cache as blocks of <see cref="BlockSize"/> sites decoded when first
/// used: a debug build of SQLite -O0 has 893,000 sites (29 MB decoded) and a session touches a few functions' worth.</summary>
public sealed class SiteTable
{
    public const int BlockSize = 1024;

    private readonly ProbeSite[]? _all;
    private readonly ProbeSite[]?[] _blocks = [];
    private readonly CodeLocation[] _blockStarts = [];
    private readonly Func<int, ProbeSite[]>? _decodeBlock;

    internal SiteTable(ProbeSite[] sites, int count)
    {
        _all = sites;
        Count = count;
    }

    /// <param name="blockStarts">The location of each block's first site.</param>
    /// <param name="decodeBlock">Decodes block <c>b</c>: the sites from id <c>b * BlockSize</c> on.</param>
    internal SiteTable(int count, CodeLocation[] blockStarts, Func<int, ProbeSite[]> decodeBlock)
    {
        if (blockStarts.Length != (count + BlockSize - 1) / BlockSize) throw new ArgumentException("one start per block", nameof(blockStarts));
        Count = count;
        _blockStarts = blockStarts;
        _blocks = new ProbeSite[]?[blockStarts.Length];
        _decodeBlock = decodeBlock;
    }

    public int Count { get; }

    public ProbeSite this[int id]
    {
        get
        {
            if ((uint)id >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(id), id, $"the module has {Count} sites");
            return _all is not null ? _all[id] : Block(id / BlockSize)[id % BlockSize];
        }
    }

    /// <summary>The site at <paramref name="location"/>, if the instruction there has one.</summary>
    public ProbeSite? Find(CodeLocation location)
    {
        if (_all is not null) return Find(_all.AsSpan(0, Count), location);
        int lo = 0, hi = _blockStarts.Length - 1, block = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(_blockStarts[mid], location) <= 0)
            {
                block = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return block < 0 ? null : Find(Block(block), location);
    }

    public ProbeSite[] ToArray()
    {
        if (_all is not null) return _all[..Count];
        var sites = new ProbeSite[Count];
        for (int b = 0; b < _blocks.Length; b++) Block(b).CopyTo(sites, b * BlockSize);
        return sites;
    }

    /// <summary>Decoded once; two threads that decode a block at once decode the same sites, and either copy serves.</summary>
    private ProbeSite[] Block(int block) => Volatile.Read(ref _blocks[block]) ?? (_blocks[block] = _decodeBlock!(block));

    private static ProbeSite? Find(ReadOnlySpan<ProbeSite> sites, CodeLocation location)
    {
        int lo = 0, hi = sites.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int order = Compare(new CodeLocation(sites[mid].Function, sites[mid].Pc), location);
            if (order == 0) return sites[mid];
            if (order < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return null;
    }

    private static int Compare(CodeLocation a, CodeLocation b) => a.Function != b.Function ? a.Function.CompareTo(b.Function) : a.Pc.CompareTo(b.Pc);
}
