using System.Text.Json;
using WasmProbe.Cli;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Cli;

/// <summary><c>trace --vars</c>: every stop carries the source variables the debugger API shows there.</summary>
public class TraceVariablesTests
{
    [Fact]
    public void Each_stop_at_a_line_lists_the_variables_in_scope_with_source_types_and_values()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = Program.Run(["trace", CGuest.PathOf("sort-O0.wasm"), "--invoke", "_start", "--wasi", "--break", "sort.c:33", "--vars"], stdout, stderr);

        code.ShouldBe(0, stderr.ToString());
        var stops = stdout.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).Where(e => e.GetProperty("event").GetString() == "breakpoint").ToList();
        stops.Count.ShouldBe(VariableDebuggingTests.ShiftsAtLine33.Length);
        for (int hit = 0; hit < stops.Count; hit++)
        {
            var variables = stops[hit].GetProperty("variables").EnumerateArray()
                .ToDictionary(v => v.GetProperty("name").GetString()!, v => (Type: v.GetProperty("type").GetString(), Value: v.GetProperty("value").GetString()));
            var (i, key, j, _) = VariableDebuggingTests.ShiftsAtLine33[hit];
            variables.Keys.ShouldBe(["j", "key", "i", "a", "n"], ignoreOrder: true);
            variables["i"].ShouldBe(("int", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            variables["key"].ShouldBe(("int", key.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            variables["j"].ShouldBe(("int", j.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            variables["n"].ShouldBe(("int", "6"));
            variables["a"].Type.ShouldBe("int *");
        }
    }

    [Fact]
    public void Without_vars_stops_have_no_variables()
    {
        var stdout = new StringWriter();

        Program.Run(["trace", CGuest.PathOf("sort-O0.wasm"), "--invoke", "_start", "--wasi", "--break", "sort.c:33", "--max-stops", "1"], stdout, new StringWriter());

        stdout.ToString().ShouldNotContain("\"variables\"");
    }
}
