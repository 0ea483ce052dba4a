using static WasmProbe.Tests.Cli.CliRun;

namespace WasmProbe.Tests.Text;

public class CliTests
{
    private static string Fib => Fixture.PathOf("fib.wasm");

    [Fact]
    public void Disasm_prints_every_function()
    {
        var (code, output, error) = Run("disasm", Fib);
        code.ShouldBe(0);
        error.ShouldBeEmpty();
        output.ShouldStartWith("func[1] <fib> (param i32) (result i32) (local i32 i32 i64)" + Environment.NewLine);
        output.ShouldContain("0x00b2:   call $fib                     ;; stack: [i32 i32]");
        output.ShouldContain("func[3] (param f64) (result f64)");
    }

    [Theory]
    [InlineData("--func", "fibonacci")]
    [InlineData("--func=fib")]
    [InlineData("-f", "1")]
    public void Disasm_one_function(params string[] option)
    {
        var (code, output, error) = Run(["disasm", Fib, .. option]);
        code.ShouldBe(0);
        error.ShouldBeEmpty();
        output.Split(Environment.NewLine).Count(l => l.StartsWith("func[", StringComparison.Ordinal)).ShouldBe(1);
        output.ShouldStartWith("func[1] <fib>");
    }

    [Fact]
    public void Options_may_come_before_the_file()
    {
        Run("disasm", "--func", "memo", Fib).Out.ShouldStartWith("func[2] <memo>");
    }

    [Fact]
    public void Unknown_function_is_an_error()
    {
        var (code, output, error) = Run("disasm", Fib, "--func", "nope");
        code.ShouldBe(1);
        output.ShouldBeEmpty();
        error.ShouldBe($"error: {Fib}: no function named 'nope'; known functions: fib, memo, fibonacci (defined function indices are 1 to 3){Environment.NewLine}");
    }

    [Fact]
    public void Imported_function_is_an_error()
    {
        var (code, _, error) = Run("disasm", Fib, "--func", "log");
        code.ShouldBe(1);
        error.ShouldContain("is imported from \"env\" \"log\" and has no body");
    }

    [Fact]
    public void Malformed_file_reports_reason_and_offset()
    {
        string path = Path.Combine(Path.GetTempPath(), $"wasmprobe-cli-{Guid.NewGuid():N}.wasm");
        try
        {
            // A valid header, then a type section that claims 5 bytes but has 1.
            File.WriteAllBytes(path, [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00]);
            var (code, output, error) = Run("disasm", path);
            code.ShouldBe(1);
            output.ShouldBeEmpty();
            error.ShouldStartWith($"error: {path}: ");
            error.ShouldEndWith($" at byte offset 0x8{Environment.NewLine}");
            error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1);

            File.WriteAllBytes(path, [0x7F, 0x45, 0x4C, 0x46]);
            Run("disasm", path).Error.ShouldBe($"error: {path}: magic header not detected at byte offset 0x0{Environment.NewLine}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_an_error()
    {
        var (code, output, error) = Run("disasm", "no/such/file.wasm");
        code.ShouldBe(1);
        output.ShouldBeEmpty();
        error.ShouldBe($"error: no/such/file.wasm: file not found{Environment.NewLine}");
    }

    [Fact]
    public void Directory_instead_of_file_is_an_error()
    {
        var (code, _, error) = Run("disasm", AppContext.BaseDirectory);
        code.ShouldBe(1);
        error.ShouldStartWith($"error: {AppContext.BaseDirectory}: ");
    }

    [Theory]
    [InlineData(new string[0], "error: no command given")]
    [InlineData(new[] { "frobnicate" }, "error: unknown command 'frobnicate'")]
    [InlineData(new[] { "--bogus" }, "error: unknown option '--bogus'")]
    [InlineData(new[] { "disasm" }, "error: missing <file.wasm>")]
    [InlineData(new[] { "disasm", "a.wasm", "b.wasm" }, "error: unexpected argument 'b.wasm'")]
    [InlineData(new[] { "disasm", "a.wasm", "--bogus" }, "error: unknown option '--bogus'")]
    [InlineData(new[] { "disasm", "a.wasm", "--func" }, "error: option --func needs a value (NAME|INDEX)")]
    [InlineData(new[] { "disasm", "a.wasm", "--func", "1", "--func", "2" }, "error: option --func given more than once")]
    public void Usage_errors_exit_with_2_and_show_usage(string[] args, string message)
    {
        var (code, output, error) = Run(args);
        code.ShouldBe(2);
        output.ShouldBeEmpty();
        error.ShouldStartWith(message + Environment.NewLine);
        error.ShouldContain("usage: wasmprobe ");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Help_prints_usage(string flag)
    {
        var (code, output, error) = Run(flag);
        code.ShouldBe(0);
        error.ShouldBeEmpty();
        output.ShouldStartWith("usage: wasmprobe <command> [arguments]");
        output.ShouldContain("disasm");
    }

    [Fact]
    public void Command_help_lists_its_options()
    {
        var (code, output, _) = Run("disasm", "--help");
        code.ShouldBe(0);
        output.ShouldStartWith("usage: wasmprobe disasm <file.wasm> [--func NAME|INDEX]");
        output.ShouldContain("--func NAME|INDEX");
        Run("help", "disasm").Out.ShouldBe(output);
    }
}
