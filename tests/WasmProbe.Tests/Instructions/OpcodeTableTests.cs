using System.Text.RegularExpressions;
using WasmProbe.Wasm.Instructions;

namespace WasmProbe.Tests.Instructions;

public sealed class OpcodeTableTests
{
    private static readonly Regex s_stackEffect = new("^[ilfdva]*>[ilfdva]*$", RegexOptions.CultureInvariant);

    [Fact]
    public void EveryEnumMemberHasExactlyOneEntryAndViceVersa()
    {
        Opcode[] members = Enum.GetValues<Opcode>();
        members.Distinct().Count().ShouldBe(members.Length, "enum values must be distinct");

        var byOpcode = OpcodeTable.All.GroupBy(i => i.Opcode).ToDictionary(g => g.Key, g => g.Count());
        foreach (Opcode op in members)
        {
            byOpcode.TryGetValue(op, out int count);
            count.ShouldBe(1, $"{op} should have exactly one table entry");
            OpcodeTable.Get(op).Opcode.ShouldBe(op);
        }

        foreach (OpcodeInfo info in OpcodeTable.All)
        {
            Enum.IsDefined(info.Opcode).ShouldBeTrue($"{info.Name} has an opcode that is not an enum member");
        }

        OpcodeTable.All.Count.ShouldBe(members.Length);
    }

    [Fact]
    public void CountsPerPrefix()
    {
        var counts = OpcodeTable.All.GroupBy(i => i.Prefix).ToDictionary(g => g.Key, g => g.Count());
        counts[0].ShouldBe(199);
        counts[0xFB].ShouldBe(31);
        counts[0xFC].ShouldBe(22);
        counts[0xFD].ShouldBe(256);
        counts[0xFE].ShouldBe(67);
        counts.Count.ShouldBe(5);
    }

    [Fact]
    public void TryGetRoundTripsEveryEntry()
    {
        foreach (OpcodeInfo info in OpcodeTable.All)
        {
            OpcodeTable.TryGet(info.Prefix, (uint)info.Code, out OpcodeInfo? found).ShouldBeTrue(info.Name);
            found.ShouldBeSameAs(info);
        }
    }

    [Fact]
    public void TryGetRejectsUnknownOpcodes()
    {
        OpcodeTable.TryGet(0, 0x16, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0, 0x27, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0, 0xC5, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0, 0xFC, out _).ShouldBeFalse(); // a prefix byte, not an instruction
        OpcodeTable.TryGet(0, 0x1_006A, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0xFB, 0x1F, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0xFC, 0x12, out _).ShouldBeFalse(); // memory.discard is not supported
        OpcodeTable.TryGet(0xFD, 0x9A, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0xFD, 0x114, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0xFE, 0x04, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0xFE, 0x4F, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0xFE, uint.MaxValue, out _).ShouldBeFalse();
        OpcodeTable.TryGet(0x01, 0x00, out _).ShouldBeFalse();
        Should.Throw<ArgumentOutOfRangeException>(() => OpcodeTable.Get((Opcode)0xFD_0114));
        Should.Throw<ArgumentOutOfRangeException>(() => OpcodeTable.Get((Opcode)(-1)));
    }

    [Fact]
    public void NamesAreUniqueExceptDocumentedPairs()
    {
        string[] shared = ["select", "ref.test", "ref.cast"];
        foreach (var group in OpcodeTable.All.GroupBy(i => i.Name))
        {
            if (shared.Contains(group.Key))
            {
                group.Count().ShouldBe(2, group.Key);
            }
            else
            {
                group.Count().ShouldBe(1, group.Key);
            }
        }
    }

    [Fact]
    public void StackEffectsAreWellFormed()
    {
        foreach (OpcodeInfo info in OpcodeTable.All.Where(i => i.StackEffect is not null))
        {
            s_stackEffect.IsMatch(info.StackEffect!).ShouldBeTrue($"{info.Name}: {info.StackEffect}");
        }
    }

