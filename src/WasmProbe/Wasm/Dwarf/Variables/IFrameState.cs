namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>What the location evaluator reads of a stopped frame. Values are raw bits (i32 and f32 zero-extended);
/// each read may fail (false) when the runtime cannot provide it, and the variable is then unavailable.</summary>
public interface IFrameState
{
    /// <summary>The frame's wasm local <paramref name="index"/> (parameters first).</summary>
    bool TryGetLocal(int index, out ulong bits);

    /// <summary>The frame's operand stack entry <paramref name="index"/>, counted from the bottom (0) of the
    /// frame's part of the stack.</summary>
    bool TryGetOperand(int index, out ulong bits);

    /// <summary>Global <paramref name="index"/> of the module (imports first).</summary>
    bool TryGetGlobal(int index, out ulong bits);

    /// <summary>Reads <paramref name="count"/> bytes of memory 0 at <paramref name="address"/> into
    /// <paramref name="buffer"/>; false when any of them is out of bounds or unreadable.</summary>
    bool TryReadMemory(ulong address, byte[] buffer, int offset, int count);
}
