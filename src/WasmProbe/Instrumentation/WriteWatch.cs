using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Rewriting;

namespace WasmProbe.Instrumentation;

/// <summary>Write watchpoints: before every store, <c>memory.fill</c> and <c>memory.copy</c> into a watched 32-bit
/// memory, the guest compares the written range with that memory's armed window and calls the host import
/// <c>wasmprobe.write(memory, function, pc, address: i64, length, source kind, low: i64, high: i64)</c> (the effective
/// address, static offset included) only when they may overlap. The last three say what is written
/// (<see cref="Watchpoints.WriteSource"/>): a store's value bits, a fill's byte, or a copy's source memory and address.
/// <para>The window is two i64 globals, base and span: the hull [start, end) of the memory's watchpoints as
/// base = start - <see cref="MaxStoreBytes"/>, span = end - base (0 and 0 when nothing is armed). A store of at most
/// <see cref="MaxStoreBytes"/> bytes at a can touch the hull only if base &lt;= a &lt; end, so its check is one
/// subtraction and one unsigned comparison, (a - base) &lt;u span; the host keeps the exact ranges and drops the
/// near misses. Fills and copies compare their whole range.</para></summary>
/// <para>A <c>global.set</c> of a watched global calls <c>wasmprobe.global_write(global, function, pc, bits: i64)</c>
/// (the new value's bits) while the global's flag is set.</para>
internal sealed class WriteWatch(int writeFunction, int?[] windowBases, int globalWriteFunction, int?[] globalFlags)
{
    /// <summary>The widest store (v128).</summary>
    public const int MaxStoreBytes = 16;

    /// <summary>The window's base global of memory <c>m</c>; its span global follows it.</summary>
    public int? WindowBase(int memory) => (uint)memory < (uint)windowBases.Length ? windowBases[memory] : null;

    public int WriteFunction { get; } = writeFunction;

    public int GlobalWriteFunction { get; } = globalWriteFunction;

    /// <summary>The flag global that arms the checks of global <c>g</c>'s writes, or null when it cannot be watched.</summary>
    public int? GlobalFlag(int global) => (uint)global < (uint)globalFlags.Length ? globalFlags[global] : null;

    /// <summary>Whether instruction <paramref name="ins"/> writes memory or a global that can be watched.</summary>
    public bool Watches(Instruction ins) => ins.Opcode == Opcode.GlobalSet
        ? GlobalFlag((int)ins.Index) is not null
        : WrittenMemory(ins) is { } m && WindowBase(m) is not null;

    public static int? WrittenMemory(Instruction ins) =>
        ins.Info.StoreSize > 0 ? ins.MemArg.MemoryIndex
        : ins.Opcode is Opcode.MemoryFill or Opcode.MemoryCopy ? (int)ins.A
        : null;
}

/// <summary>Emits the inline range check in front of one watched write (see <see cref="WriteWatch"/>).</summary>
internal sealed class WriteCheckEmitter(WriteWatch watch, BodyBuilder body, Func<ValType, int, int> temp)
{
    // Ordinals above any stack spill's, so the check's temporaries never share a local with a live spill.
    private const int TempBase = 1 << 20;

    public void Emit(Instruction ins, int function, ValType storedType)
    {
        if (ins.Opcode == Opcode.GlobalSet)
        {
            EmitGlobalCheck((int)ins.Index, function, ins.Offset, storedType);
            return;
        }
        int memory = WriteWatch.WrittenMemory(ins)!.Value;
        int window = watch.WindowBase(memory)!.Value;
        int address = temp(ValType.I32, TempBase);
        int start = temp(ValType.I64, TempBase + 4);
        if (ins.Info.StoreSize > 0)
        {
            // [address, value]: the value waits in a temporary; the address plus the static offset is the start.
            int value = temp(storedType, TempBase + 2);
            body.LocalSet(value);
            body.Emit(Opcode.LocalTee, address);
            body.Emit(Opcode.I64ExtendI32U);
            if (ins.MemArg.Offset != 0)
            {
                body.Emit(Opcode.I64Const, (long)ins.MemArg.Offset);
                body.Emit(Opcode.I64Add);
            }
            body.Emit(Opcode.LocalTee, start);
            body.GlobalGet(window);
            body.Emit(Opcode.I64Sub);
            body.GlobalGet(window + 1);
            body.Emit(Opcode.I64LtU);
            EmitCall(memory, function, ins.Offset, start, () => body.I32Const(ins.Info.StoreSize), () => EmitStoredBits(value, storedType));
            body.LocalGet(address);
            body.LocalGet(value);
            return;
        }
        // fill [d, byte, n], copy [d, s, n]: the destination and the length are the range.
        int second = temp(ValType.I32, TempBase + 3);
        int length = temp(ValType.I32, TempBase + 1);
        body.LocalSet(length);
        body.LocalSet(second);
        body.LocalSet(address);
        EmitBulkOverlap(window, address, length, start);
        bool fill = ins.Opcode == Opcode.MemoryFill;
        EmitCall(memory, function, ins.Offset, start, () => body.LocalGet(length), () =>
        {
            body.I32Const((int)(fill ? Watchpoints.WriteSource.Fill : Watchpoints.WriteSource.Copy));
            body.LocalGet(second);
            body.Emit(Opcode.I64ExtendI32U);
            body.Emit(Opcode.I64Const, fill ? 0 : ins.B);
        });
        body.LocalGet(address);
        body.LocalGet(second);
        body.LocalGet(length);
    }

