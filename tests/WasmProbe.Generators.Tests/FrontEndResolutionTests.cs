extern alias generator;

using WasmProbe.Debugging;
using WasmProbe.Wasm.Decoding;
using static WasmProbe.Generators.Tests.GeneratorHarness;

namespace WasmProbe.Generators.Tests;

/// <summary>One table of names, pcs and entries, driven through the three front ends: the generator (a WPxxxx
/// diagnostic), the runtime (an exception from <see cref="DebugSession"/>) and the CLI (<c>wasmprobe trace</c>'s error
/// line). Each front end resolves through the same layer (WasmProbe.Wasm.Resolution), so they accept and reject the
/// same things.</summary>
public sealed class FrontEndResolutionTests : IDisposable
{
    private const string Guest = """
        (module
          (global $g (mut i32) (i32.const 7))
          (func $add (export "add") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.add)
          (func $dead (export "dead") (result i32)
            i32.const 1 return i32.const 2 drop i32.const 3))
        """;

    private const string GuestWithImport = """
        (module
          (import "env" "log" (func $log (param i32)))
          (func $add (export "add") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.add))
        """;

    private static readonly byte[] Wasm = Wat(Guest);
    private static readonly byte[] WasmWithImport = Wat(GuestWithImport);

    private static int Pc(byte[] wasm, int body, int instruction) => ModuleDecoder.Decode(wasm).Bodies[body].Code.Instructions[instruction].Offset;

    private static readonly int AddStart = Pc(Wasm, 0, 0);
    private static readonly int AddEnd = Pc(Wasm, 0, 3);

    /// <summary>A breakpoint request: the function as written, a pc, and what every front end must answer (null: it
    /// resolves). <paramref name="Fragment"/> is in the runtime's exception and the CLI's error line.</summary>
    public sealed record BreakCase(string Function, int Pc, string? Diagnostic, string? Fragment, bool WithImport = false)
    {
        public override string ToString() => $"{Function}@0x{Pc:x}";
    }

    public static TheoryData<BreakCase> Breakpoints() =>
    [
        new BreakCase("add", AddStart, null, null),
        new BreakCase(" add ", AddStart, null, null),
        new BreakCase("$add", AddStart, null, null),
        new BreakCase("0", AddStart, null, null),
        new BreakCase("nope", AddStart, "WP0004", "no function named 'nope'"),
        new BreakCase("9", AddStart, "WP0004", "function index 9 is out of range: the module has functions 0 to 1"),
        new BreakCase("log", Pc(WasmWithImport, 0, 0), "WP0005", "is imported and has no code", WithImport: true),
        new BreakCase("add", AddEnd + 8, "WP0006", "is outside add"),
        new BreakCase("add", AddStart + 1, "WP0007", "is not the start of an instruction in add; nearest valid pcs:"),
        new BreakCase("dead", Pc(Wasm, 1, 2), "WP0008", "is unreachable code and can never stop; nearest reachable pcs:"),
    ];

    [Theory]
    [MemberData(nameof(Breakpoints))]
    public void Breakpoints_resolve_alike_in_the_generator_the_runtime_and_the_cli(BreakCase c)
    {
        byte[] wasm = c.WithImport ? WasmWithImport : Wasm;

        // Generator.
        string literal = generator::WasmProbe.Generators.Identifiers.Literal(c.Function);
        var result = Run([Probe($"[BreakAt({literal}, {c.Pc})]")], [Module("m.wasm", wasm)]);
        result.GeneratorDiagnostics.Select(d => d.Id).ShouldBe(c.Diagnostic is null ? [] : [c.Diagnostic]);

        // Runtime.
        using var session = DebugSession.Create(wasm, new DebugSessionOptions { Entry = "add", Arguments = [1, 2] });
        var thrown = Record.Exception(() => session.AddBreakpoint(c.Function, c.Pc));
        if (c.Fragment is null) thrown.ShouldBeNull();
        else thrown.ShouldBeOfType<ArgumentException>().Message.ShouldContain(c.Fragment);

        // CLI.
        var (code, error) = Trace(wasm, "--invoke", "add", "1", "2", "--break", $"{c.Function}@0x{c.Pc:x}");
        if (c.Fragment is null)
        {
            error.ShouldBeEmpty();
            code.ShouldBe(0);
        }
        else
        {
            error.ShouldStartWith($"error: --break {c.Function}@0x{c.Pc:x}: ");
            error.ShouldContain(c.Fragment);
        }
    }

    /// <summary>An entry and its argument count, as [WasmModule(Entry, Args)], DebugSessionOptions and --invoke give them.</summary>
    public sealed record EntryCase(string Entry, int Arguments, string? Diagnostic, string? Fragment)
    {
        public override string ToString() => $"{Entry}/{Arguments}";
    }

    public static TheoryData<EntryCase> Entries() =>
    [
        new EntryCase("add", 2, null, null),
        new EntryCase("nope", 0, "WP0004", "no exported function 'nope' (exported functions: add, dead)"),
        new EntryCase("add", 1, "WP0016", "'add' takes 2 arguments [i32 i32] -> [i32] but 1 were given"),
    ];

