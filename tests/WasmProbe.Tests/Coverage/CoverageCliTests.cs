using System.Xml.Linq;
using WasmProbe.Tests.Debugging;
using static WasmProbe.Tests.Cli.CliRun;

namespace WasmProbe.Tests.Coverage;

/// <summary><c>wasmprobe coverage</c>, run in-process.</summary>
public sealed class CoverageCliTests : IDisposable
{
    private const string Guest = """
        (module
          (func $abs (export "abs") (param $x i32) (result i32)
            local.get $x
            i32.const 0
            i32.lt_s
            if
              i32.const 0
              local.get $x
              i32.sub
              local.set $x
            end
            local.get $x)
          (func $div (export "div") (param i32 i32) (result i32)
            local.get 0
            local.get 1
            i32.div_s)
          (func $scale (export "scale") (param f64 i64) (result f64)
            local.get 0
            local.get 1
            f64.convert_i64_s
            f64.mul))
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"wasmprobe-cli-coverage-{Guid.NewGuid():N}");
    private readonly string _wasm;

    public CoverageCliTests()
    {
        Directory.CreateDirectory(_directory);
        _wasm = Path.Combine(_directory, "guest.wasm");
        File.WriteAllBytes(_wasm, Wat.ToBinary(Guest));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Out => Path.Combine(_directory, "out");

    [Fact]
    public void Runs_the_export_writes_both_reports_and_prints_the_summary()
    {
        var (code, output, error) = Run("coverage", _wasm, "--invoke", "abs", "-7", "--out", Out);
        error.ShouldBeEmpty();
        code.ShouldBe(0);
        var lines = output.Split(Environment.NewLine);
        lines[0].ShouldBe("result: 7");
        lines[1].ShouldBe("WasmProbe guest coverage: 1 module, 1 run");
        lines[2].ShouldMatch(@"^module\s+functions\s+lines\s+branches$");
        lines[3].ShouldMatch(@"^guest\.wasm\s+1/3 \(33\.3%\)\s+\d+/\d+ \([0-9.]+%\)\s+1/2 \(50\.0%\)$");
        lines[4].ShouldBe($"reports: {Path.Combine(Out, "coverage.cobertura.xml")}, {Path.Combine(Out, "coverage.lcov.info")}");

        Directory.GetFiles(Out).Select(Path.GetFileName).Order().ShouldBe(["coverage.cobertura.xml", "coverage.lcov.info", "coverage.summary.txt", "guest.wasm.lst"]);
        var @class = XDocument.Load(Path.Combine(Out, "coverage.cobertura.xml")).Descendants("class").Single();
        @class.Attribute("filename")!.Value.ShouldBe("guest.wasm.lst");
        File.ReadAllText(Path.Combine(Out, "coverage.lcov.info")).ShouldContain("FNDA:1,abs");

        // The listing is exactly what wasmprobe disasm prints.
        var disasm = Run("disasm", _wasm);
        File.ReadAllText(Path.Combine(Out, "guest.wasm.lst")).ReplaceLineEndings().ShouldBe(disasm.Out);
    }

    [Fact]
    public void Arguments_are_parsed_by_the_parameter_types()
    {
        var (code, output, _) = Run("coverage", _wasm, "--invoke", "scale", "1.5", "-4", "--out", Out);
        code.ShouldBe(0);
        output.ShouldStartWith("result: -6" + Environment.NewLine);
    }

    [Fact]
    public void A_trap_still_writes_the_reports_and_exits_with_1()
    {
        var (code, output, error) = Run("coverage", _wasm, "-i", "div", "1", "0", "-o", Out);
        code.ShouldBe(1);
        output.ShouldStartWith("trap: integer_divide_by_zero: ");
        error.ShouldStartWith("error: div did not return (trap: integer_divide_by_zero");
        File.Exists(Path.Combine(Out, "coverage.cobertura.xml")).ShouldBeTrue();
        var lines = XDocument.Load(Path.Combine(Out, "coverage.cobertura.xml")).Descendants("method").Single(m => m.Attribute("name")!.Value == "div").Descendants("line").ToList();
        lines.Select(l => l.Attribute("hits")!.Value).ShouldBe(["1", "1", "1", "0"]);
    }

    [Theory]
    [InlineData(new[] { "coverage" }, "error: missing <file.wasm>")]
    [InlineData(new[] { "coverage", "x.wasm" }, "error: missing --invoke EXPORT")]
    [InlineData(new[] { "coverage", "GUEST", "--invoke", "abs" }, "error: 'abs' takes 1 arguments [i32] -> [i32] but 0 were given")]
    [InlineData(new[] { "coverage", "GUEST", "--invoke", "abs", "seven" }, "error: 'seven' is not a valid i32 argument")]
    [InlineData(new[] { "coverage", "GUEST", "--invoke", "abs", "1", "--timeout", "soon" }, "error: --timeout needs a positive number of seconds, not 'soon'")]
    public void Usage_errors_exit_with_2(string[] args, string message)
    {
        var (code, _, error) = Run([.. args.Select(a => a == "GUEST" ? _wasm : a)]);
        code.ShouldBe(2);
        error.ShouldStartWith(message + Environment.NewLine);
        error.ShouldContain("usage: wasmprobe coverage ");
    }

    [Fact]
    public void Unknown_export_and_missing_file_are_errors()
    {
        var (code, _, error) = Run("coverage", _wasm, "--invoke", "nope", "--out", Out);
        code.ShouldBe(1);
        error.ShouldBe($"error: {_wasm}: no exported function 'nope' (exported functions: abs, div, scale){Environment.NewLine}");
        Run("coverage", "no/such.wasm", "--invoke", "f").Error.ShouldBe($"error: no/such.wasm: file not found{Environment.NewLine}");
    }

    [Fact]
    public void The_command_is_listed_in_the_help()
    {
        Run("--help").Out.ShouldContain("coverage");
        Run("coverage", "--help").Out.ShouldStartWith("usage: wasmprobe coverage <file.wasm> --invoke EXPORT [ARGS...] --out DIR");
    }
}