    /// <summary>[value]: while the global's flag is set, tells the host the value about to be stored.</summary>
    private void EmitGlobalCheck(int global, int function, int pc, ValType type)
    {
        int value = temp(type, TempBase + 2);
        body.LocalSet(value);
        body.GlobalGet(watch.GlobalFlag(global)!.Value);
        body.Emit(Opcode.If, BlockType.Empty.ToBits());
        body.I32Const(global);
        body.I32Const(function);
        body.I32Const(pc);
        EmitBits(value, type);
        body.Call(watch.GlobalWriteFunction);
        body.Emit(Opcode.End);
        body.LocalGet(value);
    }

    /// <summary>Leaves whether [d, d + n) meets the window's [base + <see cref="WriteWatch.MaxStoreBytes"/>, base + span)
    /// on the stack, with d (as i64) in <paramref name="start"/>.</summary>
    private void EmitBulkOverlap(int window, int address, int length, int start)
    {
        body.LocalGet(address);
        body.Emit(Opcode.I64ExtendI32U);
        body.Emit(Opcode.LocalTee, start);
        body.GlobalGet(window);
        body.GlobalGet(window + 1);
        body.Emit(Opcode.I64Add);
        body.Emit(Opcode.I64LtS);
        body.LocalGet(start);
        body.LocalGet(length);
        body.Emit(Opcode.I64ExtendI32U);
        body.Emit(Opcode.I64Add);
        body.GlobalGet(window);
        body.Emit(Opcode.I64Const, WriteWatch.MaxStoreBytes);
        body.Emit(Opcode.I64Add);
        body.Emit(Opcode.I64GtS);
        body.Emit(Opcode.I32And);
    }

    /// <summary>With the condition on the stack: if it holds, tells the host about the write at <paramref name="start"/>.</summary>
    private void EmitCall(int memory, int function, int pc, int start, Action length, Action source)
    {
        body.Emit(Opcode.If, BlockType.Empty.ToBits());
        body.I32Const(memory);
        body.I32Const(function);
        body.I32Const(pc);
        body.LocalGet(start);
        length();
        source();
        body.Call(watch.WriteFunction);
        body.Emit(Opcode.End);
    }

    /// <summary>A store's value as <see cref="Watchpoints.WriteSource.Store"/> and two i64 halves of its bits.</summary>
    private void EmitStoredBits(int value, ValType type)
    {
        body.I32Const((int)Watchpoints.WriteSource.Store);
        if (type.Kind == ValueKind.V128)
        {
            body.LocalGet(value);
            body.Emit(Opcode.I64x2ExtractLane, 0);
            body.LocalGet(value);
            body.Emit(Opcode.I64x2ExtractLane, 1);
            return;
        }
        EmitBits(value, type);
        body.Emit(Opcode.I64Const, 0);
    }

    /// <summary>A number value's bits as an i64 (i32 and f32 zero-extended).</summary>
    private void EmitBits(int value, ValType type)
    {
        body.LocalGet(value);
        switch (type.Kind)
        {
            case ValueKind.I32:
                body.Emit(Opcode.I64ExtendI32U);
                break;
            case ValueKind.F32:
                body.Emit(Opcode.I32ReinterpretF32);
                body.Emit(Opcode.I64ExtendI32U);
                break;
            case ValueKind.F64:
                body.Emit(Opcode.I64ReinterpretF64);
                break;
        }
    }
}
