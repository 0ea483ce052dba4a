using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Tests.Dwarf;

/// <summary>gdb as the reference for line breakpoints and source variables: the C source of a committed -O0 guest is
/// built natively (clang-14 -O0 -g) and run under gdb with breakpoints on some of its lines (Oracle/gdb_frames.py);
/// the guest runs in a <see cref="DebugSession"/> with the same line breakpoints. Both must stop at the same lines in
/// the same order, as often, and show the same values of every variable declared before the line (pointer-free data,
/// pointers by their targets: addresses and unions differ between the targets).</summary>
public class GdbOracleTests
{
    public static TheoryData<string, string, string, string?, string?, string> Programs => new()
    {
        // insertion sort's loop heads, body lines and the loop over sum's accumulator; parse_numbers' return.
        { "sort-O0.wasm", CGuest.PathOf("sort.c"), "_start", null, null, "24,29,30,32,33,36,42,43" },
        // wc over stdin: count_stream's loop with its struct through a pointer, main's struct after it.
        { "wc-O0.wasm", CGuest.PathOf("wc.c"), "_start", null, "to be\nor not to be\n", "17,19,21,22,47" },
        // structs with bitfields and enums, arrays of them, a static local, shadowing, ten scalar types.
        { "vars-O0.wasm", Path.Combine(VariableGuests.Directory, "vars.c"), "run", "int run(int);\nint main(void) { return run(4) == 0; }\n", null, "29,30,34,36,49,62" },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Line_breakpoints_stop_where_gdb_stops_and_show_the_values_gdb_shows(string guest, string source, string entry, string? driver, string? stdin, string lines)
    {
        var breakLines = lines.Split(',').Select(int.Parse).ToArray();
        var expected = GdbStops(source, driver, stdin, breakLines);
        var actual = await WasmProbeStops(guest, Path.GetFileName(source), entry, stdin, breakLines);

        expected.Count.ShouldBeGreaterThan(breakLines.Length, "gdb stopped");
        int agree = 0;
        for (; agree < Math.Min(expected.Count, actual.Count) && expected[agree] == actual[agree]; agree++) { }
        string Around(IReadOnlyList<string> stops) => string.Join("\n", stops.Skip(Math.Max(0, agree - 2)).Take(5));
        agree.ShouldBe(Math.Max(expected.Count, actual.Count),
            $"the stops agree up to #{agree} of gdb's {expected.Count} and WasmProbe's {actual.Count}; from there gdb:\n{Around(expected)}\nWasmProbe:\n{Around(actual)}");
    }

    /// <summary>Each stop as <c>line: name = value, ...</c>, names sorted.</summary>
    private static string Stop(int line, IEnumerable<KeyValuePair<string, string>> variables) =>
        line.ToString(CultureInfo.InvariantCulture) + ": " + string.Join(", ", variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} = {v.Value}"));

    private static List<string> GdbStops(string source, string? driver, string? stdin, int[] lines)
    {
        foreach (string tool in new[] { "gdb", "clang-14" })
        {
            if (!OnPath(tool)) Assert.Skip($"{tool} is not installed: the gdb oracle needs it (apt-get install -y gdb clang-14)");
        }
        string work = Directory.CreateTempSubdirectory("wasmprobe-gdb-").FullName;
        try
        {
            var sources = new List<string> { source };
            if (driver is not null)
            {
                sources.Add(Path.Combine(work, "driver.c"));
                File.WriteAllText(sources[^1], driver);
            }
            string program = Path.Combine(work, "native");
            Run("clang-14", ["-O0", "-g", "-o", program, .. sources], null);
            string output = Path.Combine(work, "stops.jsonl");
            var environment = new Dictionary<string, string>
            {
                ["ORACLE_OUT"] = output,
                ["ORACLE_LINES"] = string.Join(",", lines.Select(l => $"{Path.GetFileName(source)}:{l}")),
            };
            if (stdin is not null)
            {
                environment["ORACLE_STDIN"] = Path.Combine(work, "stdin.txt");
                File.WriteAllText(environment["ORACLE_STDIN"], stdin);
            }
            Run("gdb", ["-batch", "-nx", "-x", Repository.PathOf("tests", "WasmProbe.Tests", "Dwarf", "Oracle", "gdb_frames.py"), program], environment);
            return [.. File.ReadAllLines(output).Select(json =>
            {
                using var stop = JsonDocument.Parse(json);
                var variables = stop.RootElement.GetProperty("vars").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!));
                return Stop(stop.RootElement.GetProperty("line").GetInt32(), variables);
            })];
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<List<string>> WasmProbeStops(string guest, string file, string entry, string? stdin, int[] lines)
    {
        string path = guest.StartsWith("vars", StringComparison.Ordinal) ? Path.Combine(VariableGuests.Directory, guest) : CGuest.PathOf(guest);
        var options = entry == "run"
            ? new DebugSessionOptions { Entry = "run", Arguments = [4] }
            : new DebugSessionOptions { Entry = "_start", Host = new GuestOptions { Wasi = true, WasiArguments = ["native"], Stdin = stdin is null ? null : System.Text.Encoding.UTF8.GetBytes(stdin) } };
        // argv[0] is the program, as gdb runs it (GuestOptions.WasiArguments is argv as given).
        await using var session = DebugSession.Open(path, options);
        foreach (int line in lines) session.AddBreakpointAtLine(file, line);
        var stops = new List<string>();
        for (int n = 0; n < 10_000 && await session.ContinueAsync() is BreakpointStop; n++)
        {
            var frame = session.Frames[0];
            int line = frame.Source!.Line;
            var variables = session.Dwarf.VariablesAt(frame.Pc)
                .Where(v => v.Kind != VariableKind.Global && v.DeclarationLine < line)
                .Select(v => (v.Name, Text: Render(frame.Variable(v.Name), 0)))
                .Where(v => v.Text is not null)
                .Select(v => KeyValuePair.Create(v.Name, v.Text!));
            stops.Add(Stop(line, variables));
        }
        return stops;
    }

    /// <summary>As gdb_frames.py renders values.</summary>
    private static string? Render(VariableValue value, int depth)
    {
        var type = value.Type.Resolved;
        if (type.Kind == DwarfTypeKind.Base && type.Encoding == BaseEncoding.Float)
            return value.TryGetFloat(out double d) ? PythonRepr(d) : "<unavailable>";
        if (type.Kind is DwarfTypeKind.Base or DwarfTypeKind.Enumeration)
            return value.TryGetInteger(out long integer) ? integer.ToString(CultureInfo.InvariantCulture) : "<unavailable>";
        if (type.Kind == DwarfTypeKind.Array && PointerFree(type, 0))
            return "[" + string.Join(", ", value.Children.Select(c => Render(c, depth + 1))) + "]";
        if (type.Kind is DwarfTypeKind.Structure or DwarfTypeKind.Class && PointerFree(type, 0))
            return "{" + string.Join(", ", value.Children.Select(c => $"{c.Name} = {Render(c, depth + 1)}")) + "}";
        if (type.IsPointer && type.Target is { } target && PointerFree(target, 0))
            return !value.TryGetInteger(out long address) ? "<unavailable>" : address == 0 ? "null" : "*" + Render(value.Dereference()!, depth + 1);
        return null;
    }

    private static bool PointerFree(DwarfType type, int depth)
    {
        var resolved = type.Resolved;
        if (resolved.Kind is DwarfTypeKind.Base or DwarfTypeKind.Enumeration) return true;
        if (depth > 4) return false;
        if (resolved.Kind == DwarfTypeKind.Array) return resolved.Target is { } element && PointerFree(element, depth + 1);
        if (resolved.Kind is DwarfTypeKind.Structure or DwarfTypeKind.Class) return resolved.Members.Count > 0 && resolved.Members.All(m => PointerFree(m.Type, depth + 1));
        return false;
    }

    /// <summary>Python's repr of a float: the shortest text that reads back, with ".0" on integral values.</summary>
    private static string PythonRepr(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && !text.Contains('.') && !text.Contains('E') ? text + ".0" : text.Replace("E+", "e+").Replace("E-", "e-");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));

    private static void Run(string tool, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in 2 minutes");
        }
        process.ExitCode.ShouldBe(0, $"{tool} {string.Join(" ", start.ArgumentList)}:\n{stdout.Result}\n{stderr.Result}");
    }
}
