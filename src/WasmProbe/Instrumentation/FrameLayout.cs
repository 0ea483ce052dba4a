namespace WasmProbe.Instrumentation;

/// <summary>Where a function's shadow frame keeps its values in the debug memory. A frame record is:
/// +0 parent frame address, +4 function index, +8 site id of the current stop or call (in debug builds relative to
/// the function's first site, see <see cref="DebugMemory.SiteBasesBase"/>: a small constant in the code), +12 one more
/// than the number of stored stack values (0: not stored; a call stores both fields as one small i64), then one slot per operand stack value (at the same offsets in every function, so
/// the helpers that store them are shared), then one slot per local.</summary>
public sealed class FrameLayout
{
    public const int ParentOffset = 0;
    public const int FunctionOffset = 4;
    public const int SiteOffset = 8;
    public const int StackHeightOffset = 12;
    public const int HeaderSize = 16;
    public const int StackSlotSize = 16;

    /// <summary>In a reference's stack slot (which holds whether it is non-null, as an i32), at a static stop before a
    /// <c>br_on_cast</c> or <c>br_on_cast_fail</c> to the function's own label: an i32, 1 when the reference matches
    /// the cast's target type (so whether the function returns there is known, see <see cref="Wasm.Resolution.ExitKind.BranchOnCast"/>).</summary>
    public const int CastMatchOffset = 4;

    /// <summary>Static builds: beyond this many locals, passing them all to the frame writer at every stop costs too
    /// much code, so such functions store each local when it is written instead.</summary>
    public const int MaxLocalsStoredAtStops = 64;

    public FrameLayout(int function, ValType[] localTypes, int maxSpilledStack, bool writesThrough)
    {
        WritesThrough = writesThrough;
        Function = function;
        MaxSpilledStack = maxSpilledStack;
        LocalTypes = localTypes;
        LocalOffsets = new int[localTypes.Length];
        int offset = HeaderSize + maxSpilledStack * StackSlotSize;
        for (int i = 0; i < localTypes.Length; i++)
        {
            LocalOffsets[i] = offset;
            offset += localTypes[i].Kind == ValueKind.V128 ? 16 : 8;
        }
        LocalsEnd = offset;
        Size = Align16(offset);
    }

    public int Function { get; }

    /// <summary>The operand-stack slots the frame has room for, before its locals.</summary>
    public int MaxSpilledStack { get; }

    /// <summary>Locals are stored on every write (and zeroed on entry) rather than at stops and calls.</summary>
    public bool WritesThrough { get; }

    /// <summary>Debug builds: the body is wrapped so that a stop can make the function return (see <see cref="EarlyReturn"/>).</summary>
    public bool ReturnsEarly { get; init; }
    public ValType[] LocalTypes { get; }
    public int[] LocalOffsets { get; }
    public int LocalsEnd { get; }
    public int Size { get; }

    public static int StackSlotOffset(int slot) => HeaderSize + slot * StackSlotSize;

    /// <summary>What the header's height field holds for <paramref name="height"/> stored stack values.</summary>
    public static int StoredHeight(int height) => height + 1;

    /// <summary>Non-nullable reference locals may be uninitialized where a probe runs, so they are never read.</summary>
    public static bool IsSpillable(ValType type) => !type.IsRef || type.Nullable;

    /// <summary>Whether the host can change a value of this type in a frame (static builds, see <see cref="ResumeCode"/>):
    /// references cannot be written from linear memory.</summary>
    public static bool IsSettable(ValType type) => !type.IsRef;

    /// <summary>Whether a static stop can make the function return results the host chose.</summary>
    public static bool CanForceReturn(FunctionType type) => type.Results.All(IsSettable);

    /// <summary>How a frame slot of a number or vector type is loaded and stored, with its alignment (log2 of its
    /// size); null for other types.</summary>
    internal static (Opcode Load, Opcode Store, int Align)? SlotAccess(ValType type) => type.Kind switch
    {
        ValueKind.I32 => (Opcode.I32Load, Opcode.I32Store, 2),
        ValueKind.I64 => (Opcode.I64Load, Opcode.I64Store, 3),
        ValueKind.F32 => (Opcode.F32Load, Opcode.F32Store, 2),
        ValueKind.F64 => (Opcode.F64Load, Opcode.F64Store, 3),
        ValueKind.V128 => (Opcode.V128Load, Opcode.V128Store, 4),
        _ => null,
    };

    private static int Align16(int value) => (value + 15) & ~15;
}
