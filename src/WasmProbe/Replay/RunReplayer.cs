using System.Buffers.Binary;
using System.Numerics;
using WasmProbe.Engine;
using WasmProbe.Inspection;

namespace WasmProbe.Replay;

/// <summary>Replays <see cref="Replayable"/> instructions on a copy of a frame's locals and operand stack, reading
/// the guest's memories and globals as they are, so the host can show the state before every instruction of a
/// straight-line run while the guest waits at the run's start. Stores are kept here, not written to the guest (it
/// stores them itself when it runs): later loads of the run and the memory a stop shows see them through
/// <see cref="Overlay"/>. An instruction that would trap is not replayed: the guest itself traps there once it runs.</summary>
public sealed class RunReplayer(WasmValue[] locals, List<WasmValue> stack, Func<int, IGuestMemory?> memory, Func<int, WasmValue> global)
{
    public WasmValue[] Locals { get; } = locals;
    public List<WasmValue> Stack { get; } = stack;

    /// <summary>What the replayed instructions read: a write there before the guest itself runs them would be seen by
    /// the guest but not by the replay.</summary>
    private readonly List<(int Memory, ulong Start, ulong End)> _memoryReads = [];
    private readonly HashSet<int> _globalReads = [];

    /// <summary>The run's stores so far, in order (a later one wins where they overlap).</summary>
    private readonly List<(int Memory, ulong Start, byte[] Bytes)> _stores = [];

    /// <summary>Whether the replayed instructions read or stored any byte of the range: a write there at a replayed
    /// stop would reach the guest before them.</summary>
    public bool HasAccessed(int memoryIndex, ulong start, ulong length) =>
        _memoryReads.Any(r => r.Memory == memoryIndex && r.Start < start + length && start < r.End)
        || _stores.Any(w => w.Memory == memoryIndex && w.Start < start + length && start < w.Start + (ulong)w.Bytes.Length);

    /// <summary>Whether the replayed instructions stored anything in the memory.</summary>
    public bool HasStored(int memoryIndex) => _stores.Any(w => w.Memory == memoryIndex);

    /// <summary>Puts the run's stores over <paramref name="bytes"/>, the guest's memory from <paramref name="start"/> on.</summary>
    public void Overlay(int memoryIndex, ulong start, Span<byte> bytes)
    {
        ulong end = start + (ulong)bytes.Length;
        foreach (var (memory, at, stored) in _stores)
        {
            ulong storedEnd = at + (ulong)stored.Length;
            if (memory != memoryIndex || storedEnd <= start || end <= at) continue;
            ulong from = Math.Max(start, at), to = Math.Min(end, storedEnd);
            stored.AsSpan((int)(from - at), (int)(to - from)).CopyTo(bytes[(int)(from - start)..]);
        }
    }

    /// <summary>Writes the run's stores into the memories, for a guest that leaves the run from its start.</summary>
    public void MakeStores()
    {
        foreach (var (index, start, bytes) in _stores) memory(index)!.Write((long)start, bytes);
        _stores.Clear();
    }

    public bool HasReadGlobal(int index) => _globalReads.Contains(index);

    /// <summary>Executes <paramref name="ins"/>: true if the next instruction follows, false if it traps (state
    /// unchanged) or branches away from the run.</summary>
    public bool Execute(in Instruction ins)
    {
        var opcode = ins.Opcode;
        switch (opcode)
        {
            case Opcode.Nop or Opcode.Block: return true;
            case Opcode.If: return Pop().AsInt32() != 0;
            case Opcode.BrIf: return Pop().AsInt32() == 0;
            case Opcode.Drop: Pop(); return true;
            case Opcode.Select:
            {
                int condition = Pop().AsInt32();
                var second = Pop();
                var first = Pop();
                Push(condition != 0 ? first : second);
                return true;
            }
            case Opcode.LocalGet: Push(Locals[ins.Index]); return true;
            case Opcode.LocalSet: Locals[ins.Index] = Pop(); return true;
            case Opcode.LocalTee: Locals[ins.Index] = Stack[^1]; return true;
            case Opcode.GlobalGet: _globalReads.Add(ins.Index); Push(global(ins.Index)); return true;
            case Opcode.I32Const: Push(WasmValue.I32(ins.I32)); return true;
            case Opcode.I64Const: Push(WasmValue.I64(ins.I64)); return true;
            case Opcode.F32Const: Push(WasmValue.F32Bits(ins.F32Bits)); return true;
            case Opcode.F64Const: Push(WasmValue.F64Bits(ins.F64Bits)); return true;
        }
        if (ins.Info.LoadSize > 0) return Load(ins);
        if (Replayable.IsScalarStore(opcode)) return Store(ins);
        return Numeric(opcode);
    }

