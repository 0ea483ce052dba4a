using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Names;
using WasmProbe.Wasm.Text;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Tests.Text;

/// <summary>Immediates of every kind, on hand-built instructions (the fixture and the corpus cover decoded ones).</summary>
public class InstructionFormatterTests
{
    private static string Format(Instruction instruction, long[]? pool = null, Module? module = null) =>
        InstructionFormatter.Format(module ?? new Module(), 0, new Expression([instruction], pool ?? []), instruction);

    private static Instruction I(Opcode opcode, long a = 0, long b = 0, int c = 0) => new(opcode, 0, 1, a, b, c);

    [Fact]
    public void Every_opcode_formats_without_throwing()
    {
        foreach (var info in OpcodeTable.All)
        {
            string text = Format(I(info.Opcode));
            text.ShouldStartWith(info.Name);
        }
    }

    [Fact]
    public void Integer_constants_are_signed_decimal()
    {
        Format(I(Opcode.I32Const, 42)).ShouldBe("i32.const 42");
        Format(I(Opcode.I32Const, -1)).ShouldBe("i32.const -1");
        Format(I(Opcode.I32Const, int.MinValue)).ShouldBe("i32.const -2147483648");
        Format(I(Opcode.I64Const, -1)).ShouldBe("i64.const -1");
        Format(I(Opcode.I64Const, long.MaxValue)).ShouldBe("i64.const 9223372036854775807");
    }

