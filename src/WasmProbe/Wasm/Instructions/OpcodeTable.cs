using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace WasmProbe.Wasm.Instructions;

/// <summary>
/// Static facts (text name, immediates, stack effect, effect on control flow) for every <see cref="Opcode"/>, with O(1) lookup by
/// (prefix, code) for the decoder.
/// </summary>
/// <remarks>
/// Stack effects are "pops&gt;pushes", bottom first: i = i32, l = i64, f = f32, d = f64, v = v128, and
/// a = the address type of the instruction's memory (i32, or i64 for a memory64 memory). Null where the
/// effect depends on context or immediates (control, parametric, locals, globals, tables, memory management,
/// references, GC, exceptions).
/// </remarks>
public static class OpcodeTable
{
    private static readonly OpcodeInfo[] s_all;
    private static readonly ReadOnlyCollection<OpcodeInfo> s_allView;

    // One dense array per prefix, indexed by opcode byte / sub-opcode; null slots are undefined opcodes.
    private static readonly OpcodeInfo?[] s_plain;
    private static readonly OpcodeInfo?[] s_fb;
    private static readonly OpcodeInfo?[] s_fc;
    private static readonly OpcodeInfo?[] s_fd;
    private static readonly OpcodeInfo?[] s_fe;

    static OpcodeTable()
    {
        s_all = CreateEntries();
        s_allView = Array.AsReadOnly(s_all);

        int maxPlain = 0, maxFb = -1, maxFc = -1, maxFd = -1, maxFe = -1;
        foreach (OpcodeInfo info in s_all)
        {
            switch (info.Prefix)
            {
                case 0: maxPlain = Math.Max(maxPlain, info.Code); break;
                case 0xFB: maxFb = Math.Max(maxFb, info.Code); break;
                case 0xFC: maxFc = Math.Max(maxFc, info.Code); break;
                case 0xFD: maxFd = Math.Max(maxFd, info.Code); break;
                case 0xFE: maxFe = Math.Max(maxFe, info.Code); break;
                default: throw new InvalidOperationException($"Opcode {info.Opcode} has an unknown prefix 0x{info.Prefix:X2}.");
            }
        }

        s_plain = new OpcodeInfo?[maxPlain + 1];
        s_fb = new OpcodeInfo?[maxFb + 1];
        s_fc = new OpcodeInfo?[maxFc + 1];
        s_fd = new OpcodeInfo?[maxFd + 1];
        s_fe = new OpcodeInfo?[maxFe + 1];

        foreach (OpcodeInfo info in s_all)
        {
            OpcodeInfo?[] slots = SlotsFor(info.Prefix)!;
            if (slots[info.Code] is { } existing)
            {
                throw new InvalidOperationException($"Opcode table has two entries for {existing.Opcode} ({existing.Name}) and {info.Opcode} ({info.Name}).");
            }

            slots[info.Code] = info;
        }
    }

    /// <summary>Every known opcode, ordered by prefix then code.</summary>
    public static IReadOnlyList<OpcodeInfo> All => s_allView;

    /// <summary>Looks up an opcode by prefix (0 for single-byte opcodes, else 0xFB..0xFE) and code.</summary>
    public static bool TryGet(byte prefix, uint code, [MaybeNullWhen(false)] out OpcodeInfo info)
    {
        OpcodeInfo?[]? slots = SlotsFor(prefix);
        if (slots is not null && code < (uint)slots.Length && slots[code] is { } found)
        {
            info = found;
            return true;
        }

        info = null;
        return false;
    }

    /// <summary>The facts for <paramref name="opcode"/>; throws for a value that is not a known opcode.</summary>
    public static OpcodeInfo Get(Opcode opcode)
    {
        int value = (int)opcode;
        int prefix = value >> 16;
        if (value >= 0 && prefix <= byte.MaxValue && TryGet((byte)prefix, (uint)(value & 0xFFFF), out OpcodeInfo? info))
        {
            return info;
        }

        throw new ArgumentOutOfRangeException(nameof(opcode), opcode, "Unknown opcode.");
    }

    private static OpcodeInfo?[]? SlotsFor(byte prefix) => prefix switch
    {
        0 => s_plain,
        0xFB => s_fb,
        0xFC => s_fc,
        0xFD => s_fd,
        0xFE => s_fe,
        _ => null,
    };

