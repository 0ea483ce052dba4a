using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Instrumentation;

/// <summary>One array per distinct operand-stack shape, shared by every site with that shape: a debug build has a
/// site per instruction, and most of them repeat a few shapes. Looking a shape up reads the analysis's stack in place;
/// only a shape not seen before is materialized.</summary>
internal sealed class StackShapes
{
    private readonly Dictionary<int, List<ValType[]>> _byHash = [];

    /// <summary>The shared array of the stack types before instruction <paramref name="index"/>.</summary>
    public ValType[] Before(FunctionAnalysis analysis, int index)
    {
        if (analysis.StackHeight(index) == 0) return [];
        int hash = analysis.StackHash(index);
        if (!_byHash.TryGetValue(hash, out var shapes)) _byHash[hash] = shapes = [];
        foreach (var shape in shapes)
        {
            if (analysis.StackEquals(index, shape)) return shape;
        }
        var stack = analysis.StackBefore(index);
        shapes.Add(stack);
        return stack;
    }
}
