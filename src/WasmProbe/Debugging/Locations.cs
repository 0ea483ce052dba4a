using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Debugging;

/// <summary>Checks that a (function, pc) names a reachable instruction of a defined function (the resolution layer's
/// answer, thrown as <see cref="ArgumentException"/>).</summary>
internal static class Locations
{
    public static CodeLocation Check(DebugSession session, int function, int pc)
    {
        var module = session.Module;
        function = FunctionResolver.Defined(module, FunctionResolver.Resolve(module, function)).ValueOrThrow();
        PcResolver.Resolve(session.Analysis(function), module.Names.FunctionOrIndex(function), pc).ValueOrThrow();
        return new CodeLocation(function, pc);
    }
}
