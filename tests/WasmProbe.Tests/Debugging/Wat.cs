using WasmProbe.Debugging;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Debugging;

/// <summary>Guests written inline in the text format, converted by Wasmtime's own parser.</summary>
public static class Wat
{
    public static byte[] ToBinary(string text) => Wasmtime.Module.ConvertText(text).ToArray();

    public static DebugSession Session(string text, DebugSessionOptions? options = null) => DebugSession.Create(ToBinary(text), options);

    /// <summary>The pcs of a function's instructions, in order.</summary>
    public static int[] Pcs(Module module, string function)
    {
        int index = module.Names.ResolveFunction(function);
        return [.. module.Bodies[index - module.IndexSpaces.ImportedFunctionCount].Code.Instructions.Select(i => i.Offset)];
    }

    public static int[] Pcs(DebugSession session, string function) => Pcs(session.Module, function);
}
