using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Tests.Dwarf;

/// <summary>Variables of the C guests at source lines: which are in scope, their C types, locations and values read
/// from a made-up frame. Expectations are from llvm-dwarfdump-14 --debug-info of the committed guests.</summary>
public class VariableTests
{
    private const ulong FrameBase = 0x1000;

    private static string Signature(DwarfVariable v) => $"{v.Name}: {v.Type.Name}";

    [Fact]
    public void In_the_inner_block_of_insertion_sort_the_block_variables_come_first_then_the_parameters()
    {
        var dwarf = VariableGuests.Dwarf("sort-O0.wasm");
        int pc = VariableGuests.PcOf(dwarf, "sort.c", 33);
        dwarf.VariablesAt(pc).Where(v => v.Kind != VariableKind.Global).Select(Signature)
            .ShouldBe(["key: int", "j: int", "i: int", "a: int *", "n: int"]);
    }

    [Fact]
    public void Outside_a_block_its_variables_are_not_in_scope()
    {
        var dwarf = VariableGuests.Dwarf("sort-O0.wasm");
        // The function's last instruction (its code ends at 0x222) is past the for loop's block [0x43, 0x220).
        int pc = dwarf.Functions.Named("insertion_sort").Single().Ranges[0].End - 1;
        dwarf.VariablesAt(pc).Select(v => v.Name).ShouldBe(["a", "n"]);
    }

    [Fact]
    public void Parameters_and_locals_in_memory_are_read_through_the_frame_base_local()
    {
        var dwarf = VariableGuests.Dwarf("sort-O0.wasm");
        int pc = VariableGuests.PcOf(dwarf, "sort.c", 33);
        // insertion_sort: DW_AT_frame_base (DW_OP_WASM_location 0x0 0x4, DW_OP_stack_value); a at fbreg +28, n +24,
        // i +20, key +16, j +12.
        var frame = new FakeFrame();
        frame.Locals[4] = FrameBase;
        frame.WriteInt(FrameBase + 28, 0x2000).WriteInt(FrameBase + 24, 6).WriteInt(FrameBase + 20, 3).WriteInt(FrameBase + 16, -7).WriteInt(FrameBase + 12, 2);
        for (int k = 0; k < 6; k++) frame.WriteInt(0x2000 + (ulong)(4 * k), 10 * k);
        var values = dwarf.VariablesAt(pc).ToDictionary(v => v.Name, v => v.Evaluate(pc, frame));
        values["key"].Display.ShouldBe("-7");
        values["j"].Location!.ToString().ShouldBe("memory 0x100c");
        values["a"].Display.ShouldBe("0x00002000");
        values["a"].Dereference()!.Display.ShouldBe("0");
        VariablePath.Resolve("a[5]", dwarf.VariablesAt(pc), pc, frame).Display.ShouldBe("50");
        VariablePath.Resolve("*a", dwarf.VariablesAt(pc), pc, frame).Type.Name.ShouldBe("int");
    }

    [Fact]
    public void Without_the_frame_base_local_every_frame_variable_is_unavailable()
    {
        var dwarf = VariableGuests.Dwarf("sort-O0.wasm");
        int pc = VariableGuests.PcOf(dwarf, "sort.c", 33);
        var key = dwarf.VariablesAt(pc).First(v => v.Name == "key").Evaluate(pc, new FakeFrame());
        key.IsAvailable.ShouldBeFalse();
        key.UnavailableReason.ShouldBe("frame base: local 4 is not available");
        key.Display.ShouldBe("<unavailable>");
    }

    [Fact]
    public void Types_are_spelled_as_C_spells_them()
    {
        var dwarf = VariableGuests.Dwarf("vars-O0.wasm");
        int pc = VariableGuests.PcOf(dwarf, "vars.c", 62);
        dwarf.VariablesAt(pc).Select(Signature).ShouldBe([
            "seed: int", "items: struct item[3]", "w: union word", "it: item_t *", "big: unsigned long long", "half: double",
            "letter: char", "ok: _Bool", "v: volatile int", "r: int", "counter: int", "grid: short[2][3]", "scale: const double",
        ]);
        var parse = VariableGuests.Dwarf("sort-O0.wasm");
        int parsePc = VariableGuests.PcOf(parse, "sort.c", 16);
        parse.VariablesAt(parsePc).Where(v => v.Kind != VariableKind.Global).Select(Signature)
            .ShouldBe(["value: int", "text: const char *", "out: int *", "max: int", "count: int", "p: const char *"]);
    }

