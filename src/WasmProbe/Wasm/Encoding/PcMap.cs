namespace WasmProbe.Wasm.Encoding;

/// <summary>Maps instruction offsets of an encoded (rewritten) module back to the pcs of the module it was derived
/// from. Instructions a rewrite inserted map to the next original instruction, the one they run before: a run of them
/// needs only its first entry.</summary>
public sealed class PcMap
{
    private int[] _newOffsets = new int[256];
    private int[] _originalOffsets = new int[256];
    private int _count;
    private bool _sorted = true;

    public PcMap()
    {
    }

    /// <summary>A map read back from its <see cref="NewOffsets"/> and <see cref="OriginalOffsets"/>.</summary>
    internal PcMap(int[] newOffsets, int[] originalOffsets)
    {
        if (newOffsets.Length != originalOffsets.Length) throw new ArgumentException("the offset arrays differ in length", nameof(originalOffsets));
        _newOffsets = newOffsets;
        _originalOffsets = originalOffsets;
        _count = newOffsets.Length;
        for (int i = 1; i < _count && _sorted; i++) _sorted = newOffsets[i - 1] <= newOffsets[i];
    }

    internal void Add(int newOffset, int originalOffset)
    {
        if (originalOffset < 0 && _count > 0 && _originalOffsets[_count - 1] < 0 && newOffset > _newOffsets[_count - 1]) return;
        if (_count == _newOffsets.Length)
        {
            Array.Resize(ref _newOffsets, _count * 2);
            Array.Resize(ref _originalOffsets, _count * 2);
        }
        if (_count > 0 && newOffset < _newOffsets[_count - 1]) _sorted = false;
        _newOffsets[_count] = newOffset;
        _originalOffsets[_count] = originalOffset;
        _count++;
    }

    /// <summary>Makes room for <paramref name="additional"/> more entries at once, instead of doubling towards them.</summary>
    internal void Reserve(int additional)
    {
        if (_count + additional <= _newOffsets.Length) return;
        Array.Resize(ref _newOffsets, _count + additional);
        Array.Resize(ref _originalOffsets, _count + additional);
    }

    /// <summary>Adds <paramref name="delta"/> to the new offsets of the entries from <paramref name="first"/> on.</summary>
    internal void Shift(int first, int delta)
    {
        for (int i = first; i < _count; i++) _newOffsets[i] += delta;
    }

    public int Count => _count;

    internal void Clear()
    {
        _count = 0;
        _sorted = true;
    }

    internal int[] NewOffsets() => _newOffsets.AsSpan(0, _count).ToArray();
    internal int[] OriginalOffsets() => _originalOffsets.AsSpan(0, _count).ToArray();

    /// <summary>The original pc for an offset in the encoded module (exact instruction start or anywhere inside an
    /// instruction), or -1 when the offset lies outside any mapped code.</summary>
    public int ToOriginal(int newOffset)
    {
        EnsureSorted();
        int i = Array.BinarySearch(_newOffsets, 0, _count, newOffset);
        if (i < 0) i = ~i - 1;
        if (i < 0) return -1;
        for (; i < _count; i++)
        {
            if (_originalOffsets[i] >= 0) return _originalOffsets[i];
        }
        return -1;
    }

    /// <summary>The offset in the encoded module of the instruction that had <paramref name="originalOffset"/>, or -1.</summary>
    public int ToNew(int originalOffset)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_originalOffsets[i] == originalOffset) return _newOffsets[i];
        }
        return -1;
    }

    private void EnsureSorted()
    {
        if (_sorted) return;
        Array.Sort(_newOffsets, _originalOffsets, 0, _count);
        _sorted = true;
    }
}
