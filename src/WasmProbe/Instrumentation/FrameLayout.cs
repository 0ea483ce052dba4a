using WasmProbe.Wasm.Types;

namespace WasmProbe.Instrumentation;

/// <summary>Where a function's shadow frame keeps its values in the debug memory. A frame record is:
/// +0 parent frame address, +4 function index, +8 site id of the current stop or call, +12 number of spilled stack
/// values (-1: locals and stack not spilled), then one slot per local and per spilled stack value.</summary>
public sealed class FrameLayout
{
    public const int ParentOffset = 0;
    public const int FunctionOffset = 4;
    public const int SiteOffset = 8;
    public const int StackHeightOffset = 12;
    public const int HeaderSize = 16;
    public const int StackSlotSize = 16;

    /// <summary>Beyond this many locals, storing them all at every stop and call costs too much code: such functions
    /// store each local when it is written instead.</summary>
    public const int MaxLocalsStoredAtStops = 64;

    public FrameLayout(int function, ValType[] localTypes, int maxSpilledStack)
    {
        WritesThrough = localTypes.Length > MaxLocalsStoredAtStops;
        Function = function;
        LocalTypes = localTypes;
        LocalOffsets = new int[localTypes.Length];
        int offset = HeaderSize;
        for (int i = 0; i < localTypes.Length; i++)
        {
            LocalOffsets[i] = offset;
            offset += localTypes[i].Kind == ValueKind.V128 ? 16 : 8;
        }
        StackOffset = offset;
        Size = Align16(offset + maxSpilledStack * StackSlotSize);
    }

    public int Function { get; }

    /// <summary>Locals are stored on every write (and zeroed on entry) rather than at stops and calls.</summary>
    public bool WritesThrough { get; }
    public ValType[] LocalTypes { get; }
    public int[] LocalOffsets { get; }
    public int StackOffset { get; }
    public int Size { get; }

    public int StackSlotOffset(int slot) => StackOffset + slot * StackSlotSize;

    /// <summary>Non-nullable reference locals may be uninitialized where a probe runs, so they are never read.</summary>
    public static bool IsSpillable(ValType type) => !type.IsRef || type.Nullable;

    private static int Align16(int value) => (value + 15) & ~15;
}