    [Fact]
    public void Structure_members_bitfields_enums_and_arrays_are_read_lazily_from_memory()
    {
        var dwarf = VariableGuests.Dwarf("vars-O0.wasm");
        int pc = VariableGuests.PcOf(dwarf, "vars.c", 62);
        var inScope = dwarf.VariablesAt(pc);
        var frame = RunFrame(dwarf, inScope, pc);
        var items = inScope.First(v => v.Name == "items").Evaluate(pc, frame);
        items.Display.ShouldBe("{{qty = 3, tag = {97 'a', 98 'b', 99 'c'}, flags = 5, level = 17, color = GREEN}, {qty = 4, tag = {1 '\\x01', 2 '\\x02', 3 '\\x03'}, flags = 1, level = 2, color = BLUE}, {qty = 5, tag = {0 '\\0', 0 '\\0', 0 '\\0'}, flags = 0, level = 31, color = RED}}");
        items.Children.Count.ShouldBe(3);
        items.Children[1].Children.Select(c => c.Name).ShouldBe(["qty", "tag", "flags", "level", "color"]);
        Resolve("items[2].qty").Display.ShouldBe("5");
        Resolve("items[0].tag[1]").Display.ShouldBe("98 'b'");
        Resolve("it->level").Display.ShouldBe("2");
        Resolve("it->color").Display.ShouldBe("BLUE");
        Resolve("*it").Type.Name.ShouldBe("item_t");
        Resolve("*it").Display.ShouldStartWith("{qty = 4,");
        Resolve("grid[1][2]").Display.ShouldBe("6");
        Resolve("grid[1]").Type.Name.ShouldBe("short[3]");
        Resolve("w.bytes[0]").Display.ShouldBe("42 '*'");
        Resolve("scale").Display.ShouldBe("2.5");
        Resolve("letter").Display.ShouldBe("120 'x'");
        Resolve("ok").Display.ShouldBe("true");
        Resolve("big").Display.ShouldBe("1099511627776");

        VariableValue Resolve(string path) => VariablePath.Resolve(path, inScope, pc, frame);
    }

    /// <summary>run's frame as vars.c sets it up before line 62, laid out as the DWARF says (frame base local 1).</summary>
    private static FakeFrame RunFrame(DwarfInfo dwarf, IReadOnlyList<DwarfVariable> inScope, int pc)
    {
        var frame = new FakeFrame();
        frame.Locals[FrameBaseLocal(dwarf, pc)] = FrameBase;
        ulong At(string name) => inScope.First(v => v.Name == name).Locate(pc, frame).Pieces[0].Address;
        ulong items = At("items");
        // struct item: qty at 0, tag at 4, flags bits 0-2 and level bits 3-7 of byte 7, color at 8; 12 bytes.
        byte[][] item = [[3, 0, 0, 0, 97, 98, 99, 5 | 17 << 3, 5, 0, 0, 0], [4, 0, 0, 0, 1, 2, 3, 1 | 2 << 3, 6, 0, 0, 0], [5, 0, 0, 0, 0, 0, 0, 31 << 3, 0, 0, 0, 0]];
        for (int k = 0; k < 3; k++) frame.Write(items + (ulong)(12 * k), item[k]);
        frame.WriteInt(At("it"), (int)items + 12);
        frame.WriteInt(At("w"), 42);
        frame.Write(At("big"), BitConverter.GetBytes(1UL << 40));
        frame.Write(At("letter"), (byte)'x');
        frame.Write(At("ok"), 1);
        ulong grid = At("grid");
        for (int k = 0; k < 6; k++) frame.Write(grid + (ulong)(2 * k), (byte)(k + 1), 0);
        return frame;
    }

    private static int FrameBaseLocal(DwarfInfo dwarf, int pc)
    {
        // The frame base of run at -O0 is DW_OP_WASM_location 0x0 N: find N by probing (the other locals are unset).
        var variable = dwarf.VariablesAt(pc).First(v => v.Name == "seed");
        for (int local = 0; local < 16; local++)
        {
            var frame = new FakeFrame();
            frame.Locals[local] = FrameBase;
            if (variable.Locate(pc, frame).IsAvailable) return local;
        }
        throw new InvalidOperationException("no frame base local");
    }

