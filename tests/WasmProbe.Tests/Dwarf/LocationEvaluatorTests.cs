using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Tests.Dwarf;

/// <summary>Each DW_OP form the wasm producers use, evaluated against a made-up frame.</summary>
public class LocationEvaluatorTests
{
    private static readonly DebugInfoReader Info = NewInfo();

    private static DebugInfoReader NewInfo()
    {
        var module = ModuleDecoder.Decode(DwarfModules.WithSections(4));
        return new DebugInfoReader(new DwarfSections(module), new CodeIndex(module));
    }

    private static readonly DebugInfoReader.UnitContext Unit = new(new CompileUnit(0, 4, false, 4)) { AddressSize = 4, Version = 4 };

    private static VariableLocation Evaluate(FakeFrame frame, params byte[] expression) => Evaluate(frame, null, expression);

    private static VariableLocation Evaluate(FakeFrame frame, ulong? frameBase, params byte[] expression)
    {
        Func<EvaluatedFrameBase>? fb = frameBase is { } v ? () => new EvaluatedFrameBase(v, null) : null;
        return new LocationEvaluator(Info, Unit, frame, fb).Evaluate(new Expression(new DwarfSection("expr", expression), 0, expression.Length));
    }

    private static FakeFrame Frame()
    {
        var frame = new FakeFrame();
        frame.Locals[0] = 0x11;
        frame.Locals[3] = 0x500;
        frame.Globals[0] = 0x8000;
        frame.Operands.AddRange([0xA0, 0xA1, 0xA2]);
        frame.WriteInt(0x500, 0x1234_5678);
        return frame;
    }

    public static TheoryData<string, byte[], string> Locations => new()
    {
        { "local as a register", [0xED, 0, 3], "local 3" },
        { "local value", [0xED, 0, 0, 0x9F], "local 0" },
        { "global (LEB index)", [0xED, 1, 0], "global 0" },
        { "global (relocatable u32 index)", [0xED, 3, 0, 0, 0, 0, 0x9F], "global 0" },
        { "operand stack, index 0 is the bottom", [0xED, 2, 1, 0x9F], "operand 1" },
        { "address", [0x03, 0x00, 0x04, 0, 0], "memory 0x400" },
        { "literal stack value", [0x35, 0x9F], "value 0x5" },
        { "constu + plus_uconst", [0x10, 0x80, 0x01, 0x23, 0x10, 0x9F], "value 0x90" },
        { "consts negative", [0x11, 0x7F, 0x9F], "value 0xffffffffffffffff" },
        { "const1s/2u/4u/8u", [0x09, 0xFF, 0x0A, 0x02, 0x01, 0x22, 0x0C, 1, 0, 0, 0, 0x22, 0x0E, 1, 0, 0, 0, 0, 0, 0, 0, 0x22, 0x9F], "value 0x103" },
        { "arithmetic: (7 - 2) * 3 / 5 % 4", [0x37, 0x32, 0x1C, 0x33, 0x1E, 0x35, 0x1B, 0x34, 0x1D, 0x9F], "value 0x3" },
        { "bitwise and shifts", [0x3F, 0x33, 0x1A, 0x31, 0x24, 0x36, 0x21, 0x31, 0x25, 0x38, 0x27, 0x9F], "value 0xb" },
        { "neg, abs, not", [0x35, 0x1F, 0x19, 0x20, 0x9F], "value 0xfffffffffffffffa" },
        { "stack ops: dup, over, swap, rot, drop, pick", [0x31, 0x32, 0x14, 0x12, 0x16, 0x17, 0x13, 0x15, 0x01, 0x22, 0x9F], "value 0x3" },
        { "comparisons", [0x32, 0x33, 0x2D, 0x33, 0x32, 0x2B, 0x22, 0x32, 0x32, 0x29, 0x22, 0x9F], "value 0x3" },
        { "skip and bra", [0x30, 0x28, 0x02, 0x00, 0x2F, 0x01, 0x00, 0x96, 0x3A, 0x9F], "value 0xa" },
        { "deref (address size)", [0x03, 0x00, 0x05, 0, 0, 0x06, 0x9F], "value 0x12345678" },
        { "deref_size 2", [0x03, 0x00, 0x05, 0, 0, 0x94, 2, 0x9F], "value 0x5678" },
        { "deref of a local's value", [0xED, 0, 3, 0x06, 0x9F], "value 0x12345678" },
        { "implicit value", [0x9E, 2, 0xAB, 0xCD], "bytes AB-CD" },
        { "pieces: local then memory then optimized out", [0xED, 0, 0, 0x93, 4, 0x03, 0, 5, 0, 0, 0x93, 2, 0x93, 2], "local 0 (4 bytes), memory 0x500 (2 bytes), optimized out (2 bytes)" },
    };

