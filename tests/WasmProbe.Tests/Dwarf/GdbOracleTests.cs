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
    public static TheoryData<string, string, string, string, string> Programs => new()
    {
        // insertion sort's loop heads, body lines and the loop over sum's accumulator; parse_numbers' return.
        { "sort-O0.wasm", CGuest.PathOf("sort.c"), "", "", "sort.c:24,sort.c:29,sort.c:30,sort.c:32,sort.c:33,sort.c:36,sort.c:42,sort.c:43" },
        // wc over stdin: count_stream's loop with its struct through a pointer, main's struct after it.
        { "wc-O0.wasm", CGuest.PathOf("wc.c"), "", "to be\nor not to be\n", "wc.c:17,wc.c:19,wc.c:21,wc.c:22,wc.c:47" },
        // structs with bitfields and enums, arrays of them, a static local, shadowing, ten scalar types.
        { "vars-O0.wasm", Path.Combine(VariableGuests.Directory, "vars.c"), "int run(int);\nint main(void) { return run(4) == 0; }\n", "", "vars.c:29,vars.c:30,vars.c:34,vars.c:36,vars.c:49,vars.c:62" },
        // Rust: the order book's parser and submit (u64, u32, the enum Side), checksum's loop over &Trade.
        { "orderbook-O0.wasm", Repository.PathOf("guests", "rust", "src", "lib.rs"), "fn main() { std::process::exit(if orderbook::run(20) != 0 { 0 } else { 1 }); }\n", "", "book.rs:62,command.rs:95,lib.rs:103" },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    /// <param name="driver">A native main calling the guest's entry ("" when the source has one).</param>
    /// <param name="stdin">What the program reads ("" for nothing).</param>
    public async Task Line_breakpoints_stop_where_gdb_stops_and_show_the_values_gdb_shows(string guest, string source, string driver, string stdin, string locations)
    {
        var breakpoints = locations.Split(',');
        var expected = GdbStops(source, driver, stdin, breakpoints);
        var actual = await WasmProbeStops(guest, stdin, breakpoints);

        expected.Count.ShouldBeGreaterThan(breakpoints.Length, "gdb stopped");
        int agree = 0;
        for (; agree < Math.Min(expected.Count, actual.Count) && expected[agree] == actual[agree]; agree++) { }
        string Around(IReadOnlyList<string> stops) => string.Join("\n", stops.Skip(Math.Max(0, agree - 2)).Take(5));
        agree.ShouldBe(Math.Max(expected.Count, actual.Count),
            $"the stops agree up to #{agree} of gdb's {expected.Count} and WasmProbe's {actual.Count}; from there gdb:\n{Around(expected)}\nWasmProbe:\n{Around(actual)}");
    }

    /// <summary>Each stop as <c>line: name = value, ...</c>, names sorted.</summary>
    private static string Stop(int line, IEnumerable<KeyValuePair<string, string>> variables) =>
        line.ToString(CultureInfo.InvariantCulture) + ": " + string.Join(", ", variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} = {v.Value}"));

    private static List<string> GdbStops(string source, string driver, string stdin, string[] breakpoints)
    {
        bool rust = source.EndsWith(".rs", StringComparison.Ordinal);
        foreach (string tool in new[] { "gdb", rust ? "rustc" : "clang-14" })
        {
            if (!OnPath(tool)) Assert.Skip($"{tool} is not installed: the gdb oracle needs it to build and run the native twin");
        }
        string work = Directory.CreateTempSubdirectory("wasmprobe-gdb-").FullName;
        try
        {
            string program = Path.Combine(work, "native");
            string? main = driver.Length == 0 ? null : Path.Combine(work, rust ? "main.rs" : "driver.c");
            if (main is not null) File.WriteAllText(main, driver);
            if (rust)
            {
                // The guest's crate as a library, called from a native main.
                string library = Path.Combine(work, "liborderbook.rlib");
                Run("rustc", ["--edition", "2021", "-g", "-C", "opt-level=0", "--crate-type", "rlib", "--crate-name", "orderbook", source, "-o", library], null);
                Run("rustc", ["--edition", "2021", "-g", "-C", "opt-level=0", main!, "--extern", $"orderbook={library}", "-o", program], null);
            }
            else
            {
                Run("clang-14", ["-O0", "-g", "-o", program, source, .. main is null ? Array.Empty<string>() : [main]], null);
            }
            string output = Path.Combine(work, "stops.jsonl");
            var environment = new Dictionary<string, string> { ["ORACLE_OUT"] = output, ["ORACLE_LINES"] = string.Join(",", breakpoints) };
            if (stdin.Length > 0)
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

    private static async Task<List<string>> WasmProbeStops(string guest, string stdin, string[] breakpoints)
    {
        var options = guest switch
        {
            "vars-O0.wasm" => (Path: Path.Combine(VariableGuests.Directory, guest), Options: new DebugSessionOptions { Entry = "run", Arguments = [4] }),
            "orderbook-O0.wasm" => (Path: Repository.PathOf("guests", "rust", guest), Options: new DebugSessionOptions { Entry = "run", Arguments = [20] }),
            _ => (Path: CGuest.PathOf(guest), Options: new DebugSessionOptions
            {
                Entry = "_start",
                Host = new GuestOptions { Wasi = true, WasiArguments = ["native"], Stdin = stdin.Length == 0 ? null : System.Text.Encoding.UTF8.GetBytes(stdin) },
            }),
        };
        // argv[0] is the program, as gdb runs it (GuestOptions.WasiArguments is argv as given).
        await using var session = DebugSession.Open(options.Path, options.Options);
        foreach (string breakpoint in breakpoints)
        {
            int colon = breakpoint.LastIndexOf(':');
            session.AddBreakpointAtLine(breakpoint[..colon], int.Parse(breakpoint[(colon + 1)..], CultureInfo.InvariantCulture));
        }
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
            return !value.TryGetInteger(out long integer) ? "<unavailable>"
                : VariableValue.IsSigned(type) ? integer.ToString(CultureInfo.InvariantCulture) : ((ulong)integer).ToString(CultureInfo.InvariantCulture);
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
