using System.Globalization;

namespace WasmProbe.Generators;

// The stop views: a typed class per probe site (locals, arguments, results, operand stack, source variables, globals
// and memory) that the probe method is given.
public sealed partial class WasmProbeGenerator
{
    private const string StackSummary = "/// <summary>The operand stack: S0 is the top (depth 0, as in ExpectStack), S1 the value below it, ...</summary>";

    private static void EmitView(CodeWriter w, ProbeClassSpec spec, ViewSpec view)
    {
        if (view.Line is { } line) EmitLineView(w, spec, view, line);
        else if (view.Kind == ProbeKind.Write) EmitWriteView(w, spec, view);
        else if (view.Global is { } global) EmitGlobalWriteView(w, spec, view, global);
        else EmitFunctionView(w, spec, view);
    }

    /// <summary>The view of a stop in one function: at a breakpoint, a step, a call's entry or a return.</summary>
    private static void EmitFunctionView(CodeWriter w, ProbeClassSpec spec, ViewSpec view)
    {
        string function = view.Function.ToString(CultureInfo.InvariantCulture);
        string pc = "0x" + view.Pc.ToString("x", CultureInfo.InvariantCulture);
        string where = $"{Identifiers.Xml(view.FunctionName)}+{pc} (<c>{Identifiers.Xml(view.Instruction)}</c>)";
        bool steps = view.Kind == ProbeKind.Steps, returns = view.Kind == ProbeKind.Return;
        if (returns) where = $"a return of {Identifiers.Xml(view.FunctionName)}";
        w.Line(steps
            ? $"/// <summary>A stop while stepping from {where}: typed locals of {Identifiers.Xml(view.FunctionName)}, globals, memory, the untyped operand stack.</summary>"
            : $"/// <summary>The guest stopped before {where}: typed locals, operand stack (S0 = top), globals and memory.</summary>");
        w.Open($"public sealed class {view.TypeName} : {Probes}.{(steps ? "StepView" : returns ? "ReturnView" : "BreakpointView")}");
        string startModule = view.Module is { } module ? ", " + Identifiers.Literal(module) : "";
        w.Line(steps ? $"internal {view.TypeName}({Session} session, int step) : base(session, {function}, step{startModule}) {{ }}"
            : returns ? $"internal {view.TypeName}({Session} session, int hit, {Probes}.FunctionReturn @return) : base(session, {function}, hit, @return) {{ }}"
            : $"internal {view.TypeName}({Session} session, int hit) : base(session, {function}, {pc}, hit) {{ }}");
        w.Line();
        w.Line("private GlobalsView? _globals;");
        if (!steps) w.Line("private LocalsView? _locals;");
        if (!steps) w.Line("private StackView? _stack;");
        if (returns) w.Line("private ResultsView? _results;");
        w.Line();
        w.Line(steps
            ? $"/// <summary>The locals of {Identifiers.Xml(view.FunctionName)} (parameters first), while the step is in that function.</summary>"
            : $"/// <summary>The locals of {Identifiers.Xml(view.FunctionName)} (parameters first); setting one changes it when the guest resumes.</summary>");
        w.Line(steps ? "public LocalsView Locals => new LocalsView(this);" : "public LocalsView Locals => _locals ??= new LocalsView(Session);");
        if (view.Kind == ProbeKind.Call)
        {
            w.Line();
            w.Line($"/// <summary>The arguments of this call of {Identifiers.Xml(view.FunctionName)}, typed.</summary>");
            w.Line("public ArgsView Args => new ArgsView(Session);");
        }
        if (returns)
        {
            w.Line();
            w.Line($"/// <summary>The arguments this call of {Identifiers.Xml(view.FunctionName)} was made with, typed.</summary>");
            w.Line("public ArgsView Args => new ArgsView(this);");
            w.Line();
            w.Line("/// <summary>The results being returned, typed (a tail call's are not known: reading one throws); setting one makes the caller see it.</summary>");
            w.Line("public ResultsView Results => _results ??= new ResultsView(this);");
        }
        if (!steps)
        {
            w.Line();
            w.Line(StackSummary);
            w.Line("public StackView Stack => _stack ??= new StackView(Session);");
        }
        EmitGlobalsAndMemory(w, spec);
        EmitTypedForceReturn(w, view);
        EmitTypedForceThrows(w, spec);
        EmitSourceVariables(w, view);
        w.Line();
        w.Line($"/// <summary>The locals of {Identifiers.Xml(view.FunctionName)}, typed.</summary>");
        if (steps) OpenWrapper(w, "public readonly struct", "LocalsView", view.TypeName, "view");
        else OpenWrapper(w, "public sealed class", "LocalsView", Session, "session");
        foreach (var local in view.Locals)
        {
            string index = local.Index.ToString(CultureInfo.InvariantCulture);
            w.Line();
            w.Line($"/// <summary>Local {index}, {Identifiers.Xml(local.Description)}: {Identifiers.Xml(local.WasmType)}.</summary>");
            if (steps)
            {
                w.Open($"public {ClrType(local.Kind)} {local.Identifier}");
                w.Open("get");
                w.Line($"_view.RequireStartFunction({Identifiers.Literal(local.Identifier.TrimStart('@'))});");
                w.Line($"return {FromValue(local.Kind, $"_view.Session.Local({index})")};");
                w.Close();
                w.Close();
            }
            else
            {
                EmitSettable(w, local.Kind, local.Identifier, $"_session.Local({index})", $"_session.SetLocal({index}, value)");
            }
        }
        w.Close();
        if (view.Kind is ProbeKind.Call or ProbeKind.Return) EmitArgsView(w, view);
        if (returns) EmitResultsView(w, view);
        if (!steps)
        {
            w.Line();
            EmitStackView(w, view, $"before {Identifiers.Xml(view.FunctionName)}+{pc}");
        }
        w.Close();
    }