    private static OpcodeInfo[] CreateEntries() =>
        [
            // Control
            new(Opcode.Unreachable, "unreachable", ImmediateKind.None, null, ControlKind.Unreachable),
            new(Opcode.Nop, "nop", ImmediateKind.None, ">"),
            new(Opcode.Block, "block", ImmediateKind.BlockType, null, ControlKind.Block),
            new(Opcode.Loop, "loop", ImmediateKind.BlockType, null, ControlKind.Loop),
            new(Opcode.If, "if", ImmediateKind.BlockType, null, ControlKind.If),
            new(Opcode.Else, "else", ImmediateKind.None, null, ControlKind.Else),
            new(Opcode.Try, "try", ImmediateKind.BlockType, null, ControlKind.Try),
            new(Opcode.Catch, "catch", ImmediateKind.Tag, null, ControlKind.Catch),
            new(Opcode.Throw, "throw", ImmediateKind.Tag, null, ControlKind.Throw),
            new(Opcode.Rethrow, "rethrow", ImmediateKind.Label, null, ControlKind.Throw),
            new(Opcode.ThrowRef, "throw_ref", ImmediateKind.None, null, ControlKind.Throw),
            new(Opcode.End, "end", ImmediateKind.None, null, ControlKind.End),
            new(Opcode.Br, "br", ImmediateKind.Label, null, ControlKind.Branch),
            new(Opcode.BrIf, "br_if", ImmediateKind.Label, null, ControlKind.BranchIf, branchCondition: BranchCondition.NonZero),
            new(Opcode.BrTable, "br_table", ImmediateKind.BrTable, null, ControlKind.BranchTable),
            new(Opcode.Return, "return", ImmediateKind.None, null, ControlKind.Return),
            new(Opcode.Call, "call", ImmediateKind.Function, null, ControlKind.Call),
            new(Opcode.CallIndirect, "call_indirect", ImmediateKind.CallIndirect, null, ControlKind.Call),
            new(Opcode.ReturnCall, "return_call", ImmediateKind.Function, null, ControlKind.TailCall),
            new(Opcode.ReturnCallIndirect, "return_call_indirect", ImmediateKind.CallIndirect, null, ControlKind.TailCall),
            new(Opcode.CallRef, "call_ref", ImmediateKind.Type, null, ControlKind.Call),
            new(Opcode.ReturnCallRef, "return_call_ref", ImmediateKind.Type, null, ControlKind.TailCall),
            new(Opcode.Delegate, "delegate", ImmediateKind.Label, null, ControlKind.Delegate),
            new(Opcode.CatchAll, "catch_all", ImmediateKind.None, null, ControlKind.Catch),

            // Parametric
            new(Opcode.Drop, "drop", ImmediateKind.None, null),
            new(Opcode.Select, "select", ImmediateKind.None, null),
            new(Opcode.SelectTyped, "select", ImmediateKind.SelectTypes, null),

            // Control (exceptions)
            new(Opcode.TryTable, "try_table", ImmediateKind.TryTable, null, ControlKind.TryTable),

            // Variable and table access
            new(Opcode.LocalGet, "local.get", ImmediateKind.Local, null),
            new(Opcode.LocalSet, "local.set", ImmediateKind.Local, null),
            new(Opcode.LocalTee, "local.tee", ImmediateKind.Local, null),
            new(Opcode.GlobalGet, "global.get", ImmediateKind.Global, null),
            new(Opcode.GlobalSet, "global.set", ImmediateKind.Global, null),
            new(Opcode.TableGet, "table.get", ImmediateKind.Table, null),
            new(Opcode.TableSet, "table.set", ImmediateKind.Table, null),

            // Memory
            new(Opcode.I32Load, "i32.load", ImmediateKind.MemArg, "a>i", loadSize: 4),
            new(Opcode.I64Load, "i64.load", ImmediateKind.MemArg, "a>l", loadSize: 8),
            new(Opcode.F32Load, "f32.load", ImmediateKind.MemArg, "a>f", loadSize: 4),
            new(Opcode.F64Load, "f64.load", ImmediateKind.MemArg, "a>d", loadSize: 8),
            new(Opcode.I32Load8S, "i32.load8_s", ImmediateKind.MemArg, "a>i", loadSize: 1),
            new(Opcode.I32Load8U, "i32.load8_u", ImmediateKind.MemArg, "a>i", loadSize: 1),
            new(Opcode.I32Load16S, "i32.load16_s", ImmediateKind.MemArg, "a>i", loadSize: 2),
            new(Opcode.I32Load16U, "i32.load16_u", ImmediateKind.MemArg, "a>i", loadSize: 2),
            new(Opcode.I64Load8S, "i64.load8_s", ImmediateKind.MemArg, "a>l", loadSize: 1),
            new(Opcode.I64Load8U, "i64.load8_u", ImmediateKind.MemArg, "a>l", loadSize: 1),
            new(Opcode.I64Load16S, "i64.load16_s", ImmediateKind.MemArg, "a>l", loadSize: 2),
            new(Opcode.I64Load16U, "i64.load16_u", ImmediateKind.MemArg, "a>l", loadSize: 2),
            new(Opcode.I64Load32S, "i64.load32_s", ImmediateKind.MemArg, "a>l", loadSize: 4),
            new(Opcode.I64Load32U, "i64.load32_u", ImmediateKind.MemArg, "a>l", loadSize: 4),
            new(Opcode.I32Store, "i32.store", ImmediateKind.MemArg, "ai>", storeSize: 4),
            new(Opcode.I64Store, "i64.store", ImmediateKind.MemArg, "al>", storeSize: 8),
            new(Opcode.F32Store, "f32.store", ImmediateKind.MemArg, "af>", storeSize: 4),
            new(Opcode.F64Store, "f64.store", ImmediateKind.MemArg, "ad>", storeSize: 8),
            new(Opcode.I32Store8, "i32.store8", ImmediateKind.MemArg, "ai>", storeSize: 1),
            new(Opcode.I32Store16, "i32.store16", ImmediateKind.MemArg, "ai>", storeSize: 2),
            new(Opcode.I64Store8, "i64.store8", ImmediateKind.MemArg, "al>", storeSize: 1),
            new(Opcode.I64Store16, "i64.store16", ImmediateKind.MemArg, "al>", storeSize: 2),
            new(Opcode.I64Store32, "i64.store32", ImmediateKind.MemArg, "al>", storeSize: 4),
            new(Opcode.MemorySize, "memory.size", ImmediateKind.Memory, null),
            new(Opcode.MemoryGrow, "memory.grow", ImmediateKind.Memory, null, bulkWrite: MemoryWriteKind.Grow),

            // Constants
            new(Opcode.I32Const, "i32.const", ImmediateKind.I32, ">i"),
            new(Opcode.I64Const, "i64.const", ImmediateKind.I64, ">l"),
            new(Opcode.F32Const, "f32.const", ImmediateKind.F32, ">f"),
            new(Opcode.F64Const, "f64.const", ImmediateKind.F64, ">d"),

            // i32 / i64 / f32 / f64 comparisons
            new(Opcode.I32Eqz, "i32.eqz", ImmediateKind.None, "i>i"),
            new(Opcode.I32Eq, "i32.eq", ImmediateKind.None, "ii>i"),
            new(Opcode.I32Ne, "i32.ne", ImmediateKind.None, "ii>i"),
            new(Opcode.I32LtS, "i32.lt_s", ImmediateKind.None, "ii>i"),
            new(Opcode.I32LtU, "i32.lt_u", ImmediateKind.None, "ii>i"),
            new(Opcode.I32GtS, "i32.gt_s", ImmediateKind.None, "ii>i"),
            new(Opcode.I32GtU, "i32.gt_u", ImmediateKind.None, "ii>i"),
            new(Opcode.I32LeS, "i32.le_s", ImmediateKind.None, "ii>i"),
            new(Opcode.I32LeU, "i32.le_u", ImmediateKind.None, "ii>i"),
            new(Opcode.I32GeS, "i32.ge_s", ImmediateKind.None, "ii>i"),
            new(Opcode.I32GeU, "i32.ge_u", ImmediateKind.None, "ii>i"),
            new(Opcode.I64Eqz, "i64.eqz", ImmediateKind.None, "l>i"),
            new(Opcode.I64Eq, "i64.eq", ImmediateKind.None, "ll>i"),
            new(Opcode.I64Ne, "i64.ne", ImmediateKind.None, "ll>i"),
            new(Opcode.I64LtS, "i64.lt_s", ImmediateKind.None, "ll>i"),
            new(Opcode.I64LtU, "i64.lt_u", ImmediateKind.None, "ll>i"),
            new(Opcode.I64GtS, "i64.gt_s", ImmediateKind.None, "ll>i"),
            new(Opcode.I64GtU, "i64.gt_u", ImmediateKind.None, "ll>i"),
            new(Opcode.I64LeS, "i64.le_s", ImmediateKind.None, "ll>i"),
            new(Opcode.I64LeU, "i64.le_u", ImmediateKind.None, "ll>i"),
            new(Opcode.I64GeS, "i64.ge_s", ImmediateKind.None, "ll>i"),
            new(Opcode.I64GeU, "i64.ge_u", ImmediateKind.None, "ll>i"),
            new(Opcode.F32Eq, "f32.eq", ImmediateKind.None, "ff>i"),
            new(Opcode.F32Ne, "f32.ne", ImmediateKind.None, "ff>i"),
            new(Opcode.F32Lt, "f32.lt", ImmediateKind.None, "ff>i"),
            new(Opcode.F32Gt, "f32.gt", ImmediateKind.None, "ff>i"),
            new(Opcode.F32Le, "f32.le", ImmediateKind.None, "ff>i"),
            new(Opcode.F32Ge, "f32.ge", ImmediateKind.None, "ff>i"),
            new(Opcode.F64Eq, "f64.eq", ImmediateKind.None, "dd>i"),
            new(Opcode.F64Ne, "f64.ne", ImmediateKind.None, "dd>i"),
            new(Opcode.F64Lt, "f64.lt", ImmediateKind.None, "dd>i"),
            new(Opcode.F64Gt, "f64.gt", ImmediateKind.None, "dd>i"),
            new(Opcode.F64Le, "f64.le", ImmediateKind.None, "dd>i"),
            new(Opcode.F64Ge, "f64.ge", ImmediateKind.None, "dd>i"),

            // Integer arithmetic
            new(Opcode.I32Clz, "i32.clz", ImmediateKind.None, "i>i"),
            new(Opcode.I32Ctz, "i32.ctz", ImmediateKind.None, "i>i"),
            new(Opcode.I32Popcnt, "i32.popcnt", ImmediateKind.None, "i>i"),
            new(Opcode.I32Add, "i32.add", ImmediateKind.None, "ii>i"),
            new(Opcode.I32Sub, "i32.sub", ImmediateKind.None, "ii>i"),
            new(Opcode.I32Mul, "i32.mul", ImmediateKind.None, "ii>i"),
            new(Opcode.I32DivS, "i32.div_s", ImmediateKind.None, "ii>i"),
            new(Opcode.I32DivU, "i32.div_u", ImmediateKind.None, "ii>i"),
            new(Opcode.I32RemS, "i32.rem_s", ImmediateKind.None, "ii>i"),
            new(Opcode.I32RemU, "i32.rem_u", ImmediateKind.None, "ii>i"),
            new(Opcode.I32And, "i32.and", ImmediateKind.None, "ii>i"),
            new(Opcode.I32Or, "i32.or", ImmediateKind.None, "ii>i"),
            new(Opcode.I32Xor, "i32.xor", ImmediateKind.None, "ii>i"),
            new(Opcode.I32Shl, "i32.shl", ImmediateKind.None, "ii>i"),
            new(Opcode.I32ShrS, "i32.shr_s", ImmediateKind.None, "ii>i"),
            new(Opcode.I32ShrU, "i32.shr_u", ImmediateKind.None, "ii>i"),
            new(Opcode.I32Rotl, "i32.rotl", ImmediateKind.None, "ii>i"),
            new(Opcode.I32Rotr, "i32.rotr", ImmediateKind.None, "ii>i"),
            new(Opcode.I64Clz, "i64.clz", ImmediateKind.None, "l>l"),
            new(Opcode.I64Ctz, "i64.ctz", ImmediateKind.None, "l>l"),
            new(Opcode.I64Popcnt, "i64.popcnt", ImmediateKind.None, "l>l"),
            new(Opcode.I64Add, "i64.add", ImmediateKind.None, "ll>l"),
            new(Opcode.I64Sub, "i64.sub", ImmediateKind.None, "ll>l"),
            new(Opcode.I64Mul, "i64.mul", ImmediateKind.None, "ll>l"),
            new(Opcode.I64DivS, "i64.div_s", ImmediateKind.None, "ll>l"),
            new(Opcode.I64DivU, "i64.div_u", ImmediateKind.None, "ll>l"),
            new(Opcode.I64RemS, "i64.rem_s", ImmediateKind.None, "ll>l"),
            new(Opcode.I64RemU, "i64.rem_u", ImmediateKind.None, "ll>l"),
            new(Opcode.I64And, "i64.and", ImmediateKind.None, "ll>l"),
            new(Opcode.I64Or, "i64.or", ImmediateKind.None, "ll>l"),
            new(Opcode.I64Xor, "i64.xor", ImmediateKind.None, "ll>l"),
            new(Opcode.I64Shl, "i64.shl", ImmediateKind.None, "ll>l"),
            new(Opcode.I64ShrS, "i64.shr_s", ImmediateKind.None, "ll>l"),
            new(Opcode.I64ShrU, "i64.shr_u", ImmediateKind.None, "ll>l"),
            new(Opcode.I64Rotl, "i64.rotl", ImmediateKind.None, "ll>l"),
            new(Opcode.I64Rotr, "i64.rotr", ImmediateKind.None, "ll>l"),

            // Float arithmetic
            new(Opcode.F32Abs, "f32.abs", ImmediateKind.None, "f>f"),
            new(Opcode.F32Neg, "f32.neg", ImmediateKind.None, "f>f"),
            new(Opcode.F32Ceil, "f32.ceil", ImmediateKind.None, "f>f"),
            new(Opcode.F32Floor, "f32.floor", ImmediateKind.None, "f>f"),
            new(Opcode.F32Trunc, "f32.trunc", ImmediateKind.None, "f>f"),
            new(Opcode.F32Nearest, "f32.nearest", ImmediateKind.None, "f>f"),
            new(Opcode.F32Sqrt, "f32.sqrt", ImmediateKind.None, "f>f"),
            new(Opcode.F32Add, "f32.add", ImmediateKind.None, "ff>f"),
            new(Opcode.F32Sub, "f32.sub", ImmediateKind.None, "ff>f"),
            new(Opcode.F32Mul, "f32.mul", ImmediateKind.None, "ff>f"),
            new(Opcode.F32Div, "f32.div", ImmediateKind.None, "ff>f"),
            new(Opcode.F32Min, "f32.min", ImmediateKind.None, "ff>f"),
            new(Opcode.F32Max, "f32.max", ImmediateKind.None, "ff>f"),
            new(Opcode.F32Copysign, "f32.copysign", ImmediateKind.None, "ff>f"),
            new(Opcode.F64Abs, "f64.abs", ImmediateKind.None, "d>d"),
            new(Opcode.F64Neg, "f64.neg", ImmediateKind.None, "d>d"),
            new(Opcode.F64Ceil, "f64.ceil", ImmediateKind.None, "d>d"),
            new(Opcode.F64Floor, "f64.floor", ImmediateKind.None, "d>d"),
            new(Opcode.F64Trunc, "f64.trunc", ImmediateKind.None, "d>d"),
            new(Opcode.F64Nearest, "f64.nearest", ImmediateKind.None, "d>d"),
            new(Opcode.F64Sqrt, "f64.sqrt", ImmediateKind.None, "d>d"),
            new(Opcode.F64Add, "f64.add", ImmediateKind.None, "dd>d"),
            new(Opcode.F64Sub, "f64.sub", ImmediateKind.None, "dd>d"),
            new(Opcode.F64Mul, "f64.mul", ImmediateKind.None, "dd>d"),
            new(Opcode.F64Div, "f64.div", ImmediateKind.None, "dd>d"),
            new(Opcode.F64Min, "f64.min", ImmediateKind.None, "dd>d"),
            new(Opcode.F64Max, "f64.max", ImmediateKind.None, "dd>d"),
            new(Opcode.F64Copysign, "f64.copysign", ImmediateKind.None, "dd>d"),

            // Conversions
            new(Opcode.I32WrapI64, "i32.wrap_i64", ImmediateKind.None, "l>i"),
            new(Opcode.I32TruncF32S, "i32.trunc_f32_s", ImmediateKind.None, "f>i"),
            new(Opcode.I32TruncF32U, "i32.trunc_f32_u", ImmediateKind.None, "f>i"),
            new(Opcode.I32TruncF64S, "i32.trunc_f64_s", ImmediateKind.None, "d>i"),
            new(Opcode.I32TruncF64U, "i32.trunc_f64_u", ImmediateKind.None, "d>i"),
            new(Opcode.I64ExtendI32S, "i64.extend_i32_s", ImmediateKind.None, "i>l"),
            new(Opcode.I64ExtendI32U, "i64.extend_i32_u", ImmediateKind.None, "i>l"),
            new(Opcode.I64TruncF32S, "i64.trunc_f32_s", ImmediateKind.None, "f>l"),
            new(Opcode.I64TruncF32U, "i64.trunc_f32_u", ImmediateKind.None, "f>l"),
            new(Opcode.I64TruncF64S, "i64.trunc_f64_s", ImmediateKind.None, "d>l"),
            new(Opcode.I64TruncF64U, "i64.trunc_f64_u", ImmediateKind.None, "d>l"),
            new(Opcode.F32ConvertI32S, "f32.convert_i32_s", ImmediateKind.None, "i>f"),
            new(Opcode.F32ConvertI32U, "f32.convert_i32_u", ImmediateKind.None, "i>f"),
            new(Opcode.F32ConvertI64S, "f32.convert_i64_s", ImmediateKind.None, "l>f"),
            new(Opcode.F32ConvertI64U, "f32.convert_i64_u", ImmediateKind.None, "l>f"),
            new(Opcode.F32DemoteF64, "f32.demote_f64", ImmediateKind.None, "d>f"),
            new(Opcode.F64ConvertI32S, "f64.convert_i32_s", ImmediateKind.None, "i>d"),
            new(Opcode.F64ConvertI32U, "f64.convert_i32_u", ImmediateKind.None, "i>d"),
            new(Opcode.F64ConvertI64S, "f64.convert_i64_s", ImmediateKind.None, "l>d"),
            new(Opcode.F64ConvertI64U, "f64.convert_i64_u", ImmediateKind.None, "l>d"),
            new(Opcode.F64PromoteF32, "f64.promote_f32", ImmediateKind.None, "f>d"),
            new(Opcode.I32ReinterpretF32, "i32.reinterpret_f32", ImmediateKind.None, "f>i"),
            new(Opcode.I64ReinterpretF64, "i64.reinterpret_f64", ImmediateKind.None, "d>l"),
            new(Opcode.F32ReinterpretI32, "f32.reinterpret_i32", ImmediateKind.None, "i>f"),
            new(Opcode.F64ReinterpretI64, "f64.reinterpret_i64", ImmediateKind.None, "l>d"),

            // Sign extension
            new(Opcode.I32Extend8S, "i32.extend8_s", ImmediateKind.None, "i>i"),
            new(Opcode.I32Extend16S, "i32.extend16_s", ImmediateKind.None, "i>i"),
            new(Opcode.I64Extend8S, "i64.extend8_s", ImmediateKind.None, "l>l"),
            new(Opcode.I64Extend16S, "i64.extend16_s", ImmediateKind.None, "l>l"),
            new(Opcode.I64Extend32S, "i64.extend32_s", ImmediateKind.None, "l>l"),

            // Reference types and typed function references
            new(Opcode.RefNull, "ref.null", ImmediateKind.HeapType, null),
            new(Opcode.RefIsNull, "ref.is_null", ImmediateKind.None, null),
            new(Opcode.RefFunc, "ref.func", ImmediateKind.Function, null),
            new(Opcode.RefEq, "ref.eq", ImmediateKind.None, null),
            new(Opcode.RefAsNonNull, "ref.as_non_null", ImmediateKind.None, null),
            new(Opcode.BrOnNull, "br_on_null", ImmediateKind.Label, null, ControlKind.BranchIf, branchCondition: BranchCondition.Null),
            new(Opcode.BrOnNonNull, "br_on_non_null", ImmediateKind.Label, null, ControlKind.BranchIf, branchCondition: BranchCondition.NonNull),

            // 0xFB: garbage collection
            new(Opcode.StructNew, "struct.new", ImmediateKind.Type, null),
            new(Opcode.StructNewDefault, "struct.new_default", ImmediateKind.Type, null),
            new(Opcode.StructGet, "struct.get", ImmediateKind.TypeField, null),
            new(Opcode.StructGetS, "struct.get_s", ImmediateKind.TypeField, null),
            new(Opcode.StructGetU, "struct.get_u", ImmediateKind.TypeField, null),
            new(Opcode.StructSet, "struct.set", ImmediateKind.TypeField, null),
            new(Opcode.ArrayNew, "array.new", ImmediateKind.Type, null),
            new(Opcode.ArrayNewDefault, "array.new_default", ImmediateKind.Type, null),
            new(Opcode.ArrayNewFixed, "array.new_fixed", ImmediateKind.TypeCount, null),
            new(Opcode.ArrayNewData, "array.new_data", ImmediateKind.TypeData, null),
            new(Opcode.ArrayNewElem, "array.new_elem", ImmediateKind.TypeElem, null),
            new(Opcode.ArrayGet, "array.get", ImmediateKind.Type, null),
            new(Opcode.ArrayGetS, "array.get_s", ImmediateKind.Type, null),
            new(Opcode.ArrayGetU, "array.get_u", ImmediateKind.Type, null),
            new(Opcode.ArraySet, "array.set", ImmediateKind.Type, null),
            new(Opcode.ArrayLen, "array.len", ImmediateKind.None, null),
            new(Opcode.ArrayFill, "array.fill", ImmediateKind.Type, null),
            new(Opcode.ArrayCopy, "array.copy", ImmediateKind.TypeType, null),
            new(Opcode.ArrayInitData, "array.init_data", ImmediateKind.TypeData, null),
            new(Opcode.ArrayInitElem, "array.init_elem", ImmediateKind.TypeElem, null),

            // 0xFB: casts
            new(Opcode.RefTest, "ref.test", ImmediateKind.RefTest, null),
            new(Opcode.RefTestNull, "ref.test", ImmediateKind.RefTestNull, null),
            new(Opcode.RefCast, "ref.cast", ImmediateKind.RefTest, null),
            new(Opcode.RefCastNull, "ref.cast", ImmediateKind.RefTestNull, null),
            new(Opcode.BrOnCast, "br_on_cast", ImmediateKind.BrOnCast, null, ControlKind.BranchIf, branchCondition: BranchCondition.Cast),
            new(Opcode.BrOnCastFail, "br_on_cast_fail", ImmediateKind.BrOnCast, null, ControlKind.BranchIf, branchCondition: BranchCondition.CastFail),

            // 0xFB: extern/any conversion and i31
            new(Opcode.AnyConvertExtern, "any.convert_extern", ImmediateKind.None, null),
            new(Opcode.ExternConvertAny, "extern.convert_any", ImmediateKind.None, null),
            new(Opcode.RefI31, "ref.i31", ImmediateKind.None, null),
            new(Opcode.I31GetS, "i31.get_s", ImmediateKind.None, null),
            new(Opcode.I31GetU, "i31.get_u", ImmediateKind.None, null),

            // 0xFC: non-trapping float-to-int
            new(Opcode.I32TruncSatF32S, "i32.trunc_sat_f32_s", ImmediateKind.None, "f>i"),
            new(Opcode.I32TruncSatF32U, "i32.trunc_sat_f32_u", ImmediateKind.None, "f>i"),
            new(Opcode.I32TruncSatF64S, "i32.trunc_sat_f64_s", ImmediateKind.None, "d>i"),
            new(Opcode.I32TruncSatF64U, "i32.trunc_sat_f64_u", ImmediateKind.None, "d>i"),
            new(Opcode.I64TruncSatF32S, "i64.trunc_sat_f32_s", ImmediateKind.None, "f>l"),
            new(Opcode.I64TruncSatF32U, "i64.trunc_sat_f32_u", ImmediateKind.None, "f>l"),
            new(Opcode.I64TruncSatF64S, "i64.trunc_sat_f64_s", ImmediateKind.None, "d>l"),
            new(Opcode.I64TruncSatF64U, "i64.trunc_sat_f64_u", ImmediateKind.None, "d>l"),

            // 0xFC: bulk memory and tables
            new(Opcode.MemoryInit, "memory.init", ImmediateKind.MemoryInit, null, bulkWrite: MemoryWriteKind.Init),
            new(Opcode.DataDrop, "data.drop", ImmediateKind.Data, ">"),
            new(Opcode.MemoryCopy, "memory.copy", ImmediateKind.MemoryCopy, null, bulkWrite: MemoryWriteKind.Copy),
            new(Opcode.MemoryFill, "memory.fill", ImmediateKind.Memory, null, bulkWrite: MemoryWriteKind.Fill),
            new(Opcode.TableInit, "table.init", ImmediateKind.TableInit, null),
            new(Opcode.ElemDrop, "elem.drop", ImmediateKind.Element, ">"),
            new(Opcode.TableCopy, "table.copy", ImmediateKind.TableCopy, null),
            new(Opcode.TableGrow, "table.grow", ImmediateKind.Table, null),
            new(Opcode.TableSize, "table.size", ImmediateKind.Table, null),
            new(Opcode.TableFill, "table.fill", ImmediateKind.Table, null),

            // 0xFC: wide arithmetic
            new(Opcode.I64Add128, "i64.add128", ImmediateKind.None, "llll>ll"),
            new(Opcode.I64Sub128, "i64.sub128", ImmediateKind.None, "llll>ll"),
            new(Opcode.I64MulWideS, "i64.mul_wide_s", ImmediateKind.None, "ll>ll"),
            new(Opcode.I64MulWideU, "i64.mul_wide_u", ImmediateKind.None, "ll>ll"),

            // 0xFD: SIMD memory, constants and shuffles
            new(Opcode.V128Load, "v128.load", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load8x8S, "v128.load8x8_s", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load8x8U, "v128.load8x8_u", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load16x4S, "v128.load16x4_s", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load16x4U, "v128.load16x4_u", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load32x2S, "v128.load32x2_s", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load32x2U, "v128.load32x2_u", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load8Splat, "v128.load8_splat", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load16Splat, "v128.load16_splat", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load32Splat, "v128.load32_splat", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load64Splat, "v128.load64_splat", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Store, "v128.store", ImmediateKind.MemArg, "av>", storeSize: 16),
            new(Opcode.V128Const, "v128.const", ImmediateKind.V128, ">v"),
            new(Opcode.I8x16Shuffle, "i8x16.shuffle", ImmediateKind.Shuffle, "vv>v"),

            // 0xFD: SIMD splat and lanes
            new(Opcode.I8x16Swizzle, "i8x16.swizzle", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16Splat, "i8x16.splat", ImmediateKind.None, "i>v"),
            new(Opcode.I16x8Splat, "i16x8.splat", ImmediateKind.None, "i>v"),
            new(Opcode.I32x4Splat, "i32x4.splat", ImmediateKind.None, "i>v"),
            new(Opcode.I64x2Splat, "i64x2.splat", ImmediateKind.None, "l>v"),
            new(Opcode.F32x4Splat, "f32x4.splat", ImmediateKind.None, "f>v"),
            new(Opcode.F64x2Splat, "f64x2.splat", ImmediateKind.None, "d>v"),
            new(Opcode.I8x16ExtractLaneS, "i8x16.extract_lane_s", ImmediateKind.Lane, "v>i"),
            new(Opcode.I8x16ExtractLaneU, "i8x16.extract_lane_u", ImmediateKind.Lane, "v>i"),
            new(Opcode.I8x16ReplaceLane, "i8x16.replace_lane", ImmediateKind.Lane, "vi>v"),
            new(Opcode.I16x8ExtractLaneS, "i16x8.extract_lane_s", ImmediateKind.Lane, "v>i"),
            new(Opcode.I16x8ExtractLaneU, "i16x8.extract_lane_u", ImmediateKind.Lane, "v>i"),
            new(Opcode.I16x8ReplaceLane, "i16x8.replace_lane", ImmediateKind.Lane, "vi>v"),
            new(Opcode.I32x4ExtractLane, "i32x4.extract_lane", ImmediateKind.Lane, "v>i"),
            new(Opcode.I32x4ReplaceLane, "i32x4.replace_lane", ImmediateKind.Lane, "vi>v"),
            new(Opcode.I64x2ExtractLane, "i64x2.extract_lane", ImmediateKind.Lane, "v>l"),
            new(Opcode.I64x2ReplaceLane, "i64x2.replace_lane", ImmediateKind.Lane, "vl>v"),
            new(Opcode.F32x4ExtractLane, "f32x4.extract_lane", ImmediateKind.Lane, "v>f"),
            new(Opcode.F32x4ReplaceLane, "f32x4.replace_lane", ImmediateKind.Lane, "vf>v"),
            new(Opcode.F64x2ExtractLane, "f64x2.extract_lane", ImmediateKind.Lane, "v>d"),
            new(Opcode.F64x2ReplaceLane, "f64x2.replace_lane", ImmediateKind.Lane, "vd>v"),

            // 0xFD: SIMD comparisons
            new(Opcode.I8x16Eq, "i8x16.eq", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16Ne, "i8x16.ne", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16LtS, "i8x16.lt_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16LtU, "i8x16.lt_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16GtS, "i8x16.gt_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16GtU, "i8x16.gt_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16LeS, "i8x16.le_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16LeU, "i8x16.le_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16GeS, "i8x16.ge_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16GeU, "i8x16.ge_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8Eq, "i16x8.eq", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8Ne, "i16x8.ne", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8LtS, "i16x8.lt_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8LtU, "i16x8.lt_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8GtS, "i16x8.gt_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8GtU, "i16x8.gt_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8LeS, "i16x8.le_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8LeU, "i16x8.le_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8GeS, "i16x8.ge_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8GeU, "i16x8.ge_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4Eq, "i32x4.eq", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4Ne, "i32x4.ne", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4LtS, "i32x4.lt_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4LtU, "i32x4.lt_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4GtS, "i32x4.gt_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4GtU, "i32x4.gt_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4LeS, "i32x4.le_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4LeU, "i32x4.le_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4GeS, "i32x4.ge_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4GeU, "i32x4.ge_u", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Eq, "f32x4.eq", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Ne, "f32x4.ne", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Lt, "f32x4.lt", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Gt, "f32x4.gt", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Le, "f32x4.le", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Ge, "f32x4.ge", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Eq, "f64x2.eq", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Ne, "f64x2.ne", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Lt, "f64x2.lt", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Gt, "f64x2.gt", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Le, "f64x2.le", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Ge, "f64x2.ge", ImmediateKind.None, "vv>v"),

            // 0xFD: SIMD bitwise
            new(Opcode.V128Not, "v128.not", ImmediateKind.None, "v>v"),
            new(Opcode.V128And, "v128.and", ImmediateKind.None, "vv>v"),
            new(Opcode.V128Andnot, "v128.andnot", ImmediateKind.None, "vv>v"),
            new(Opcode.V128Or, "v128.or", ImmediateKind.None, "vv>v"),
            new(Opcode.V128Xor, "v128.xor", ImmediateKind.None, "vv>v"),
            new(Opcode.V128Bitselect, "v128.bitselect", ImmediateKind.None, "vvv>v"),
            new(Opcode.V128AnyTrue, "v128.any_true", ImmediateKind.None, "v>i"),

            // 0xFD: SIMD lane loads/stores and zero loads
            new(Opcode.V128Load8Lane, "v128.load8_lane", ImmediateKind.MemArgLane, "av>v"),
            new(Opcode.V128Load16Lane, "v128.load16_lane", ImmediateKind.MemArgLane, "av>v"),
            new(Opcode.V128Load32Lane, "v128.load32_lane", ImmediateKind.MemArgLane, "av>v"),
            new(Opcode.V128Load64Lane, "v128.load64_lane", ImmediateKind.MemArgLane, "av>v"),
            new(Opcode.V128Store8Lane, "v128.store8_lane", ImmediateKind.MemArgLane, "av>", storeSize: 1),
            new(Opcode.V128Store16Lane, "v128.store16_lane", ImmediateKind.MemArgLane, "av>", storeSize: 2),
            new(Opcode.V128Store32Lane, "v128.store32_lane", ImmediateKind.MemArgLane, "av>", storeSize: 4),
            new(Opcode.V128Store64Lane, "v128.store64_lane", ImmediateKind.MemArgLane, "av>", storeSize: 8),
            new(Opcode.V128Load32Zero, "v128.load32_zero", ImmediateKind.MemArg, "a>v"),
            new(Opcode.V128Load64Zero, "v128.load64_zero", ImmediateKind.MemArg, "a>v"),

            // 0xFD: SIMD arithmetic and conversions
            new(Opcode.F32x4DemoteF64x2Zero, "f32x4.demote_f64x2_zero", ImmediateKind.None, "v>v"),
            new(Opcode.F64x2PromoteLowF32x4, "f64x2.promote_low_f32x4", ImmediateKind.None, "v>v"),
            new(Opcode.I8x16Abs, "i8x16.abs", ImmediateKind.None, "v>v"),
            new(Opcode.I8x16Neg, "i8x16.neg", ImmediateKind.None, "v>v"),
            new(Opcode.I8x16Popcnt, "i8x16.popcnt", ImmediateKind.None, "v>v"),
            new(Opcode.I8x16AllTrue, "i8x16.all_true", ImmediateKind.None, "v>i"),
            new(Opcode.I8x16Bitmask, "i8x16.bitmask", ImmediateKind.None, "v>i"),
            new(Opcode.I8x16NarrowI16x8S, "i8x16.narrow_i16x8_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16NarrowI16x8U, "i8x16.narrow_i16x8_u", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Ceil, "f32x4.ceil", ImmediateKind.None, "v>v"),
            new(Opcode.F32x4Floor, "f32x4.floor", ImmediateKind.None, "v>v"),
            new(Opcode.F32x4Trunc, "f32x4.trunc", ImmediateKind.None, "v>v"),
            new(Opcode.F32x4Nearest, "f32x4.nearest", ImmediateKind.None, "v>v"),
            new(Opcode.I8x16Shl, "i8x16.shl", ImmediateKind.None, "vi>v"),
            new(Opcode.I8x16ShrS, "i8x16.shr_s", ImmediateKind.None, "vi>v"),
            new(Opcode.I8x16ShrU, "i8x16.shr_u", ImmediateKind.None, "vi>v"),
            new(Opcode.I8x16Add, "i8x16.add", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16AddSatS, "i8x16.add_sat_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16AddSatU, "i8x16.add_sat_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16Sub, "i8x16.sub", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16SubSatS, "i8x16.sub_sat_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16SubSatU, "i8x16.sub_sat_u", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Ceil, "f64x2.ceil", ImmediateKind.None, "v>v"),
            new(Opcode.F64x2Floor, "f64x2.floor", ImmediateKind.None, "v>v"),
            new(Opcode.I8x16MinS, "i8x16.min_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16MinU, "i8x16.min_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16MaxS, "i8x16.max_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I8x16MaxU, "i8x16.max_u", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Trunc, "f64x2.trunc", ImmediateKind.None, "v>v"),
            new(Opcode.I8x16AvgrU, "i8x16.avgr_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8ExtaddPairwiseI8x16S, "i16x8.extadd_pairwise_i8x16_s", ImmediateKind.None, "v>v"),
            new(Opcode.I16x8ExtaddPairwiseI8x16U, "i16x8.extadd_pairwise_i8x16_u", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4ExtaddPairwiseI16x8S, "i32x4.extadd_pairwise_i16x8_s", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4ExtaddPairwiseI16x8U, "i32x4.extadd_pairwise_i16x8_u", ImmediateKind.None, "v>v"),
            new(Opcode.I16x8Abs, "i16x8.abs", ImmediateKind.None, "v>v"),
            new(Opcode.I16x8Neg, "i16x8.neg", ImmediateKind.None, "v>v"),
            new(Opcode.I16x8Q15mulrSatS, "i16x8.q15mulr_sat_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8AllTrue, "i16x8.all_true", ImmediateKind.None, "v>i"),
            new(Opcode.I16x8Bitmask, "i16x8.bitmask", ImmediateKind.None, "v>i"),
            new(Opcode.I16x8NarrowI32x4S, "i16x8.narrow_i32x4_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8NarrowI32x4U, "i16x8.narrow_i32x4_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8ExtendLowI8x16S, "i16x8.extend_low_i8x16_s", ImmediateKind.None, "v>v"),
            new(Opcode.I16x8ExtendHighI8x16S, "i16x8.extend_high_i8x16_s", ImmediateKind.None, "v>v"),
            new(Opcode.I16x8ExtendLowI8x16U, "i16x8.extend_low_i8x16_u", ImmediateKind.None, "v>v"),
            new(Opcode.I16x8ExtendHighI8x16U, "i16x8.extend_high_i8x16_u", ImmediateKind.None, "v>v"),
            new(Opcode.I16x8Shl, "i16x8.shl", ImmediateKind.None, "vi>v"),
            new(Opcode.I16x8ShrS, "i16x8.shr_s", ImmediateKind.None, "vi>v"),
            new(Opcode.I16x8ShrU, "i16x8.shr_u", ImmediateKind.None, "vi>v"),
            new(Opcode.I16x8Add, "i16x8.add", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8AddSatS, "i16x8.add_sat_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8AddSatU, "i16x8.add_sat_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8Sub, "i16x8.sub", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8SubSatS, "i16x8.sub_sat_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8SubSatU, "i16x8.sub_sat_u", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Nearest, "f64x2.nearest", ImmediateKind.None, "v>v"),
            new(Opcode.I16x8Mul, "i16x8.mul", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8MinS, "i16x8.min_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8MinU, "i16x8.min_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8MaxS, "i16x8.max_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8MaxU, "i16x8.max_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8AvgrU, "i16x8.avgr_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8ExtmulLowI8x16S, "i16x8.extmul_low_i8x16_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8ExtmulHighI8x16S, "i16x8.extmul_high_i8x16_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8ExtmulLowI8x16U, "i16x8.extmul_low_i8x16_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8ExtmulHighI8x16U, "i16x8.extmul_high_i8x16_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4Abs, "i32x4.abs", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4Neg, "i32x4.neg", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4AllTrue, "i32x4.all_true", ImmediateKind.None, "v>i"),
            new(Opcode.I32x4Bitmask, "i32x4.bitmask", ImmediateKind.None, "v>i"),
            new(Opcode.I32x4ExtendLowI16x8S, "i32x4.extend_low_i16x8_s", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4ExtendHighI16x8S, "i32x4.extend_high_i16x8_s", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4ExtendLowI16x8U, "i32x4.extend_low_i16x8_u", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4ExtendHighI16x8U, "i32x4.extend_high_i16x8_u", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4Shl, "i32x4.shl", ImmediateKind.None, "vi>v"),
            new(Opcode.I32x4ShrS, "i32x4.shr_s", ImmediateKind.None, "vi>v"),
            new(Opcode.I32x4ShrU, "i32x4.shr_u", ImmediateKind.None, "vi>v"),
            new(Opcode.I32x4Add, "i32x4.add", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4Sub, "i32x4.sub", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4Mul, "i32x4.mul", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4MinS, "i32x4.min_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4MinU, "i32x4.min_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4MaxS, "i32x4.max_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4MaxU, "i32x4.max_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4DotI16x8S, "i32x4.dot_i16x8_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4ExtmulLowI16x8S, "i32x4.extmul_low_i16x8_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4ExtmulHighI16x8S, "i32x4.extmul_high_i16x8_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4ExtmulLowI16x8U, "i32x4.extmul_low_i16x8_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4ExtmulHighI16x8U, "i32x4.extmul_high_i16x8_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2Abs, "i64x2.abs", ImmediateKind.None, "v>v"),
            new(Opcode.I64x2Neg, "i64x2.neg", ImmediateKind.None, "v>v"),
            new(Opcode.I64x2AllTrue, "i64x2.all_true", ImmediateKind.None, "v>i"),
            new(Opcode.I64x2Bitmask, "i64x2.bitmask", ImmediateKind.None, "v>i"),
            new(Opcode.I64x2ExtendLowI32x4S, "i64x2.extend_low_i32x4_s", ImmediateKind.None, "v>v"),
            new(Opcode.I64x2ExtendHighI32x4S, "i64x2.extend_high_i32x4_s", ImmediateKind.None, "v>v"),
            new(Opcode.I64x2ExtendLowI32x4U, "i64x2.extend_low_i32x4_u", ImmediateKind.None, "v>v"),
            new(Opcode.I64x2ExtendHighI32x4U, "i64x2.extend_high_i32x4_u", ImmediateKind.None, "v>v"),
            new(Opcode.I64x2Shl, "i64x2.shl", ImmediateKind.None, "vi>v"),
            new(Opcode.I64x2ShrS, "i64x2.shr_s", ImmediateKind.None, "vi>v"),
            new(Opcode.I64x2ShrU, "i64x2.shr_u", ImmediateKind.None, "vi>v"),
            new(Opcode.I64x2Add, "i64x2.add", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2Sub, "i64x2.sub", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2Mul, "i64x2.mul", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2Eq, "i64x2.eq", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2Ne, "i64x2.ne", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2LtS, "i64x2.lt_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2GtS, "i64x2.gt_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2LeS, "i64x2.le_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2GeS, "i64x2.ge_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2ExtmulLowI32x4S, "i64x2.extmul_low_i32x4_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2ExtmulHighI32x4S, "i64x2.extmul_high_i32x4_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2ExtmulLowI32x4U, "i64x2.extmul_low_i32x4_u", ImmediateKind.None, "vv>v"),
            new(Opcode.I64x2ExtmulHighI32x4U, "i64x2.extmul_high_i32x4_u", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Abs, "f32x4.abs", ImmediateKind.None, "v>v"),
            new(Opcode.F32x4Neg, "f32x4.neg", ImmediateKind.None, "v>v"),
            new(Opcode.F32x4Sqrt, "f32x4.sqrt", ImmediateKind.None, "v>v"),
            new(Opcode.F32x4Add, "f32x4.add", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Sub, "f32x4.sub", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Mul, "f32x4.mul", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Div, "f32x4.div", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Min, "f32x4.min", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Max, "f32x4.max", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Pmin, "f32x4.pmin", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4Pmax, "f32x4.pmax", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Abs, "f64x2.abs", ImmediateKind.None, "v>v"),
            new(Opcode.F64x2Neg, "f64x2.neg", ImmediateKind.None, "v>v"),
            new(Opcode.F64x2Sqrt, "f64x2.sqrt", ImmediateKind.None, "v>v"),
            new(Opcode.F64x2Add, "f64x2.add", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Sub, "f64x2.sub", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Mul, "f64x2.mul", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Div, "f64x2.div", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Min, "f64x2.min", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Max, "f64x2.max", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Pmin, "f64x2.pmin", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2Pmax, "f64x2.pmax", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4TruncSatF32x4S, "i32x4.trunc_sat_f32x4_s", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4TruncSatF32x4U, "i32x4.trunc_sat_f32x4_u", ImmediateKind.None, "v>v"),
            new(Opcode.F32x4ConvertI32x4S, "f32x4.convert_i32x4_s", ImmediateKind.None, "v>v"),
            new(Opcode.F32x4ConvertI32x4U, "f32x4.convert_i32x4_u", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4TruncSatF64x2SZero, "i32x4.trunc_sat_f64x2_s_zero", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4TruncSatF64x2UZero, "i32x4.trunc_sat_f64x2_u_zero", ImmediateKind.None, "v>v"),
            new(Opcode.F64x2ConvertLowI32x4S, "f64x2.convert_low_i32x4_s", ImmediateKind.None, "v>v"),
            new(Opcode.F64x2ConvertLowI32x4U, "f64x2.convert_low_i32x4_u", ImmediateKind.None, "v>v"),

            // 0xFD: relaxed SIMD
            new(Opcode.I8x16RelaxedSwizzle, "i8x16.relaxed_swizzle", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4RelaxedTruncF32x4S, "i32x4.relaxed_trunc_f32x4_s", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4RelaxedTruncF32x4U, "i32x4.relaxed_trunc_f32x4_u", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4RelaxedTruncF64x2SZero, "i32x4.relaxed_trunc_f64x2_s_zero", ImmediateKind.None, "v>v"),
            new(Opcode.I32x4RelaxedTruncF64x2UZero, "i32x4.relaxed_trunc_f64x2_u_zero", ImmediateKind.None, "v>v"),
            new(Opcode.F32x4RelaxedMadd, "f32x4.relaxed_madd", ImmediateKind.None, "vvv>v"),
            new(Opcode.F32x4RelaxedNmadd, "f32x4.relaxed_nmadd", ImmediateKind.None, "vvv>v"),
            new(Opcode.F64x2RelaxedMadd, "f64x2.relaxed_madd", ImmediateKind.None, "vvv>v"),
            new(Opcode.F64x2RelaxedNmadd, "f64x2.relaxed_nmadd", ImmediateKind.None, "vvv>v"),
            new(Opcode.I8x16RelaxedLaneselect, "i8x16.relaxed_laneselect", ImmediateKind.None, "vvv>v"),
            new(Opcode.I16x8RelaxedLaneselect, "i16x8.relaxed_laneselect", ImmediateKind.None, "vvv>v"),
            new(Opcode.I32x4RelaxedLaneselect, "i32x4.relaxed_laneselect", ImmediateKind.None, "vvv>v"),
            new(Opcode.I64x2RelaxedLaneselect, "i64x2.relaxed_laneselect", ImmediateKind.None, "vvv>v"),
            new(Opcode.F32x4RelaxedMin, "f32x4.relaxed_min", ImmediateKind.None, "vv>v"),
            new(Opcode.F32x4RelaxedMax, "f32x4.relaxed_max", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2RelaxedMin, "f64x2.relaxed_min", ImmediateKind.None, "vv>v"),
            new(Opcode.F64x2RelaxedMax, "f64x2.relaxed_max", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8RelaxedQ15mulrS, "i16x8.relaxed_q15mulr_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I16x8RelaxedDotI8x16I7x16S, "i16x8.relaxed_dot_i8x16_i7x16_s", ImmediateKind.None, "vv>v"),
            new(Opcode.I32x4RelaxedDotI8x16I7x16AddS, "i32x4.relaxed_dot_i8x16_i7x16_add_s", ImmediateKind.None, "vvv>v"),

            // 0xFE: threads (wait/notify/fence)
            new(Opcode.MemoryAtomicNotify, "memory.atomic.notify", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.MemoryAtomicWait32, "memory.atomic.wait32", ImmediateKind.MemArg, "ail>i"),
            new(Opcode.MemoryAtomicWait64, "memory.atomic.wait64", ImmediateKind.MemArg, "all>i"),
            new(Opcode.AtomicFence, "atomic.fence", ImmediateKind.ZeroByte, ">"),

            // 0xFE: atomic loads and stores
            new(Opcode.I32AtomicLoad, "i32.atomic.load", ImmediateKind.MemArg, "a>i"),
            new(Opcode.I64AtomicLoad, "i64.atomic.load", ImmediateKind.MemArg, "a>l"),
            new(Opcode.I32AtomicLoad8U, "i32.atomic.load8_u", ImmediateKind.MemArg, "a>i"),
            new(Opcode.I32AtomicLoad16U, "i32.atomic.load16_u", ImmediateKind.MemArg, "a>i"),
            new(Opcode.I64AtomicLoad8U, "i64.atomic.load8_u", ImmediateKind.MemArg, "a>l"),
            new(Opcode.I64AtomicLoad16U, "i64.atomic.load16_u", ImmediateKind.MemArg, "a>l"),
            new(Opcode.I64AtomicLoad32U, "i64.atomic.load32_u", ImmediateKind.MemArg, "a>l"),
            new(Opcode.I32AtomicStore, "i32.atomic.store", ImmediateKind.MemArg, "ai>", storeSize: 4),
            new(Opcode.I64AtomicStore, "i64.atomic.store", ImmediateKind.MemArg, "al>", storeSize: 8),
            new(Opcode.I32AtomicStore8, "i32.atomic.store8", ImmediateKind.MemArg, "ai>", storeSize: 1),
            new(Opcode.I32AtomicStore16, "i32.atomic.store16", ImmediateKind.MemArg, "ai>", storeSize: 2),
            new(Opcode.I64AtomicStore8, "i64.atomic.store8", ImmediateKind.MemArg, "al>", storeSize: 1),
            new(Opcode.I64AtomicStore16, "i64.atomic.store16", ImmediateKind.MemArg, "al>", storeSize: 2),
            new(Opcode.I64AtomicStore32, "i64.atomic.store32", ImmediateKind.MemArg, "al>", storeSize: 4),

            // 0xFE: atomic read-modify-write
            new(Opcode.I32AtomicRmwAdd, "i32.atomic.rmw.add", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmwAdd, "i64.atomic.rmw.add", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmw8AddU, "i32.atomic.rmw8.add_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I32AtomicRmw16AddU, "i32.atomic.rmw16.add_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmw8AddU, "i64.atomic.rmw8.add_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw16AddU, "i64.atomic.rmw16.add_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw32AddU, "i64.atomic.rmw32.add_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmwSub, "i32.atomic.rmw.sub", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmwSub, "i64.atomic.rmw.sub", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmw8SubU, "i32.atomic.rmw8.sub_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I32AtomicRmw16SubU, "i32.atomic.rmw16.sub_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmw8SubU, "i64.atomic.rmw8.sub_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw16SubU, "i64.atomic.rmw16.sub_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw32SubU, "i64.atomic.rmw32.sub_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmwAnd, "i32.atomic.rmw.and", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmwAnd, "i64.atomic.rmw.and", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmw8AndU, "i32.atomic.rmw8.and_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I32AtomicRmw16AndU, "i32.atomic.rmw16.and_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmw8AndU, "i64.atomic.rmw8.and_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw16AndU, "i64.atomic.rmw16.and_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw32AndU, "i64.atomic.rmw32.and_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmwOr, "i32.atomic.rmw.or", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmwOr, "i64.atomic.rmw.or", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmw8OrU, "i32.atomic.rmw8.or_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I32AtomicRmw16OrU, "i32.atomic.rmw16.or_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmw8OrU, "i64.atomic.rmw8.or_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw16OrU, "i64.atomic.rmw16.or_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw32OrU, "i64.atomic.rmw32.or_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmwXor, "i32.atomic.rmw.xor", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmwXor, "i64.atomic.rmw.xor", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmw8XorU, "i32.atomic.rmw8.xor_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I32AtomicRmw16XorU, "i32.atomic.rmw16.xor_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmw8XorU, "i64.atomic.rmw8.xor_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw16XorU, "i64.atomic.rmw16.xor_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw32XorU, "i64.atomic.rmw32.xor_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmwXchg, "i32.atomic.rmw.xchg", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmwXchg, "i64.atomic.rmw.xchg", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I32AtomicRmw8XchgU, "i32.atomic.rmw8.xchg_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I32AtomicRmw16XchgU, "i32.atomic.rmw16.xchg_u", ImmediateKind.MemArg, "ai>i"),
            new(Opcode.I64AtomicRmw8XchgU, "i64.atomic.rmw8.xchg_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw16XchgU, "i64.atomic.rmw16.xchg_u", ImmediateKind.MemArg, "al>l"),
            new(Opcode.I64AtomicRmw32XchgU, "i64.atomic.rmw32.xchg_u", ImmediateKind.MemArg, "al>l"),

            // 0xFE: atomic compare-exchange
            new(Opcode.I32AtomicRmwCmpxchg, "i32.atomic.rmw.cmpxchg", ImmediateKind.MemArg, "aii>i"),
            new(Opcode.I64AtomicRmwCmpxchg, "i64.atomic.rmw.cmpxchg", ImmediateKind.MemArg, "all>l"),
            new(Opcode.I32AtomicRmw8CmpxchgU, "i32.atomic.rmw8.cmpxchg_u", ImmediateKind.MemArg, "aii>i"),
            new(Opcode.I32AtomicRmw16CmpxchgU, "i32.atomic.rmw16.cmpxchg_u", ImmediateKind.MemArg, "aii>i"),
            new(Opcode.I64AtomicRmw8CmpxchgU, "i64.atomic.rmw8.cmpxchg_u", ImmediateKind.MemArg, "all>l"),
            new(Opcode.I64AtomicRmw16CmpxchgU, "i64.atomic.rmw16.cmpxchg_u", ImmediateKind.MemArg, "all>l"),
            new(Opcode.I64AtomicRmw32CmpxchgU, "i64.atomic.rmw32.cmpxchg_u", ImmediateKind.MemArg, "all>l"),
        ];
}
