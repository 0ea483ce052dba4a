using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Instrumentation;

/// <summary>Which functions may be on the stack when a given function runs: direct calls exactly; indirect calls and
/// calls into the host conservatively (they may reach any function whose reference is taken, or any export).</summary>
public sealed class CallGraph
{
    private readonly List<int>[] _callers;

    public CallGraph(Module module)
    {
        var spaces = module.IndexSpaces;
        int count = spaces.FunctionCount;
        _callers = new List<int>[count];
        for (int i = 0; i < count; i++) _callers[i] = [];

        var dynamicTargets = DynamicTargets(module, spaces);
        for (int defined = 0; defined < module.Bodies.Count; defined++)
        {
            int caller = spaces.ImportedFunctionCount + defined;
            var seen = new HashSet<int>();
            foreach (var ins in module.Bodies[defined].Code.Instructions)
            {
                switch (ins.Opcode)
                {
                    case Opcode.Call:
                    case Opcode.ReturnCall:
                        if ((uint)ins.Index >= (uint)count) break;
                        if (spaces.IsImportedFunction(ins.Index)) AddAll(caller, dynamicTargets, seen);
                        else if (seen.Add(ins.Index)) _callers[ins.Index].Add(caller);
                        break;
                    case Opcode.CallIndirect:
                    case Opcode.ReturnCallIndirect:
                    case Opcode.CallRef:
                    case Opcode.ReturnCallRef:
                        AddAll(caller, dynamicTargets, seen);
                        break;
                }
            }
        }
    }

    private void AddAll(int caller, IEnumerable<int> callees, HashSet<int> seen)
    {
        foreach (int callee in callees)
        {
            if (seen.Add(callee)) _callers[callee].Add(caller);
        }
    }

    private static HashSet<int> DynamicTargets(Module module, IndexSpaces spaces)
    {
        var targets = new HashSet<int>();
        void Scan(Expression? e)
        {
            if (e is null) return;
            foreach (var ins in e.Instructions)
            {
                if (ins.Opcode == Opcode.RefFunc) targets.Add(ins.Index);
            }
        }
        foreach (var segment in module.Elements)
        {
            if (segment.FunctionIndices is { } functions) targets.UnionWith(functions);
            foreach (var e in segment.Expressions ?? []) Scan(e);
        }
        foreach (var global in module.Globals) Scan(global.Init);
        foreach (var table in module.Tables) Scan(table.Init);
        foreach (var body in module.Bodies) Scan(body.Code);
        foreach (var export in module.Exports)
        {
            if (export.Kind == ExternalKind.Function) targets.Add(export.Index);
        }
        targets.RemoveWhere(f => (uint)f >= (uint)spaces.FunctionCount || spaces.IsImportedFunction(f));
        return targets;
    }

    /// <summary>The functions that can be on the call stack while one of <paramref name="targets"/> runs (the targets
    /// included).</summary>
    public HashSet<int> CanReach(IEnumerable<int> targets)
    {
        var result = new HashSet<int>();
        var work = new Stack<int>(targets);
        while (work.Count > 0)
        {
            int f = work.Pop();
            if ((uint)f >= (uint)_callers.Length || !result.Add(f)) continue;
            foreach (int caller in _callers[f]) work.Push(caller);
        }
        return result;
    }
}
