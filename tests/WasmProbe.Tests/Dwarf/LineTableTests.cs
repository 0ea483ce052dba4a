using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Dwarf;

/// <summary>The DWARF reader on the C guests, checked against `llvm-dwarfdump-14 --debug-line` (and --debug-info) of
/// the same files: the expected rows below were copied from its output.</summary>
public class LineTableTests
{
    private static (Module Module, DwarfInfo Dwarf) Load(string name)
    {
        var module = ModuleDecoder.Decode(CGuest.Read(name));
        return (module, DwarfInfo.Read(module));
    }

    private static LineRow RowAtAddress(DwarfInfo dwarf, int address, bool endSequence = false) =>
        dwarf.Lines.Rows.Single(r => r.Address == address && r.EndSequence == endSequence);

    // Address, line, column, file name, flags: as llvm-dwarfdump prints them (sort-O0.wasm).
    public static TheoryData<int, int, int, string, string> SortRows => new()
    {
        { 0x002, 8, 0, "crt1-command.c", "is_stmt" },
        { 0x005, 12, 13, "crt1-command.c", "is_stmt prologue_end" },
        { 0x01b, 0, 9, "crt1-command.c", "" },
        { 0x01d, 18, 1, "crt1-command.c", "is_stmt end_sequence" },
        { 0x01f, 28, 0, "sort.c", "is_stmt" },
        { 0x043, 29, 14, "sort.c", "is_stmt prologue_end" },
        { 0x04e, 29, 21, "sort.c", "" },
        { 0x07f, 30, 19, "sort.c", "is_stmt" },
        { 0x13d, 0, 31, "sort.c", "" },
        { 0x222, 38, 1, "sort.c", "is_stmt end_sequence" },
        { 0x3a5, 9, 0, "sort.c", "is_stmt" },
        { 0x658, 24, 5, "sort.c", "end_sequence" },
    };

    [Theory]
    [MemberData(nameof(SortRows))]
    public void Rows_match_llvm_dwarfdump(int address, int line, int column, string file, string flags)
    {
        foreach (var name in new[] { "sort-O0.wasm", "sort-O0-dwarf5.wasm" })
        {
            var (module, dwarf) = Load(name);
            bool end = flags.Contains("end_sequence");
            var row = RowAtAddress(dwarf, address, end);
            row.Pc.ShouldBe(module.CodeSectionPayloadOffset + address);
            (row.Line, row.Column).ShouldBe((line, column), name);
            SourcePaths.FileName(dwarf.Lines.Files[row.File]).ShouldBe(file);
            row.IsStatement.ShouldBe(flags.Contains("is_stmt"));
            row.PrologueEnd.ShouldBe(flags.Contains("prologue_end"));
            row.EndSequence.ShouldBe(end);
        }
    }

    [Fact]
    public void Whole_table_has_llvm_dwarfdumps_row_count_without_the_sequences_of_removed_code()
    {
        // llvm-dwarfdump-14 --debug-line sort-O0.wasm: 35 units, 46 sequences, 2641 rows; 44 more sequences of libc
        // functions the linker removed start at the tombstone address 0xffffffff (it does not print them).
        var (_, dwarf) = Load("sort-O0.wasm");
        dwarf.Lines.Programs.Count.ShouldBe(35);
        dwarf.Lines.Rows.Count.ShouldBe(2641);
        dwarf.Lines.Rows.Count(r => r.EndSequence).ShouldBe(46);
        dwarf.Lines.DroppedSequences.ShouldBe(44);
        dwarf.Lines.Rows.Select(r => r.Pc).ShouldBeInOrder();
    }

    [Fact]
    public void Program_headers_match_llvm_dwarfdump_in_DWARF_4_and_5()
    {
        var v4 = Load("sort-O0.wasm").Dwarf.Lines.Programs.Single(p => p.Offset == 0x66);
        (v4.Version, v4.Is64Bit, v4.MinimumInstructionLength, v4.MaximumOperationsPerInstruction).ShouldBe((4, false, 1, 1));
        (v4.DefaultIsStatement, v4.LineBase, v4.LineRange, v4.OpcodeBase).ShouldBe((true, -5, 14, 13));
        v4.AddressSize.ShouldBe(4); // from DW_LNE_set_address
        v4.IncludeDirectories.ShouldBeEmpty();
        v4.CompilationDirectory.ShouldBe("/cguest");
        v4.FirstFileNumber.ShouldBe(1);
        v4.Files.ShouldHaveSingleItem().ShouldBe(new LineFileEntry("sort.c", 0, CGuest.SortPath));

        var crt = Load("sort-O0.wasm").Dwarf.Lines.Programs[0];
        crt.IncludeDirectories.ShouldBe(["./libc-bottom-half/crt"]);
        crt.CompilationDirectory.ShouldBe("./build");
        crt.Files.Single().Path.ShouldBe("build/libc-bottom-half/crt/crt1-command.c");

        var v5 = Load("sort-O0-dwarf5.wasm").Dwarf.Lines.Programs.Single(p => p.Offset == 0x66);
        (v5.Version, v5.AddressSize, v5.FirstFileNumber).ShouldBe((5, 4, 0));
        v5.IncludeDirectories.ShouldBe(["/cguest"]);
        var file = v5.Files.ShouldHaveSingleItem();
        (file.Name, file.DirectoryIndex, file.Path).ShouldBe(("sort.c", 0L, CGuest.SortPath));
        file.Md5.ShouldBe("d44d504c5ad03c2bbadc810e731cd3b5");
    }

