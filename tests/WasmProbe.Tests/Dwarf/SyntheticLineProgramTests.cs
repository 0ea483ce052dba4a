using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Dwarf;

/// <summary>Line-number programs assembled by hand: every DWARF version and offset size, every opcode kind, and the
/// encodings the C guests do not use (8-byte addresses, minimum instruction length, VLIW op indices...).</summary>
public class SyntheticLineProgramTests
{
    private const int Nops = 64;

    private static (Module Module, int A0) Nop64(params (string, byte[])[] sections)
    {
        var module = ModuleDecoder.Decode(DwarfModules.WithSections(Nops, sections));
        return (module, module.Bodies[0].Code[0].Offset - module.CodeSectionPayloadOffset);
    }

    private static int A0 => Nop64().A0;

    private static LineTable Lines(byte[] debugLine, out Module module)
    {
        (module, _) = Nop64((".debug_line", debugLine));
        return DwarfInfo.Read(module).Lines;
    }

    private static (int Address, int Line, int Column, bool Stmt, bool End)[] Rows(LineTable lines) =>
        [.. lines.Rows.Select(r => (r.Address, r.Line, r.Column, r.IsStatement, r.EndSequence))];

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(5, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    public void Every_version_and_offset_size_runs_the_state_machine_alike(int version, bool is64)
    {
        int a0 = A0;
        var writer = new LineProgramWriter(version, is64)
        {
            Directories = version >= 5 ? ["/comp", "inc"] : ["inc"],
            Files = [("a.c", 1), ("b.c", 0)],
        };
        int first = version >= 5 ? 0 : 1;
        writer.SetAddress((ulong)a0).SetFile((ulong)first).Copy()           // a0: line 1
            .Special(1, 1)                                                   // a0+1: line 2
            .AdvancePc(2).AdvanceLine(3).SetColumn(7).Copy()                 // a0+3: line 5 col 7
            .NegateStmt().FixedAdvancePc(1).Copy()                           // a0+4: not a statement
            .NegateStmt().ConstAddPc().AdvanceLine(-2).Copy()                // a0+21: (255-13)/14 = 17
            .SetFile((ulong)first + 1).Special(2, 0)                         // a0+23: b.c
            .AdvancePc(2).EndSequence();                                     // a0+25
        var lines = Lines(writer.Build(), out _);

        Rows(lines).ShouldBe([
            (a0, 1, 0, true, false), (a0 + 1, 2, 0, true, false), (a0 + 3, 5, 7, true, false), (a0 + 4, 5, 7, false, false),
            (a0 + 21, 3, 7, true, false), (a0 + 23, 3, 7, true, false), (a0 + 25, 3, 7, true, true)]);
        var program = lines.Programs.ShouldHaveSingleItem();
        (program.Version, program.Is64Bit, program.AddressSize).ShouldBe((version, is64, 4));
        program.FirstFileNumber.ShouldBe(first);
        lines.Files[lines.Rows[0].File].ShouldBe(version >= 5 ? "/comp/inc/a.c" : "inc/a.c");
        lines.Files[lines.Rows[5].File].ShouldBe(version >= 5 ? "/comp/b.c" : "b.c");
    }

    [Fact]
    public void Set_address_takes_8_byte_operands_for_wasm64()
    {
        int a0 = A0;
        var writer = new LineProgramWriter(5) { AddressSize = 8, Directories = ["/d"] };
        writer.SetAddress((ulong)a0, size: 8).Copy().Special(3, 2).AdvancePc(1).EndSequence();
        var lines = Lines(writer.Build(), out _);
        Rows(lines).ShouldBe([(a0, 1, 0, true, false), (a0 + 3, 3, 0, true, false), (a0 + 4, 3, 0, true, true)]);
        lines.Programs[0].AddressSize.ShouldBe(8);

        var v4 = new LineProgramWriter(4);
        v4.SetAddress((ulong)a0, size: 8).Copy().AdvancePc(2).EndSequence();
        var v4Lines = Lines(v4.Build(), out _);
        Rows(v4Lines).ShouldBe([(a0, 1, 0, true, false), (a0 + 2, 1, 0, true, true)]);
        v4Lines.Programs[0].AddressSize.ShouldBe(8); // taken from the operand, as the header has none before DWARF 5
    }

    [Fact]
    public void The_minimum_instruction_length_scales_every_address_advance()
    {
        int a0 = A0;
        var writer = new LineProgramWriter(4) { MinimumInstructionLength = 2 };
        writer.SetAddress((ulong)a0).Copy().Special(1, 1).AdvancePc(3).Copy().ConstAddPc().Copy().FixedAdvancePc(1).EndSequence();
        Rows(Lines(writer.Build(), out _)).ShouldBe([
            (a0, 1, 0, true, false), (a0 + 2, 2, 0, true, false), (a0 + 8, 2, 0, true, false),
            (a0 + 8 + 34, 2, 0, true, false), (a0 + 43, 2, 0, true, true)]); // fixed_advance_pc is not scaled
    }

    [Fact]
    public void Operation_indices_advance_the_address_every_maximum_operations_per_instruction()
    {
        int a0 = A0;
        var writer = new LineProgramWriter(4) { MaximumOperationsPerInstruction = 2 };
        // Each special opcode below advances one operation: the address moves on every second one.
        writer.SetAddress((ulong)a0).Copy().Special(1, 1).Special(1, 1).Special(1, 1).AdvancePc(3).EndSequence();
        Rows(Lines(writer.Build(), out _)).ShouldBe([
            (a0, 1, 0, true, false), (a0, 2, 0, true, false), (a0 + 1, 3, 0, true, false), (a0 + 1, 4, 0, true, false),
            (a0 + 3, 4, 0, true, true)]);
    }

    [Fact]
    public void With_an_opcode_base_below_13_the_higher_standard_opcodes_are_special()
    {
        int a0 = A0;
        var writer = new LineProgramWriter(3) { OpcodeBase = 10 };
        // Opcode 10 is special opcode 0: address +0, line + line_base (-5); opcode 10 + 14 = address +1, line -5.
        writer.SetAddress((ulong)a0).AdvanceLine(9).Copy().Op(10).Op(24).AdvancePc(1).EndSequence();
        Rows(Lines(writer.Build(), out _)).ShouldBe([
            (a0, 10, 0, true, false), (a0, 5, 0, true, false), (a0 + 1, 0, 0, true, false), (a0 + 2, 0, 0, true, true)]);
    }

    [Fact]
    public void Standard_opcodes_the_reader_does_not_know_are_skipped_by_their_declared_operand_counts()
    {
        int a0 = A0;
        var writer = new LineProgramWriter(4) { OpcodeBase = 15 };
        // Opcodes 13 and 14 take one ULEB128 operand each (declared in standard_opcode_lengths).
        writer.SetAddress((ulong)a0).Op(13).Uleb(300).Op(14).Uleb(1).Copy().Special(2, 1).EndSequence();
        Rows(Lines(writer.Build(), out _)).ShouldBe([(a0, 1, 0, true, false), (a0 + 2, 2, 0, true, false), (a0 + 2, 2, 0, true, true)]);
    }

    [Fact]
    public void Define_file_discriminators_prologue_end_and_unknown_extended_opcodes()
    {
        int a0 = A0;
        var writer = new LineProgramWriter(4) { Files = [("a.c", 0)] };
        writer.SetAddress((ulong)a0).SetDiscriminator(7).Copy()
            .Op(0, 8, 3, (byte)'n', (byte)'.', (byte)'h', 0, 0, 0, 0) // DW_LNE_define_file "n.h", dir 0, time 0, size 0
            .Op(0, 4, 0x80, 1, 2, 3)                                 // an unknown extended opcode, skipped by its length
            .SetFile(2).PrologueEnd().Special(1, 1).AdvancePc(1).EndSequence();
        var lines = Lines(writer.Build(), out _);
        lines.Rows[0].Discriminator.ShouldBe(7);
        lines.Rows[1].Discriminator.ShouldBe(0); // reset after each row
        lines.Rows[1].PrologueEnd.ShouldBeTrue();
        lines.Files[lines.Rows[1].File].ShouldBe("n.h");
        lines.Programs[0].Files.Select(f => f.Name).ShouldBe(["a.c", "n.h"]);
    }

    [Fact]
    public void DWARF_5_file_entries_carry_their_MD5()
    {
        var writer = new LineProgramWriter(5) { Directories = ["/d"], Files = [("a.c", 0)], WithMd5 = true };
        writer.SetAddress((ulong)A0).Copy().AdvancePc(1).EndSequence();
        Lines(writer.Build(), out _).Programs[0].Files[0].Md5.ShouldBe("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    }

    [Fact]
    public void Sequences_outside_the_code_are_dropped_and_the_others_sorted()
    {
        int a0 = A0;
        var writer = new LineProgramWriter(4);
        writer.SetAddress((ulong)a0 + 10).AdvanceLine(9).Copy().AdvancePc(2).EndSequence()       // second by address
            .SetAddress(0xFFFF_FFFF).Copy().AdvancePc(4).EndSequence()                             // tombstone (LLVM 13+)
            .SetAddress(0).Copy().AdvancePc(4).EndSequence()                                       // tombstone (older)
            .SetAddress(100_000).Copy().AdvancePc(4).EndSequence()                                 // past the code
            .SetAddress((ulong)a0).Copy().AdvancePc(2).EndSequence();                              // first by address
        var lines = Lines(writer.Build(), out _);
        Rows(lines).ShouldBe([(a0, 1, 0, true, false), (a0 + 2, 1, 0, true, true), (a0 + 10, 10, 0, true, false), (a0 + 12, 10, 0, true, true)]);
        lines.DroppedSequences.ShouldBe(3);
    }

    [Fact]
    public void Rows_after_the_last_end_sequence_are_not_a_sequence()
    {
        var writer = new LineProgramWriter(4);
        writer.SetAddress((ulong)A0).Copy().AdvancePc(2).Copy();
        Lines(writer.Build(), out _).Rows.ShouldBeEmpty();
    }

    [Fact]
    public void Several_units_follow_each_other_in_the_section()
    {
        int a0 = A0;
        var first = new LineProgramWriter(4, is64: true) { Files = [("one.c", 0)] };
        first.SetAddress((ulong)a0).Copy().AdvancePc(2).EndSequence();
        var second = new LineProgramWriter(5) { Directories = ["/two"], Files = [("two.c", 0)] };
        second.SetAddress((ulong)a0 + 2).SetFile(0).Copy().AdvancePc(2).EndSequence(); // DWARF 5 numbers files from 0
        var lines = Lines([.. first.Build(), .. second.Build()], out _);
        lines.Programs.Select(p => p.Version).ShouldBe([4, 5]);
        lines.Programs[1].Offset.ShouldBe(first.Build().Length);
        lines.Files.ShouldBe(["one.c", "/two/two.c"]);
        lines.Locate(lines.Rows[0].Pc + 1)!.File.ShouldBe("one.c");
        lines.Locate(lines.Rows[2].Pc)!.File.ShouldBe("/two/two.c");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_compile_unit_in_32_or_64_bit_DWARF_gives_its_line_program_the_compilation_directory(bool is64)
    {
        int a0 = A0;
        byte[] abbrev = [
            1, 0x11, 1, 0x03, 0x08, 0x1b, 0x08, 0x10, 0x17, 0x11, 0x01, 0x12, 0x06, 0, 0, // CU: name, comp_dir, stmt_list, low/high pc
            2, 0x2e, 0, 0x03, 0x0e, 0x11, 0x01, 0x12, 0x06, 0, 0,                          // subprogram: name (strp), low/high pc
            0];
        byte[] str = [.. "unused\0f\0"u8];
        var die = new List<byte> { 1, (byte)'x', (byte)'.', (byte)'c', 0, (byte)'/', (byte)'w', 0 };
        die.AddRange(Offset(0, is64));                   // stmt_list: the line program at .debug_line+0
        die.AddRange(BitConverter.GetBytes(a0));          // low_pc
        die.AddRange(BitConverter.GetBytes(16));          // high_pc: length
        die.Add(2);
        die.AddRange(Offset(7, is64));                    // "f"
        die.AddRange(BitConverter.GetBytes(a0 + 2));
        die.AddRange(BitConverter.GetBytes(4));
        die.Add(0);
        var afterLength = new List<byte> { 4, 0 };        // version 4
        afterLength.AddRange(Offset(0, is64));            // abbreviation offset
        afterLength.Add(4);                               // address size
        afterLength.AddRange(die);
        var info = new List<byte>();
        if (is64) info.AddRange([0xFF, 0xFF, 0xFF, 0xFF, .. BitConverter.GetBytes((long)afterLength.Count)]);
        else info.AddRange(BitConverter.GetBytes(afterLength.Count));
        info.AddRange(afterLength);

        var line = new LineProgramWriter(4, is64) { Files = [("x.c", 0)] };
        line.SetAddress((ulong)a0).AdvanceLine(2).Copy().Special(3, 1).AdvancePc(13).EndSequence();

        var (module, _) = Nop64((".debug_info", [.. info]), (".debug_abbrev", abbrev), (".debug_str", str), (".debug_line", line.Build()));
        var dwarf = DwarfInfo.Read(module);
        var unit = dwarf.CompileUnits.ShouldHaveSingleItem();
        (unit.Is64Bit, unit.Name, unit.CompilationDirectory, unit.StatementList).ShouldBe((is64, "x.c", "/w", 0L));
        int pc0 = module.CodeSectionPayloadOffset + a0;
        unit.Ranges.ShouldBe([new PcRange(pc0, pc0 + 16)]);
        var f = dwarf.Functions.All.ShouldHaveSingleItem();
        (f.Name, f.Ranges.Single()).ShouldBe(("f", new PcRange(pc0 + 2, pc0 + 6)));
        dwarf.Locate(pc0 + 2)!.ToString().ShouldBe("f at /w/x.c:3");
        dwarf.Locate(pc0 + 3)!.ToString().ShouldBe("f at /w/x.c:4");
        dwarf.Locate(pc0 + 7)!.ToString().ShouldBe("/w/x.c:4"); // outside f
    }

    private static byte[] Offset(long value, bool is64) => is64 ? BitConverter.GetBytes(value) : BitConverter.GetBytes((int)value);
}
