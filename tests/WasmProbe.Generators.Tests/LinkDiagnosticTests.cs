using Microsoft.CodeAnalysis;
using static WasmProbe.Generators.Tests.GeneratorHarness;

namespace WasmProbe.Generators.Tests;

/// <summary>[LinkModule]: the linked module's exports checked against the imports the class's module takes from it
/// (WP0045 at the link), its name (WP0044), its path found like [WasmModule]'s (WP0001), and what a valid set emits.</summary>
public partial class DiagnosticTests
{
    /// <summary>A program importing add and scale from "lib", and libraries exporting them right, wrongly or not at all.</summary>
    private static readonly AdditionalText Program = Module("program.wasm", Wat("""
        (module
          (import "lib" "add" (func $add (param i32 i32) (result i32)))
          (import "lib" "scale" (func $scale (param i32) (result i32)))
          (func (export "run") (result i32) (call $scale (call $add (i32.const 1) (i32.const 2)))))
        """));

    private static readonly AdditionalText Library = Module("lib.wasm", Wat("""
        (module
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func (export "scale") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 10))))
        """));

    private static readonly AdditionalText LibraryWithoutScale = Module("lib-old.wasm", Wat("""
        (module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
        """));

    private static readonly AdditionalText LibraryMistyped = Module("lib64.wasm", Wat("""
        (module
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func (export "scale") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 10))))
        """));

    private static readonly AdditionalText[] Linkable = [Program, Library, LibraryWithoutScale, LibraryMistyped];

    private static string LinkedProbe(string links) => Probe("", module: $"[WasmModule(\"program.wasm\", Entry = \"run\")]{links}");

    [Fact]
    public void WP0045_an_import_the_linked_module_does_not_export()
    {
        Diagnose("WP0045", LinkedProbe("[LinkModule(\"lib-old.wasm\", As = [|\"lib\"|])]"), Linkable)
            .ShouldBe("The module 'program.wasm' imports lib::scale, which the linked module 'lib-old.wasm' does not provide: 'lib' has no export named 'scale' (its function exports: add)");
    }

    [Fact]
    public void WP0045_an_export_of_another_type()
    {
        Diagnose("WP0045", LinkedProbe("[LinkModule(\"lib64.wasm\", As = [|\"lib\"|])]"), Linkable)
            .ShouldBe("The module 'program.wasm' imports lib::scale, which the linked module 'lib64.wasm' does not provide: the import's type is [i32] -> [i32], the export's [i64] -> [i64]");
    }

    [Fact]
    public void WP0044_a_name_linked_twice_or_reserved()
    {
        Diagnose("WP0044", LinkedProbe("[LinkModule(\"lib.wasm\")][LinkModule(\"lib-old.wasm\", As = [|\"lib\"|])]"), Linkable)
            .ShouldBe("[LinkModule(\"lib-old.wasm\")]: the module name 'lib' is linked twice");
        Diagnose("WP0044", LinkedProbe("[LinkModule(\"lib.wasm\")][LinkModule(\"lib.wasm\", As = [|\"wasmprobe\"|])]"), Linkable)
            .ShouldBe("[LinkModule(\"lib.wasm\")]: 'wasmprobe' is the import module of WasmProbe's probes; a linked module cannot take it");
    }

    [Fact]
    public void WP0046_a_mock_of_an_import_the_linked_module_provides()
    {
        Diagnose("WP0046", Probe("", method: "[MockImport([|\"lib\"|], \"add\")] public static int Add(int a, int b) => 0;",
                module: "[WasmModule(\"program.wasm\", Entry = \"run\")][LinkModule(\"lib.wasm\")]"), Linkable)
            .ShouldBe("[MockImport(\"lib\", \"add\")] mocks an import the linked module 'lib.wasm' provides: the import would be defined twice; remove the mock or the [LinkModule]");
    }

    [Fact]
    public void WP0047_a_probe_in_a_module_that_is_not_linked()
    {
        Diagnose("WP0047", LinkedProbe("[LinkModule(\"lib.wasm\")]").Replace("public void M() { }", "[BreakAt(\"add\", 0, Module = [|\"lb\"|])] public void M() { }"), Linkable)
            .ShouldBe("No module named 'lb' is linked (linked: lib)");
    }

    [Fact]
    public void WP0048_a_line_of_a_file_in_several_linked_modules_is_reported_at_the_file()
    {
        AdditionalText[] modules = [Module("fractions.wasm", Guest("fractions.wasm")), Module("mathlib.wasm", Guest("mathlib.wasm"))];
        string twice = "[WasmModule(\"fractions.wasm\", Entry = \"whole\", Args = new object[] { 7, 2 })][LinkModule(\"mathlib.wasm\")][LinkModule(\"mathlib.wasm\", As = \"copy\")]";
        Diagnose("WP0048", Probe("[BreakAtLine([|\"mathlib.c\"|], 7)]", module: twice), modules)
            .ShouldBe("'mathlib.c' is a source file of the linked modules mathlib and copy, not of the guest: name the module the line is in");
    }

    [Fact]
    public void A_probe_in_a_linked_module_is_checked_against_that_module()
    {
        Diagnose("WP0006", Probe("[BreakAt(\"add\", [|0|], Module = \"lib\")]", module: "[WasmModule(\"program.wasm\", Entry = \"run\")][LinkModule(\"lib.wasm\")]"), Linkable)
            .ShouldStartWith("pc 0x0 is outside lib!add: its instructions span 0x");
        var result = Run([Probe("[BreakAt(\"add\", 0x31, Module = \"lib\")][ExpectLocal(\"0\", 1)]", "public void M(P.Lib_Add_0x31 stop) => stop.Locals.ToString();",
            "[WasmModule(\"program.wasm\", Entry = \"run\")][LinkModule(\"lib.wasm\")]")], Linkable);
        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompileDiagnostics.ShouldBeEmpty();
        result.Source().ShouldContain("Module: \"lib\"");
    }

    [Fact]
    public void WP0001_a_linked_module_not_listed()
    {
        Diagnose("WP0001", LinkedProbe("[LinkModule([|\"libs/lib.wasm\"|], As = \"lib\")]"), [Program, Library])
            .ShouldBe("The module 'libs/lib.wasm' is not listed in the project as a WasmModule item (listed: lib.wasm, program.wasm)");
    }

    [Fact]
    public void Valid_links_reach_the_generated_module_in_order()
    {
        var result = Run([LinkedProbe("[LinkModule(\"lib.wasm\")]")], Linkable);
        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompileDiagnostics.ShouldBeEmpty();
        result.Source().ShouldContain("links: new string[] { \"lib=lib.wasm\" },");
    }
}
