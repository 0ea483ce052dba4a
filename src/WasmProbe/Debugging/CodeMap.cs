using WasmProbe.Wasm.Model;

namespace WasmProbe.Debugging;

/// <summary>Finds the function whose body contains a pc of the original module.</summary>
internal sealed class CodeMap
{
    private readonly int[] _bodyStarts;
    private readonly int _importedFunctions;

    public CodeMap(Module module)
    {
        _bodyStarts = [.. module.Bodies.Select(b => b.Offset)];
        _importedFunctions = module.IndexSpaces.ImportedFunctionCount;
    }

    public int FunctionAt(int pc)
    {
        int i = Array.BinarySearch(_bodyStarts, pc);
        if (i < 0) i = ~i - 1;
        return i < 0 ? -1 : _importedFunctions + i;
    }
}
