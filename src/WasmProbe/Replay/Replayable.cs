namespace WasmProbe.Replay;

/// <summary>The instructions the host can replay from a frame's state: no calls, no effect outside the frame and
/// linear memory (loads read it; plain stores are kept by the replay until the guest makes them itself), numeric
/// values only, and control only where the next instruction is reached from this one alone: <c>block</c>, and
/// <c>if</c> and <c>br_if</c>, whose replay ends the run when they branch. A debug build probes only at the
/// instructions that follow one of the others; the stops in between are answered by <see cref="RunReplayer"/>. Float
/// operations whose NaN results engines may differ in (min, max) are left to the engine.</summary>
public static class Replayable
{
    /// <param name="memoryWritable">Whether stores to a memory may be replayed: not where a write watchpoint must
    /// stop at them (the stop after a watched store is then a probe of its own).</param>
    public static bool Is(in Instruction ins, IReadOnlyList<ValType> localTypes, Func<int, ValType> globalType, Func<int, bool> memoryReadable,
        Func<int, bool> memoryWritable)
    {
        var opcode = ins.Opcode;
        switch (opcode)
        {
            case Opcode.Nop or Opcode.Drop or Opcode.Block or Opcode.If or Opcode.BrIf:
                return true;
            case Opcode.LocalGet or Opcode.LocalSet or Opcode.LocalTee:
                return (uint)ins.Index < (uint)localTypes.Count && IsPlain(localTypes[ins.Index]);
            case Opcode.GlobalGet:
                return IsPlain(globalType(ins.Index));
            case Opcode.I32Const or Opcode.I64Const or Opcode.F32Const or Opcode.F64Const:
                return true;
            case Opcode.F32Min or Opcode.F32Max or Opcode.F64Min or Opcode.F64Max:
                return false;
        }
        if (ins.Info.LoadSize > 0) return memoryReadable(ins.MemArg.MemoryIndex);
        if (IsScalarStore(opcode)) return memoryWritable(ins.MemArg.MemoryIndex);
        return (opcode >= Opcode.I32Eqz && opcode <= Opcode.F64ReinterpretI64)
            || (opcode >= Opcode.I32Extend8S && opcode <= Opcode.I64Extend32S)
            || (opcode >= Opcode.I32TruncSatF32S && opcode <= Opcode.I64TruncSatF64U)
            || opcode == Opcode.Select;
    }

    /// <summary>i32/i64/f32/f64 stores of every width (not v128, lane or atomic stores, whose values the replay does
    /// not write).</summary>
    internal static bool IsScalarStore(Opcode opcode) => opcode >= Opcode.I32Store && opcode <= Opcode.I64Store32;

    private static bool IsPlain(ValType type) => type.Kind is ValueKind.I32 or ValueKind.I64 or ValueKind.F32 or ValueKind.F64 or ValueKind.V128;
}
