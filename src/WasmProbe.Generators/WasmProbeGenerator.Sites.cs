using System.Globalization;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Generators;

// Site resolution: where a probe stops, checked against the module.
public sealed partial class WasmProbeGenerator
{
    /// <summary>[BreakAt]/[StepFrom]: the function and pc, resolved as the runtime resolves them
    /// (<see cref="FunctionResolver"/>, <see cref="PcResolver"/>); [OnCall]: the function's first instruction.</summary>
    private static ProbeSite? PcSite(ProbeMethodRequest method, ProbeKind kind, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        var resolved = FunctionResolver.Defined(context.Module, context.Function(method.Function!));
        if (resolved.Problem is { } functionProblem)
        {
            diagnostics.Add(FunctionDiagnostic(functionProblem, method.Function!, context));
            return null;
        }
        int function = resolved.Value;
        FunctionAnalysis analysis;
        try
        {
            analysis = context.Analysis(function);
        }
        catch (WasmFormatException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ModuleMalformed, method.Function!.Location, context.Path, e.Reason, Hex(e.Offset)));
            return null;
        }
        string functionName = context.FunctionName(function);
        int pc;
        if (kind is ProbeKind.Call or ProbeKind.Return) pc = PcResolver.Entry(analysis);
        else if (method.Pc!.Value is int written) pc = written;
        else
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, method.Pc.Location, Values.Describe(method.Pc), "a pc", " (an int module offset)"));
            return null;
        }
        var instruction = PcResolver.Resolve(analysis, functionName, pc);
        if (instruction.Problem is { } pcProblem)
        {
            diagnostics.Add(PcDiagnostic(pcProblem, method.Pc?.Location ?? method.Function!.Location, pc, context.QualifiedName(functionName)));
            return null;
        }
        int index = instruction.Value;

        var exits = kind == ProbeKind.Return ? FunctionExits.Of(analysis) : [];
        if (kind == ProbeKind.Return && exits.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.NeverReturns, method.Function!.Location, functionName));
            return null;
        }
        string typeName = Identifiers.TypePart(context.Module.Names.Function(function), function) + kind switch
        {
            ProbeKind.Call => "_Call",
            ProbeKind.Return => "_Return",
            ProbeKind.Steps => "_0x" + Hex(pc) + "_Steps",
            _ => "_0x" + Hex(pc),
        };
        var stackTypes = analysis.StackBefore(index);
        // A return view's stack differs from exit to exit: only its Results are typed.
        var stack = kind is ProbeKind.Steps or ProbeKind.Return ? EquatableArray<TypedSlot>.Empty : StackSlots(stackTypes);
        string text = InstructionText(context.Module, function, analysis, index);
        var view = new ViewSpec(typeName, kind, function, functionName, pc, text, Locals(context, function, analysis), stack,
            Args: kind is ProbeKind.Call or ProbeKind.Return ? Args(context, function, analysis) : default,
            Results: kind == ProbeKind.Return ? Results(context.Module.IndexSpaces.FunctionTypeOfFunction(function)) : default,
            Returns: kind == ProbeKind.Steps ? null : Results(context.Module.IndexSpaces.FunctionTypeOfFunction(function)),
            ExitPcs: exits.Select(e => e.Pc).ToEquatableArray(),
            Variables: kind == ProbeKind.Breakpoint ? SourceVariables(context, [pc]) : null);
        return new ProbeSite($"{functionName}+0x{Hex(pc)}", view, [function], [analysis], stackTypes, null);
    }

    /// <summary>[BreakAtLine]: the line resolved through the module's DWARF to every reachable pc where it starts.
    /// The view is typed over what all those locations have in common: in one function, all its locals; in several
    /// (inlined copies), the locals they all name alike with one type; the operand stack when its types are the same
    /// at every location.</summary>
    private static ProbeSite? LineSite(ProbeMethodRequest method, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        // Without both arguments the attribute does not compile; the compiler reports that.
        if (method.File is not { } fileArg || method.Line is not { } lineArg) return null;
        string file = fileArg.Value as string ?? "";
        int line = lineArg.Value is int l ? l : 0;
        if (context.DwarfError is { } error)
        {
            diagnostics.Add(DwarfDiagnostic(error, fileArg.Location, context));
            return null;
        }
        LineResolution resolution;
        var analyses = new Dictionary<int, FunctionAnalysis>();
        try
        {
            resolution = context.Dwarf!.ResolveLine(file, line, location =>
            {
                var analysis = analyses[location.Function] = context.Analysis(location.Function);
                return PcResolver.CanStopAt(analysis, location.Pc);
            });
        }
        catch (WasmFormatException e)
        {
            // The body of a function where the line has rows does not decode or validate.
            diagnostics.Add(DiagnosticInfo.Create(D.ModuleMalformed, fileArg.Location, context.Path, e.Reason, Hex(e.Offset)));
            return null;
        }
        switch (resolution.Status)
        {
            case LineResolutionStatus.NoLineInfo:
                diagnostics.Add(DiagnosticInfo.Create(D.NoLineInfo, fileArg.Location, context.Path, line.ToString(CultureInfo.InvariantCulture), file));
                return null;
            case LineResolutionStatus.UnknownFile:
                diagnostics.Add(DiagnosticInfo.Create(D.UnknownSourceFile, fileArg.Location, Sentence(resolution.Error!)));
                return null;
            case LineResolutionStatus.NoCode:
                diagnostics.Add(DiagnosticInfo.Create(D.LineWithoutCode, lineArg.Location, Sentence(resolution.Error!)));
                return null;
        }

        var locations = new List<LineLocationSpec>();
        var stacks = new List<ValType[]>();
        foreach (var location in resolution.Locations)
        {
            var analysis = analyses[location.Function];
            int index = analysis.IndexOfPc(location.Pc);
            stacks.Add(analysis.StackBefore(index));
            locations.Add(new LineLocationSpec(location.Function, context.FunctionName(location.Function), location.Pc, InstructionText(context.Module, location.Function, analysis, index)));
        }
        var functions = locations.Select(x => x.Function).Distinct().ToList();
        var functionAnalyses = functions.Select(f => analyses[f]).ToList();
        bool sameStack = stacks.All(s => s.SequenceEqual(stacks[0]));
        string at = $"{file}:{line.ToString(CultureInfo.InvariantCulture)}";
        string? difference = sameStack ? null : string.Join("; ", locations.Select((x, i) => $"{x.FunctionName}+0x{Hex(x.Pc)}: [{string.Join(", ", stacks[i].Select(t => t.ToString()))}]"));

        var spec = new LineSpec(file, line, string.Join(", ", resolution.MatchedFiles), locations.ToEquatableArray(), functions.ToEquatableArray(), sameStack);
        var first = locations[0];
        var view = new ViewSpec(
            FileTypePart(file) + "_L" + line.ToString(CultureInfo.InvariantCulture),
            ProbeKind.Line,
            first.Function,
            first.FunctionName,
            first.Pc,
            first.Instruction,
            functions.Count == 1 ? Locals(context, functions[0], functionAnalyses[0]) : CommonLocals(context, functions, functionAnalyses),
            sameStack ? StackSlots(stacks[0]) : EquatableArray<TypedSlot>.Empty,
            spec,
            Returns: functions.Count == 1 ? Results(context.Module.IndexSpaces.FunctionTypeOfFunction(functions[0])) : null,
            Variables: SourceVariables(context, locations.Select(l => l.Pc)));
        return new ProbeSite(at, view, functions, functionAnalyses, sameStack ? stacks[0] : null, difference);
    }
}
