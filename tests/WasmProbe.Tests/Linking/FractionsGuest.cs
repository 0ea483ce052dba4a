using WasmProbe.Debugging;
using WasmProbe.Engine.Linking;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Linking;

/// <summary>examples/CGuest's fractions.wasm with mathlib.wasm linked as "mathlib": add(1, 2, 1, 3) (1/2 + 1/3) calls
/// mathlib's lcm(2, 3), which calls gcd(2, 3), then gcd(5, 6) itself, and returns 5 (5/6).</summary>
public static class FractionsGuest
{
    public static readonly string Path = CGuest.PathOf("fractions.wasm");
    public static readonly LinkedModule MathLib = LinkedModule.FromFile("mathlib", CGuest.PathOf("mathlib.wasm"));

    /// <summary>mathlib.c's <c>a = b;</c> in gcd's loop.</summary>
    public static readonly int LoopLine = LineOf("mathlib.c", "a = b;");

    public static int LineOf(string file, string text) => File.ReadLines(CGuest.PathOf(file)).ToList().FindIndex(l => l.Trim() == text) + 1;

    public static DebugSessionOptions Add(InstrumentationMode mode, bool coverage = false) => new()
    {
        Entry = "add",
        Arguments = [1, 2, 1, 3],
        Mode = mode,
        Host = new() { Links = [MathLib] },
        Coverage = coverage,
        CoverageCollector = coverage ? new WasmProbe.Coverage.CoverageCollector() : null,
    };

    public static DebugSession Session(InstrumentationMode mode = InstrumentationMode.Debug) => DebugSession.Open(Path, Add(mode));

    /// <summary>The pc of a function's first instruction in mathlib.</summary>
    public static int EntryOf(string function)
    {
        var module = DebugSession.Decode(MathLib.Bytes);
        int index = module.Names.ResolveFunction(function);
        return module.Bodies[index - module.IndexSpaces.ImportedFunctionCount].Code[0].Offset;
    }
}
