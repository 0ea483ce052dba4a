using WasmProbe.Cli;
using WasmProbe.Tests.Debugging;

namespace WasmProbe.Tests.Cli;

public sealed class TraceCommandTests : IDisposable
{
    private const string Guest = """
        (module
          (tag $boom (param i64))
          (memory 1)
          (func $add (export "add") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.add)
          (func $div (export "div") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.div_s)
          (func $values (export "values") (param f32 i64) (result f64 i64 f32)
            f64.const inf local.get 1 local.get 0)
          (func $throw (export "throw") (param i64)
            local.get 0 throw $boom)
          (func $fill (export "fill") (param i32)
            i32.const 8 i32.const 0x1111 i32.store
            local.get 0 i32.const 0x2222 i32.store16))
        """;

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"wasmprobe-trace-{Guid.NewGuid():N}.wasm");

    public TraceCommandTests() => File.WriteAllBytes(_path, Wat.ToBinary(Guest));

    public void Dispose() => File.Delete(_path);

    private (int Code, string[] Lines, string Error) Trace(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(["trace", _path, .. args], stdout, stderr);
        return (code, stdout.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries), stderr.ToString());
    }

    private int Pc(string function, int index) => Wat.Pcs(WasmProbe.Wasm.Decoding.ModuleDecoder.Decode(File.ReadAllBytes(_path)), function)[index];

    [Fact]
    public void Stepping_add_prints_one_json_line_per_instruction_then_the_results()
    {
        var (code, lines, error) = Trace("--invoke", "add", "1", "2", "--step");

        code.ShouldBe(0, error);
        const string locals = "\"locals\":[{\"type\":\"i32\",\"value\":1},{\"type\":\"i32\",\"value\":2}]";
        string Step(int i, string stack) => $$"""{"event":"step","func":0,"pc":{{Pc("add", i)}},{{locals}},"stack":[{{stack}}],"frames":[{"func":0,"pc":{{Pc("add", i)}}}]}""";
        lines.ShouldBe(
        [
            Step(0, ""),
            Step(1, """{"type":"i32","value":1}"""),
            Step(2, """{"type":"i32","value":1},{"type":"i32","value":2}"""),
            Step(3, """{"type":"i32","value":3}"""),
            """{"event":"finished","results":[{"type":"i32","value":3}]}""",
        ]);
    }

    [Fact]
    public void Watch_stops_before_each_write_to_the_range_with_its_address_length_old_and_new_bytes()
    {
        var (code, lines, error) = Trace("--invoke", "fill", "10", "--watch", "0xa:2");

        code.ShouldBe(0, error);
        lines.ShouldBe(
        [
            $$"""{"event":"watchpoint","func":4,"pc":{{Pc("fill", 2)}},"address":8,"length":4,"old_bytes":"00000000","new_bytes":"11110000","frames":[]}""",
            $$"""{"event":"watchpoint","func":4,"pc":{{Pc("fill", 5)}},"address":10,"length":2,"old_bytes":"0000","new_bytes":"2222","frames":[]}""",
            """{"event":"finished","results":[]}""",
        ]);
    }

    [Theory]
    [InlineData("8", "ADDR:LEN")]
    [InlineData("8:0", "at least one byte")]
    public void A_bad_watch_range_is_an_error_naming_it(string range, string message)
    {
        var (code, _, error) = Trace("--invoke", "fill", "10", "--watch", range);

        code.ShouldNotBe(0);
        error.ShouldContain(range);
        error.ShouldContain(message);
    }

    [Fact]
    public void On_call_stops_before_the_function_s_first_instruction_with_the_arguments_as_locals()
    {
        var (code, lines, error) = Trace("--invoke", "add", "1", "2", "--on-call", "add");

        code.ShouldBe(0, error);
        lines.ShouldBe(
        [
            $$"""{"event":"breakpoint","func":0,"pc":{{Pc("add", 0)}},"locals":[{"type":"i32","value":1},{"type":"i32","value":2}],"stack":[],"frames":[{"func":0,"pc":{{Pc("add", 0)}}}]}""",
            """{"event":"finished","results":[{"type":"i32","value":3}]}""",
        ]);
    }

    [Fact]
    public void On_return_stops_once_per_return_with_the_exit_the_arguments_and_the_results()
    {
        var (code, lines, error) = Trace("--invoke", "add", "1", "2", "--on-return", "add");

        code.ShouldBe(0, error);
        lines.ShouldBe(
        [
            $$"""{"event":"return","func":0,"pc":{{Pc("add", 3)}},"exit":"End","args":[{"type":"i32","value":1},{"type":"i32","value":2}],"results":[{"type":"i32","value":3}],"locals":[{"type":"i32","value":1},{"type":"i32","value":2}],"stack":[{"type":"i32","value":3}],"frames":[{"func":0,"pc":{{Pc("add", 3)}}}]}""",
            """{"event":"finished","results":[{"type":"i32","value":3}]}""",
        ]);
    }

    [Fact]
    public void On_call_of_an_unknown_function_is_an_error_naming_it()
    {
        var (code, _, error) = Trace("--invoke", "add", "1", "2", "--on-call", "sub");

        code.ShouldNotBe(0);
        error.ShouldContain("--on-call sub");
        error.ShouldContain("sub");
    }

    [Fact]
    public void Breakpoint_and_trap_events_name_function_pc_and_frames()
    {
        var (code, lines, _) = Trace("--invoke", "div", "7", "0", "--break", $"div@0x{Pc("div", 2):x}");

        code.ShouldBe(1);
        lines.Length.ShouldBe(2);
        lines[0].ShouldStartWith($$"""{"event":"breakpoint","func":1,"pc":{{Pc("div", 2)}},"locals":""");
        lines[1].ShouldBe($$"""{"event":"trap","func":1,"pc":{{Pc("div", 2)}},"code":"integer_divide_by_zero","message":"integer divide by zero","locals":[{"type":"i32","value":7},{"type":"i32","value":0}],"stack":[{"type":"i32","value":7},{"type":"i32","value":0}],"frames":[{"func":1,"pc":{{Pc("div", 2)}}}]}""");
    }

    [Fact]
    public void Large_i64_special_floats_and_exceptions_use_the_documented_encodings()
    {
        var (_, values, _) = Trace("--invoke", "values", "nan:0x1234", "9007199254740993");
        values.Last().ShouldBe("""{"event":"finished","results":[{"type":"f64","value":"inf"},{"type":"i64","value":"9007199254740993"},{"type":"f32","value":"nan:0x1234"}]}""");

        var (_, thrown, _) = Trace("--invoke", "throw", "-5");
        thrown[0].ShouldStartWith($$"""{"event":"exception","func":3,"pc":{{Pc("throw", 1)}},"tag":0,"payload":[{"type":"i64","value":-5}],"caught":false,""");
        thrown[^1].ShouldContain("\"code\":\"uncaught_exception\"");
    }

    [Theory]
    [InlineData(new[] { "--invoke", "add", "1" }, "'add' takes 2 arguments")]
    [InlineData(new[] { "--invoke", "add", "1", "x" }, "'x' is not a valid i32 argument")]
    [InlineData(new[] { "--invoke", "add", "1", "2", "--break", "add" }, "--break takes FUNC@PC or FILE:LINE")]
    [InlineData(new[] { "1", "2" }, "missing --invoke EXPORT")]
    public void Bad_arguments_are_usage_errors(string[] args, string message)
    {
        var (code, _, error) = Trace(args);
        code.ShouldBe(2);
        error.ShouldContain(message);
    }

    [Fact]
    public void Breakpoint_at_a_source_line_stops_once_per_hit()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string sort = WasmProbe.Tests.Dwarf.CGuest.PathOf("sort-O0.wasm");
        int code = Program.Run(["trace", sort, "--invoke", "_start", "--wasi", "--break", "sort.c:33"], stdout, stderr);

        code.ShouldBe(0, stderr.ToString());
        var lines = stdout.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.Count(l => l.StartsWith("{\"event\":\"breakpoint\",\"func\":6,\"pc\":725,", StringComparison.Ordinal)).ShouldBe(8);
        lines[^1].ShouldBe("{\"event\":\"finished\",\"results\":[]}");
        stderr.ToString().ShouldContain("sum=27");
    }

    [Fact]
    public void Watch_of_a_source_variable_stops_at_the_writes_into_it()
    {
        // musl's stdout buffer, from buf + 8: printf starts each line there ("1 2 3 5 7 9", then "sum=27").
        var events = TraceSort("--watch", "buf[8]");
        var writes = events.Where(e => e.GetProperty("event").GetString() == "watchpoint").ToList();
        writes.Select(w => w.GetProperty("new_bytes").GetString()![..2]).ShouldBe(["31", "73"]);
        events[^1].GetProperty("event").GetString().ShouldBe("finished");
    }

    [Fact]
    public void Watch_global_stops_at_each_global_set_with_the_old_and_new_value()
    {
        var events = TraceSort("--watch-global", "__stack_pointer");
        var writes = events.Where(e => e.GetProperty("event").GetString() == "global_watchpoint").ToList();
        writes.Count.ShouldBeGreaterThan(10);
        // Each frame pushed is popped again: the stack pointer ends where it started.
        writes[^1].GetProperty("new").GetProperty("value").GetInt32().ShouldBe(writes[0].GetProperty("old").GetProperty("value").GetInt32());
        writes.ShouldAllBe(w => w.GetProperty("global").GetInt32() == 0);
        events[^1].GetProperty("event").GetString().ShouldBe("finished");
    }

    /// <summary>The JSON events of tracing the C guest sort-O0.wasm's _start with these options.</summary>
    private static List<System.Text.Json.JsonElement> TraceSort(params string[] options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string sort = WasmProbe.Tests.Dwarf.CGuest.PathOf("sort-O0.wasm");
        int code = Program.Run(["trace", sort, "--invoke", "_start", "--wasi", .. options], stdout, stderr);
        code.ShouldBe(0, stderr.ToString());
        return [.. stdout.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)];
    }

    [Fact]
    public void Watch_of_an_unknown_variable_is_an_error_naming_it()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string sort = WasmProbe.Tests.Dwarf.CGuest.PathOf("sort-O0.wasm");
        int code = Program.Run(["trace", sort, "--invoke", "_start", "--wasi", "--watch", "bufff"], stdout, stderr);

        code.ShouldNotBe(0);
        stderr.ToString().ShouldContain("--watch bufff: 'bufff': no global variable of that name");
    }

    private const string ArgumentsGuest = """
        (module
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "argv") (result i32 i32)
            (drop (call $sizes (i32.const 0) (i32.const 4)))
            (i32.load (i32.const 0)) (i32.load (i32.const 4))))
        """;

    [Fact]
    public void A_wasi_guest_sees_its_file_name_then_every_arg_as_its_argv()
    {
        string path = Path.Combine(Path.GetTempPath(), $"argv-{Guid.NewGuid():N}.wasm");
        File.WriteAllBytes(path, Wat.ToBinary(ArgumentsGuest));
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = Program.Run(["trace", path, "--invoke", "argv", "--arg", "input.txt", "--arg", "-v"], stdout, stderr);

            code.ShouldBe(0, stderr.ToString());
            int bytes = Path.GetFileName(path).Length + 1 + "input.txt".Length + 1 + "-v".Length + 1;
            stdout.ToString().Trim().ShouldBe($"{{\"event\":\"finished\",\"results\":[{{\"type\":\"i32\",\"value\":3}},{{\"type\":\"i32\",\"value\":{bytes}}}]}}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_arg_for_a_guest_without_wasi_is_a_usage_error()
    {
        var (code, _, error) = Trace("--invoke", "add", "1", "2", "--arg", "x");
        code.ShouldBe(2);
        error.ShouldContain("--arg needs a WASI guest (--wasi)");
    }

    [Fact]
    public void Breakpoint_at_a_bad_pc_is_an_error_naming_valid_pcs()
    {
        var (code, _, error) = Trace("--invoke", "add", "1", "2", "--break", $"add@{Pc("add", 0) + 1}");
        code.ShouldBe(1);
        error.ShouldContain("is not the start of an instruction in add; nearest valid pcs:");
    }
}
