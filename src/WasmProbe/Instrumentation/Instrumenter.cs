using WasmProbe.Engine;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Rewriting;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Instrumentation;

/// <summary>Inserts probes (calls to the host import <c>wasmprobe.stop(site, frame)</c>) and shadow frames into a
/// module. A probe spills the function's locals and operand stack into its shadow frame in an added memory, so the
/// host can read them while the guest waits inside the call. See <see cref="FrameLayout"/> and <see cref="DebugMemory"/>.</summary>
public static class Instrumenter
{
    public static InstrumentedModule Instrument(Module module, InstrumentationOptions options)
    {
        var spaces = module.IndexSpaces;
        var analyzer = new StackAnalyzer(module);
        var analyses = new Dictionary<int, FunctionAnalysis>();
        FunctionAnalysis Analysis(int f) => analyses.TryGetValue(f, out var a) ? a : analyses[f] = ModuleTooLargeException.Guard(module, f, () => analyzer.Analyze(f));

        var probeIndices = ProbeInstructions(module, options, Analysis);
        var framed = FramedFunctions(module, options, probeIndices);
        var reaching = options.Mode == InstrumentationMode.Debug ? null : new CallGraphReach(module, framed);

        var sites = new List<ProbeSite>();
        var sitesByFunction = new Dictionary<int, ProbeSite?[]>();
        foreach (int f in framed.OrderBy(f => f))
        {
            var analysis = Analysis(f);
            probeIndices.TryGetValue(f, out var probes);
            var perInstruction = new ProbeSite?[analysis.InstructionCount];
            for (int i = 0; i < analysis.InstructionCount; i++)
            {
                var ins = analysis.Code[i];
                if (!analysis.IsReachable(i) || ins.Offset < 0) continue;
                var kinds = SiteKinds.None;
                if (probes is not null && probes.Contains(i)) kinds |= SiteKinds.Probe;
                if (IsCall(ins.Opcode) && (reaching is null || reaching.CallMayReach(analysis.Code, ins))) kinds |= SiteKinds.Call;
                if (options.ReportThrows && ins.Opcode is Opcode.Throw or Opcode.ThrowRef) kinds |= SiteKinds.Throw;
                if (kinds == SiteKinds.None) continue;
                var stack = analysis.StackBefore(i);
                if (stack.Any(t => t.Kind == ValueKind.Unknown)) continue;
                var site = new ProbeSite(sites.Count, f, i, ins.Offset, kinds, stack);
                sites.Add(site);
                perInstruction[i] = site;
            }
            sitesByFunction[f] = perInstruction;
            // Analysed again when rewritten: every framed function's analysis at once outweighs a large module.
            analyses.Remove(f);
        }

        var memory = new DebugMemory(sites.Count, spaces.FunctionCount);
        var builder = new ModuleBuilder(module);
        int stop = builder.AddFunctionImport(InstrumentedModule.ImportModule, InstrumentedModule.StopImport, new FunctionType([ValType.I32, ValType.I32], []));
        int debugMemory = builder.AddMemory(new MemoryType(new Limits(memory.Pages, null)));
        int armed = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(0));
        int stepLimit = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(0));
        int frameTop = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(0));
        int stackPointer = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(memory.FramesBase));

        var layouts = new FrameLayout?[spaces.FunctionCount];
        var context = new EmitContext(builder, stop, debugMemory, memory, armed, stepLimit, frameTop, stackPointer, options.Mode);
        foreach (var (f, perInstruction) in sitesByFunction)
        {
            var analysis = Analysis(f);
            var localTypes = LocalTypeArray(analysis.Locals);
            int maxSpill = perInstruction.Where(s => s is not null).Select(s => s!.StackTypes.Length).DefaultIfEmpty(0).Max();
            var layout = layouts[f] = new FrameLayout(f, localTypes, maxSpill);
            ModuleTooLargeException.Guard(module, f, () => builder.RewriteBody(f, body => new FunctionEmitter(context, body, analysis, layout, perInstruction).Emit()));
            analyses.Remove(f);
        }

        var exports = AddExports(builder, module, debugMemory, armed, stepLimit, frameTop, stackPointer);
        var pcMap = new PcMap();
        var bytes = ModuleEncoder.Encode(builder.Build(), pcMap);
        return new InstrumentedModule(module, bytes, pcMap, [.. sites], layouts, memory, options.Mode, exports);
    }

    internal static bool IsCall(Opcode opcode) => opcode is Opcode.Call or Opcode.CallIndirect or Opcode.CallRef
        or Opcode.ReturnCall or Opcode.ReturnCallIndirect or Opcode.ReturnCallRef;

    private static Expression Const(int value) =>
        new([new Instruction(Opcode.I32Const, -1, 0, value), new Instruction(Opcode.End, -1, 0)], []);

    private static ValType[] LocalTypeArray(LocalTypes locals)
    {
        if (locals.Count > 1_000_000) throw new NotSupportedException($"a function with {locals.Count} locals is beyond what WasmProbe can instrument");
        var types = new ValType[locals.Count];
        for (int i = 0; i < types.Length; i++) types[i] = locals[i];
        return types;
    }

    private static Dictionary<int, HashSet<int>> ProbeInstructions(Module module, InstrumentationOptions options, Func<int, FunctionAnalysis> analysis)
    {
        var result = new Dictionary<int, HashSet<int>>();
        var spaces = module.IndexSpaces;
        if (options.Mode == InstrumentationMode.Debug)
        {
            for (int f = spaces.ImportedFunctionCount; f < spaces.FunctionCount; f++)
            {
                var a = analysis(f);
                var all = new HashSet<int>();
                for (int i = 0; i < a.InstructionCount; i++)
                {
                    if (a.IsReachable(i) && a.Code[i].Offset >= 0) all.Add(i);
                }
                result[f] = all;
            }
            return result;
        }
        foreach (var location in options.Probes)
        {
            var a = analysis(location.Function);
            int index = a.IndexOfPc(location.Pc);
            if (index < 0 || !a.IsReachable(index)) throw new ArgumentException($"{location} is not a reachable instruction");
            if (!result.TryGetValue(location.Function, out var set)) result[location.Function] = set = [];
            set.Add(index);
        }
        return result;
    }

    private static HashSet<int> FramedFunctions(Module module, InstrumentationOptions options, Dictionary<int, HashSet<int>> probes)
    {
        var spaces = module.IndexSpaces;
        if (options.Mode == InstrumentationMode.Debug)
            return [.. Enumerable.Range(spaces.ImportedFunctionCount, module.Bodies.Count)];
        var targets = new HashSet<int>(probes.Keys);
        if (options.ReportThrows)
        {
            for (int d = 0; d < module.Bodies.Count; d++)
            {
                if (module.Bodies[d].Code.Instructions.Any(i => i.Opcode is Opcode.Throw or Opcode.ThrowRef)) targets.Add(spaces.ImportedFunctionCount + d);
            }
        }
        return new CallGraph(module).CanReach(targets);
    }

    private static ExportNames AddExports(ModuleBuilder builder, Module module, int debugMemory, int armed, int stepLimit, int frameTop, int stackPointer)
    {
        string Export(string name, ExternalKind kind, int index)
        {
            string unique = builder.UniqueExportName(name);
            builder.AddExport(unique, kind, index);
            return unique;
        }
        var spaces = module.IndexSpaces;
        return new ExportNames
        {
            DebugMemory = Export("__wasmprobe_debug_memory", ExternalKind.Memory, debugMemory),
            Armed = Export("__wasmprobe_armed", ExternalKind.Global, armed),
            StepLimit = Export("__wasmprobe_step_limit", ExternalKind.Global, stepLimit),
            FrameTop = Export("__wasmprobe_frame_top", ExternalKind.Global, frameTop),
            StackPointer = Export("__wasmprobe_stack_pointer", ExternalKind.Global, stackPointer),
            Globals = [.. spaces.Globals.Select((g, i) => HostTypes.IsSupported(g.Type) ? Export($"__wasmprobe_global_{i}", ExternalKind.Global, i) : null)],
            Memories = [.. spaces.Memories.Select((_, i) => Export($"__wasmprobe_memory_{i}", ExternalKind.Memory, i))],
            Tables = [.. spaces.Tables.Select((t, i) => HostTypes.IsSupported(t.ElementType) ? Export($"__wasmprobe_table_{i}", ExternalKind.Table, i) : null)],
        };
    }

    /// <summary>In static mode, whether a call can lead to a function with shadow frames (otherwise it needs no
    /// bookkeeping).</summary>
    private sealed class CallGraphReach(Module module, HashSet<int> framed)
    {
        private readonly bool _dynamicReaches = DynamicReaches(module, framed);

        public bool CallMayReach(Expression code, in Instruction ins) => ins.Opcode switch
        {
            Opcode.Call or Opcode.ReturnCall => module.IndexSpaces.IsImportedFunction(ins.Index) ? _dynamicReaches : framed.Contains(ins.Index),
            _ => _dynamicReaches,
        };

        private static bool DynamicReaches(Module module, HashSet<int> framed) =>
            framed.Count > 0 && (module.Elements.Count > 0 || module.Exports.Any(e => e.Kind == ExternalKind.Function) || module.Bodies.Any(b => b.Code.Instructions.Any(i => i.Opcode == Opcode.RefFunc)));
    }
}
