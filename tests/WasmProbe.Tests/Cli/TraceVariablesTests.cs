using System.Text.Json;
using WasmProbe.Cli;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Cli;

/// <summary><c>trace --vars</c>: every stop carries the top frame's source variables, as JSON of their source types.</summary>
public class TraceVariablesTests
{
    [Fact]
    public void Each_stop_at_a_line_has_the_variables_in_scope_as_json_of_their_source_types()
    {
        var stops = Stops("sort-O0.wasm", "--invoke", "_start", "--wasi", "--break", "sort.c:33");
        stops.Count.ShouldBe(VariableDebuggingTests.ShiftsAtLine33.Length);
        for (int hit = 0; hit < stops.Count; hit++)
        {
            var vars = stops[hit].GetProperty("vars");
            var (i, key, j, _) = VariableDebuggingTests.ShiftsAtLine33[hit];
            vars.EnumerateObject().Select(p => p.Name).ShouldBe(["key", "j", "i", "a", "n"]);
            (vars.GetProperty("i").GetInt32(), vars.GetProperty("key").GetInt32(), vars.GetProperty("j").GetInt32(), vars.GetProperty("n").GetInt32()).ShouldBe((i, key, j, 6));
            vars.GetProperty("a").GetProperty("address").GetInt64().ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public void Structures_are_objects_arrays_arrays_enums_names_and_bools_booleans()
    {
        var vars = Stops(Path.Combine(VariableGuests.Directory, "vars-O0.wasm"), "--invoke", "run", "4", "--break", "vars.c:62").Single().GetProperty("vars");
        vars.GetProperty("items")[0].GetRawText().ShouldBe("""{"qty":3,"tag":[97,98,99],"flags":5,"level":17,"color":"GREEN"}""");
        vars.GetProperty("items")[2].GetProperty("color").GetString().ShouldBe("RED");
        vars.GetProperty("it").GetProperty("address").GetInt64().ShouldBeGreaterThan(0);
        vars.GetProperty("big").GetInt64().ShouldBe(1L << 40);
        vars.GetProperty("half").GetDouble().ShouldBe(0.5);
        vars.GetProperty("ok").GetBoolean().ShouldBeTrue();
        vars.GetProperty("letter").GetInt32().ShouldBe('x');
        vars.GetProperty("grid").GetRawText().ShouldBe("[[1,2,3],[4,5,6]]");
        vars.GetProperty("w").GetProperty("bytes")[0].GetInt32().ShouldBe(4);
    }

    [Fact]
    public void Rust_str_is_a_string_an_enum_its_variant_and_a_reference_an_address()
    {
        // guests/rust: the order book's command parser gets each generated line as a &str; submit gets a Side.
        string orderbook = Repository.PathOf("guests", "rust", "orderbook-O0.wasm");
        var parse = Stops(orderbook, "--invoke", "run", "20", "--break", "command.rs:95", "--max-stops", "2");
        parse.Select(stop => stop.GetProperty("vars").GetProperty("line").GetString()).ShouldBe(["QUOTE", "sell 46 @ 1005 #2"]);
        var submit = Stops(orderbook, "--invoke", "run", "20", "--break", "book.rs:62", "--max-stops", "1").Single().GetProperty("vars");
        submit.GetProperty("side").GetString().ShouldBe("Sell");
        (submit.GetProperty("id").GetInt64(), submit.GetProperty("quantity").GetInt32(), submit.GetProperty("remaining").GetInt32()).ShouldBe((2L, 46, 46));
        submit.GetProperty("self").GetProperty("address").GetInt64().ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_variable_without_a_location_at_O2_is_optimized_out()
    {
        var stops = Stops("sort-O2.wasm", "--invoke", "_start", "--wasi", "--break", "sort.c:33");
        stops.ShouldNotBeEmpty();
        stops.ShouldAllBe(stop => stop.GetProperty("vars").GetProperty("j").GetString() == "<optimized out>");
    }

    private static List<JsonElement> Stops(string guest, params string[] arguments)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(["trace", Path.IsPathRooted(guest) ? guest : CGuest.PathOf(guest), .. arguments, "--vars"], stdout, stderr);
        code.ShouldBe(0, stderr.ToString());
        return [.. stdout.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).Where(e => e.GetProperty("event").GetString() == "breakpoint")];
    }

    [Fact]
    public void Without_vars_stops_have_no_variables()
    {
        var stdout = new StringWriter();

        Program.Run(["trace", CGuest.PathOf("sort-O0.wasm"), "--invoke", "_start", "--wasi", "--break", "sort.c:33", "--max-stops", "1"], stdout, new StringWriter());

        stdout.ToString().ShouldNotContain("\"vars\"");
    }
}