    [Theory]
    [InlineData(0x3FC00000u, "1.5")]
    [InlineData(0x80000000u, "-0")]
    [InlineData(0x3DCCCCCDu, "0.1")]
    [InlineData(0x60AD78ECu, "1e+20")]
    [InlineData(0x00000001u, "1e-45")]
    [InlineData(0x7F800000u, "inf")]
    [InlineData(0xFF800000u, "-inf")]
    [InlineData(0x7FC00000u, "nan")]
    [InlineData(0xFFC00000u, "-nan")]
    [InlineData(0x7FA00000u, "nan:0x200000")]
    [InlineData(0xFF800001u, "-nan:0x1")]
    public void F32_constants_round_trip(uint bits, string expected)
    {
        Format(I(Opcode.F32Const, bits)).ShouldBe("f32.const " + expected);
        if (!expected.Contains("nan", StringComparison.Ordinal) && !expected.Contains("inf", StringComparison.Ordinal))
            BitConverter.SingleToUInt32Bits(float.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(bits);
    }

    [Theory]
    [InlineData(0x3FF8000000000000ul, "1.5")]
    [InlineData(0x3FB999999999999Aul, "0.1")]
    [InlineData(0x8000000000000000ul, "-0")]
    [InlineData(0x0000000000000001ul, "5e-324")]
    [InlineData(0x7FEFFFFFFFFFFFFFul, "1.7976931348623157e+308")]
    [InlineData(0xFFF0000000000000ul, "-inf")]
    [InlineData(0x7FF8000000000000ul, "nan")]
    [InlineData(0x7FF4000000000000ul, "nan:0x4000000000000")]
    public void F64_constants_round_trip(ulong bits, string expected)
    {
        Format(I(Opcode.F64Const, (long)bits)).ShouldBe("f64.const " + expected);
    }

    [Fact]
    public void Memargs_omit_zero_offset_natural_alignment_and_memory_zero()
    {
        Format(I(Opcode.I32Load, a: 0, b: 2)).ShouldBe("i32.load");
        Format(I(Opcode.I32Load, a: 8, b: 2)).ShouldBe("i32.load offset=8");
        Format(I(Opcode.I32Load, a: 8, b: 0)).ShouldBe("i32.load offset=8 align=1");
        Format(I(Opcode.I32Load, a: 8, b: 2, c: 1)).ShouldBe("i32.load 1 offset=8");
        Format(I(Opcode.I64Load, b: 3)).ShouldBe("i64.load");
        Format(I(Opcode.I64Load, b: 2)).ShouldBe("i64.load align=4");
        Format(I(Opcode.I64Load32S, b: 2)).ShouldBe("i64.load32_s");
        Format(I(Opcode.I32Store8, b: 0)).ShouldBe("i32.store8");
        Format(I(Opcode.F64Store, b: 3)).ShouldBe("f64.store");
        Format(I(Opcode.V128Load, b: 4)).ShouldBe("v128.load");
        Format(I(Opcode.V128Load8x8S, b: 3)).ShouldBe("v128.load8x8_s");
        Format(I(Opcode.V128Load32Zero, b: 2)).ShouldBe("v128.load32_zero");
        Format(I(Opcode.I32AtomicRmw8AddU, b: 0)).ShouldBe("i32.atomic.rmw8.add_u");
        Format(I(Opcode.I64AtomicRmw32CmpxchgU, b: 2)).ShouldBe("i64.atomic.rmw32.cmpxchg_u");
        Format(I(Opcode.MemoryAtomicNotify, b: 2)).ShouldBe("memory.atomic.notify");
        Format(I(Opcode.MemoryAtomicWait64, b: 3)).ShouldBe("memory.atomic.wait64");
    }

    [Fact]
    public void Lane_instructions()
    {
        Format(I(Opcode.I8x16ExtractLaneS, 3)).ShouldBe("i8x16.extract_lane_s 3");
        Format(I(Opcode.V128Load8Lane, a: 0, b: 0 | 1L << 32)).ShouldBe("v128.load8_lane 1");
        Format(I(Opcode.V128Load8Lane, a: 16, b: 0 | 15L << 32)).ShouldBe("v128.load8_lane offset=16 15");
        Format(I(Opcode.V128Store64Lane, a: 0, b: 2 | 1L << 32, c: 2)).ShouldBe("v128.store64_lane 2 align=4 1");
    }

    [Fact]
    public void Vector_constants_and_shuffles()
    {
        Format(I(Opcode.V128Const, a: 0x00000002_00000001, b: 0x00000004_00000003))
            .ShouldBe("v128.const i32x4 0x00000001 0x00000002 0x00000003 0x00000004");
        Format(I(Opcode.V128Const, a: -1, b: 0)).ShouldBe("v128.const i32x4 0xffffffff 0xffffffff 0x00000000 0x00000000");
        Format(I(Opcode.I8x16Shuffle, a: 0x07060504_03020100, b: 0x1F1E1D1C_1B1A1918))
            .ShouldBe("i8x16.shuffle 0 1 2 3 4 5 6 7 24 25 26 27 28 29 30 31");
    }

    [Fact]
    public void Block_types()
    {
        Format(I(Opcode.Block, BlockType.Empty.ToBits())).ShouldBe("block");
        Format(I(Opcode.Loop, BlockType.Value(ValType.I32).ToBits())).ShouldBe("loop (result i32)");
        Format(I(Opcode.If, BlockType.Function(3).ToBits())).ShouldBe("if (type 3)");
        Format(I(Opcode.Block, BlockType.Value(ValType.Ref(HeapType.Concrete(2), nullable: true)).ToBits())).ShouldBe("block (result (ref null 2))");
    }

    [Fact]
    public void Branches_and_tables()
    {
        Format(I(Opcode.BrTable, a: 0, b: 0, c: 3), pool: [0, 1, 2]).ShouldBe("br_table 0 1 2 0");
        Format(I(Opcode.BrTable, a: 5, b: 1, c: 1), pool: [9, 4]).ShouldBe("br_table 4 5");
        Format(I(Opcode.CallIndirect, a: 2, b: 0)).ShouldBe("call_indirect (type 2)");
        Format(I(Opcode.ReturnCallIndirect, a: 2, b: 1)).ShouldBe("return_call_indirect 1 (type 2)");
        Format(I(Opcode.TableGet, 0)).ShouldBe("table.get 0");
        Format(I(Opcode.TableInit, a: 4, b: 0)).ShouldBe("table.init 4");
        Format(I(Opcode.TableInit, a: 4, b: 1)).ShouldBe("table.init 1 4");
        Format(I(Opcode.TableCopy, 0, 0)).ShouldBe("table.copy");
        Format(I(Opcode.TableCopy, 0, 1)).ShouldBe("table.copy 0 1");
    }

    [Fact]
    public void Memory_indices_print_only_when_non_zero()
    {
        Format(I(Opcode.MemorySize, 0)).ShouldBe("memory.size");
        Format(I(Opcode.MemoryGrow, 2)).ShouldBe("memory.grow 2");
        Format(I(Opcode.MemoryCopy, 0, 0)).ShouldBe("memory.copy");
        Format(I(Opcode.MemoryCopy, 0, 1)).ShouldBe("memory.copy 0 1");
        Format(I(Opcode.MemoryInit, a: 3, b: 0)).ShouldBe("memory.init 3");
        Format(I(Opcode.MemoryInit, a: 3, b: 1)).ShouldBe("memory.init 1 3");
        Format(I(Opcode.DataDrop, 3)).ShouldBe("data.drop 3");
        Format(I(Opcode.ElemDrop, 1)).ShouldBe("elem.drop 1");
        Format(I(Opcode.AtomicFence)).ShouldBe("atomic.fence");
    }

    [Fact]
    public void References_and_gc()
    {
        Format(I(Opcode.SelectTyped, b: 0, c: 1), pool: [ValType.I32.ToBits()]).ShouldBe("select (result i32)");
        Format(I(Opcode.Select)).ShouldBe("select");
        Format(I(Opcode.RefNull, HeapType.Func.Code)).ShouldBe("ref.null func");
        Format(I(Opcode.RefNull, HeapType.None.Code)).ShouldBe("ref.null none");
        Format(I(Opcode.RefNull, 3)).ShouldBe("ref.null 3");
        Format(I(Opcode.RefTestNull, 3)).ShouldBe("ref.test (ref null 3)");
        Format(I(Opcode.RefTest, 3)).ShouldBe("ref.test (ref 3)");
        Format(I(Opcode.RefCast, HeapType.Any.Code)).ShouldBe("ref.cast (ref any)");
        Format(I(Opcode.RefTestNull, HeapType.None.Code)).ShouldBe("ref.test nullref");
        // br_on_cast flags: bit 0 = source nullable, bit 1 = target nullable.
        Format(I(Opcode.BrOnCast, a: 0 | 1L << 32, b: HeapType.Any.Code, c: 3)).ShouldBe("br_on_cast 0 anyref (ref 3)");
        Format(I(Opcode.BrOnCastFail, a: 2 | 3L << 32, b: HeapType.Eq.Code, c: (int)HeapType.I31.Code)).ShouldBe("br_on_cast_fail 2 eqref i31ref");
        Format(I(Opcode.CallRef, 4)).ShouldBe("call_ref 4");
        Format(I(Opcode.StructGet, 3, 1)).ShouldBe("struct.get 3 1");
        Format(I(Opcode.ArrayNewFixed, 2, 4)).ShouldBe("array.new_fixed 2 4");
        Format(I(Opcode.ArrayCopy, 1, 2)).ShouldBe("array.copy 1 2");
        Format(I(Opcode.ArrayNewData, 1, 0)).ShouldBe("array.new_data 1 0");
        Format(I(Opcode.ArrayNewElem, 1, 2)).ShouldBe("array.new_elem 1 2");
    }

    [Fact]
    public void Exceptions()
    {
        long[] pool = [(long)CatchKind.Catch << 32 | 0, 1, (long)CatchKind.CatchRef << 32 | 2, 0, (long)CatchKind.CatchAll << 32, 2, (long)CatchKind.CatchAllRef << 32, 3];
        Format(I(Opcode.TryTable, a: BlockType.Value(ValType.I32).ToBits(), b: 0, c: 4), pool)
            .ShouldBe("try_table (result i32) (catch 0 1) (catch_ref 2 0) (catch_all 2) (catch_all_ref 3)");
        Format(I(Opcode.TryTable, a: BlockType.Empty.ToBits())).ShouldBe("try_table");
        Format(I(Opcode.Throw, 1)).ShouldBe("throw 1");
        Format(I(Opcode.Catch, 0)).ShouldBe("catch 0");
        Format(I(Opcode.Rethrow, 1)).ShouldBe("rethrow 1");
    }

    [Fact]
    public void Names_are_used_when_known()
    {
        var module = new Module();
        var names = module.Names.Section;
        names.Map(NameKind.Function)[1] = "fib";
        names.Map(NameKind.Global)[0] = "g";
        names.Map(NameKind.Type)[3] = "point";
        names.Map(NameKind.Tag)[0] = "oops";
        names.Map(NameKind.Memory)[1] = "heap";
        names.Map(NameKind.Data)[2] = "bytes";
        names.IndirectMap(NameKind.Local)[0] = new() { [1] = "n" };
        names.IndirectMap(NameKind.Field)[3] = new() { [1] = "y" };
        names.Map(NameKind.Function)[2] = "has space";

        Format(I(Opcode.Call, 1), module: module).ShouldBe("call $fib");
        Format(I(Opcode.Call, 2), module: module).ShouldBe("call $\"has space\"");
        Format(I(Opcode.Call, 7), module: module).ShouldBe("call 7");
        Format(I(Opcode.RefFunc, 1), module: module).ShouldBe("ref.func $fib");
        Format(I(Opcode.LocalGet, 1), module: module).ShouldBe("local.get $n");
        Format(I(Opcode.LocalGet, 2), module: module).ShouldBe("local.get 2");
        Format(I(Opcode.GlobalGet, 0), module: module).ShouldBe("global.get $g");
        Format(I(Opcode.StructGet, 3, 1), module: module).ShouldBe("struct.get $point $y");
        Format(I(Opcode.RefTestNull, 3), module: module).ShouldBe("ref.test (ref null $point)");
        Format(I(Opcode.CallIndirect, 3, 0), module: module).ShouldBe("call_indirect (type $point)");
        Format(I(Opcode.I32Load, a: 4, b: 2, c: 1), module: module).ShouldBe("i32.load $heap offset=4");
        Format(I(Opcode.MemoryInit, 2, 1), module: module).ShouldBe("memory.init $heap $bytes");
        Format(I(Opcode.Throw, 0), module: module).ShouldBe("throw $oops");
    }

    [Fact]
    public void Identifiers_are_quoted_when_needed()
    {
        InstructionFormatter.Identifier("fib").ShouldBe("$fib");
        InstructionFormatter.Identifier("env.log").ShouldBe("$env.log");
        InstructionFormatter.Identifier("a b").ShouldBe("$\"a b\"");
        InstructionFormatter.Identifier("q\"\\").ShouldBe("$\"q\\\"\\\\\"");
        InstructionFormatter.Identifier("").ShouldBe("$\"\"");
        InstructionFormatter.Identifier("\u0001").ShouldBe("$\"\\u{1}\"");
    }
}
