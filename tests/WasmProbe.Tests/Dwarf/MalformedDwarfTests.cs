using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Dwarf.Variables;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Dwarf;

/// <summary>Malformed DWARF raises <see cref="DwarfFormatException"/> (naming the section and offset) and nothing
/// else: no crash, no hang, no allocation in proportion to a declared size.</summary>
public class MalformedDwarfTests
{
    private static Module WithSection(Module module, string name, byte[] payload)
    {
        int index = module.CustomSections.FindIndex(s => s.Name == name);
        module.CustomSections[index] = new CustomSection(name, payload);
        return module;
    }

    /// <summary>Reads the DWARF; returns null if it was accepted, else the typed exception. Anything else fails the test.</summary>
    private static DwarfFormatException? ReadExpectingOnlyTypedErrors(Module module, string what) =>
        HangGuard.Run(() => Read(module, what), what);

    private static DwarfFormatException? Read(Module module, string what)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        DwarfFormatException? error = null;
        try
        {
            var dwarf = DwarfInfo.Read(module);
            // Whatever was accepted must be usable.
            foreach (var row in dwarf.Lines.Rows.Take(200)) _ = dwarf.Symbolize(row.Pc);
            _ = dwarf.Lines.PcsForLine("sort.c", 30);
            dwarf.Lines.Rows.Select(r => r.Pc).ShouldBeInOrder();
        }
        catch (DwarfFormatException e)
        {
            error = e;
        }
        catch (Exception e)
        {
            throw new ShouldAssertException($"{what}: {e.GetType().Name} instead of DwarfFormatException: {e}");
        }
        (GC.GetAllocatedBytesForCurrentThread() - allocated).ShouldBeLessThan(64L << 20, what);
        return error;
    }

    public static TheoryData<string> Sections => new() { ".debug_line", ".debug_info", ".debug_abbrev", ".debug_str", ".debug_ranges" };

    [Theory]
    [MemberData(nameof(Sections))]
    public void Mutated_and_truncated_sections_of_a_real_module_raise_only_the_typed_exception(string section)
    {
        var bytes = CGuest.Read("sort-O0.wasm");
        var original = ModuleDecoder.Decode(bytes).FindCustomSection(section)!.Payload;
        int typed = 0;
        const int Seeds = 300;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var payload = Mutant(original, section, seed, out string what);
            var module = WithSection(ModuleDecoder.Decode(bytes), section, payload);
            var error = ReadExpectingOnlyTypedErrors(module, what);
            if (error is null) continue;
            typed++;
            error.Message.ShouldStartWith("malformed DWARF in .debug_", customMessage: what);
            error.Offset.ShouldBeGreaterThanOrEqualTo(0, what);
        }
        typed.ShouldBeGreaterThan(0); // the mutations do hit
    }

    /// <summary>A copy of <paramref name="original"/> truncated, with bytes changed, or with a run of 0xff, by seed.</summary>
    private static byte[] Mutant(byte[] original, string section, int seed, out string what)
    {
        var random = new Random(seed);
        var payload = (byte[])original.Clone();
        switch (seed % 4)
        {
            case 0:
                int length = random.Next(payload.Length);
                Array.Resize(ref payload, length);
                what = $"{section} truncated to {length} bytes";
                break;
            case 1:
                int at = random.Next(payload.Length);
                payload[at] = (byte)random.Next(256);
                what = $"{section}[0x{at:x}] = 0x{payload[at]:x2}";
                break;
            case 2:
                for (int k = 0; k < 8; k++) payload[random.Next(payload.Length)] = (byte)random.Next(256);
                what = $"{section} with 8 random bytes (seed {seed})";
                break;
            default:
                // Large LEB128s and lengths: 0xff runs where counts, lengths and offsets live.
                int start = random.Next(payload.Length);
                for (int k = start; k < Math.Min(payload.Length, start + 1 + random.Next(9)); k++) payload[k] = 0xFF;
                what = $"{section} with 0xff from 0x{start:x} (seed {seed})";
                break;
        }
        return payload;
    }

    public static TheoryData<string, string> VariableSections => new()
    {
        { "vars-O2.wasm", ".debug_info" },
        { "vars-O2.wasm", ".debug_loc" },
        { "vars-O2-dwarf5.wasm", ".debug_loclists" },
    };

    [Theory]
    [MemberData(nameof(VariableSections))]
    public void Reading_variables_of_mutated_DWARF_raises_only_the_typed_exception(string guest, string section)
    {
        var bytes = File.ReadAllBytes(Path.Combine(VariableGuests.Directory, guest));
        var original = ModuleDecoder.Decode(bytes).FindCustomSection(section)!.Payload;
        var frame = new FakeFrame();
        for (int local = 0; local < 16; local++) frame.Locals[local] = 0x100 + (ulong)local * 8;
        frame.Globals[0] = 0x800;
        frame.Operands.AddRange([1, 2, 3, 4]);
        new Random(1).NextBytes(frame.Memory);
        int typed = 0;
        const int Seeds = 500; // 1,500 mutants over the three sections
        for (int seed = 0; seed < Seeds; seed++)
        {
            var payload = Mutant(original, section, seed, out string what);
            var module = WithSection(ModuleDecoder.Decode(bytes), section, payload);
            var error = HangGuard.Run(() => ReadVariables(module, frame, what), what);
            if (error is null) continue;
            typed++;
            error.Message.ShouldStartWith("malformed DWARF in ", customMessage: what);
        }
        typed.ShouldBeGreaterThan(0);
    }

    /// <summary>What the generator does with the DWARF: line resolution (first pc per lexical scope), the functions of
    /// one unit read lazily, paths checked against types, availability and value conversion.</summary>
    private static void CheckAtCompileTime(DwarfInfo lazy, DwarfInfo full)
    {
        foreach (var line in new[] { 29, 30, 34, 49, 62 }) _ = lazy.ResolveLine("vars.c", line).Locations.Count;
        foreach (var function in full.Functions.All)
        {
            int pc = function.EntryPc;
            foreach (var variable in lazy.VariablesAt(pc))
            {
                _ = variable.IsAvailableAt(pc);
                try
                {
                    _ = ExpectedValue.Convert(1, VariablePath.TypeOf(variable.Name, lazy.VariablesAt(pc)), out _);
                    _ = VariablePath.TypeOf(variable.Name + "[1]", lazy.VariablesAt(pc)).Name;
                }
                catch (VariablePathException)
                {
                    // a step the (mutated) type does not allow: a typed error too
                }
            }
        }
    }

    /// <summary>Reads every variable of every function at a few pcs, with values, children and paths.</summary>
    private static DwarfFormatException? ReadVariables(Module module, FakeFrame frame, string what)
    {
        try
        {
            var dwarf = DwarfInfo.Read(module);
            foreach (var function in dwarf.Functions.All)
            {
                foreach (var range in function.Ranges)
                {
                    for (int pc = range.Start; pc < range.End; pc += Math.Max(1, (range.End - range.Start) / 8))
                    {
                        foreach (var scope in dwarf.Functions.ScopesAt(pc))
                        {
                            var inScope = dwarf.VariablesAt(scope, pc);
                            foreach (var variable in inScope)
                            {
                                var value = variable.Evaluate(pc, frame);
                                _ = value.Display;
                                foreach (var child in value.Children.Take(4)) _ = child.Display;
                                try
                                {
                                    _ = VariablePath.Resolve(variable.Name + "[1]", inScope, pc, frame).Display;
                                }
                                catch (VariablePathException)
                                {
                                    // the step does not fit the (mutated) type: a typed error too
                                }
                            }
                        }
                    }
                }
            }
            CheckAtCompileTime(DwarfInfo.ReadLines(module), dwarf);
            return null;
        }
        catch (DwarfFormatException e)
        {
            return e;
        }
        catch (Exception e)
        {
            throw new ShouldAssertException($"{what}: {e.GetType().Name} instead of DwarfFormatException: {e}");
        }
    }

    [Fact]
    public void The_exception_names_the_section_and_the_offset_in_it()
    {
        var writer = new LineProgramWriter(4);
        writer.SetAddress(3).Copy().Op(0, 0); // an extended opcode with length 0
        var module = ModuleDecoder.Decode(DwarfModules.WithSections(8, (".debug_line", writer.Build())));
        var error = Should.Throw<DwarfFormatException>(() => DwarfInfo.Read(module));
        error.Section.ShouldBe(".debug_line");
        error.Offset.ShouldBe(writer.Build().Length - 2);
        error.Reason.ShouldBe("extended opcode with length 0");
        error.Message.ShouldBe($"malformed DWARF in .debug_line: extended opcode with length 0 (at .debug_line+0x{error.Offset:x})");
        error.ShouldBeAssignableTo<Wasm.Binary.WasmFormatException>();
    }

    public static TheoryData<string, byte[], string> Broken => new()
    {
        { "unit length past the end", [0x40, 0, 0, 0, 4, 0], "unit length 0x40 runs past the end of the section (2 bytes left)" },
        { "reserved unit length", [0xF0, 0xFF, 0xFF, 0xFF, 4, 0], "reserved unit length value 0xfffffff0" },
        { "64-bit length past the end", [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0x80, 4, 0], "unit length 0x8000000000000000 runs past the end of the section (2 bytes left)" },
        { "version 6", [2, 0, 0, 0, 6, 0], "unsupported line table version 6 (2 to 5 are supported)" },
        { "version 1", [2, 0, 0, 0, 1, 0], "unsupported line table version 1 (2 to 5 are supported)" },
        { "header length past the unit", [6, 0, 0, 0, 4, 0, 0x10, 0, 0, 0], "header length 0x10 runs past the end of the unit" },
        { "truncated header", [7, 0, 0, 0, 4, 0, 1, 0, 0, 0, 1], "unexpected end of data: 1 bytes needed, 0 left" },
        { "opcode base 0", [12, 0, 0, 0, 4, 0, 6, 0, 0, 0, 1, 1, 1, 0xFB, 14, 0], "opcode_base is 0" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Broken_headers_are_reported_with_a_reason(string what, byte[] debugLine, string reason)
    {
        var module = ModuleDecoder.Decode(DwarfModules.WithSections(8, (".debug_line", debugLine)));
        Should.Throw<DwarfFormatException>(() => DwarfInfo.Read(module), what).Reason.ShouldBe(reason);
    }

    [Fact]
    public void A_huge_declared_count_is_rejected_before_anything_is_allocated_for_it()
    {
        // DWARF 5 header declaring 2^31-1 directories in a 40-byte section.
        var writer = new LineProgramWriter(5) { Directories = ["/d"] };
        var bytes = writer.Build();
        int count = Array.IndexOf(bytes, (byte)0x08) + 1; // the directory count follows the (path, string) format pair
        bytes[count] = 0x01;
        byte[] patched = [.. bytes.Take(count), 0xFF, 0xFF, 0xFF, 0xFF, 0x07, .. bytes.Skip(count + 1)];
        int lengthDelta = patched.Length - bytes.Length;
        patched[0] += (byte)lengthDelta;
        patched[6] += (byte)lengthDelta; // header_length (32-bit DWARF 5: after version, address size, selector size)
        var module = ModuleDecoder.Decode(DwarfModules.WithSections(8, (".debug_line", patched)));
        var error = ReadExpectingOnlyTypedErrors(module, "huge directory count").ShouldNotBeNull();
        error.Reason.ShouldStartWith("directory count 2147483647 exceeds the");
    }

    [Fact]
    public void A_cycle_of_abstract_origins_ends()
    {
        // Two subprogram DIEs naming each other as abstract origin, neither with a name: the chase is bounded.
        byte[] abbrev = [1, 0x11, 1, 0x03, 0x08, 0, 0, 2, 0x2e, 0, 0x31, 0x13, 0x11, 0x01, 0x12, 0x06, 0, 0, 0];
        var info = new List<byte> { 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 4 };
        info.AddRange([1, (byte)'u', 0]); // compile unit "u"
        int first = info.Count;
        int second = first + 1 + 4 + 4 + 4;
        info.AddRange([2, .. BitConverter.GetBytes(second), .. BitConverter.GetBytes(3), .. BitConverter.GetBytes(2)]);
        info.AddRange([2, .. BitConverter.GetBytes(first), .. BitConverter.GetBytes(5), .. BitConverter.GetBytes(1)]);
        info.Add(0);
        var length = BitConverter.GetBytes(info.Count - 4);
        for (int i = 0; i < 4; i++) info[i] = length[i];
        var module = ModuleDecoder.Decode(DwarfModules.WithSections(8, (".debug_info", [.. info]), (".debug_abbrev", abbrev)));
        var dwarf = DwarfInfo.Read(module);
        dwarf.Functions.All.Count.ShouldBe(2);
        dwarf.Functions.All.ShouldAllBe(f => f.Name == null && f.DisplayName.StartsWith("<function at .debug_info+0x"));
    }
}