    /// <summary>A view's typed source variables (when the module has DWARF variables at the stop): a property per
    /// variable, read lazily from the stop, typed by the class's <c>SourceTypes</c>.</summary>
    private static void EmitSourceVariables(CodeWriter w, ViewSpec view)
    {
        if (view.Variables is not { } variables) return;
        w.Line();
        w.Line("/// <summary>The source variables (DWARF) in scope, with one type, at every location of this stop, typed; each is read when asked for and throws where the compiler kept no location for it (optimized out). <c>Frames[0].Variables</c> lists them untyped.</summary>");
        w.Line("public new SourceVariables Variables => new SourceVariables(this);");
        w.Line();
        w.Line("/// <summary>The source variables of this stop, typed.</summary>");
        OpenWrapper(w, "public sealed class", "SourceVariables", $"{Probes}.StopView", "stop");
        EmitSourceMembers(w, variables.Variables);
        w.Close();
    }

    /// <summary>The source types of the views' variables, once for the class: structure views and enums.</summary>
    private static void EmitSourceTypes(CodeWriter w, EquatableArray<SourceTypeSpec> types)
    {
        if (types.Count == 0) return;
        w.Line();
        w.Line("/// <summary>The source types of the stop views' variables: structure views and enums.</summary>");
        w.Open("public static class SourceTypes");
        bool first = true;
        foreach (var type in types)
        {
            if (!first) w.Line();
            first = false;
            w.Line($"/// <summary><c>{Identifiers.Xml(type.SourceType)}</c></summary>");
            if (type.IsEnum)
            {
                w.Open($"public enum {type.Identifier} : long");
                foreach (var e in type.Enumerators) w.Line($"{e.Identifier} = {e.Value.ToString(CultureInfo.InvariantCulture)}L,");
                w.Close();
                continue;
            }
            w.Open($"public sealed class {type.Identifier} : {Probes}.SourceView");
            w.Line($"internal {type.Identifier}({Variables}.VariableValue value) : base(value) {{ }}");
            EmitSourceMembers(w, type.Members);
            w.Close();
        }
        w.Close();
    }

    private static void EmitSourceMembers(CodeWriter w, IEnumerable<SourceMemberSpec> members)
    {
        foreach (var member in members)
        {
            w.Line();
            w.Line($"/// <summary><c>{Identifiers.Xml(member.SourceType)} {Identifiers.Xml(member.Name)}</c></summary>");
            w.Line($"public {member.ClrType} {member.Identifier} => {member.Read};");
        }
    }

