using System.Buffers.Binary;
using WasmProbe.Engine;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;

namespace WasmProbe.Debugging;

/// <summary>Reads shadow frames (see <see cref="FrameLayout"/>) out of the debug memory.</summary>
/// <param name="linkedModule">The linked module whose build <paramref name="module"/> is (its frames name it), or null
/// for the guest's.</param>
internal sealed class FrameReader(InstrumentedModule module, IGuestMemory memory, string? linkedModule = null)
{
    private const int MaxFrames = 1_000_000;
    private readonly ModuleNamesCache _names = new(module.Original);

    public readonly record struct Record(int Parent, int Function, int Site, int StackHeight);

    private byte[]? _siteBases;

    /// <summary>The frame's header, its site made absolute; a negative height when its stack is not stored.</summary>
    public Record Read(int frame)
    {
        var header = memory.Read(frame, FrameLayout.HeaderSize);
        int function = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        return new Record(
            BinaryPrimitives.ReadInt32LittleEndian(header),
            function,
            BinaryPrimitives.ReadInt32LittleEndian(header[8..]) + SiteBase(function),
            BinaryPrimitives.ReadInt32LittleEndian(header[12..]) - FrameLayout.StoredHeight(0));
    }

    /// <summary>Debug builds number a frame's sites from its function's first site (read once per run; the
    /// instrumented module's data put them there); static builds do not.</summary>
    private int SiteBase(int function)
    {
        if (module.Mode != InstrumentationMode.Debug || (uint)function >= (uint)module.Memory.FunctionCount) return 0;
        _siteBases ??= memory.Read(module.Memory.SiteBasesBase, 4 * module.Memory.FunctionCount).ToArray();
        return BinaryPrimitives.ReadInt32LittleEndian(_siteBases.AsSpan(4 * function));
    }

    /// <summary>The frames from <paramref name="frame"/> outwards, innermost first.</summary>
    public List<StackFrame> ReadChain(int frame) => Walk(frame, ToFrame);

    /// <summary>Where the frames from <paramref name="frame"/> outwards are, without their values.</summary>
    public List<CodeLocation> ReadLocations(int frame) => Walk(frame, (_, record) => new CodeLocation(record.Function, module.Sites[record.Site].Pc));

    private List<T> Walk<T>(int frame, Func<int, Record, T> read)
    {
        var frames = new List<T>();
        while (frame >= module.Memory.FramesBase && frames.Count < MaxFrames)
        {
            var record = Read(frame);
            if ((uint)record.Site >= (uint)module.Sites.Count) break;
            frames.Add(read(frame, record));
            if (record.Parent >= frame) break;
            frame = record.Parent;
        }
        return frames;
    }

    public StackFrame ToFrame(int frame, Record record)
    {
        var site = module.Sites[record.Site];
        var layout = module.Layouts[record.Function]!;
        // One read of the whole record: stops are many, and each read of guest memory crosses into the engine.
        var bytes = memory.Read(frame, layout.Size);
        // A negative height says the frame was not stored at its last call (nothing was armed then).
        WasmValue[]? locals = null;
        WasmValue[]? stack = null;
        if (record.StackHeight >= 0 || layout.WritesThrough)
        {
            locals = new WasmValue[layout.LocalTypes.Length];
            for (int i = 0; i < locals.Length; i++)
            {
                var type = layout.LocalTypes[i];
                locals[i] = FrameLayout.IsSpillable(type) ? Decode(type, bytes[layout.LocalOffsets[i]..]) : WasmValue.Unavailable(type);
            }
        }
        if (record.StackHeight >= 0)
        {
            stack = new WasmValue[Math.Min(record.StackHeight, site.StackTypes.Length)];
            for (int k = 0; k < stack.Length; k++) stack[k] = Decode(site.StackTypes[k], bytes[FrameLayout.StackSlotOffset(k)..]);
        }
        int function = record.Function;
        return new StackFrame(new CodeLocation(function, site.Pc), _names.Function(function), locals, stack, i => _names.Local(function, i)) { Module = linkedModule };
    }

    public WasmValue ReadLocal(int frame, FrameLayout layout, int local)
    {
        var type = layout.LocalTypes[local];
        return FrameLayout.IsSpillable(type) ? ReadValue(type, frame + layout.LocalOffsets[local]) : WasmValue.Unavailable(type);
    }

    public WasmValue ReadStackSlot(int frame, FrameLayout layout, ValType type, int slot) => ReadValue(type, frame + FrameLayout.StackSlotOffset(slot));

    /// <summary>At a static stop before a <c>br_on_cast</c> exit: whether the reference in <paramref name="slot"/>
    /// matches the cast's target type (<see cref="FrameLayout.CastMatchOffset"/>).</summary>
    public bool ReadCastMatch(int frame, int slot) =>
        BinaryPrimitives.ReadInt32LittleEndian(memory.Read(frame + FrameLayout.StackSlotOffset(slot) + FrameLayout.CastMatchOffset, 4)) != 0;

    private WasmValue ReadValue(ValType type, long address) => Decode(type, memory.Read(address, SlotBytes(type)));

    /// <summary>Static builds take changed values back from the frame when the guest resumes (<see cref="ResumeCode"/>).</summary>
    public void WriteLocal(int frame, FrameLayout layout, int local, WasmValue value) => WriteValue(frame + layout.LocalOffsets[local], value);

    public void WriteStackSlot(int frame, int slot, WasmValue value) => WriteValue(frame + FrameLayout.StackSlotOffset(slot), value);

    private void WriteValue(long address, WasmValue value)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value.Bits);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], value.HighBits);
        memory.Write(address, bytes[..SlotBytes(value.Type)]);
    }

    private static int SlotBytes(ValType type) => type.Kind == ValueKind.V128 ? 16 : type.Kind is ValueKind.I64 or ValueKind.F64 ? 8 : 4;

    private static WasmValue Decode(ValType type, ReadOnlySpan<byte> bytes) => type.Kind switch
    {
        ValueKind.I32 => WasmValue.I32(BinaryPrimitives.ReadInt32LittleEndian(bytes)),
        ValueKind.I64 => WasmValue.I64(BinaryPrimitives.ReadInt64LittleEndian(bytes)),
        ValueKind.F32 => WasmValue.F32Bits(BinaryPrimitives.ReadUInt32LittleEndian(bytes)),
        ValueKind.F64 => WasmValue.F64Bits(BinaryPrimitives.ReadUInt64LittleEndian(bytes)),
        ValueKind.V128 => WasmValue.V128(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..])),
        _ => WasmValue.OpaqueReference(type, isNull: BinaryPrimitives.ReadInt32LittleEndian(bytes) == 0),
    };
}

/// <summary>Function and local names, computed once per module.</summary>
internal sealed class ModuleNamesCache(Module module)
{
    private readonly Dictionary<int, string> _functions = [];

    public string Function(int index)
    {
        lock (_functions)
        {
            if (!_functions.TryGetValue(index, out var name)) _functions[index] = name = module.Names.FunctionOrIndex(index);
            return name;
        }
    }

    public string? Local(int function, int local) => module.Names.Local(function, local);
}
