using System.Buffers.Binary;
using WasmProbe.Engine;

namespace WasmProbe.Watchpoints;

/// <summary>A watched byte range [<see cref="Address"/>, <see cref="Address"/> + <see cref="Length"/>) of a memory.</summary>
public sealed record WriteWatchpoint(int Memory, long Address, long Length)
{
    public bool Overlaps(long address, long length) => length > 0 && address < Address + Length && Address < address + length;
}

/// <summary>A write about to happen that touches a watched range: the instruction at <see cref="Pc"/> of
/// <see cref="Function"/> writes <see cref="Length"/> bytes from <see cref="Address"/>; <see cref="OldBytes"/> are
/// those bytes as they are now, <see cref="NewBytes"/> the ones it writes (both empty where the write, or a copy's or
/// init's source, is out of bounds and will trap). A <c>memory.grow</c> is reported once it has succeeded: its new
/// pages are the write, <see cref="NewBytes"/> their zeros and <see cref="OldBytes"/> empty (they did not exist).</summary>
public sealed record WriteHit(WriteWatchpoint Watchpoint, int Function, int Pc, long Address, long Length, byte[] OldBytes, byte[] NewBytes)
{
    public override string ToString() =>
        $"write of {Length} byte(s) at 0x{Address:x} by function {Function} at pc 0x{Pc:x} into watched [0x{Watchpoint.Address:x}, 0x{Watchpoint.Address + Watchpoint.Length:x})";
}

/// <summary>The write watchpoints of one guest. The guest checks each write against its memory's window, the hull
/// of that memory's watchpoints (see <see cref="Instrumentation.WriteWatch"/>), and calls <see cref="OnWrite"/> when
/// it may touch it; this set keeps the exact ranges and tells <see cref="Hit"/> about each one the write touches.</summary>
public sealed class WriteWatchpoints
{
    private readonly List<WriteWatchpoint> _watchpoints = [];
    private readonly Func<int, (IGuestGlobal Base, IGuestGlobal Span)?> _window;
    private readonly Func<int, IGuestMemory?> _memory;
    private readonly IReadOnlyList<DataSegment> _data;

    /// <param name="data">The module's data segments, which <c>memory.init</c> copies from.</param>
    internal WriteWatchpoints(Func<int, (IGuestGlobal Base, IGuestGlobal Span)?> window, Func<int, IGuestMemory?> memory, IReadOnlyList<DataSegment> data)
    {
        _window = window;
        _memory = memory;
        _data = data;
    }

    /// <summary>Called on the guest's thread before the write, once per watchpoint it touches.</summary>
    public event Action<WriteHit>? Hit;

    public IReadOnlyList<WriteWatchpoint> All => _watchpoints;

    /// <summary>Arms <paramref name="watchpoint"/> (the guest must be instantiated).</summary>
    /// <exception cref="ArgumentException">Its memory cannot be watched in this build.</exception>
    public void Add(WriteWatchpoint watchpoint)
    {
        if (_window(watchpoint.Memory) is null) throw new ArgumentException($"memory {watchpoint.Memory} cannot be watched in this build (it does not exist, or the build does not watch writes)", nameof(watchpoint));
        _watchpoints.Add(watchpoint);
        UpdateWindow(watchpoint.Memory);
    }

    public bool Remove(WriteWatchpoint watchpoint)
    {
        if (!_watchpoints.Remove(watchpoint)) return false;
        UpdateWindow(watchpoint.Memory);
        return true;
    }

    private void UpdateWindow(int memory)
    {
        var (windowBase, span) = _window(memory)!.Value;
        var ranges = _watchpoints.Where(w => w.Memory == memory).ToList();
        long start = ranges.Count == 0 ? 0 : ranges.Min(w => w.Address) - Instrumentation.WriteWatch.MaxStoreBytes;
        windowBase.Set(Inspection.WasmValue.I64(start));
        span.Set(Inspection.WasmValue.I64(ranges.Count == 0 ? 0 : ranges.Max(w => w.Address + w.Length) - start));
    }

    /// <summary>The guest's report of a write that meets memory <paramref name="memory"/>'s window.</summary>
    /// <param name="low">With <paramref name="high"/>: a store's value bits (little-endian, the first
    /// <paramref name="length"/> bytes are written); a fill's byte; a copy's source address (<paramref name="high"/>:
    /// its memory); an init's offset in the data segment (<paramref name="high"/>: the segment).</param>
    internal void OnWrite(int memory, int function, int pc, long address, long length, MemoryWriteKind kind, long low, long high)
    {
        foreach (var watchpoint in _watchpoints.ToArray())
        {
            if (watchpoint.Memory != memory || !watchpoint.Overlaps(address, length)) continue;
            var old = kind == MemoryWriteKind.Grow ? [] : Read(memory, address, length);
            Hit?.Invoke(new WriteHit(watchpoint, function, pc, address, length, old, Written(kind, length, low, high)));
        }
    }

    private byte[] Written(MemoryWriteKind kind, long length, long low, long high)
    {
        switch (kind)
        {
            case MemoryWriteKind.Store:
                var bits = new byte[16];
                BinaryPrimitives.WriteInt64LittleEndian(bits, low);
                BinaryPrimitives.WriteInt64LittleEndian(bits.AsSpan(8), high);
                return bits[..(int)Math.Min(length, 16)];
            case MemoryWriteKind.Fill:
            case MemoryWriteKind.Grow:
                if (length > int.MaxValue) return [];
                var filled = new byte[length];
                Array.Fill(filled, (byte)low);
                return filled;
            case MemoryWriteKind.Init:
                return Segment((int)high, low, length);
            default:
                return Read((int)high, low, length);
        }
    }

    /// <summary>Bytes of a passive data segment (an active one is dropped once it has been copied in at instantiation,
    /// so an init from it traps, as one from a segment that <c>data.drop</c> dropped does: then the bytes are wrong,
    /// but the write never happens).</summary>
    private byte[] Segment(int segment, long offset, long length)
    {
        if ((uint)segment >= (uint)_data.Count || _data[segment] is not { Mode: SegmentMode.Passive, Bytes: var bytes }) return [];
        return offset + length > bytes.Length ? [] : bytes[(int)offset..(int)(offset + length)];
    }

    private byte[] Read(int memory, long address, long length)
    {
        var guestMemory = _memory(memory);
        if (guestMemory is null || address < 0 || length > int.MaxValue || address > guestMemory.Length - length) return [];
        return guestMemory.Read(address, (int)length).ToArray();
    }
}