    /// <summary>[OnCall] views: the parameters, which at the function's first instruction are the arguments;
    /// [OnReturn] views: the arguments the runner kept at the call's entry.</summary>
    private static void EmitArgsView(CodeWriter w, ViewSpec view)
    {
        bool kept = view.Kind == ProbeKind.Return;
        w.Line();
        w.Line($"/// <summary>The parameters of {Identifiers.Xml(view.FunctionName)} as the caller passed them.</summary>");
        OpenWrapper(w, "public readonly struct", "ArgsView", kept ? view.TypeName : Session, kept ? "view" : "session");
        foreach (var parameter in view.Args)
        {
            string index = parameter.Index.ToString(CultureInfo.InvariantCulture);
            w.Line();
            w.Line($"/// <summary>Parameter {index}, {Identifiers.Xml(parameter.Description)}: {Identifiers.Xml(parameter.WasmType)}.</summary>");
            w.Line($"public {ClrType(parameter.Kind)} {parameter.Identifier} => {FromValue(parameter.Kind, kept ? $"_view.Return.Args[{index}]" : $"_session.Local({index})")};");
        }
        w.Close();
    }

    private static void EmitResultsView(CodeWriter w, ViewSpec view)
    {
        w.Line();
        w.Line($"/// <summary>The results {Identifiers.Xml(view.FunctionName)} returns.</summary>");
        OpenWrapper(w, "public sealed class", "ResultsView", view.TypeName, "view");
        foreach (var result in view.Results)
        {
            string index = result.Index.ToString(CultureInfo.InvariantCulture);
            w.Line();
            w.Line($"/// <summary>Result {index}: {Identifiers.Xml(result.WasmType)}.</summary>");
            EmitSettable(w, result.Kind, result.Identifier, $"_view.Result({index})", $"_view.SetResult({index}, value)");
        }
        w.Close();
    }

    private static void EmitStackView(CodeWriter w, ViewSpec view, string where)
    {
        w.Line($"/// <summary>The operand stack {where}, typed by the stack analysis: S0 is the top. Setting a value of the stop's own block changes it when the guest resumes.</summary>");
        OpenWrapper(w, "public sealed class", "StackView", Session, "session");
        w.Line();
        w.Line("/// <summary>How many values the operand stack holds here.</summary>");
        w.Line($"public int Count => {view.Stack.Count.ToString(CultureInfo.InvariantCulture)};");
        foreach (var slot in view.Stack)
        {
            w.Line();
            w.Line($"/// <summary>{Identifiers.Xml(slot.Description)} (slot {slot.Index.ToString(CultureInfo.InvariantCulture)} counted from the bottom): {Identifiers.Xml(slot.WasmType)}.</summary>");
            string index = slot.Index.ToString(CultureInfo.InvariantCulture);
            EmitSettable(w, slot.Kind, slot.Identifier, $"_session.StackSlot({index})", $"_session.SetStackSlot({index}, value)");
        }
        w.Close();
    }