    [Fact]
    public void MemArgInstructionsPopAnAddressFirst()
    {
        foreach (OpcodeInfo info in OpcodeTable.All.Where(i => i.Immediates is ImmediateKind.MemArg or ImmediateKind.MemArgLane))
        {
            info.StackEffect.ShouldNotBeNull(info.Name);
            info.StackEffect.ShouldStartWith("a", customMessage: info.Name);
        }

        // 'a' appears nowhere else.
        foreach (OpcodeInfo info in OpcodeTable.All.Where(i => i.Immediates is not (ImmediateKind.MemArg or ImmediateKind.MemArgLane)))
        {
            (info.StackEffect ?? "").ShouldNotContain('a', info.Name);
        }
    }

    [Fact]
    public void NamesMatchEnumMembers()
    {
        // PascalCase of the text name with '.' and '_' removed, except the documented special cases.
        var special = new Dictionary<Opcode, string>
        {
            [Opcode.SelectTyped] = "select",
            [Opcode.RefTestNull] = "ref.test",
            [Opcode.RefCastNull] = "ref.cast",
        };
        foreach (OpcodeInfo info in OpcodeTable.All)
        {
            if (special.TryGetValue(info.Opcode, out string? name))
            {
                info.Name.ShouldBe(name);
                continue;
            }

            string pascal = string.Concat(info.Name.Split('.', '_').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
            info.Opcode.ToString().ShouldBe(pascal);
        }
    }

    [Theory]
    [InlineData(Opcode.I32Add, 0x00, 0x6A, "i32.add", ImmediateKind.None, "ii>i")]
    [InlineData(Opcode.Nop, 0x00, 0x01, "nop", ImmediateKind.None, ">")]
    [InlineData(Opcode.Unreachable, 0x00, 0x00, "unreachable", ImmediateKind.None, null)]
    [InlineData(Opcode.I64Store, 0x00, 0x37, "i64.store", ImmediateKind.MemArg, "al>")]
    [InlineData(Opcode.SelectTyped, 0x00, 0x1C, "select", ImmediateKind.SelectTypes, null)]
    [InlineData(Opcode.TryTable, 0x00, 0x1F, "try_table", ImmediateKind.TryTable, null)]
    [InlineData(Opcode.Delegate, 0x00, 0x18, "delegate", ImmediateKind.Label, null)]
    [InlineData(Opcode.I64Extend32S, 0x00, 0xC4, "i64.extend32_s", ImmediateKind.None, "l>l")]
    [InlineData(Opcode.BrOnNonNull, 0x00, 0xD6, "br_on_non_null", ImmediateKind.Label, null)]
    [InlineData(Opcode.MemoryCopy, 0xFC, 0x0A, "memory.copy", ImmediateKind.MemoryCopy, null)]
    [InlineData(Opcode.DataDrop, 0xFC, 0x09, "data.drop", ImmediateKind.Data, ">")]
    [InlineData(Opcode.I32TruncSatF32S, 0xFC, 0x00, "i32.trunc_sat_f32_s", ImmediateKind.None, "f>i")]
    [InlineData(Opcode.I64Add128, 0xFC, 0x13, "i64.add128", ImmediateKind.None, "llll>ll")]
    [InlineData(Opcode.I64MulWideU, 0xFC, 0x16, "i64.mul_wide_u", ImmediateKind.None, "ll>ll")]
    [InlineData(Opcode.I8x16Shuffle, 0xFD, 0x0D, "i8x16.shuffle", ImmediateKind.Shuffle, "vv>v")]
    [InlineData(Opcode.V128Load8Lane, 0xFD, 0x54, "v128.load8_lane", ImmediateKind.MemArgLane, "av>v")]
    [InlineData(Opcode.V128Load64Zero, 0xFD, 0x5D, "v128.load64_zero", ImmediateKind.MemArg, "a>v")]
    [InlineData(Opcode.F64x2PromoteLowF32x4, 0xFD, 0x5F, "f64x2.promote_low_f32x4", ImmediateKind.None, "v>v")]
    [InlineData(Opcode.F64x2Nearest, 0xFD, 0x94, "f64x2.nearest", ImmediateKind.None, "v>v")]
    [InlineData(Opcode.I64x2ReplaceLane, 0xFD, 0x1E, "i64x2.replace_lane", ImmediateKind.Lane, "vl>v")]
    [InlineData(Opcode.I8x16Shl, 0xFD, 0x6B, "i8x16.shl", ImmediateKind.None, "vi>v")]
    [InlineData(Opcode.I32x4DotI16x8S, 0xFD, 0xBA, "i32x4.dot_i16x8_s", ImmediateKind.None, "vv>v")]
    [InlineData(Opcode.F32x4RelaxedMadd, 0xFD, 0x105, "f32x4.relaxed_madd", ImmediateKind.None, "vvv>v")]
    [InlineData(Opcode.StructNew, 0xFB, 0x00, "struct.new", ImmediateKind.Type, null)]
    [InlineData(Opcode.RefTestNull, 0xFB, 0x15, "ref.test", ImmediateKind.RefTestNull, null)]
    [InlineData(Opcode.BrOnCastFail, 0xFB, 0x19, "br_on_cast_fail", ImmediateKind.BrOnCast, null)]
    [InlineData(Opcode.I31GetU, 0xFB, 0x1E, "i31.get_u", ImmediateKind.None, null)]
    [InlineData(Opcode.MemoryAtomicNotify, 0xFE, 0x00, "memory.atomic.notify", ImmediateKind.MemArg, "ai>i")]
    [InlineData(Opcode.MemoryAtomicWait32, 0xFE, 0x01, "memory.atomic.wait32", ImmediateKind.MemArg, "ail>i")]
    [InlineData(Opcode.AtomicFence, 0xFE, 0x03, "atomic.fence", ImmediateKind.ZeroByte, ">")]
    [InlineData(Opcode.I32AtomicRmw8AddU, 0xFE, 0x20, "i32.atomic.rmw8.add_u", ImmediateKind.MemArg, "ai>i")]
    [InlineData(Opcode.I64AtomicRmw32CmpxchgU, 0xFE, 0x4E, "i64.atomic.rmw32.cmpxchg_u", ImmediateKind.MemArg, "all>l")]
    public void SpotValues(Opcode opcode, int prefix, int code, string name, ImmediateKind immediates, string? stackEffect)
    {
        OpcodeInfo info = OpcodeTable.Get(opcode);
        info.Prefix.ShouldBe((byte)prefix);
        info.Code.ShouldBe(code);
        info.Name.ShouldBe(name);
        info.Immediates.ShouldBe(immediates);
        info.StackEffect.ShouldBe(stackEffect);
        OpcodeTable.TryGet((byte)prefix, (uint)code, out OpcodeInfo? found).ShouldBeTrue();
        found.ShouldBeSameAs(info);
    }

    [Fact]
    public void EnumValuesUseThePrefixEncoding()
    {
        ((int)Opcode.I32Add).ShouldBe(0x6A);
        ((int)Opcode.MemoryCopy).ShouldBe(0xFC_000A);
        ((int)Opcode.I8x16Shuffle).ShouldBe(0xFD_000D);
        ((int)Opcode.F64x2PromoteLowF32x4).ShouldBe(0xFD_005F);
        ((int)Opcode.I32x4DotI16x8S).ShouldBe(0xFD_00BA);
        ((int)Opcode.F32x4RelaxedMadd).ShouldBe(0xFD_0105);
        ((int)Opcode.StructNew).ShouldBe(0xFB_0000);
        ((int)Opcode.BrOnCastFail).ShouldBe(0xFB_0019);
        ((int)Opcode.MemoryAtomicNotify).ShouldBe(0xFE_0000);
        ((int)Opcode.TryTable).ShouldBe(0x1F);
        ((int)Opcode.I64Add128).ShouldBe(0xFC_0013);
    }
}