    [Fact]
    public void An_inner_variable_hides_an_outer_one_of_the_same_name()
    {
        var dwarf = VariableGuests.Dwarf("vars-O0.wasm");
        int pc = VariableGuests.PcOf(dwarf, "vars.c", 31);
        var visible = dwarf.VariablesAt(pc);
        visible.Count(v => v.Name == "sum").ShouldBe(1);
        visible.First(v => v.Name == "sum").DeclarationLine.ShouldBe(30);
        visible.Select(v => (v.Name, v.Kind)).ShouldBe([
            ("sum", VariableKind.Local), ("i", VariableKind.Local), ("calls", VariableKind.Static), ("items", VariableKind.Parameter),
            ("n", VariableKind.Parameter), ("counter", VariableKind.Global), ("grid", VariableKind.Global), ("scale", VariableKind.Global),
        ]);
    }

    [Theory]
    [InlineData("vars-O2.wasm")]
    [InlineData("vars-O2-dwarf5.wasm")]
    public void Optimized_code_has_variables_in_wasm_locals_and_location_lists_with_holes(string guest)
    {
        var dwarf = VariableGuests.Dwarf(guest);
        var total = dwarf.Functions.Named("total").Single();
        var frame = new FakeFrame();
        for (int local = 0; local < 12; local++) frame.Locals[local] = (ulong)(100 + local);
        // items and n are in locals 0 and 1 from the function's start (llvm-dwarfdump: [0x3, 0x2a) of the code).
        int entry = total.EntryPc + 2;
        var atEntry = dwarf.VariablesAt(total, entry).ToDictionary(v => v.Name);
        atEntry["n"].Locate(entry, frame).ToString().ShouldBe("local 1");
        atEntry["n"].Evaluate(entry, frame).Display.ShouldBe("101");
        // Past its location list's last entry, n is unavailable rather than wrong.
        int late = total.Ranges[0].End - 1;
        var n = dwarf.VariablesAt(total, late).First(v => v.Name == "n");
        n.Locate(late, frame).UnavailableReason.ShouldStartWith("no location at pc");
        n.Evaluate(late, frame).Display.ShouldBe("<unavailable>");
    }

    [Fact]
    public void A_DWARF_5_guest_has_loclistx_locations_and_rnglists_blocks()
    {
        var dwarf = VariableGuests.Dwarf("vars-O2-dwarf5.wasm");
        dwarf.CompileUnits.ShouldContain(u => u.Version == 5);
        var total = dwarf.Functions.Named("total").Single();
        // sum at line 30 is in a block with DW_AT_ranges (indexed (0x0) rangelist), located on the operand stack.
        int codeBase = total.EntryPc - 3; // total starts at code address 0x3
        int pc = codeBase + 0x70;
        var frame = new FakeFrame();
        frame.Operands.AddRange([7, 8, 9]);
        var inner = dwarf.VariablesAt(total, pc).First(v => v.Name == "sum");
        inner.DeclarationLine.ShouldBe(30);
        inner.Locate(pc, frame).ToString().ShouldBe("operand 1");
        inner.Evaluate(pc, frame).Display.ShouldBe("8");
        // Between the block's ranges ([0x46, 0x5f) is not in it), the outer sum is visible.
        dwarf.VariablesAt(total, codeBase + 0x50).First(v => v.Name == "sum").DeclarationLine.ShouldBe(27);
    }

    [Fact]
    public void A_constant_value_is_available_without_a_frame()
    {
        var dwarf = VariableGuests.Dwarf("vars-O2-dwarf5.wasm");
        int pc = dwarf.Functions.Named("total").Single().EntryPc;
        var scale = dwarf.VariablesAt(pc).First(v => v.Name == "scale");
        scale.Type.Name.ShouldBe("const double");
        scale.Evaluate(pc, new FakeFrame()).Display.ShouldBe("2.5");
    }