    [Theory]
    [MemberData(nameof(Locations))]
    public void Evaluates(string what, byte[] expression, string location) =>
        Evaluate(Frame(), expression).ToString().ShouldBe(location, what);

    [Fact]
    public void Fbreg_adds_to_the_frame_base()
    {
        Evaluate(Frame(), 0x1000, 0x91, 0x10).ToString().ShouldBe("memory 0x1010");
        Evaluate(Frame(), 0x1000, 0x91, 0x70).ToString().ShouldBe("memory 0xff0");
    }

    [Theory]
    [InlineData(new byte[] { 0xED, 0, 9 }, "local 9 is not available")]
    [InlineData(new byte[] { 0xED, 1, 5, 0x9F }, "global 5 is not available")]
    [InlineData(new byte[] { 0xED, 2, 7, 0x9F }, "operand 7 is not available")]
    [InlineData(new byte[] { 0x0C, 0, 0, 0, 0x80, 0x06 }, "memory at 0x80000000 is not readable")]
    [InlineData(new byte[] { 0x31, 0x30, 0x1B }, "the location divides by zero")]
    [InlineData(new byte[] { 0x50 }, "unsupported DWARF operation 0x50")]
    [InlineData(new byte[] { }, "optimized out (empty location)")]
    public void What_the_frame_or_evaluator_cannot_give_is_unavailable(byte[] expression, string reason) =>
        Evaluate(Frame(), expression).UnavailableReason.ShouldBe(reason);

    [Theory]
    [InlineData(new byte[] { 0x22 }, "expression stack underflow")]
    [InlineData(new byte[] { 0x0C, 1 }, "unexpected end of data: 4 bytes needed, 1 left")]
    [InlineData(new byte[] { 0x2F, 0xFD, 0xFF }, "expression runs more than 100000 steps (a branch loop?)")]
    [InlineData(new byte[] { 0x2F, 0x10, 0x00 }, "branch to 16 leaves the expression")]
    [InlineData(new byte[] { 0xED, 4, 0 }, "DW_OP_WASM_location of unknown kind 4")]
    [InlineData(new byte[] { 0x91, 0 }, "DW_OP_fbreg where there is no frame base")]
    [InlineData(new byte[] { 0x31, 0x93, 4, 0x31 }, "operations after the last DW_OP_piece")]
    public void Malformed_expressions_raise_the_typed_exception(byte[] expression, string reason) =>
        Should.Throw<DwarfFormatException>(() => Evaluate(Frame(), expression)).Reason.ShouldBe(reason);

    [Fact]
    public void Pieces_put_a_value_together_and_a_missing_piece_makes_it_unavailable()
    {
        var dwarf = VariableGuests.Dwarf("vars-O0.wasm");
        var type = dwarf.VariablesAt(VariableGuests.PcOf(dwarf, "vars.c", 62)).First(v => v.Name == "big").Type; // unsigned long long
        var frame = Frame();
        frame.Locals[1] = 0x2;
        var whole = VariableValue.Of("big", type, Evaluate(frame, 0xED, 0, 0, 0x93, 4, 0xED, 0, 1, 0x93, 4), frame);
        whole.Display.ShouldBe("8589934609"); // 0x2_0000_0011
        var partial = VariableValue.Of("big", type, Evaluate(frame, 0xED, 0, 0, 0x93, 4, 0x93, 4), frame);
        partial.UnavailableReason.ShouldBe("partly optimized out");
    }
}
