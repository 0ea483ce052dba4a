using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Rewriting;

namespace WasmProbe.Instrumentation;

/// <summary>Write watchpoints: before every store, <c>memory.fill</c>, <c>memory.copy</c> and <c>memory.init</c>, and
/// after every <c>memory.grow</c> that succeeded, the guest compares the written range with that memory's armed window
/// and calls the host import <c>wasmprobe.write(memory, function, pc, address: i64, length: i64, kind, low: i64,
/// high: i64)</c> (the effective address, static offset included; i32 addresses and lengths zero-extended) only when
/// they may overlap. The last three say what is written (<see cref="MemoryWriteKind"/>): a store's value bits, a
/// fill's byte, a copy's source memory and address, an init's data segment and offset in it, or a grow's zeroed pages.
/// <para>The window is two i64 globals, base and span: the hull [start, end) of the memory's watchpoints as
/// base = start - <see cref="MaxStoreBytes"/>, span = end - base (0 and 0 when nothing is armed). A store of at most
/// <see cref="MaxStoreBytes"/> bytes at a can touch the hull only if base &lt;= a &lt; end, so its check is one
/// subtraction and one unsigned comparison, (a - base) &lt;u span; the host keeps the exact ranges and drops the
/// near misses. Range writes compare their whole range.</para>
/// <para>A <c>global.set</c> of a watched global calls <c>wasmprobe.global_write(global, function, pc, bits: i64)</c>
/// (the new value's bits) while the global's flag is set.</para></summary>
internal sealed class WriteWatch(int writeFunction, int?[] windowBases, MemoryType[] memories, int globalWriteFunction, int?[] globalFlags)
{
    /// <summary>The widest store (v128).</summary>
    public const int MaxStoreBytes = 16;

    /// <summary>The window's base global of memory <c>m</c>; its span global follows it.</summary>
    public int? WindowBase(int memory) => (uint)memory < (uint)windowBases.Length ? windowBases[memory] : null;

    /// <summary>Memory <c>m</c> takes i64 addresses (memory64).</summary>
    public bool Is64(int memory) => memories[memory].Limits.Is64;

    public ulong PageSize(int memory) => memories[memory].PageSize;

    public int WriteFunction { get; } = writeFunction;

    public int GlobalWriteFunction { get; } = globalWriteFunction;

    /// <summary>The flag global that arms the checks of global <c>g</c>'s writes, or null when it cannot be watched.</summary>
    public int? GlobalFlag(int global) => (uint)global < (uint)globalFlags.Length ? globalFlags[global] : null;

    /// <summary>Whether instruction <paramref name="ins"/> writes memory or a global that can be watched.</summary>
    public bool Watches(Instruction ins) => ins.Opcode == Opcode.GlobalSet
        ? GlobalFlag((int)ins.Index) is not null
        : WrittenMemory(ins) is { } m && WindowBase(m) is not null;

    public static int? WrittenMemory(Instruction ins) => ins.Info.MemoryWrite switch
    {
        MemoryWriteKind.None => null,
        MemoryWriteKind.Store => ins.MemArg.MemoryIndex,
        MemoryWriteKind.Init => ins.Index2,
        _ => ins.Index,
    };
}

/// <summary>Emits the inline range check around one watched write (see <see cref="WriteWatch"/>).</summary>
internal sealed class WriteCheckEmitter(WriteWatch watch, BodyBuilder body, Func<ValType, int, int> temp)
{
    // Ordinals above any stack spill's, so the check's temporaries never share a local with a live spill.
    private const int TempBase = 1 << 20;

    /// <summary>The check in front of the write.</summary>
    public void EmitBefore(Instruction ins, int function, ValType storedType)
    {
        if (ins.Opcode == Opcode.GlobalSet)
        {
            EmitGlobalCheck((int)ins.Index, function, ins.Offset, storedType);
            return;
        }
        int memory = WriteWatch.WrittenMemory(ins)!.Value;
        switch (ins.Info.MemoryWrite)
        {
            case MemoryWriteKind.Store:
                EmitStoreCheck(ins, function, memory, storedType);
                break;
            case MemoryWriteKind.Grow:
                // [delta]: kept for the check after the grow.
                body.Emit(Opcode.LocalTee, GrowDelta(memory));
                break;
            default:
                EmitRangeCheck(ins, function, memory);
                break;
        }
    }

    /// <summary>The check after the write: a grow's new pages exist only once it has succeeded.</summary>
    public void EmitAfter(Instruction ins, int function)
    {
        if (ins.Info.MemoryWrite != MemoryWriteKind.Grow) return;
        int memory = ins.Index;
        bool wide = watch.Is64(memory);
        var addressType = wide ? ValType.I64 : ValType.I32;
        int previousPages = temp(addressType, TempBase + 5);
        int start = temp(ValType.I64, TempBase + 4), length = temp(ValType.I64, TempBase + 6);
        // [old size in pages, or -1]
        body.Emit(Opcode.LocalTee, previousPages);
        body.LocalGet(previousPages);
        PagesToBytes(wide, memory);
        body.LocalSet(start);
        body.LocalGet(GrowDelta(memory));
        PagesToBytes(wide, memory);
        body.LocalSet(length);
        body.LocalGet(previousPages);
        if (wide) body.Emit(Opcode.I64Const, -1);
        else body.I32Const(-1);
        body.Emit(wide ? Opcode.I64Ne : Opcode.I32Ne);
        EmitRangeOverlap(watch.WindowBase(memory)!.Value, start, length);
        body.Emit(Opcode.I32And);
        EmitCall(memory, function, ins.Offset, start, () => body.LocalGet(length), () =>
        {
            body.I32Const((int)MemoryWriteKind.Grow);
            body.Emit(Opcode.I64Const, 0);
            body.Emit(Opcode.I64Const, 0);
        });
    }