    /// <summary>The view of a [BreakAtLine] stop: typed like a [BreakAt] view when the line starts in one function;
    /// over several functions, the locals they all name alike (their indices chosen by the function stopped in); the
    /// stack typed when it is the same at every location, else untyped.</summary>
    private static void EmitLineView(CodeWriter w, ProbeClassSpec spec, ViewSpec view, LineSpec line)
    {
        bool single = line.Functions.Count == 1;
        string lineText = line.Line.ToString(CultureInfo.InvariantCulture);
        string functionNames = NameList(line.Locations.Select(l => l.FunctionName).Distinct().ToList(), "and");
        string places = NameList(line.Locations.Select(l => $"{Identifiers.Xml(l.FunctionName)}+0x{l.Pc.ToString("x", CultureInfo.InvariantCulture)} (<c>{Identifiers.Xml(l.Instruction)}</c>)").ToList(), "or");
        string resolved = line.ResolvedFiles == line.File ? "" : $" ({Identifiers.Xml(line.ResolvedFiles)})";
        w.Line($"/// <summary>The guest stopped at the start of line {lineText} of {Identifiers.Xml(line.File)}{resolved}, before {places}: " +
            (single ? "typed locals" : $"the locals {Identifiers.Xml(functionNames)} all name alike") + (line.TypedStack ? ", operand stack (S0 = top)" : ", operand stack (untyped)") + ", globals and memory.</summary>");
        w.Open($"public sealed class {view.TypeName} : {Probes}.LineView");
        w.Line($"internal {view.TypeName}({Session} session, int hit) : base(session, {Identifiers.Literal(line.File)}, {lineText}, hit) {{ }}");
        w.Line();
        w.Line("private GlobalsView? _globals;");
        w.Line("private LocalsView? _locals;");
        if (line.TypedStack) w.Line("private StackView? _stack;");
        w.Line();
        if (single)
        {
            w.Line($"/// <summary>The locals of {Identifiers.Xml(view.FunctionName)} (parameters first); setting one changes it when the guest resumes.</summary>");
            w.Line("public LocalsView Locals => _locals ??= new LocalsView(Session);");
        }
        else
        {
            w.Line($"/// <summary>The locals that {Identifiers.Xml(functionNames)} all name alike, with one type (Frames[0].Locals has all of the function stopped in); setting one changes it when the guest resumes.</summary>");
            w.Line("public LocalsView Locals => _locals ??= new LocalsView(Session, Function);");
        }
        w.Line();
        if (line.TypedStack)
        {
            w.Line(StackSummary);
            w.Line("public StackView Stack => _stack ??= new StackView(Session);");
        }
        else
        {
            w.Line("/// <summary>The operand stack, untyped because its types differ between the line's locations: <c>Stack[0]</c> is the top.</summary>");
            w.Line($"public {Probes}.OperandStack Stack => new {Probes}.OperandStack(Session.Frames[0].Stack);");
        }
        EmitGlobalsAndMemory(w, spec);
        EmitTypedForceReturn(w, view);
        EmitTypedForceThrows(w, spec);
        EmitSourceVariables(w, view);
        w.Line();
        w.Line(single
            ? $"/// <summary>The locals of {Identifiers.Xml(view.FunctionName)}, typed.</summary>"
            : $"/// <summary>The locals that {Identifiers.Xml(functionNames)} all name alike, typed; each reads the local of the function stopped in.</summary>");
        w.Open("public sealed class LocalsView");
        w.Line($"private readonly {Session} _session;");
        if (!single) w.Line("private readonly int _function;");
        w.Line();
        w.Line(single
            ? $"internal LocalsView({Session} session) {{ _session = session; }}"
            : $"internal LocalsView({Session} session, int function) {{ _session = session; _function = function; }}");
        foreach (var local in view.Locals)
        {
            w.Line();
            string index = local.PerFunction.Count == 0 || local.PerFunction.All(i => i == local.PerFunction[0])
                ? local.Index.ToString(CultureInfo.InvariantCulture)
                : "_function switch { " + string.Join(", ", Enumerable.Range(0, local.PerFunction.Count).Select(k =>
                    (k == local.PerFunction.Count - 1 ? "_" : line.Functions[k].ToString(CultureInfo.InvariantCulture)) + " => " + local.PerFunction[k].ToString(CultureInfo.InvariantCulture))) + " }";
            string what = single ? $"Local {local.Index.ToString(CultureInfo.InvariantCulture)}, {Identifiers.Xml(local.Description)}" : $"The {Identifiers.Xml(local.Description)}";
            w.Line($"/// <summary>{what}: {Identifiers.Xml(local.WasmType)}.</summary>");
            EmitSettable(w, local.Kind, local.Identifier, $"_session.Local({index})", $"_session.SetLocal({index}, value)");
        }
        w.Close();
        if (line.TypedStack)
        {
            w.Line();
            EmitStackView(w, view, $"at the start of line {lineText}");
        }
        w.Close();
    }

    private static void EmitWriteView(CodeWriter w, ProbeClassSpec spec, ViewSpec view)
    {
        w.Line("/// <summary>The guest is about to write into a watched range: the write's function, pc, address, length, old and new bytes; globals and memory.</summary>");
        w.Open($"public sealed class {view.TypeName} : {Probes}.WriteView");
        w.Line($"internal {view.TypeName}({Session} session, int hit, global::WasmProbe.Watchpoints.WriteHit write) : base(session, hit, write) {{ }}");
        w.Line();
        w.Line("private GlobalsView? _globals;");
        EmitGlobalsAndMemory(w, spec);
        w.Close();
    }

    private static void EmitGlobalWriteView(CodeWriter w, ProbeClassSpec spec, ViewSpec view, TypedSlot global)
    {
        string type = ClrType(global.Kind);
        w.Line($"/// <summary>A <c>global.set</c> of {Identifiers.Xml(global.Identifier)} ({Identifiers.Xml(global.WasmType)}) is about to run: its function, pc, the old and new value; globals and memory.</summary>");
        w.Open($"public sealed class {view.TypeName} : {Probes}.GlobalWriteView");
        w.Line($"internal {view.TypeName}({Session} session, int hit, global::WasmProbe.Watchpoints.GlobalWriteHit write) : base(session, hit, write) {{ }}");
        w.Line();
        w.Line("private GlobalsView? _globals;");
        w.Line();
        w.Line($"/// <summary>The value of {Identifiers.Xml(global.Identifier)} before the write.</summary>");
        w.Line($"public {type} OldValue => {FromValue(global.Kind, "Write.OldValue")};");
        w.Line();
        w.Line($"/// <summary>The value the write gives {Identifiers.Xml(global.Identifier)}.</summary>");
        w.Line($"public {type} NewValue => {FromValue(global.Kind, "Write.NewValue")};");
        EmitGlobalsAndMemory(w, spec);
        w.Close();
    }