    /// <summary>The effective range of a memory access whose address is on top of the stack (popped), or null (address
    /// pushed back) when the access would trap.</summary>
    private (IGuestMemory Memory, ulong Start)? Address(in Instruction ins, int size)
    {
        var memarg = ins.MemArg;
        var target = memory(memarg.MemoryIndex);
        if (target is null) return null;
        var address = Pop();
        ulong start = (target.Is64 ? address.Bits : (uint)address.AsInt32()) + memarg.Offset;
        if (start < memarg.Offset || start + (ulong)size > (ulong)target.Length)
        {
            Push(address);
            return null;
        }
        return (target, start);
    }

    private bool Store(in Instruction ins)
    {
        int size = ins.Info.StoreSize;
        var value = Pop();
        if (Address(ins, size) is not var (_, start))
        {
            Push(value);
            return false;
        }
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value.Bits);
        _stores.Add((ins.MemArg.MemoryIndex, start, bytes[..size]));
        return true;
    }

    private bool Load(in Instruction ins)
    {
        int size = ins.Info.LoadSize;
        if (Address(ins, size) is not var (target, start)) return false;
        int memoryIndex = ins.MemArg.MemoryIndex;
        _memoryReads.Add((memoryIndex, start, start + (ulong)size));
        Span<byte> bytes = stackalloc byte[size];
        target.Read((long)start, size).CopyTo(bytes);
        Overlay(memoryIndex, start, bytes);
        Push(ins.Opcode switch
        {
            Opcode.I32Load => WasmValue.I32(BinaryPrimitives.ReadInt32LittleEndian(bytes)),
            Opcode.I64Load => WasmValue.I64(BinaryPrimitives.ReadInt64LittleEndian(bytes)),
            Opcode.F32Load => WasmValue.F32Bits(BinaryPrimitives.ReadUInt32LittleEndian(bytes)),
            Opcode.F64Load => WasmValue.F64Bits(BinaryPrimitives.ReadUInt64LittleEndian(bytes)),
            Opcode.I32Load8S => WasmValue.I32((sbyte)bytes[0]),
            Opcode.I32Load8U => WasmValue.I32(bytes[0]),
            Opcode.I32Load16S => WasmValue.I32(BinaryPrimitives.ReadInt16LittleEndian(bytes)),
            Opcode.I32Load16U => WasmValue.I32(BinaryPrimitives.ReadUInt16LittleEndian(bytes)),
            Opcode.I64Load8S => WasmValue.I64((sbyte)bytes[0]),
            Opcode.I64Load8U => WasmValue.I64(bytes[0]),
            Opcode.I64Load16S => WasmValue.I64(BinaryPrimitives.ReadInt16LittleEndian(bytes)),
            Opcode.I64Load16U => WasmValue.I64(BinaryPrimitives.ReadUInt16LittleEndian(bytes)),
            Opcode.I64Load32S => WasmValue.I64(BinaryPrimitives.ReadInt32LittleEndian(bytes)),
            _ => WasmValue.I64(BinaryPrimitives.ReadUInt32LittleEndian(bytes)),
        });
        return true;
    }

    private bool Numeric(Opcode opcode)
    {
        switch (opcode)
        {
            // i32
            case Opcode.I32Eqz: return Unary32(a => a == 0 ? 1 : 0);
            case Opcode.I32Eq: return Compare32((a, b) => a == b);
            case Opcode.I32Ne: return Compare32((a, b) => a != b);
            case Opcode.I32LtS: return Compare32((a, b) => a < b);
            case Opcode.I32LtU: return Compare32((a, b) => (uint)a < (uint)b);
            case Opcode.I32GtS: return Compare32((a, b) => a > b);
            case Opcode.I32GtU: return Compare32((a, b) => (uint)a > (uint)b);
            case Opcode.I32LeS: return Compare32((a, b) => a <= b);
            case Opcode.I32LeU: return Compare32((a, b) => (uint)a <= (uint)b);
            case Opcode.I32GeS: return Compare32((a, b) => a >= b);
            case Opcode.I32GeU: return Compare32((a, b) => (uint)a >= (uint)b);
            case Opcode.I32Clz: return Unary32(a => BitOperations.LeadingZeroCount((uint)a));
            case Opcode.I32Ctz: return Unary32(a => BitOperations.TrailingZeroCount((uint)a) is var n && a == 0 ? 32 : n);
            case Opcode.I32Popcnt: return Unary32(a => BitOperations.PopCount((uint)a));
            case Opcode.I32Add: return Binary32((a, b) => unchecked(a + b));
            case Opcode.I32Sub: return Binary32((a, b) => unchecked(a - b));
            case Opcode.I32Mul: return Binary32((a, b) => unchecked(a * b));
            case Opcode.I32DivS: return Trapping32((a, b) => b == 0 || (a == int.MinValue && b == -1) ? null : a / b);
            case Opcode.I32DivU: return Trapping32((a, b) => b == 0 ? null : (int)((uint)a / (uint)b));
            case Opcode.I32RemS: return Trapping32((a, b) => b == 0 ? null : b == -1 ? 0 : a % b);
            case Opcode.I32RemU: return Trapping32((a, b) => b == 0 ? null : (int)((uint)a % (uint)b));
            case Opcode.I32And: return Binary32((a, b) => a & b);
            case Opcode.I32Or: return Binary32((a, b) => a | b);
            case Opcode.I32Xor: return Binary32((a, b) => a ^ b);
            case Opcode.I32Shl: return Binary32((a, b) => a << b);
            case Opcode.I32ShrS: return Binary32((a, b) => a >> b);
            case Opcode.I32ShrU: return Binary32((a, b) => (int)((uint)a >> b));
            case Opcode.I32Rotl: return Binary32((a, b) => (int)BitOperations.RotateLeft((uint)a, b));
            case Opcode.I32Rotr: return Binary32((a, b) => (int)BitOperations.RotateRight((uint)a, b));
            // i64
            case Opcode.I64Eqz: { long a = Pop().AsInt64(); Push(WasmValue.I32(a == 0 ? 1 : 0)); return true; }
            case Opcode.I64Eq: return Compare64((a, b) => a == b);
            case Opcode.I64Ne: return Compare64((a, b) => a != b);
            case Opcode.I64LtS: return Compare64((a, b) => a < b);
            case Opcode.I64LtU: return Compare64((a, b) => (ulong)a < (ulong)b);
            case Opcode.I64GtS: return Compare64((a, b) => a > b);
            case Opcode.I64GtU: return Compare64((a, b) => (ulong)a > (ulong)b);
            case Opcode.I64LeS: return Compare64((a, b) => a <= b);
            case Opcode.I64LeU: return Compare64((a, b) => (ulong)a <= (ulong)b);
            case Opcode.I64GeS: return Compare64((a, b) => a >= b);
            case Opcode.I64GeU: return Compare64((a, b) => (ulong)a >= (ulong)b);
            case Opcode.I64Clz: return Unary64(a => BitOperations.LeadingZeroCount((ulong)a));
            case Opcode.I64Ctz: return Unary64(a => a == 0 ? 64 : BitOperations.TrailingZeroCount((ulong)a));
            case Opcode.I64Popcnt: return Unary64(a => BitOperations.PopCount((ulong)a));
            case Opcode.I64Add: return Binary64((a, b) => unchecked(a + b));
            case Opcode.I64Sub: return Binary64((a, b) => unchecked(a - b));
            case Opcode.I64Mul: return Binary64((a, b) => unchecked(a * b));
            case Opcode.I64DivS: return Trapping64((a, b) => b == 0 || (a == long.MinValue && b == -1) ? null : a / b);
            case Opcode.I64DivU: return Trapping64((a, b) => b == 0 ? null : (long)((ulong)a / (ulong)b));
            case Opcode.I64RemS: return Trapping64((a, b) => b == 0 ? null : b == -1 ? 0 : a % b);
            case Opcode.I64RemU: return Trapping64((a, b) => b == 0 ? null : (long)((ulong)a % (ulong)b));
            case Opcode.I64And: return Binary64((a, b) => a & b);
            case Opcode.I64Or: return Binary64((a, b) => a | b);
            case Opcode.I64Xor: return Binary64((a, b) => a ^ b);
            case Opcode.I64Shl: return Binary64((a, b) => a << (int)b);
            case Opcode.I64ShrS: return Binary64((a, b) => a >> (int)b);
            case Opcode.I64ShrU: return Binary64((a, b) => (long)((ulong)a >> (int)b));
            case Opcode.I64Rotl: return Binary64((a, b) => (long)BitOperations.RotateLeft((ulong)a, (int)b));
            case Opcode.I64Rotr: return Binary64((a, b) => (long)BitOperations.RotateRight((ulong)a, (int)b));
            // f32
            case Opcode.F32Eq: return CompareF32((a, b) => a == b);
            case Opcode.F32Ne: return CompareF32((a, b) => a != b);
            case Opcode.F32Lt: return CompareF32((a, b) => a < b);
            case Opcode.F32Gt: return CompareF32((a, b) => a > b);
            case Opcode.F32Le: return CompareF32((a, b) => a <= b);
            case Opcode.F32Ge: return CompareF32((a, b) => a >= b);
            case Opcode.F32Abs: return Bits32(b => b & 0x7FFF_FFFF);
            case Opcode.F32Neg: return Bits32(b => b ^ 0x8000_0000);
            case Opcode.F32Ceil: return UnaryF32(MathF.Ceiling);
            case Opcode.F32Floor: return UnaryF32(MathF.Floor);
            case Opcode.F32Trunc: return UnaryF32(MathF.Truncate);
            case Opcode.F32Nearest: return UnaryF32(a => MathF.Round(a, MidpointRounding.ToEven));
            case Opcode.F32Sqrt: return UnaryF32(MathF.Sqrt);
            case Opcode.F32Add: return BinaryF32((a, b) => a + b);
            case Opcode.F32Sub: return BinaryF32((a, b) => a - b);
            case Opcode.F32Mul: return BinaryF32((a, b) => a * b);
            case Opcode.F32Div: return BinaryF32((a, b) => a / b);
            case Opcode.F32Copysign:
            {
                uint sign = (uint)Pop().Bits & 0x8000_0000;
                uint magnitude = (uint)Pop().Bits & 0x7FFF_FFFF;
                Push(WasmValue.F32Bits(magnitude | sign));
                return true;
            }
            // f64
            case Opcode.F64Eq: return CompareF64((a, b) => a == b);
            case Opcode.F64Ne: return CompareF64((a, b) => a != b);
            case Opcode.F64Lt: return CompareF64((a, b) => a < b);
            case Opcode.F64Gt: return CompareF64((a, b) => a > b);
            case Opcode.F64Le: return CompareF64((a, b) => a <= b);
            case Opcode.F64Ge: return CompareF64((a, b) => a >= b);
            case Opcode.F64Abs: return Bits64(b => b & 0x7FFF_FFFF_FFFF_FFFF);
            case Opcode.F64Neg: return Bits64(b => b ^ 0x8000_0000_0000_0000);
            case Opcode.F64Ceil: return UnaryF64(Math.Ceiling);
            case Opcode.F64Floor: return UnaryF64(Math.Floor);
            case Opcode.F64Trunc: return UnaryF64(Math.Truncate);
            case Opcode.F64Nearest: return UnaryF64(a => Math.Round(a, MidpointRounding.ToEven));
            case Opcode.F64Sqrt: return UnaryF64(Math.Sqrt);
            case Opcode.F64Add: return BinaryF64((a, b) => a + b);
            case Opcode.F64Sub: return BinaryF64((a, b) => a - b);
            case Opcode.F64Mul: return BinaryF64((a, b) => a * b);
            case Opcode.F64Div: return BinaryF64((a, b) => a / b);
            case Opcode.F64Copysign:
            {
                ulong sign = Pop().Bits & 0x8000_0000_0000_0000;
                ulong magnitude = Pop().Bits & 0x7FFF_FFFF_FFFF_FFFF;
                Push(WasmValue.F64Bits(magnitude | sign));
                return true;
            }
            // conversions
            case Opcode.I32WrapI64: { long a = Pop().AsInt64(); Push(WasmValue.I32((int)a)); return true; }
            case Opcode.I64ExtendI32S: { int a = Pop().AsInt32(); Push(WasmValue.I64(a)); return true; }
            case Opcode.I64ExtendI32U: { int a = Pop().AsInt32(); Push(WasmValue.I64((uint)a)); return true; }
            case Opcode.I32TruncF32S: return Truncate(Pop().AsSingle(), -2147483649.0, 2147483648.0, t => WasmValue.I32((int)t));
            case Opcode.I32TruncF32U: return Truncate(Pop().AsSingle(), -1.0, 4294967296.0, t => WasmValue.I32((int)(uint)t));
            case Opcode.I32TruncF64S: return Truncate(Pop().AsDouble(), -2147483649.0, 2147483648.0, t => WasmValue.I32((int)t));
            case Opcode.I32TruncF64U: return Truncate(Pop().AsDouble(), -1.0, 4294967296.0, t => WasmValue.I32((int)(uint)t));
            case Opcode.I64TruncF32S: return Truncate(Pop().AsSingle(), -9223372036854777856.0, 9223372036854775808.0, t => WasmValue.I64((long)t));
            case Opcode.I64TruncF32U: return Truncate(Pop().AsSingle(), -1.0, 18446744073709551616.0, t => WasmValue.I64((long)(ulong)t));
            case Opcode.I64TruncF64S: return Truncate(Pop().AsDouble(), -9223372036854777856.0, 9223372036854775808.0, t => WasmValue.I64((long)t));
            case Opcode.I64TruncF64U: return Truncate(Pop().AsDouble(), -1.0, 18446744073709551616.0, t => WasmValue.I64((long)(ulong)t));
            case Opcode.F32ConvertI32S: { int a = Pop().AsInt32(); Push(WasmValue.F32(a)); return true; }
            case Opcode.F32ConvertI32U: { int a = Pop().AsInt32(); Push(WasmValue.F32((uint)a)); return true; }
            case Opcode.F32ConvertI64S: { long a = Pop().AsInt64(); Push(WasmValue.F32(a)); return true; }
            case Opcode.F32ConvertI64U: { long a = Pop().AsInt64(); Push(WasmValue.F32((ulong)a)); return true; }
            case Opcode.F32DemoteF64: { double a = Pop().AsDouble(); Push(WasmValue.F32((float)a)); return true; }
            case Opcode.F64ConvertI32S: { int a = Pop().AsInt32(); Push(WasmValue.F64(a)); return true; }
            case Opcode.F64ConvertI32U: { int a = Pop().AsInt32(); Push(WasmValue.F64((uint)a)); return true; }
            case Opcode.F64ConvertI64S: { long a = Pop().AsInt64(); Push(WasmValue.F64(a)); return true; }
            case Opcode.F64ConvertI64U: { long a = Pop().AsInt64(); Push(WasmValue.F64((ulong)a)); return true; }
            case Opcode.F64PromoteF32: { float a = Pop().AsSingle(); Push(WasmValue.F64(a)); return true; }
            case Opcode.I32ReinterpretF32: { var a = Pop(); Push(WasmValue.I32((int)(uint)a.Bits)); return true; }
            case Opcode.I64ReinterpretF64: { var a = Pop(); Push(WasmValue.I64((long)a.Bits)); return true; }
            case Opcode.F32ReinterpretI32: { var a = Pop(); Push(WasmValue.F32Bits((uint)a.Bits)); return true; }
            case Opcode.F64ReinterpretI64: { var a = Pop(); Push(WasmValue.F64Bits(a.Bits)); return true; }
            case Opcode.I32Extend8S: return Unary32(a => (sbyte)a);
            case Opcode.I32Extend16S: return Unary32(a => (short)a);
            case Opcode.I64Extend8S: return Unary64(a => (sbyte)a);
            case Opcode.I64Extend16S: return Unary64(a => (short)a);
            case Opcode.I64Extend32S: return Unary64(a => (int)a);
            case Opcode.I32TruncSatF32S: { float a = Pop().AsSingle(); Push(WasmValue.I32(float.IsNaN(a) ? 0 : (int)Math.Clamp(Math.Truncate((double)a), int.MinValue, int.MaxValue))); return true; }
            case Opcode.I32TruncSatF32U: { float a = Pop().AsSingle(); Push(WasmValue.I32(float.IsNaN(a) ? 0 : (int)(uint)Math.Clamp(Math.Truncate((double)a), 0, uint.MaxValue))); return true; }
            case Opcode.I32TruncSatF64S: { double a = Pop().AsDouble(); Push(WasmValue.I32(double.IsNaN(a) ? 0 : (int)Math.Clamp(Math.Truncate(a), int.MinValue, int.MaxValue))); return true; }
            case Opcode.I32TruncSatF64U: { double a = Pop().AsDouble(); Push(WasmValue.I32(double.IsNaN(a) ? 0 : (int)(uint)Math.Clamp(Math.Truncate(a), 0, uint.MaxValue))); return true; }
            case Opcode.I64TruncSatF32S: { float a = Pop().AsSingle(); Push(WasmValue.I64(SaturateSigned64(a))); return true; }
            case Opcode.I64TruncSatF32U: { float a = Pop().AsSingle(); Push(WasmValue.I64((long)SaturateUnsigned64(a))); return true; }
            case Opcode.I64TruncSatF64S: { double a = Pop().AsDouble(); Push(WasmValue.I64(SaturateSigned64(a))); return true; }
            case Opcode.I64TruncSatF64U: { double a = Pop().AsDouble(); Push(WasmValue.I64((long)SaturateUnsigned64(a))); return true; }
            default:
                throw new NotSupportedException($"{OpcodeTable.Get(opcode).Name} is not replayable");
        }
    }

    private static long SaturateSigned64(double a) =>
        double.IsNaN(a) ? 0 : a >= 9223372036854775808.0 ? long.MaxValue : a <= -9223372036854775808.0 ? long.MinValue : (long)Math.Truncate(a);

    private static ulong SaturateUnsigned64(double a) =>
        double.IsNaN(a) || a <= 0 ? 0 : a >= 18446744073709551616.0 ? ulong.MaxValue : (ulong)Math.Truncate(a);

    /// <summary>Float to integer: traps on NaN and when the truncated value lies outside (below, above) exclusive.</summary>
    private bool Truncate(double value, double below, double above, Func<double, WasmValue> convert)
    {
        double t = Math.Truncate(value);
        if (double.IsNaN(value) || t <= below || t >= above) return false;
        Push(convert(t));
        return true;
    }

    private WasmValue Pop()
    {
        var value = Stack[^1];
        Stack.RemoveAt(Stack.Count - 1);
        return value;
    }

    private void Push(WasmValue value) => Stack.Add(value);

    private bool Unary32(Func<int, int> f) { int a = Pop().AsInt32(); Push(WasmValue.I32(f(a))); return true; }
    private bool Binary32(Func<int, int, int> f) { int b = Pop().AsInt32(); int a = Pop().AsInt32(); Push(WasmValue.I32(f(a, b))); return true; }
    private bool Compare32(Func<int, int, bool> f) { int b = Pop().AsInt32(); int a = Pop().AsInt32(); Push(WasmValue.I32(f(a, b) ? 1 : 0)); return true; }
    private bool Unary64(Func<long, long> f) { long a = Pop().AsInt64(); Push(WasmValue.I64(f(a))); return true; }
    private bool Binary64(Func<long, long, long> f) { long b = Pop().AsInt64(); long a = Pop().AsInt64(); Push(WasmValue.I64(f(a, b))); return true; }
    private bool Compare64(Func<long, long, bool> f) { long b = Pop().AsInt64(); long a = Pop().AsInt64(); Push(WasmValue.I32(f(a, b) ? 1 : 0)); return true; }
    private bool CompareF32(Func<float, float, bool> f) { float b = Pop().AsSingle(); float a = Pop().AsSingle(); Push(WasmValue.I32(f(a, b) ? 1 : 0)); return true; }
    private bool CompareF64(Func<double, double, bool> f) { double b = Pop().AsDouble(); double a = Pop().AsDouble(); Push(WasmValue.I32(f(a, b) ? 1 : 0)); return true; }
    private bool UnaryF32(Func<float, float> f) { float a = Pop().AsSingle(); Push(WasmValue.F32(f(a))); return true; }
    private bool UnaryF64(Func<double, double> f) { double a = Pop().AsDouble(); Push(WasmValue.F64(f(a))); return true; }
    private bool BinaryF32(Func<float, float, float> f) { float b = Pop().AsSingle(); float a = Pop().AsSingle(); Push(WasmValue.F32(f(a, b))); return true; }
    private bool BinaryF64(Func<double, double, double> f) { double b = Pop().AsDouble(); double a = Pop().AsDouble(); Push(WasmValue.F64(f(a, b))); return true; }
    private bool Bits32(Func<uint, uint> f) { var a = Pop(); Push(WasmValue.F32Bits(f((uint)a.Bits))); return true; }
    private bool Bits64(Func<ulong, ulong> f) { var a = Pop(); Push(WasmValue.F64Bits(f(a.Bits))); return true; }

    /// <summary>Pops both operands first so that a trapping operation leaves the state unchanged (pushed back).</summary>
    private bool Trapping32(Func<int, int, int?> f)
    {
        var bv = Pop(); var av = Pop();
        if (f(av.AsInt32(), bv.AsInt32()) is not { } result) { Push(av); Push(bv); return false; }
        Push(WasmValue.I32(result));
        return true;
    }

    private bool Trapping64(Func<long, long, long?> f)
    {
        var bv = Pop(); var av = Pop();
        if (f(av.AsInt64(), bv.AsInt64()) is not { } result) { Push(av); Push(bv); return false; }
        Push(WasmValue.I64(result));
        return true;
    }
}