    private int GrowDelta(int memory) => temp(watch.Is64(memory) ? ValType.I64 : ValType.I32, TempBase + 7);

    /// <summary>[pages (the memory's address type)] -> [bytes: i64].</summary>
    private void PagesToBytes(bool wide, int memory)
    {
        if (!wide) body.Emit(Opcode.I64ExtendI32U);
        body.Emit(Opcode.I64Const, (long)watch.PageSize(memory));
        body.Emit(Opcode.I64Mul);
    }

    /// <summary>[address, value]: the value waits in a temporary; the address plus the static offset is the start.</summary>
    private void EmitStoreCheck(Instruction ins, int function, int memory, ValType storedType)
    {
        bool wide = watch.Is64(memory);
        int window = watch.WindowBase(memory)!.Value;
        int address = temp(wide ? ValType.I64 : ValType.I32, TempBase);
        int start = temp(ValType.I64, TempBase + 4);
        int value = temp(storedType, TempBase + 2);
        body.LocalSet(value);
        body.Emit(Opcode.LocalTee, address);
        if (!wide) body.Emit(Opcode.I64ExtendI32U);
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
        EmitCall(memory, function, ins.Offset, start, () => body.Emit(Opcode.I64Const, ins.Info.StoreSize), () => EmitStoredBits(value, storedType));
        body.LocalGet(address);
        body.LocalGet(value);
    }

    /// <summary>fill [d, byte, n], copy [d, s, n], init [d, s, n]: the destination and the length are the range, each
    /// of the address type its memory (or memories, for a copy's length) has.</summary>
    private void EmitRangeCheck(Instruction ins, int function, int memory)
    {
        var kind = ins.Info.MemoryWrite;
        bool wide = watch.Is64(memory);
        bool sourceWide = kind == MemoryWriteKind.Copy && watch.Is64(ins.Index2);
        bool lengthWide = kind == MemoryWriteKind.Copy ? wide && sourceWide : wide && kind == MemoryWriteKind.Fill;
        int address = temp(wide ? ValType.I64 : ValType.I32, TempBase);
        int second = temp(sourceWide ? ValType.I64 : ValType.I32, TempBase + 3);
        int count = temp(lengthWide ? ValType.I64 : ValType.I32, TempBase + 1);
        int start = temp(ValType.I64, TempBase + 4), length = temp(ValType.I64, TempBase + 6);
        body.LocalSet(count);
        body.LocalSet(second);
        body.LocalSet(address);
        ToI64(address, wide, start);
        ToI64(count, lengthWide, length);
        EmitRangeOverlap(watch.WindowBase(memory)!.Value, start, length);
        EmitCall(memory, function, ins.Offset, start, () => body.LocalGet(length), () =>
        {
            body.I32Const((int)kind);
            body.LocalGet(second);
            if (!sourceWide) body.Emit(Opcode.I64ExtendI32U);
            // A copy's source memory, an init's data segment; nothing for a fill.
            body.Emit(Opcode.I64Const, kind switch { MemoryWriteKind.Copy => ins.Index2, MemoryWriteKind.Init => ins.Index, _ => 0 });
        });
        body.LocalGet(address);
        body.LocalGet(second);
        body.LocalGet(count);
    }

    /// <summary><paramref name="to"/> = <paramref name="from"/> as an i64 (an i32 zero-extended).</summary>
    private void ToI64(int from, bool wide, int to)
    {
        body.LocalGet(from);
        if (!wide) body.Emit(Opcode.I64ExtendI32U);
        body.LocalSet(to);
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

    /// <summary>Leaves whether [start, start + length) meets the window's [base + <see cref="WriteWatch.MaxStoreBytes"/>,
    /// base + span) on the stack.</summary>
    private void EmitRangeOverlap(int window, int start, int length)
    {
        body.LocalGet(start);
        body.GlobalGet(window);
        body.GlobalGet(window + 1);
        body.Emit(Opcode.I64Add);
        body.Emit(Opcode.I64LtS);
        body.LocalGet(start);
        body.LocalGet(length);
        body.Emit(Opcode.I64Add);
        body.GlobalGet(window);
        body.Emit(Opcode.I64Const, WriteWatch.MaxStoreBytes);
        body.Emit(Opcode.I64Add);
        body.Emit(Opcode.I64GtS);
        body.Emit(Opcode.I32And);
    }

    /// <summary>With the condition on the stack: if it holds, tells the host about the write at <paramref name="start"/>
    /// (<paramref name="length"/> pushes its i64 length, <paramref name="source"/> its kind and the two i64 that
    /// describe what it writes).</summary>
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

    /// <summary>A store's kind and two i64 halves of its value's bits.</summary>
    private void EmitStoredBits(int value, ValType type)
    {
        body.I32Const((int)MemoryWriteKind.Store);
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
