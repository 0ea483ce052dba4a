using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Tests.Dwarf;

/// <summary>Variables of the Rust guest (Guests/shapes.rs, rustc 1.63 -g -C opt-level=0): Rust type names, a struct,
/// an array, slices and &amp;str (data_ptr + length), and Option&lt;u32&gt; (a variant part).</summary>
public class RustVariableTests
{
    private const ulong FrameBase = 0x1000;

    private static (IReadOnlyList<DwarfVariable> InScope, int Pc) Describe()
    {
        var dwarf = VariableGuests.Dwarf("shapes.wasm");
        int pc = VariableGuests.PcOf(dwarf, "shapes.rs", 19);
        return (dwarf.VariablesAt(pc), pc);
    }

    [Fact]
    public void Types_are_spelled_as_Rust_spells_them()
    {
        var (inScope, _) = Describe();
        inScope.Select(v => $"{v.Name}: {v.Type.Name}").ShouldBe([
            "extra: u32", "first: u16", "corners: [Point; 2]", "point: &shapes::Point", "values: &[u16]", "label: &str", "maybe: Option<u32>",
        ]);
    }

    [Fact]
    public void Option_is_a_variant_part_selected_by_its_discriminant()
    {
        var (inScope, _) = Describe();
        var option = inScope.First(v => v.Name == "maybe").Type;
        option.Kind.ShouldBe(DwarfTypeKind.Structure);
        option.Size.ShouldBe(8);
        var part = option.VariantPart.ShouldNotBeNull();
        part.Discriminant.ShouldNotBeNull().IsArtificial.ShouldBeTrue();
        part.Variants.Select(v => (v.DiscriminantValue, v.Members.Single().Name)).ShouldBe([(0L, "None"), (1L, "Some")]);
        part.Variants[1].Members[0].Type.Member("__0")!.Type.Name.ShouldBe("u32");
    }

    [Fact]
    public void Str_and_slices_are_a_data_pointer_and_a_length()
    {
        var (inScope, _) = Describe();
        var str = inScope.First(v => v.Name == "label").Type;
        str.Members.Select(m => $"{m.Name}: {m.Type.Name} at {m.ByteOffset}").ShouldBe(["data_ptr: *const u8 at 0", "length: usize at 4"]);
    }

    [Fact]
    public void Values_are_shown_in_Rust_syntax()
    {
        var (inScope, pc) = Describe();
        // describe's frame base is local 2 or so: DW_AT_frame_base (DW_OP_WASM_location 0x0 N); fbreg offsets from
        // llvm-dwarfdump: point +60, values +64, label +72, maybe +8, corners +16, first +54, extra +56.
        var frame = new FakeFrame();
        for (int local = 0; local < 32; local++) frame.Locals[local] = FrameBase;
        frame.WriteInt(FrameBase + 60, 0x3000).WriteInt(0x3000, 3).WriteInt(0x3004, -4);
        frame.WriteInt(FrameBase + 64, 0x3100).WriteInt(FrameBase + 68, 2).Write(0x3100, 20, 0, 30, 0);
        frame.WriteInt(FrameBase + 72, 0x3200).WriteInt(FrameBase + 76, 5).Write(0x3200, "hello"u8.ToArray());
        frame.WriteInt(FrameBase + 8, 1).WriteInt(FrameBase + 12, 42);
        frame.WriteInt(FrameBase + 16, 3).WriteInt(FrameBase + 20, 0).WriteInt(FrameBase + 24, 0).WriteInt(FrameBase + 28, -4);
        frame.Write(FrameBase + 54, 20, 0).WriteInt(FrameBase + 56, 42);
        string Show(string path) => VariablePath.Resolve(path, inScope, pc, frame).Display;

        Show("label").ShouldBe("\"hello\"");
        Show("values").ShouldBe("[20, 30]");
        Show("values[1]").ShouldBe("30");
        Show("maybe").ShouldBe("Some(42)");
        Show("maybe.__0").ShouldBe("42");
        Show("corners").ShouldBe("[Point { x: 3, y: 0 }, Point { x: 0, y: -4 }]");
        Show("point.y").ShouldBe("-4");
        Show("*point").ShouldBe("Point { x: 3, y: -4 }");
        // Checked without a frame (as the generator checks [ExpectVariable]), the same paths end at the same types.
        VariablePath.TypeOf("maybe.__0", inScope).Name.ShouldBe("u32");
        VariablePath.TypeOf("point.y", inScope).Name.ShouldBe("i32");
        VariablePath.TypeOf("values[7]", inScope).Name.ShouldBe("u16");
        string? Compare(string path, object value) =>
            ExpectedValue.Convert(value, VariablePath.TypeOf(path, inScope), out _)!.Mismatch(VariablePath.Resolve(path, inScope, pc, frame));
        Compare("label", "hello").ShouldBeNull();
        Compare("label", "hell").ShouldBe("expected \"hell\" but was \"hello\"");
        Compare("maybe.__0", 42).ShouldBeNull();
        Compare("first", (ushort)20).ShouldBeNull();
        ExpectedValue.Convert(-1, VariablePath.TypeOf("extra", inScope), out string hint).ShouldBeNull();
        hint.ShouldBe(" (it takes an integer from 0 to 4294967295)");
        frame.WriteInt(FrameBase + 8, 0);
        VariablePath.Resolve("maybe", inScope, pc, frame).Display.ShouldBe("None");
        Should.Throw<VariablePathException>(() => VariablePath.Resolve("maybe.__0", inScope, pc, frame)).Error.ShouldBe(VariablePathError.NoSuchMember);
        Should.Throw<VariablePathException>(() => VariablePath.Resolve("values[2]", inScope, pc, frame)).Error.ShouldBe(VariablePathError.IndexOutOfRange);
    }
}