    [Fact]
    public void Locate_finds_the_row_covering_a_pc()
    {
        var (module, dwarf) = Load("sort-O0.wasm");
        int code = module.CodeSectionPayloadOffset;
        dwarf.Lines.Locate(code + 0x7f).ShouldBe(new SourceLocation(CGuest.SortPath, 30, 19));
        dwarf.Lines.Locate(code + 0x85).ShouldBe(new SourceLocation(CGuest.SortPath, 30, 19));
        dwarf.Lines.Locate(code + 0x86).ShouldBe(new SourceLocation(CGuest.SortPath, 30, 21));
        dwarf.Lines.Locate(code + 0x13d).ShouldBeNull(); // line 0: compiler-generated
        dwarf.Lines.RowAt(code + 0x13d)!.Value.Line.ShouldBe(0);
        dwarf.Lines.Locate(code + 0x222).ShouldBeNull(); // the end of a sequence covers nothing
        dwarf.Lines.Locate(0).ShouldBeNull();
        dwarf.Locate(code + 0x7f)!.ToString().ShouldBe("insertion_sort at /cguest/sort.c:30:19");
    }

    [Fact]
    public void Files_are_found_by_full_path_path_suffix_or_file_name()
    {
        var lines = Load("sort-O0.wasm").Dwarf.Lines;
        foreach (var query in new[] { CGuest.SortPath, "cguest/sort.c", "sort.c", "/cguest/./sort.c" })
            lines.FindFiles(query).ShouldBe([CGuest.SortPath], query);
        lines.FindFiles("ort.c").ShouldBeEmpty(); // whole path segments only
        lines.FindFiles("other/sort.c").ShouldBeEmpty();
        lines.FindFiles("crt/crt1-command.c").ShouldBe(["build/libc-bottom-half/crt/crt1-command.c"]);
    }

    [Fact]
    public void Pcs_for_a_line_are_the_instruction_starts_of_its_is_stmt_rows()
    {
        var (module, dwarf) = Load("sort-O0.wasm");
        int code = module.CodeSectionPayloadOffset;
        dwarf.Lines.PcsForLine("sort.c", 30).ShouldBe([code + 0x7f]);
        // The while loop's condition and its latch (br back). The condition's row starts at the `loop` opcode: the
        // stop is after it, where every iteration passes (a branch back to a loop skips its opcode).
        int loop = code + 0xc6;
        module.Bodies.SelectMany(b => b.Code.Instructions).Single(i => i.Offset == loop).Opcode.ShouldBe(Wasm.Instructions.Opcode.Loop);
        dwarf.Lines.PcsForLine("sort.c", 32).ShouldBe([loop + 2, code + 0x1c6]);
        dwarf.Lines.PcsForLine("sort.c", 27).ShouldBeEmpty();
        // A function's first row is at its locals declaration; a breakpoint there stops at the first instruction.
        int entry = dwarf.Lines.PcsForLine("sort.c", 28).ShouldHaveSingleItem();
        var body = module.Bodies.Single(b => b.Offset < code + 0x1f && b.Code[0].Offset > code + 0x1f);
        entry.ShouldBe(body.Code[0].Offset);
        dwarf.Lines.LinesWithCode("sort.c").ShouldBe([9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 24, 28, 29, 30, 31, 32, 33, 34, 36, 38, 40, 41, 42, 43, 45, 48, 50, 51, 52, 53, 55, 56]);
        dwarf.Lines.NearestLinesWithCode("sort.c", 26).ShouldBe([24, 28, 29, 30]);
    }

