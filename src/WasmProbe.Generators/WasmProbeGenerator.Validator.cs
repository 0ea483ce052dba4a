using System.Collections.Immutable;
using System.Globalization;
using WasmProbe.Generators.Model;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Text;
using WasmProbe.Wasm.Types;
using D = WasmProbe.Generators.DiagnosticDescriptors;

namespace WasmProbe.Generators;

public sealed partial class WasmProbeGenerator
{
    /// <summary>Most typed locals a view gets (functions with more are rare; the rest stay reachable through Session).</summary>
    internal const int MaxTypedLocals = 1000;

    /// <summary>The semantic stage: checks a class's request against its module and builds what the emitter needs.
    /// Only the functions that probes name are analyzed.</summary>
    internal static ProbeClassResult Validate(ProbeClassRequest request, ImmutableArray<ModuleImage> modules, bool hasXunit, CancellationToken cancellationToken)
    {
        try
        {
            return ValidateCore(request, modules, hasXunit, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A module the decoder or analysis did not expect: report it where the module is named rather than failing
            // the whole generator (which would drop every class's output).
            return new ProbeClassResult(null, new[] { DiagnosticInfo.Create(D.ModuleMalformed, request.ModulePathLocation, request.ModulePath, $"{e.GetType().Name}: {e.Message}", "0") }.ToEquatableArray());
        }
    }

    private static ProbeClassResult ValidateCore(ProbeClassRequest request, ImmutableArray<ModuleImage> modules, bool hasXunit, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        ProbeClassResult Fail(DiagnosticInfo diagnostic)
        {
            diagnostics.Add(diagnostic);
            return new ProbeClassResult(null, diagnostics.ToEquatableArray());
        }

        if (request.ShapeProblem is { } shape) return Fail(DiagnosticInfo.Create(D.ClassShape, request.NameLocation, request.Name, shape));
        if (!request.IsPublic && request.GenerateFacts && hasXunit)
            return Fail(DiagnosticInfo.Create(D.ClassShape, request.NameLocation, request.Name, "is not public (nor are all its containing types), so xunit would not run its tests (or set GenerateFacts = false)"));

        string wanted = ModuleFiles.NormalizePath(request.ModulePath);
        var image = modules.FirstOrDefault(m => m.ItemPath == wanted);
        if (image is null)
        {
            var caseless = modules.Where(m => string.Equals(m.ItemPath, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            if (caseless.Count == 1) image = caseless[0];
        }
        if (image is null)
        {
            string listed = modules.IsEmpty
                ? "no WasmModule items are listed: add <WasmModule Include=\"" + wanted + "\" /> to the project"
                : "listed: " + string.Join(", ", modules.Select(m => m.ItemPath).OrderBy(p => p, StringComparer.Ordinal));
            return Fail(DiagnosticInfo.Create(D.ModuleNotListed, request.ModulePathLocation, request.ModulePath, listed));
        }
        if (image.MissingFile is { } missing) return Fail(DiagnosticInfo.Create(D.ModuleNotFound, request.ModulePathLocation, image.ItemPath, missing));
        var decoded = image.Declarations;
        if (decoded.Module is not { } module)
            return Fail(DiagnosticInfo.Create(D.ModuleMalformed, request.ModulePathLocation, image.ItemPath, decoded.Error ?? "unknown error", Hex(decoded.ErrorOffset)));
        cancellationToken.ThrowIfCancellationRequested();

        var context = new ModuleContext(module, image);
        var arguments = new List<ValueSpec>();
        CheckEntry(request, context, arguments, diagnostics);
        var exports = Exports(context);
        var globals = Globals(context);

        // Decode the bodies of all the functions this class's probes name at once (the rest stay undecoded); for
        // [BreakAtLine] probes, those where the DWARF line table puts their lines.
        context.Prepare(request.Methods.Where(m => m.Function is not null).Select(m => ResolveFunction(m.Function!, context, null))
            .Concat(context.LineFunctions(request.Methods.Where(m => m.Kind == ProbeKind.Line))));

        var views = new Dictionary<string, ViewSpec>(StringComparer.Ordinal);
        var methods = new List<ProbeMethodSpec>();
        var testNames = new HashSet<string>(request.MemberNames, StringComparer.Ordinal);
        foreach (var method in request.Methods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ValidateMethod(request, method, context, diagnostics, testNames) is { } result)
            {
                views[result.View.TypeName] = result.View;
                if (result.Method is not null) methods.Add(result.Method);
            }
        }

        // Emitted even when some probes have errors: the valid ones (and the views of probes whose location is valid)
        // still compile, so the errors are not buried under missing-type errors.
        var spec = new ProbeClassSpec(
            request.Namespace,
            request.ContainingTypes,
            request.Name,
            request.FullName,
            request.Keyword,
            image.ItemPath,
            request.Entry,
            arguments.ToEquatableArray(),
            request.Wasi,
            ValidateWasi(request, diagnostics),
            request.DeadlineMilliseconds,
            request.GenerateFacts && hasXunit,
            module.IndexSpaces.Memories.Length,
            exports,
            globals,
            views.Values.OrderBy(v => v.Pc).ThenBy(v => v.Kind).ThenBy(v => v.TypeName, StringComparer.Ordinal).ToEquatableArray(),
            methods.ToEquatableArray());
        return new ProbeClassResult(spec, diagnostics.ToEquatableArray());
    }

    /// <summary>The module's declarations (every body empty) for names, types and resolution, and, once the probed
    /// functions are known (<see cref="Prepare"/>), a decoding with their bodies for the stack analysis. Pcs in that
    /// decoding are shifted (<see cref="ProbedFunction"/> translates).</summary>
    private sealed class ModuleContext(Module module, ModuleImage image)
    {
        private readonly Dictionary<int, ProbedFunction> _functions = [];
        private HashSet<int>? _prepared;
        private DecodedModule? _bodies;
        private StackAnalyzer? _analyzer;

        public Module Module { get; } = module;
        public string Path => image.ItemPath;
        public IndexSpaces Spaces => Module.IndexSpaces;

        /// <summary>Decodes the bodies of these functions (function indices; imports and unknown ones are ignored).</summary>
        public void Prepare(IEnumerable<int> functions)
        {
            _prepared = new HashSet<int>(functions.Where(f => f >= Spaces.ImportedFunctionCount && f < Spaces.FunctionCount));
            _bodies = image.WithBodies([.. _prepared.Select(f => f - Spaces.ImportedFunctionCount)]);
            _analyzer = null;
        }

        /// <summary>The analysis of a prepared function, with its pc translation. Throws
        /// <see cref="WasmFormatException"/> (at an original offset) when its body does not decode or validate.</summary>
        public ProbedFunction Analysis(int function)
        {
            if (_functions.TryGetValue(function, out var probed)) return probed;
            if (_prepared is null || !_prepared.Contains(function)) Prepare([.. (_prepared ?? []), function]);
            if (_bodies!.Module is not { } bodies) throw new WasmFormatException(_bodies.ErrorOffset, _bodies.Error ?? "unknown error");
            int shift = _bodies.Shift(function - Spaces.ImportedFunctionCount);
            _analyzer ??= new StackAnalyzer(bodies);
            try
            {
                probed = new ProbedFunction(_analyzer.Analyze(function), shift);
            }
            catch (WasmFormatException e)
            {
                throw new WasmFormatException(e.Offset + shift, e.Reason);
            }
            _functions[function] = probed;
            return probed;
        }

        /// <summary>The module's DWARF compile units and line table, read on first use without decoding bodies (see
        /// <see cref="DwarfInfo.ReadLines"/>); null when that failed (<see cref="DwarfError"/>).</summary>
        public DwarfInfo? Dwarf
        {
            get
            {
                ReadDwarf();
                return _dwarf;
            }
        }

        /// <summary>Why the DWARF could not be read: a <see cref="DwarfFormatException"/>, or a code section whose
        /// layout does not scan.</summary>
        public WasmFormatException? DwarfError
        {
            get
            {
                ReadDwarf();
                return _dwarfError;
            }
        }

        private DwarfInfo? _dwarf;
        private WasmFormatException? _dwarfError;
        private bool _dwarfRead;

        private void ReadDwarf()
        {
            if (_dwarfRead) return;
            _dwarfRead = true;
            try
            {
                _dwarf = DwarfInfo.ReadLines(Module, image.Bytes!);
            }
            catch (WasmFormatException e)
            {
                _dwarfError = e;
            }
        }

        /// <summary>The functions where the lines of these [BreakAtLine] probes start (whether those pcs are reachable
        /// is checked later, with the functions' analyses). Problems are left for the probes' validation to report.</summary>
        public List<int> LineFunctions(IEnumerable<ProbeMethodRequest> probes)
        {
            var functions = new List<int>();
            foreach (var probe in probes)
            {
                if (probe.File?.Value is not string file || probe.Line?.Value is not int line || Dwarf is not { HasLineInfo: true } dwarf) continue;
                IReadOnlyList<int> pcs;
                try
                {
                    pcs = dwarf.Lines.PcsForLine(file, line);
                }
                catch (WasmFormatException)
                {
                    continue;
                }
                foreach (int pc in pcs)
                {
                    int function = dwarf.FunctionIndexAt(pc);
                    if (function >= 0) functions.Add(function);
                }
            }
            return functions;
        }

        public string FunctionName(int function) => Module.Names.FunctionOrIndex(function);

        public string? LocalName(int function, int local) => Module.Names.Local(function, local);
    }

    private static void CheckEntry(ProbeClassRequest request, ModuleContext context, List<ValueSpec> arguments, List<DiagnosticInfo> diagnostics)
    {
        var module = context.Module;
        if (request.Entry is not { } entry)
        {
            if (request.Args.Count > 0)
                diagnostics.Add(DiagnosticInfo.Create(D.EntryArgumentCount, request.ArgsLocation, $"Args has {Count(request.Args.Count)} but no Entry is set"));
            return;
        }
        var export = module.Exports.FirstOrDefault(e => e.Name == entry && e.Kind == ExternalKind.Function);
        if (export is null)
        {
            string exported = string.Join(", ", module.Exports.Where(e => e.Kind == ExternalKind.Function).Select(e => e.Name).Take(12));
            diagnostics.Add(DiagnosticInfo.Create(D.UnknownFunction, request.EntryLocation, context.Path, $"exported as '{entry}'",
                exported.Length == 0 ? " (it exports no functions)" : $" (exported functions: {exported})"));
            return;
        }
        FunctionType type;
        try
        {
            type = context.Spaces.FunctionTypeOfFunction(export.Index);
        }
        catch (ArgumentOutOfRangeException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ModuleMalformed, request.EntryLocation, context.Path, e.Message, "0"));
            return;
        }
        if (type.Parameters.Length != request.Args.Count)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.EntryArgumentCount, request.HasArgs ? request.ArgsLocation : request.EntryLocation,
                $"Entry '{entry}' takes {Count(type.Parameters.Length, "argument")} ({type}) but Args has {Count(request.Args.Count)}"));
            return;
        }
        for (int i = 0; i < type.Parameters.Length; i++)
        {
            var value = Values.Convert(request.Args[i], type.Parameters[i], out string? error);
            if (value is null) diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, request.Args[i].Location ?? request.ArgsLocation, error!, type.Parameters[i].ToString(), $", the type of parameter {i} of '{entry}'"));
            else arguments.Add(value);
        }
    }

    private static EquatableArray<ExportSpec> Exports(ModuleContext context)
    {
        var module = context.Module;
        var functions = module.Exports.Where(e => e.Kind == ExternalKind.Function && e.Index < context.Spaces.FunctionCount).ToList();
        var identifiers = Identifiers.Assign(functions.Select(e => (string?)e.Name).ToList(), "export", []);
        var result = new List<ExportSpec>();
        for (int i = 0; i < functions.Count; i++)
        {
            FunctionType type;
            try
            {
                type = context.Spaces.FunctionTypeOfFunction(functions[i].Index);
            }
            catch (ArgumentOutOfRangeException)
            {
                continue;
            }
            int f = functions[i].Index;
            var names = Enumerable.Range(0, type.Parameters.Length).Select(p => context.Spaces.IsImportedFunction(f) ? null : context.LocalName(f, p)).ToList();
            var paramIds = Identifiers.Assign(names, "p", ["_instance"]);
            var parameters = type.Parameters.Select((t, p) => new TypedSlot(p, paramIds[p], Values.Kind(t), t.ToString(), names[p] ?? $"parameter {p}")).ToEquatableArray();
            var results = type.Results.Select((t, r) => new TypedSlot(r, $"Item{r + 1}", Values.Kind(t), t.ToString(), $"result {r}")).ToEquatableArray();
            result.Add(new ExportSpec(functions[i].Name, identifiers[i], parameters, results, type.ToString()));
        }
        return result.ToEquatableArray();
    }

    private static EquatableArray<GlobalSpec> Globals(ModuleContext context)
    {
        var types = context.Spaces.Globals;
        var names = Enumerable.Range(0, types.Length).Select(i => context.Module.Names.Global(i)).ToList();
        var identifiers = Identifiers.Assign(names, "global", ["GlobalsView"]);
        return types.Select((g, i) => new GlobalSpec(i, identifiers[i], names[i] ?? $"global{i}", Values.Kind(g.Type), g.Type.ToString(), g.Mutable)).ToEquatableArray();
    }

    /// <summary>The view (when the probe's location is valid) and the test (when everything is).</summary>
    private sealed record MethodResult(ViewSpec View, ProbeMethodSpec? Method);

    /// <summary>A function's analysis over the partially decoded module; its instruction offsets are the original pcs
    /// minus <see cref="Shift"/>.</summary>
    private sealed class ProbedFunction(FunctionAnalysis analysis, int shift)
    {
        public FunctionAnalysis Analysis { get; } = analysis;
        public int Shift { get; } = shift;

        public int IndexOfPc(int pc) => Analysis.IndexOfPc(pc - Shift);

        public int Pc(int index) => Analysis.Code[index].Offset + Shift;
    }

    private static MethodResult? ValidateMethod(ProbeClassRequest request, ProbeMethodRequest method, ModuleContext context, List<DiagnosticInfo> diagnostics, HashSet<string> memberNames)
    {
        if (method.Kind is not { } kind)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ExpectationWithoutProbe, method.Expectations[0].AttributeLocation ?? method.NameLocation, method.Name,
                "has Expect* attributes but no [BreakAt], [BreakAtLine] or [StepFrom]: add one so the expectations have a stop to be checked at"));
            return null;
        }
        if (method.HasBothProbeKinds)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ExpectationWithoutProbe, method.ProbeAttributeLocation ?? method.NameLocation, method.Name,
                "has more than one of [BreakAt], [BreakAtLine] and [StepFrom]: give each probe its own method"));
            return null;
        }
        if (!method.ReturnsVoid || method.IsGeneric)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.InvalidProbeMethod, method.NameLocation, method.Name,
                method.IsGeneric ? "is generic: probe methods must be non-generic void methods" : "must return void (it runs inside the guest's stop, synchronously)"));
            return null;
        }
        int before = diagnostics.Count;

        // Where it stops, and the view of those stops.
        var site = kind == ProbeKind.Line ? LineSite(method, context, diagnostics) : PcSite(method, kind, context, diagnostics);
        if (site is null) return null;
        var view = site.View;

        if (method.Hit < (kind == ProbeKind.Steps ? 1 : 0))
            diagnostics.Add(DiagnosticInfo.Create(D.InvalidCount, method.HitLocation, "Hit", kind == ProbeKind.Steps ? "at least 1" : "0 (every hit) or a hit number from 1", method.Hit.ToString(CultureInfo.InvariantCulture)));
        if (kind == ProbeKind.Steps && method.Steps < 0)
            diagnostics.Add(DiagnosticInfo.Create(D.InvalidCount, method.StepsLocation, "Steps", "0 or more", method.Steps.ToString(CultureInfo.InvariantCulture)));

        // The parameter.
        var parameter = ParameterKind.None;
        if (method.Parameters.Count > 0)
        {
            var p = method.Parameters[0];
            string viewName = $"{request.Name}.{view.TypeName}";
            string[] baseTypes = kind switch
            {
                ProbeKind.Steps => ["global::WasmProbe.Probes.StopView", "global::WasmProbe.Probes.StepView"],
                ProbeKind.Line => ["global::WasmProbe.Probes.StopView", "global::WasmProbe.Probes.BreakpointView", "global::WasmProbe.Probes.LineView"],
                _ => ["global::WasmProbe.Probes.StopView", "global::WasmProbe.Probes.BreakpointView"],
            };
            if (p.IsErrorType ? p.TypeName == view.TypeName : baseTypes.Contains(p.FullTypeName)) parameter = ParameterKind.View;
            else if (!p.IsErrorType && p.FullTypeName == "global::WasmProbe.Debugging.DebugSession") parameter = ParameterKind.Session;
            else diagnostics.Add(DiagnosticInfo.Create(D.WrongStopViewParameter, p.Location, method.Name, viewName, p.TypeName));
            if (method.Parameters.Count > 1)
                diagnostics.Add(DiagnosticInfo.Create(D.WrongStopViewParameter, method.Parameters[1].Location, method.Name, viewName, $"{method.Parameters.Count} parameters"));
        }

        // Expectations.
        var expectations = new List<ExpectationSpec>();
        foreach (var expectation in method.Expectations)
        {
            if (Expectation(expectation, context, site, diagnostics) is { } spec) expectations.Add(spec);
        }
        if (diagnostics.Count > before) return new MethodResult(view, null);

        string testName = method.Name + "_WasmProbe";
        for (int n = 2; memberNames.Contains(testName); n++) testName = method.Name + "_WasmProbe" + n.ToString(CultureInfo.InvariantCulture);
        memberNames.Add(testName);
        var spec2 = new ProbeMethodSpec(method.Name, testName, request.FullName + "." + method.Name, kind, view.TypeName, parameter, method.IsStatic,
            view.Function, view.Pc, method.Hit, method.Optional, method.Steps, method.StepMode, expectations.ToEquatableArray(), view.Line);
        return new MethodResult(view, spec2);
    }

    /// <summary>Where a probe stops, as its expectations see it: the functions (one, except for a line whose code lies
    /// in several), their analyses, and the operand stack types (null when they differ between the locations).</summary>
    private sealed class ProbeSite(string at, ViewSpec view, IReadOnlyList<int> functions, IReadOnlyList<FunctionAnalysis> analyses, ValType[]? stack, string? stackDifference)
    {
        /// <summary>How messages name the place: <c>fib+0xa1</c>, <c>sort.c:33</c>.</summary>
        public string At { get; } = at;
        public ViewSpec View { get; } = view;
        public IReadOnlyList<int> Functions { get; } = functions;
        public IReadOnlyList<FunctionAnalysis> Analyses { get; } = analyses;
        public ValType[]? Stack { get; } = stack;

        /// <summary>When <see cref="Stack"/> is null: the stacks at each location, for messages.</summary>
        public string? StackDifference { get; } = stackDifference;
    }

    /// <summary>[BreakAt]/[StepFrom]: the function and pc, checked.</summary>
    private static ProbeSite? PcSite(ProbeMethodRequest method, ProbeKind kind, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        int function = ResolveFunction(method.Function!, context, diagnostics);
        if (function < 0) return null;
        if (context.Spaces.IsImportedFunction(function))
        {
            string defined = string.Join(", ", Enumerable.Range(context.Spaces.ImportedFunctionCount, Math.Min(8, context.Module.Bodies.Count)).Select(context.FunctionName));
            diagnostics.Add(DiagnosticInfo.Create(D.ImportedFunction, method.Function!.Location, context.FunctionName(function), context.Path, defined.Length == 0 ? "it defines none" : "for example " + defined));
            return null;
        }
        ProbedFunction probed;
        try
        {
            probed = context.Analysis(function);
        }
        catch (WasmFormatException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ModuleMalformed, method.Function!.Location, context.Path, e.Reason, Hex(e.Offset)));
            return null;
        }
        string functionName = context.FunctionName(function);
        if (method.Pc!.Value is not int pc)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, method.Pc.Location, Values.Describe(method.Pc), "a pc", " (an int module offset)"));
            return null;
        }
        var analysis = probed.Analysis;
        int index = probed.IndexOfPc(pc);
        if (index < 0)
        {
            int first = probed.Pc(0), last = probed.Pc(analysis.InstructionCount - 1);
            diagnostics.Add(pc < first || pc > last
                ? DiagnosticInfo.Create(D.PcOutsideFunction, method.Pc.Location, Hex(pc), functionName, Hex(first), Hex(last))
                : DiagnosticInfo.Create(D.PcNotInstructionStart, method.Pc.Location, Hex(pc), functionName, Nearby(probed, pc)));
            return null;
        }
        if (!analysis.IsReachable(index))
        {
            diagnostics.Add(DiagnosticInfo.Create(D.PcUnreachable, method.Pc.Location, Hex(pc), functionName, Nearby(probed, pc)));
            return null;
        }

        string typeName = Identifiers.TypePart(context.Module.Names.Function(function), function) + "_0x" + Hex(pc) + (kind == ProbeKind.Steps ? "_Steps" : "");
        var stackTypes = analysis.StackBefore(index);
        var stack = kind == ProbeKind.Steps ? EquatableArray<TypedSlot>.Empty : StackSlots(stackTypes);
        string instruction = InstructionText(context.Module, function, analysis, index);
        var view = new ViewSpec(typeName, kind, function, functionName, pc, instruction, Locals(context, function, analysis), stack);
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
            diagnostics.Add(error is DwarfFormatException dwarf
                ? DiagnosticInfo.Create(D.DwarfMalformed, fileArg.Location, context.Path, dwarf.Reason, dwarf.Section, Hex(dwarf.Offset))
                : DiagnosticInfo.Create(D.ModuleMalformed, fileArg.Location, context.Path, error.Reason, Hex(error.Offset)));
            return null;
        }
        LineResolution resolution;
        var analyses = new Dictionary<int, ProbedFunction>();
        try
        {
            resolution = context.Dwarf!.ResolveLine(file, line, location =>
            {
                var probed = analyses[location.Function] = context.Analysis(location.Function);
                int index = probed.IndexOfPc(location.Pc);
                return index >= 0 && probed.Analysis.IsReachable(index);
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
            var probed = analyses[location.Function];
            int index = probed.IndexOfPc(location.Pc);
            stacks.Add(probed.Analysis.StackBefore(index));
            locations.Add(new LineLocationSpec(location.Function, context.FunctionName(location.Function), location.Pc, InstructionText(context.Module, location.Function, probed.Analysis, index)));
        }
        var functions = locations.Select(x => x.Function).Distinct().ToList();
        var functionAnalyses = functions.Select(f => analyses[f].Analysis).ToList();
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
            spec);
        return new ProbeSite(at, view, functions, functionAnalyses, sameStack ? stacks[0] : null, difference);
    }

    /// <summary>A type-name part from a file as written in [BreakAtLine]: sanitized, first letter upper-cased
    /// (sort.c -> Sort_c, src/sum.c -> Src_sum_c).</summary>
    private static string FileTypePart(string file)
    {
        string s = Identifiers.Sanitize(file).Trim('_');
        if (s.Length == 0 || char.IsDigit(s[0])) s = "File" + s;
        return char.ToUpperInvariant(s[0]) + s.Substring(1);
    }

    /// <summary>A message from the DWARF reader as a diagnostic's sentence (first letter upper-cased).</summary>
    private static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);

    private static EquatableArray<TypedSlot> StackSlots(ValType[] stackTypes) =>
        Enumerable.Range(0, stackTypes.Length).Select(depth =>
        {
            int slot = stackTypes.Length - 1 - depth;
            return new TypedSlot(slot, "S" + depth.ToString(CultureInfo.InvariantCulture), Values.Kind(stackTypes[slot]), stackTypes[slot].ToString(), depth == 0 ? "The top of the operand stack" : $"The value {depth} below the top");
        }).ToEquatableArray();

    /// <summary>The locals of a line view over several functions: those of the first function whose name (from the
    /// name section) every other function gives a local of the same type. Unnamed locals are left out: local3 of one
    /// function has nothing to do with local3 of another.</summary>
    private static EquatableArray<TypedSlot> CommonLocals(ModuleContext context, IReadOnlyList<int> functions, IReadOnlyList<FunctionAnalysis> analyses)
    {
        var common = FindCommonLocals(context, functions, analyses);
        var identifiers = Identifiers.Assign(common.Select(c => (string?)c.Name).ToList(), "named", ["LocalsView", "_session", "_function"]);
        return common.Select((c, n) => new TypedSlot(
            c.Indices[0],
            identifiers[n],
            Values.Kind(c.Type),
            c.Type.ToString(),
            $"local {c.Name} ({string.Join(", ", c.Indices.Select((index, k) => $"{index.ToString(CultureInfo.InvariantCulture)} in {context.FunctionName(functions[k])}"))})",
            c.Indices.ToEquatableArray())).ToEquatableArray();
    }

    private static List<(string Name, ValType Type, int[] Indices)> FindCommonLocals(ModuleContext context, IReadOnlyList<int> functions, IReadOnlyList<FunctionAnalysis> analyses)
    {
        var common = new List<(string Name, ValType Type, int[] Indices)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var first = analyses[0];
        int count = (int)Math.Min(first.Locals.Count, MaxTypedLocals);
        for (int i = 0; i < count; i++)
        {
            if (context.LocalName(functions[0], i) is not { } name || !seen.Add(name)) continue;
            var type = first.Locals[i];
            var indices = new int[functions.Count];
            indices[0] = i;
            bool all = true;
            for (int k = 1; k < functions.Count && all; k++)
            {
                indices[k] = NamedLocal(context, functions[k], analyses[k], name);
                all = indices[k] >= 0 && analyses[k].Locals[indices[k]] == type;
            }
            if (all) common.Add((name, type, indices));
        }
        return common;
    }

    /// <summary>The lowest-numbered local of <paramref name="function"/> with this name-section name, or -1.</summary>
    private static int NamedLocal(ModuleContext context, int function, FunctionAnalysis analysis, string name)
    {
        if (!context.Module.Names.Section.IndirectMaps.TryGetValue(Wasm.Names.NameKind.Local, out var map) || !map.TryGetValue(function, out var locals)) return -1;
        foreach (var pair in locals.OrderBy(p => p.Key))
        {
            if (pair.Value == name && pair.Key < analysis.Locals.Count) return pair.Key;
        }
        return -1;
    }

    private static EquatableArray<TypedSlot> Locals(ModuleContext context, int function, FunctionAnalysis analysis)
    {
        int count = (int)Math.Min(analysis.Locals.Count, MaxTypedLocals);
        var names = Enumerable.Range(0, count).Select(i => context.LocalName(function, i)).ToList();
        var identifiers = Identifiers.Assign(names, "local", ["LocalsView", "_session", "_view"]);
        int parameters = analysis.Locals.ParameterCount;
        return Enumerable.Range(0, count).Select(i =>
        {
            var type = analysis.Locals[i];
            return new TypedSlot(i, identifiers[i], Values.Kind(type), type.ToString(), (i < parameters ? "parameter " : "local ") + (names[i] ?? i.ToString(CultureInfo.InvariantCulture)));
        }).ToEquatableArray();
    }

    private static ExpectationSpec? Expectation(ExpectationRequest e, ModuleContext context, ProbeSite site, List<DiagnosticInfo> diagnostics)
    {
        if (e.Hit < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.InvalidCount, e.HitLocation, "Hit", "0 (every hit) or a hit number from 1", e.Hit.ToString(CultureInfo.InvariantCulture)));
            return null;
        }
        switch (e.Kind)
        {
            case ExpectationKind.Local when site.Functions.Count > 1:
                return CommonLocal(e, context, site, diagnostics);
            case ExpectationKind.Local:
            {
                int function = site.Functions[0];
                var analysis = site.Analyses[0];
                int local = FindLocal(e.Target, context, function, analysis);
                if (local < 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(D.UnknownLocal, e.Target.Location, context.FunctionName(function), Target(e.Target), "its locals: " + LocalList(context, function, analysis)));
                    return null;
                }
                var type = analysis.Locals[local];
                string label = context.LocalName(function, local) ?? "local" + local.ToString(CultureInfo.InvariantCulture);
                var value = Values.Convert(e.Value, type, out string? error);
                if (value is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, e.Value.Location, error!, type.ToString(), $", the type of local {label}"));
                    return null;
                }
                return new ExpectationSpec(ExpectationKind.Local, local, label, 0, 0, value, EquatableArray<byte>.Empty, "", e.Hit);
            }
            case ExpectationKind.Stack:
            {
                string depthText = Values.Describe(e.Target).Split(' ')[0];
                if (site.Stack is not { } stack)
                {
                    diagnostics.Add(DiagnosticInfo.Create(D.StackDepthOutOfRange, e.Target.Location, depthText, site.At,
                        $"the line's locations have different operand stacks ({site.StackDifference}); use [BreakAt] at one of them to check its stack"));
                    return null;
                }
                if (e.Target.Value is not int depth || depth < 0 || depth >= stack.Length)
                {
                    string types = stack.Length == 0 ? "" : $" ([{string.Join(", ", stack.Select(t => t.ToString()))}], bottom first)";
                    diagnostics.Add(DiagnosticInfo.Create(D.StackDepthOutOfRange, e.Target.Location, depthText, site.At, $"the operand stack holds {Count(stack.Length, "value")} there{types}"));
                    return null;
                }
                int slot = stack.Length - 1 - depth;
                var value = Values.Convert(e.Value, stack[slot], out string? error);
                if (value is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, e.Value.Location, error!, stack[slot].ToString(), $", the type of stack slot S{depth} at {site.At}"));
                    return null;
                }
                return new ExpectationSpec(ExpectationKind.Stack, slot, "S" + depth.ToString(CultureInfo.InvariantCulture), depth, 0, value, EquatableArray<byte>.Empty, "", e.Hit);
            }
            case ExpectationKind.Global:
            {
                int global = FindGlobal(e.Target, context);
                if (global < 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(D.UnknownGlobal, e.Target.Location, context.Path, Target(e.Target), GlobalList(context)));
                    return null;
                }
                var type = context.Spaces.Globals[global].Type;
                string label = context.Module.Names.Global(global) ?? "global" + global.ToString(CultureInfo.InvariantCulture);
                var value = Values.Convert(e.Value, type, out string? error);
                if (value is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, e.Value.Location, error!, type.ToString(), $", the type of global {label}"));
                    return null;
                }
                return new ExpectationSpec(ExpectationKind.Global, global, label, 0, 0, value, EquatableArray<byte>.Empty, "", e.Hit);
            }
            default:
            {
                byte[]? bytes;
                string format;
                if (e.Kind == ExpectationKind.Memory)
                {
                    format = "Bytes";
                    if (e.Value.Value is not string text || !Values.ParseBytes(text, out bytes))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, e.Value.Location, Values.Describe(e.Value), "bytes", " (write hex pairs such as \"2a 00 00 00\")"));
                        return null;
                    }
                }
                else
                {
                    format = Values.MemoryFormat(e.MemoryType ?? "");
                    bytes = Values.MemoryBytes(e.MemoryType ?? "", e.Value.Value);
                    if (bytes is null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, e.Value.Location, Values.Describe(e.Value), $"a memory value of type {e.MemoryType}",
                            " (ExpectMemory<T> takes byte, sbyte, short, ushort, int, uint, long, ulong, float or double)"));
                        return null;
                    }
                }
                var memories = context.Spaces.Memories;
                if (e.Memory < 0 || e.Memory >= memories.Length)
                {
                    diagnostics.Add(DiagnosticInfo.Create(D.MemoryOutOfRange, e.MemoryLocation, $"memory {e.Memory}",
                        memories.Length == 0 ? "the module's memories: it has none" : $"the module's memories: it has {Count(memories.Length, "memory", "memories")}"));
                    return null;
                }
                long address = e.Target.Value switch { int i => i, long l => l, uint u => u, short s => s, ushort us => us, byte b => b, sbyte sb => sb, _ => -1 };
                var limits = memories[e.Memory].Limits;
                ulong pageSize = memories[e.Memory].PageSize;
                ulong minimum = limits.Minimum > ulong.MaxValue / pageSize ? ulong.MaxValue : limits.Minimum * pageSize;
                string where = e.Memory == 0 ? "memory" : $"memory {e.Memory}";
                if (address < 0 || (ulong)address + (ulong)bytes.Length > minimum)
                {
                    string range = address < 0 ? $"address {Values.Describe(e.Target)}" : $"{where}[0x{Hex(address)}..0x{Hex(address + bytes.Length)}]";
                    diagnostics.Add(DiagnosticInfo.Create(D.MemoryOutOfRange, e.Target.Location, range,
                        $"the declared minimum size of {where} ({Count((long)limits.Minimum, "page")} = 0x{Hex((long)Math.Min(minimum, long.MaxValue))} bytes)"));
                    return null;
                }
                return new ExpectationSpec(ExpectationKind.Memory, e.Memory, where, 0, address, null, bytes.ToEquatableArray(), format, e.Hit);
            }
        }
    }

    /// <summary>The function index an attribute names, or -1 (reported when <paramref name="diagnostics"/> is given).</summary>
    private static int ResolveFunction(ConstantArg arg, ModuleContext context, List<DiagnosticInfo>? diagnostics)
    {
        int count = context.Spaces.FunctionCount;
        int index = -1;
        if (arg.Value is int i)
        {
            if (i >= 0 && i < count) return i;
        }
        else if (arg.Value is string name)
        {
            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed))
            {
                if (parsed < count) return parsed;
            }
            else
            {
                string bare = name.StartsWith("$", StringComparison.Ordinal) ? name.Substring(1) : name;
                var names = context.Module.Names;
                if (names.Section.Maps.TryGetValue(Wasm.Names.NameKind.Function, out var map))
                {
                    foreach (var pair in map.OrderBy(p => p.Key))
                    {
                        if (pair.Value == bare && pair.Key < count) return pair.Key;
                    }
                }
                foreach (var export in context.Module.Exports)
                {
                    if (export.Kind == ExternalKind.Function && export.Name == bare && export.Index < count) return export.Index;
                }
            }
        }
        var known = Enumerable.Range(0, count).Select(f => context.Module.Names.Function(f)).Where(n => n is not null).Take(12).ToList();
        string hint = count == 0 ? " (it has no functions)" : $" (it has functions 0 to {count - 1}{(known.Count == 0 ? "" : "; named: " + string.Join(", ", known))})";
        diagnostics?.Add(DiagnosticInfo.Create(D.UnknownFunction, arg.Location, context.Path, Target(arg), hint));
        return index;
    }

    /// <summary>An [ExpectLocal] of a line probe over several functions: by a name each of them gives a local of one
    /// type (its index may differ from function to function).</summary>
    private static ExpectationSpec? CommonLocal(ExpectationRequest e, ModuleContext context, ProbeSite site, List<DiagnosticInfo> diagnostics)
    {
        var indices = new int[site.Functions.Count];
        bool found = e.Target.Value is string name;
        for (int k = 0; k < indices.Length && found; k++)
        {
            indices[k] = NamedLocal(context, site.Functions[k], site.Analyses[k], (string)e.Target.Value!);
            found = indices[k] >= 0 && site.Analyses[k].Locals[indices[k]] == site.Analyses[0].Locals[indices[0]];
        }
        if (!found)
        {
            var names = site.Functions.Select(context.FunctionName).ToList();
            string where = $"{site.At} (code in {string.Join(", ", names.Take(names.Count - 1))} and {names[names.Count - 1]})";
            string common = string.Join(", ", FindCommonLocals(context, site.Functions, site.Analyses).Select(c => $"{c.Name} ({c.Type})"));
            diagnostics.Add(DiagnosticInfo.Create(D.UnknownLocal, e.Target.Location, where, Target(e.Target),
                $"a line in several functions has only the locals they all name alike, with one type: {(common.Length == 0 ? "none" : common)}"));
            return null;
        }
        var type = site.Analyses[0].Locals[indices[0]];
        string label = (string)e.Target.Value!;
        var value = Values.Convert(e.Value, type, out string? error);
        if (value is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, e.Value.Location, error!, type.ToString(), $", the type of local {label}"));
            return null;
        }
        return indices.All(i => i == indices[0])
            ? new ExpectationSpec(ExpectationKind.Local, indices[0], label, 0, 0, value, EquatableArray<byte>.Empty, "", e.Hit)
            : new ExpectationSpec(ExpectationKind.Local, indices[0], label, 0, 0, value, EquatableArray<byte>.Empty, "", e.Hit, site.Functions.ToEquatableArray(), indices.ToEquatableArray());
    }

    private static int FindLocal(ConstantArg target, ModuleContext context, int function, FunctionAnalysis analysis)
    {
        if (target.Value is int index) return index >= 0 && index < analysis.Locals.Count ? index : -1;
        if (target.Value is not string name) return -1;
        if (context.Module.Names.Section.IndirectMaps.TryGetValue(Wasm.Names.NameKind.Local, out var map) && map.TryGetValue(function, out var locals))
        {
            foreach (var pair in locals.OrderBy(p => p.Key))
            {
                if (pair.Value == name && pair.Key < analysis.Locals.Count) return pair.Key;
            }
        }
        // The fallback identifiers the typed view uses for unnamed locals (local3) name them here too.
        if (name.StartsWith("local", StringComparison.Ordinal) && int.TryParse(name.Substring(5), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n < analysis.Locals.Count && context.LocalName(function, n) is null)
            return n;
        return -1;
    }

    private static int FindGlobal(ConstantArg target, ModuleContext context)
    {
        int count = context.Spaces.Globals.Length;
        if (target.Value is int index) return index >= 0 && index < count ? index : -1;
        if (target.Value is not string name) return -1;
        string bare = name.StartsWith("$", StringComparison.Ordinal) ? name.Substring(1) : name;
        for (int i = 0; i < count; i++)
        {
            if (context.Module.Names.Global(i) == bare) return i;
        }
        if (bare.StartsWith("global", StringComparison.Ordinal) && int.TryParse(bare.Substring(6), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n < count && context.Module.Names.Global(n) is null)
            return n;
        return -1;
    }

    private static string LocalList(ModuleContext context, int function, FunctionAnalysis analysis)
    {
        long count = analysis.Locals.Count;
        if (count == 0) return "none";
        var shown = Enumerable.Range(0, (int)Math.Min(count, 16))
            .Select(i => $"{context.LocalName(function, i) ?? "local" + i.ToString(CultureInfo.InvariantCulture)} ({analysis.Locals[i]})");
        return string.Join(", ", shown) + (count > 16 ? $", ... {count} in all" : "");
    }

    private static string GlobalList(ModuleContext context)
    {
        int count = context.Spaces.Globals.Length;
        if (count == 0) return "none";
        var shown = Enumerable.Range(0, Math.Min(count, 16))
            .Select(i => $"{context.Module.Names.Global(i) ?? "global" + i.ToString(CultureInfo.InvariantCulture)} ({context.Spaces.Globals[i].Type})");
        return string.Join(", ", shown) + (count > 16 ? $", ... {count} in all" : "");
    }

    private static string Target(ConstantArg arg) => arg.Value switch
    {
        string s => $"'{s}'",
        int i => $"with index {i.ToString(CultureInfo.InvariantCulture)}",
        _ => Values.Describe(arg),
    };

    /// <summary>The four reachable instruction pcs nearest to <paramref name="pc"/>, in order.</summary>
    private static string Nearby(ProbedFunction probed, int pc)
    {
        var analysis = probed.Analysis;
        var candidates = Enumerable.Range(0, analysis.InstructionCount)
            .Where(analysis.IsReachable)
            .Select(probed.Pc)
            .OrderBy(offset => Math.Abs((long)offset - pc))
            .ThenBy(offset => offset)
            .Take(4)
            .OrderBy(offset => offset);
        return string.Join(", ", candidates.Select(offset => "0x" + Hex(offset)));
    }

    private static string InstructionText(Module module, int function, FunctionAnalysis analysis, int index)
    {
        try
        {
            return InstructionFormatter.Format(module, function, analysis.Code, analysis.Code[index]);
        }
        catch (Exception e) when (e is WasmFormatException or ArgumentException or InvalidOperationException)
        {
            return "?";
        }
    }

    private static string Hex(long value) => value.ToString("x", CultureInfo.InvariantCulture);

    private static string Count(long n, string singular = "value", string? plural = null) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? singular : plural ?? singular + "s");
}