    [Theory]
    [InlineData("items[2].qty", 5, null)]
    [InlineData("items[2].qty", 4, "expected 4 but was 5")]
    [InlineData("items[0].flags", 5, null)]
    [InlineData("items[2].level", 31, null)]
    [InlineData("it->color", "BLUE", null)]
    [InlineData("it->color", "GREEN", "expected GREEN but was BLUE")]
    [InlineData("items[0].tag", "abc", null)]
    [InlineData("scale", 2.5, null)]
    [InlineData("scale", 2.5f, null)]
    [InlineData("ok", true, null)]
    [InlineData("ok", false, "expected false but was true")]
    [InlineData("letter", 'x', null)]
    [InlineData("big", 1L << 40, null)]
    [InlineData("w.bytes[0]", (byte)42, null)]
    public void An_expected_value_converts_to_the_source_type_and_compares_with_the_value_at_the_stop(string path, object expected, string? mismatch)
    {
        var dwarf = VariableGuests.Dwarf("vars-O0.wasm");
        int pc = VariableGuests.PcOf(dwarf, "vars.c", 62);
        var inScope = dwarf.VariablesAt(pc);
        var value = ExpectedValue.Convert(expected, VariablePath.TypeOf(path, inScope), out string hint).ShouldNotBeNull(hint);
        value.Mismatch(VariablePath.Resolve(path, inScope, pc, RunFrame(dwarf, inScope, pc))).ShouldBe(mismatch);
    }

    [Theory]
    [InlineData("ok", 1, "_Bool", " (a bool takes true or false)")]
    [InlineData("it->color", "PURPLE", "enum color", " (its enumerators: RED, GREEN, BLUE)")]
    [InlineData("letter", 300, "char", " (it takes an integer from -128 to 127)")]
    [InlineData("items", 1, "struct item[3]", " (expect its members or elements, e.g. path.member or path[0])")]
    [InlineData("it", "x", "item_t *", " (a pointer takes an address or null)")]
    public void A_value_the_source_type_cannot_hold_says_what_it_takes(string path, object expected, string type, string hint)
    {
        var dwarf = VariableGuests.Dwarf("vars-O0.wasm");
        var inScope = dwarf.VariablesAt(VariableGuests.PcOf(dwarf, "vars.c", 62));
        var target = VariablePath.TypeOf(path, inScope);
        target.Name.ShouldBe(type);
        ExpectedValue.Convert(expected, target, out string said).ShouldBeNull();
        said.ShouldBe(hint);
    }

    [Fact]
    public void Path_errors_say_what_does_not_fit()
    {
        var dwarf = VariableGuests.Dwarf("vars-O0.wasm");
        int pc = VariableGuests.PcOf(dwarf, "vars.c", 62);
        var inScope = dwarf.VariablesAt(pc);
        var frame = RunFrame(dwarf, inScope, pc);
        VariablePathException Fail(string path) => Should.Throw<VariablePathException>(() => VariablePath.Resolve(path, inScope, pc, frame));

        var unknown = Fail("nope");
        unknown.Error.ShouldBe(VariablePathError.UnknownVariable);
        unknown.Message.ShouldStartWith("no variable 'nope' in scope; in scope: seed (int), items (struct item[3]), w (union word), it (item_t *),");
        Fail("seed.x").Error.ShouldBe(VariablePathError.NotAStructure);
        Fail("it.qty").Message.ShouldBe("'it' is not a structure or union (item_t *) (use '->' for a pointer)");
        Fail("items[1].price").Message.ShouldBe("struct item has no member 'price'; its members: qty, tag, flags, level, color");
        Fail("seed->x").Error.ShouldBe(VariablePathError.NotAPointer);
        Fail("*seed").Error.ShouldBe(VariablePathError.NotAPointer);
        Fail("seed[0]").Error.ShouldBe(VariablePathError.NotIndexable);
        Fail("items[3]").Error.ShouldBe(VariablePathError.IndexOutOfRange);
        // The check without a frame fails the same way.
        Should.Throw<VariablePathException>(() => VariablePath.TypeOf("items[3]", inScope)).Message.ShouldBe(Fail("items[3]").Message);
        Should.Throw<VariablePathException>(() => VariablePath.TypeOf("it.qty", inScope)).Message.ShouldBe(Fail("it.qty").Message);
        var syntax = Fail("items[");
        syntax.Error.ShouldBe(VariablePathError.Syntax);
        syntax.Position.ShouldBe(6);
    }
}