    [Fact]
    public void Compile_units_and_functions_are_read_from_debug_info_in_DWARF_4_and_5()
    {
        foreach (var name in new[] { "sort-O0.wasm", "sort-O0-dwarf5.wasm" })
        {
            var (module, dwarf) = Load(name);
            var unit = dwarf.CompileUnits.Single(u => u.Name == "sort.c");
            (unit.CompilationDirectory, unit.Path, unit.StatementList, unit.Language).ShouldBe(("/cguest", CGuest.SortPath, 0x66L, 0x0c), name);
            unit.Producer.ShouldBe("Debian clang version 14.0.6");
            unit.LineProgram.ShouldBeSameAs(dwarf.Lines.Programs.Single(p => p.Offset == 0x66));
            int code = module.CodeSectionPayloadOffset;
            unit.Ranges.ShouldBe([new PcRange(code + 0x1f, code + 0x222), new PcRange(code + 0x224, code + 0x3a3),
                new PcRange(code + 0x3a5, code + 0x658), new PcRange(code + 0x65a, code + 0x729)], name);

            var functions = dwarf.Functions.All.Where(f => f.Unit == unit).ToArray();
            functions.Select(f => f.Name).ShouldBe(["insertion_sort", "main", "parse_numbers", "sum"], name);
            functions.ShouldAllBe(f => !f.IsInlined && f.Inlined.Count == 0);
            dwarf.Functions.FunctionAt(code + 0x7f)!.Name.ShouldBe("insertion_sort");
            dwarf.Functions.FunctionAt(code + 0x1f)!.Name.ShouldBe("insertion_sort");
            dwarf.Functions.FunctionAt(code + 0x222).ShouldBeNull();
            dwarf.Functions.Named("_start").ShouldHaveSingleItem().Unit.Name.ShouldBe("./libc-bottom-half/crt/crt1-command.c");
        }
    }

    [Fact]
    public void Inlined_copies_are_functions_with_call_sites_and_every_copy_of_a_line_is_a_breakpoint_pc()
    {
        // sort-O2.wasm: parse_numbers, insertion_sort and sum are inlined into main; `used` keeps an out-of-line
        // insertion_sort too (llvm-dwarfdump --debug-info: DW_TAG_inlined_subroutine with DW_AT_call_line 50, 51, 55).
        var (_, dwarf) = Load("sort-O2.wasm");
        var main = dwarf.Functions.Named("main").ShouldHaveSingleItem();
        main.Inlined.Select(f => (f.Name, f.CallSite!.Line, f.CallSite.Column, f.CallSite.File)).ShouldBe([
            ("parse_numbers", 50, 13, CGuest.SortPath), ("insertion_sort", 51, 5, CGuest.SortPath), ("sum", 55, 26, CGuest.SortPath)]);
        main.Inlined.ShouldAllBe(f => f.IsInlined && f.Caller == main && f.Depth == 1);

        var pcs = dwarf.Lines.PcsForLine("sort.c", 30);
        pcs.Count.ShouldBe(2);
        dwarf.Functions.FunctionAt(pcs[0])!.Name.ShouldBe("insertion_sort"); // the out-of-line copy
        dwarf.Functions.ScopesAt(pcs[1]).Select(f => f.Name).ShouldBe(["insertion_sort", "main"]);
        dwarf.Symbolize(pcs[1]).Select(s => s.ToString()).ShouldBe([
            "insertion_sort at /cguest/sort.c:30:19", "main at /cguest/sort.c:51:5"]);
        dwarf.Symbolize(pcs[0]).Select(s => s.ToString()).ShouldBe(["insertion_sort at /cguest/sort.c:30:19"]);
    }

    [Fact]
    public void A_module_without_DWARF_has_no_line_table()
    {
        var module = ModuleDecoder.Decode(Debugging.Wat.ToBinary("(module (func (export \"f\") nop))"));
        var dwarf = DwarfInfo.Read(module);
        dwarf.ShouldBeSameAs(DwarfInfo.Empty);
        dwarf.HasLineInfo.ShouldBeFalse();
        dwarf.Lines.Rows.ShouldBeEmpty();
        dwarf.Locate(0).ShouldBeNull();
        dwarf.ResolveLine("a.c", 1).Status.ShouldBe(LineResolutionStatus.NoLineInfo);
    }

    [Fact]
    public void The_line_table_alone_equals_the_full_reads()
    {
        var (module, dwarf) = Load("sort-O0-dwarf5.wasm");
        var lines = DwarfInfo.ReadLineTable(module);
        lines.Rows.ShouldBe(dwarf.Lines.Rows);
        lines.Files.ShouldBe(dwarf.Lines.Files);
    }
}
