using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Rewriting;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Instrumentation;

/// <summary>Write watchpoints: before every store, <c>memory.fill</c> and <c>memory.copy</c> into a watched 32-bit
/// memory, the guest compares the written range with that memory's armed window (two i64 globals, [start, end),
/// empty when nothing is armed) and calls the host import <c>wasmprobe.write(memory, function, pc, address: i64,
/// length, source kind, low: i64, high: i64)</c> (the effective address, static offset included) only when they
/// overlap. The last three say what is written (<see cref="Watchpoints.WriteSource"/>): a store's value bits, a
/// fill's byte, or a copy's source memory and address. The host keeps the exact ranges; the window is their hull, so the guest's check stays one
/// comparison pair whatever the number of watchpoints.</summary>
internal sealed class WriteWatch(int writeFunction, int?[] windowStarts)
{
    /// <summary>The window's start global of memory <c>m</c>; its end global follows it.</summary>
    public int? WindowStart(int memory) => (uint)memory < (uint)windowStarts.Length ? windowStarts[memory] : null;

    public int WriteFunction { get; } = writeFunction;

    /// <summary>Whether instruction <paramref name="ins"/> writes memory that can be watched.</summary>
    public bool Watches(Instruction ins) => WrittenMemory(ins) is { } m && WindowStart(m) is not null;

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
        int memory = WriteWatch.WrittenMemory(ins)!.Value;
        int start = watch.WindowStart(memory)!.Value;
        int address = temp(ValType.I32, TempBase);
        int length = temp(ValType.I32, TempBase + 1);
        int[] saved;
        Action source;
        if (ins.Info.StoreSize > 0)
        {
            // [address, value]: the value waits in a temporary; the address plus the static offset is the start.
            int value = temp(storedType, TempBase + 2);
            body.LocalSet(value);
            body.LocalSet(address);
            saved = [address, value];
            body.LocalGet(address);
            body.Emit(Opcode.I64ExtendI32U);
            body.Emit(Opcode.I64Const, (long)ins.MemArg.Offset);
            body.Emit(Opcode.I64Add);
            body.I32Const(ins.Info.StoreSize);
            body.LocalSet(length);
            source = () => EmitStoredBits(value, storedType);
        }
        else
        {
            // fill [d, byte, n], copy [d, s, n]: the destination and the length are the range.
            int second = temp(ValType.I32, TempBase + 3);
            body.LocalSet(length);
            body.LocalSet(second);
            body.LocalSet(address);
            saved = [address, second, length];
            body.LocalGet(address);
            body.Emit(Opcode.I64ExtendI32U);
            bool fill = ins.Opcode == Opcode.MemoryFill;
            source = () =>
            {
                body.I32Const((int)(fill ? Watchpoints.WriteSource.Fill : Watchpoints.WriteSource.Copy));
                body.LocalGet(second);
                body.Emit(Opcode.I64ExtendI32U);
                body.Emit(Opcode.I64Const, fill ? 0 : ins.B);
            };
        }
        EmitOverlapCall(memory, function, ins.Offset, start, length, source);
        foreach (int local in saved) body.LocalGet(local);
    }

    /// <summary>With the write's i64 start on the stack: when start &lt; window end and start + length &gt; window
    /// start, the host is told (it drops empty writes and those between two watched ranges).</summary>
    private void EmitOverlapCall(int memory, int function, int pc, int windowStart, int length, Action source)
    {
        int first = temp(ValType.I64, TempBase + 4);
        body.Emit(Opcode.LocalTee, first);
        body.GlobalGet(windowStart + 1);
        body.Emit(Opcode.I64LtU);
        body.LocalGet(first);
        body.LocalGet(length);
        body.Emit(Opcode.I64ExtendI32U);
        body.Emit(Opcode.I64Add);
        body.GlobalGet(windowStart);
        body.Emit(Opcode.I64GtU);
        body.Emit(Opcode.I32And);
        body.Emit(Opcode.If, BlockType.Empty.ToBits());
        body.I32Const(memory);
        body.I32Const(function);
        body.I32Const(pc);
        body.LocalGet(first);
        body.LocalGet(length);
        source();
        body.Call(watch.WriteFunction);
        body.Emit(Opcode.End);
    }

    /// <summary>A store's value as <see cref="Watchpoints.WriteSource.Store"/> and two i64 halves of its bits.</summary>
    private void EmitStoredBits(int value, ValType type)
    {
        body.I32Const((int)Watchpoints.WriteSource.Store);
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
            case ValueKind.V128:
                body.Emit(Opcode.I64x2ExtractLane, 0);
                body.LocalGet(value);
                body.Emit(Opcode.I64x2ExtractLane, 1);
                return;
        }
        body.Emit(Opcode.I64Const, 0);
    }
}
