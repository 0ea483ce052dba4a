using WasmProbe.Debugging;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Tests.Dwarf;

/// <summary>Source variables of a paused C guest (examples/CGuest/guest/sort.c), read from DWARF at every stop of a
/// line breakpoint inside insertion_sort.</summary>
public class VariableDebuggingTests
{
    // sort.c sorts 5, 2, 9, 1, 7, 3; line 33 (`a[j + 1] = a[j];`) runs once per inversion, with these i, key, j and a[j].
    internal static readonly (int I, int Key, int J, int AtJ)[] ShiftsAtLine33 =
        [(1, 2, 0, 5), (3, 1, 2, 9), (3, 1, 1, 5), (3, 1, 0, 2), (4, 7, 3, 9), (5, 3, 4, 9), (5, 3, 3, 7), (5, 3, 2, 5)];

    [Fact]
    public async Task At_O0_every_variable_of_insertion_sort_has_its_source_type_and_value()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        session.AddBreakpointAtLine("sort.c", 33);
        int hit = 0;
        for (; await session.ContinueAsync() is BreakpointStop; hit++)
        {
            var top = session.Frames[0];
            var (i, key, j, atJ) = ShiftsAtLine33[hit];
            var variables = top.Variables.ToDictionary(v => v.Name);
            variables.Keys.ShouldBe(["j", "key", "i", "a", "n"], ignoreOrder: true);
            variables["a"].Type.Name.ShouldBe("int *");
            variables["key"].Type.Name.ShouldBe("int");
            Integer(variables["n"]).ShouldBe(6);
            Integer(variables["i"]).ShouldBe(i);
            Integer(variables["key"]).ShouldBe(key);
            Integer(variables["j"]).ShouldBe(j);
            Integer(top.Variable($"a[{j}]")).ShouldBe(atJ);
            Integer(session.Variable($"a[{j}]")).ShouldBe(atJ);
            Integer(top.Variable("*a")).ShouldBe(session.Memory().ReadInt32((long)variables["a"].Children[0].Address!));
        }
        hit.ShouldBe(ShiftsAtLine33.Length);
    }

    /// <summary>Single-steps through insertion_sort and collects every value each of its variables shows: at -O2, where
    /// clang keeps a location for few instructions, a value is unavailable or one the -O0 build also had.</summary>
    [Fact]
    public async Task At_O2_a_variable_is_unavailable_or_has_a_value_the_O0_build_has()
    {
        var o0 = await ValuesWhileSorting("sort-O0.wasm");
        var o2 = await ValuesWhileSorting("sort-O2.wasm");

        o2.Values.Sum(v => v.Count).ShouldBeGreaterThan(0, "some variable is available at -O2");
        foreach (var (name, values) in o2)
        {
            if (name == "a") continue; // an address: the two builds lay out memory differently
            values.ShouldBeSubsetOf(o0[name], name);
        }
    }

    private static async Task<Dictionary<string, HashSet<string>>> ValuesWhileSorting(string guest)
    {
        await using var session = CGuest.Session(guest);
        var start = session.AddBreakpointAtLine("sort.c", 30);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.RemoveBreakpoint(start);
        var values = new Dictionary<string, HashSet<string>>();
        // Instructions without a line (-O2 has many) belong to whatever runs around them.
        for (int step = 0; step < 5_000 && session.Frames[0].Source is not { Function: not "insertion_sort" }; step++)
        {
            foreach (var variable in session.Frames[0].Variables)
            {
                if (!values.TryGetValue(variable.Name, out var seen)) values[variable.Name] = seen = [];
                if (variable.IsAvailable) seen.Add(variable.Display);
            }
            (await session.StepIntoAsync()).ShouldBeOfType<StepStop>();
        }
        return values;
    }

    [Fact]
    public async Task An_unknown_variable_path_names_the_variables_in_scope()
    {
        await using var session = CGuest.Session("sort-O0.wasm");
        session.AddBreakpointAtLine("sort.c", 33);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        var error = Should.Throw<VariablePathException>(() => session.Variable("count"));
        error.Error.ShouldBe(VariablePathError.UnknownVariable);
        error.Message.ShouldContain("key (int)");
    }

    private static long Integer(VariableValue value)
    {
        value.TryGetInteger(out long result).ShouldBeTrue($"{value.Expression} = {value.Display}");
        return result;
    }
}
