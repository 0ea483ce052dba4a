using WasmProbe.Engine;
using WasmProbe.Inspection;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Debugging;

/// <summary>What a frame's source variables are read from: the frame's locals and operand stack, and the guest's
/// globals and memory 0 as they are while it is paused.</summary>
internal sealed class FrameState(StackFrame frame, GuestView guest) : IFrameState
{
    public bool TryGetLocal(int index, out ulong bits) => TryGet(frame.LocalsOrNull, index, out bits);

    public bool TryGetOperand(int index, out ulong bits) => TryGet(frame.StackOrNull, index, out bits);

    public bool TryGetGlobal(int index, out ulong bits)
    {
        bits = 0;
        if (guest.Global(index) is not { } value || !value.IsAvailable || value.Type.IsRef) return false;
        bits = value.Bits;
        return true;
    }

    public bool TryReadMemory(ulong address, byte[] buffer, int offset, int count)
    {
        if (guest.Memory is not { } memory || address > (ulong)memory.Length || (ulong)count > (ulong)memory.Length - address) return false;
        memory.Read((long)address, count).CopyTo(buffer.AsSpan(offset, count));
        return true;
    }

    private static bool TryGet(IReadOnlyList<WasmValue>? values, int index, out ulong bits)
    {
        bits = 0;
        if (values is null || (uint)index >= (uint)values.Count || !values[index].IsAvailable || values[index].Type.IsRef) return false;
        bits = values[index].Bits;
        return true;
    }
}

/// <summary>The paused guest's memory 0 and globals, for reading source variables.</summary>
internal sealed class GuestView(IGuestMemory? memory, Func<int, WasmValue?> global)
{
    public IGuestMemory? Memory { get; } = memory;
    public WasmValue? Global(int index) => global(index);
}