    [Theory]
    [MemberData(nameof(Entries))]
    public void Entries_resolve_alike_in_the_generator_the_runtime_and_the_cli(EntryCase c)
    {
        var arguments = Enumerable.Range(1, c.Arguments).ToArray();

        string args = string.Join(", ", arguments);
        var result = Run([Probe("", module: $"[WasmModule(\"m.wasm\", Entry = \"{c.Entry}\", Args = new object[] {{ {args} }})]")], [Module("m.wasm", Wasm)]);
        result.GeneratorDiagnostics.Select(d => d.Id).ShouldBe(c.Diagnostic is null ? [] : [c.Diagnostic]);

        var thrown = Record.Exception(() => DebugSession.Create(Wasm, new DebugSessionOptions { Entry = c.Entry, Arguments = [.. arguments.Cast<object?>()] }).Dispose());
        if (c.Fragment is null) thrown.ShouldBeNull();
        else thrown.ShouldBeOfType<ArgumentException>().Message.ShouldContain(c.Fragment);

        var (code, error) = Trace(Wasm, ["--invoke", c.Entry, .. arguments.Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        if (c.Fragment is null) code.ShouldBe(0, error);
        else error.ShouldContain(c.Fragment);
    }

    /// <summary>A global as [ExpectGlobal] and DebugSession.Global name it (the CLI has no global argument).</summary>
    [Theory]
    [InlineData("g", null)]
    [InlineData("$g", null)]
    [InlineData(" g ", null)]
    [InlineData("0", null)]
    [InlineData("zz", "WP0010")]
    [InlineData("$zz", "WP0010")]
    public void Globals_resolve_alike_in_the_generator_and_the_runtime(string name, string? diagnostic)
    {
        string literal = generator::WasmProbe.Generators.Identifiers.Literal(name);
        var result = Run([Probe($"[BreakAt(\"add\", {AddStart})][ExpectGlobal({literal}, 7)]")], [Module("m.wasm", Wasm)]);
        result.GeneratorDiagnostics.Select(d => d.Id).ShouldBe(diagnostic is null ? [] : [diagnostic]);

        using var session = DebugSession.Create(Wasm, new DebugSessionOptions { Entry = "add", Arguments = [1, 2] });
        session.AddBreakpoint("add", AddStart);
        Exception? thrown = null;
        int? value = null;
        session.Run(stop =>
        {
            if (stop.Kind == StopKind.Breakpoint)
            {
                thrown = Record.Exception(() => value = session.Global(name).Value.AsInt32());
            }
            return ResumeAction.Continue;
        });
        if (diagnostic is null)
        {
            thrown.ShouldBeNull();
            value.ShouldBe(7);
        }
        else
        {
            thrown.ShouldBeOfType<ArgumentException>().Message.ShouldContain("no global named 'zz'");
        }
    }

    /// <summary>A local as [ExpectLocal] and DebugSession.Local name it, at the start of add(1, 2).</summary>
    [Theory]
    [InlineData("0", null, 1)]
    [InlineData("1", null, 2)]
    [InlineData(" local1 ", null, 2)]
    [InlineData("local7", "WP0009", 0)]
    [InlineData("7", "WP0009", 0)]
    [InlineData("x", "WP0009", 0)]
    public void Locals_resolve_alike_in_the_generator_and_the_runtime(string name, string? diagnostic, int expected)
    {
        string literal = generator::WasmProbe.Generators.Identifiers.Literal(name);
        var result = Run([Probe($"[BreakAt(\"add\", {AddStart})][ExpectLocal({literal}, {expected})]")], [Module("m.wasm", Wasm)]);
        result.GeneratorDiagnostics.Select(d => d.Id).ShouldBe(diagnostic is null ? [] : [diagnostic]);

        using var session = DebugSession.Create(Wasm, new DebugSessionOptions { Entry = "add", Arguments = [1, 2] });
        session.AddBreakpoint("add", AddStart);
        Exception? thrown = null;
        int? value = null;
        session.Run(stop =>
        {
            if (stop.Kind == StopKind.Breakpoint) thrown = Record.Exception(() => value = session.Local(name).AsInt32());
            return ResumeAction.Continue;
        });
        if (diagnostic is null)
        {
            thrown.ShouldBeNull();
            value.ShouldBe(expected);
        }
        else
        {
            thrown.ShouldBeAssignableTo<ArgumentException>().ShouldNotBeNull();
        }
    }

    private static string Probe(string probeAttributes, string module = "[WasmModule(\"m.wasm\", Entry = \"add\", Args = new object[] { 1, 2 })]") => $$"""
        using WasmProbe.Probes;

        {{module}}
        public partial class P
        {
            {{probeAttributes}}
            public void M() { }
        }
        """;

    private readonly List<string> _files = [];

    private (int Code, string Error) Trace(byte[] wasm, params string[] args)
    {
        string path = Path.Combine(Path.GetTempPath(), $"wasmprobe-frontends-{Guid.NewGuid():N}.wasm");
        File.WriteAllBytes(path, wasm);
        _files.Add(path);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = WasmProbe.Cli.Program.Run(["trace", path, .. args], stdout, stderr);
        return (code, stderr.ToString().Trim());
    }

    public void Dispose()
    {
        foreach (string file in _files) File.Delete(file);
    }
}