    /// <summary>ForceReturn typed by the function's results, so that a wrong count or type does not compile: the untyped
    /// base method is hidden by an obsolete-as-error one, which overload resolution picks only when the typed one does
    /// not fit. Not for results of reference types (they cannot be forced) nor lines in several functions.</summary>
    private static void EmitTypedForceReturn(CodeWriter w, ViewSpec view)
    {
        if (view.Returns is not { } results || results.Any(r => r.Kind == ClrKind.Reference)) return;
        string parameters = string.Join(", ", results.Select(r => $"{ClrType(r.Kind)} r{r.Index.ToString(CultureInfo.InvariantCulture)}"));
        string arguments = string.Join(", ", results.Select(r => "r" + r.Index.ToString(CultureInfo.InvariantCulture)));
        string types = "(" + string.Join(", ", results.Select(r => r.WasmType)) + ")";
        w.Line();
        w.Line($"/// <summary>Makes {Identifiers.Xml(view.FunctionName)} return {Identifiers.Xml(types)} to its caller when the guest resumes, without running the rest of it.</summary>");
        w.Line($"public void ForceReturn({parameters}) => base.ForceReturn({arguments});");
        w.Line();
        w.Line($"/// <summary>Not for {Identifiers.Xml(view.FunctionName)}: its results are {Identifiers.Xml(types)}.</summary>");
        w.Line($"[global::System.Obsolete({Identifiers.Literal($"{view.FunctionName} returns {types}: call ForceReturn({parameters})")}, true)]");
        w.Line("public new void ForceReturn(params object?[] results) => base.ForceReturn(results);");
    }

    /// <summary>A ForceThrow per tag the module's stops can throw, typed by its payload, so that a wrong count or type
    /// does not compile (the untyped ForceThrow(tag, payload) stays for tags chosen at run time).</summary>
    private static void EmitTypedForceThrows(CodeWriter w, ProbeClassSpec spec)
    {
        foreach (var tag in spec.Tags)
        {
            string parameters = string.Join(", ", tag.Payload.Select(p => $"{ClrType(p.Kind)} {p.Identifier}"));
            string arguments = string.Join("", tag.Payload.Select(p => ", " + p.Identifier));
            string types = "(" + string.Join(", ", tag.Payload.Select(p => p.WasmType)) + ")";
            w.Line();
            w.Line($"/// <summary>Makes the guest throw {Identifiers.Xml(tag.DisplayName)} {Identifiers.Xml(types)} at this stop when it resumes, as a <c>throw</c> here would.</summary>");
            w.Line($"public void ForceThrow_{tag.Identifier}({parameters}) => base.ForceThrow({tag.Index.ToString(CultureInfo.InvariantCulture)}{arguments});");
        }
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    private static string NameList(IReadOnlyList<string> items, string conjunction) =>
        items.Count <= 1 ? string.Join("", items) : string.Join(", ", items.Take(items.Count - 1)) + $" {conjunction} " + items[items.Count - 1];

    /// <summary>A view's typed globals and its memory 0 (when the module has one).</summary>
    private static void EmitGlobalsAndMemory(CodeWriter w, ProbeClassSpec spec)
    {
        w.Line();
        w.Line("/// <summary>The module's globals, typed.</summary>");
        w.Line("public GlobalsView Globals => _globals ??= new GlobalsView(this);");
        if (spec.MemoryCount == 0) return;
        w.Line();
        w.Line("/// <summary>Memory 0.</summary>");
        w.Line($"public {MemoryAccess} Memory => Session.Memory(0);");
    }

    /// <summary>A frame value's property: references are read-only (the host cannot make them up).</summary>
    private static void EmitSettable(CodeWriter w, ClrKind kind, string identifier, string read, string write)
    {
        if (kind == ClrKind.Reference)
        {
            w.Line($"public {ClrType(kind)} {identifier} => {FromValue(kind, read)};");
            return;
        }
        w.Open($"public {ClrType(kind)} {identifier}");
        w.Line($"get => {FromValue(kind, read)};");
        w.Line($"set => {write};");
        w.Close();
    }
}
