using System.Globalization;

namespace WasmProbe.Generators;

// The test methods: one per probe method, handing the probe (its site, expectations and ending) and the call of the
// probe method to the ProbeRunner.
public sealed partial class WasmProbeGenerator
{
    private static void EmitTest(CodeWriter w, ProbeClassSpec spec, ProbeMethodSpec method)
    {
        if (method.Line is { } line) EmitLineTest(w, spec, method, line);
        else if (method.Kind == ProbeKind.Return) EmitReturnTest(w, spec, method);
        else if (method.Kind == ProbeKind.Write) EmitWriteTest(w, spec, method, method.Watch!);
        else if (method.Kind == ProbeKind.GlobalWrite) EmitGlobalWriteTest(w, spec, method, spec.Views.First(v => v.TypeName == method.ViewTypeName).Global!);
        else EmitBreakpointTest(w, spec, method);
    }

    /// <summary>The test of a [BreakAt], [OnCall] or [StepFrom] probe.</summary>
    private static void EmitBreakpointTest(CodeWriter w, ProbeClassSpec spec, ProbeMethodSpec method)
    {
        bool steps = method.Kind == ProbeKind.Steps;
        string pc = "0x" + method.Pc.ToString("x", CultureInfo.InvariantCulture);
        string function = method.Function.ToString(CultureInfo.InvariantCulture);
        string call = ProbeCall(method, steps ? "step" : "hit");
        w.Line($"/// <summary>Runs probe method <c>{Identifiers.Xml(method.MethodName)}</c> ({(steps ? "stepping from" : "breakpoint at")} {Identifiers.Xml(method.ViewTypeName)}).</summary>");
        if (spec.EmitFacts) w.Line($"[global::Xunit.FactAttribute(DisplayName = {Identifiers.Literal(method.DisplayName)})]");
        w.Open($"public void {method.TestMethodName}()");
        w.Line(steps ? $"{Probes}.ProbeRunner.RunSteps(" : $"{Probes}.ProbeRunner.RunBreakpoint(");
        w.Indent++;
        w.Line("WasmModule,");
        string head = steps
            ? $"new {Probes}.StepProbe({Identifiers.Literal(method.DisplayName)}, {function}, {pc}, {Int(method.Hit)}, {Int(method.Steps)}, {Probes}.StepMode.{(method.StepMode == 1 ? "Into" : "Over")}, {Bool(method.Optional)}, "
            : $"new {Probes}.BreakpointProbe({Identifiers.Literal(method.DisplayName)}, {function}, {pc}, {Int(method.Hit)}, {Bool(method.Optional)}, ";
        EmitExpectations(w, head, method);
        w.Line($"(session, {(steps ? "step" : "hit")}) => {call});");
        w.Indent--;
        w.Close();
    }

    private static void EmitReturnTest(CodeWriter w, ProbeClassSpec spec, ProbeMethodSpec method)
    {
        string call = ProbeCall(method, "hit, @return");
        w.Line($"/// <summary>Runs probe method <c>{Identifiers.Xml(method.MethodName)}</c> (every return, {Identifiers.Xml(method.ViewTypeName)}).</summary>");
        if (spec.EmitFacts) w.Line($"[global::Xunit.FactAttribute(DisplayName = {Identifiers.Literal(method.DisplayName)})]");
        w.Open($"public void {method.TestMethodName}()");
        w.Line($"{Probes}.ProbeRunner.RunReturn(");
        w.Indent++;
        w.Line("WasmModule,");
        EmitExpectations(w, $"new {Probes}.ReturnProbe({Identifiers.Literal(method.DisplayName)}, {Int(method.Function)}, {Int(method.Hit)}, {Bool(method.Optional)}, ", method);
        w.Line($"(session, hit, @return) => {call});");
        w.Indent--;
        w.Close();
    }

    private static void EmitWriteTest(CodeWriter w, ProbeClassSpec spec, ProbeMethodSpec method, WatchSpec range) =>
        EmitWatchTest(w, spec, method, "every write into the range", "RunWrite", $"new {Probes}.WriteProbe({Identifiers.Literal(method.DisplayName)}, {Watchpoint(range)}, ");

    private static void EmitGlobalWriteTest(CodeWriter w, ProbeClassSpec spec, ProbeMethodSpec method, TypedSlot global) =>
        EmitWatchTest(w, spec, method, $"every write of {Identifiers.Xml(global.Identifier)}", "RunGlobalWrite", $"new {Probes}.GlobalWriteProbe({Identifiers.Literal(method.DisplayName)}, {Int(global.Index)}, ");

    /// <summary>The test of a [BreakOnWrite] or [BreakOnGlobalWrite] probe: the runner gets (session, hit, write).</summary>
    private static void EmitWatchTest(CodeWriter w, ProbeClassSpec spec, ProbeMethodSpec method, string what, string runner, string probeHead)
    {
        string call = ProbeCall(method, "hit, write");
        w.Line($"/// <summary>Runs probe method <c>{Identifiers.Xml(method.MethodName)}</c> ({what}, {Identifiers.Xml(method.ViewTypeName)}).</summary>");
        if (spec.EmitFacts) w.Line($"[global::Xunit.FactAttribute(DisplayName = {Identifiers.Literal(method.DisplayName)})]");
        w.Open($"public void {method.TestMethodName}()");
        w.Line($"{Probes}.ProbeRunner.{runner}(");
        w.Indent++;
        w.Line("WasmModule,");
        EmitExpectations(w, probeHead + $"{Int(method.Hit)}, {Bool(method.Optional)}, ", method);
        w.Line($"(session, hit, write) => {call});");
        w.Indent--;
        w.Close();
    }

    private static string Watchpoint(WatchSpec range) =>
        $"new global::WasmProbe.Watchpoints.WriteWatchpoint({Int(range.Memory)}, 0x{Hex(range.Address)}L, 0x{Hex(range.Length)}L)";

    private static void EmitLineTest(CodeWriter w, ProbeClassSpec spec, ProbeMethodSpec method, LineSpec line)
    {
        const string Location = "global::WasmProbe.Wasm.Model.CodeLocation";
        string call = ProbeCall(method, "hit");
        string lineText = line.Line.ToString(CultureInfo.InvariantCulture);
        w.Line($"/// <summary>Runs probe method <c>{Identifiers.Xml(method.MethodName)}</c> (breakpoint at line {lineText} of {Identifiers.Xml(line.File)}, {Identifiers.Xml(method.ViewTypeName)}).</summary>");
        if (spec.EmitFacts) w.Line($"[global::Xunit.FactAttribute(DisplayName = {Identifiers.Literal(method.DisplayName)})]");
        w.Open($"public void {method.TestMethodName}()");
        w.Line($"{Probes}.ProbeRunner.RunLineBreakpoint(");
        w.Indent++;
        w.Line("WasmModule,");
        w.Line($"new {Probes}.LineProbe({Identifiers.Literal(method.DisplayName)}, {Identifiers.Literal(line.File)}, {lineText},");
        w.Indent++;
        w.Line($"new {Location}[] {{ {string.Join(", ", line.Locations.Select(l => $"new {Location}({Int(l.Function)}, 0x{l.Pc.ToString("x", CultureInfo.InvariantCulture)})"))} }},");
        string head = $"{Int(method.Hit)}, {Bool(method.Optional)}, ";
        EmitExpectations(w, head, method);
        w.Indent--;
        w.Line($"(session, hit) => {call});");
        w.Indent--;
        w.Close();
    }

    /// <summary>The call of the probe method from the runner's callback, whose stop parameters (after the session) are
    /// <paramref name="stop"/>.</summary>
    private static string ProbeCall(ProbeMethodSpec method, string stop)
    {
        string target = method.IsStatic ? method.MethodName : "this." + method.MethodName;
        string argument = method.Parameter switch
        {
            ParameterKind.View => $"new {method.ViewTypeName}(session, {stop})",
            ParameterKind.Session => "session",
            _ => "",
        };
        return $"{target}({argument})";
    }

    /// <summary>The probe's last arguments: its expectations, then its ending when it has one.</summary>
    private static void EmitExpectations(CodeWriter w, string head, ProbeMethodSpec method)
    {
        string ending = (method.Ending is { } e ? ", Ending: " + Ending(e) : "")
            + (method.ImportCalls.Count > 0 ? $", ImportCalls: new {Probes}.ImportCallExpectation[] {{ {string.Join(", ", method.ImportCalls.Select(c => $"new {Probes}.ImportCallExpectation({Identifiers.Literal(c.Module)}, {Identifiers.Literal(c.Name)}, {Int(c.Count)})"))} }}" : "")
            + (method.NoWrites.Count > 0 ? $", NoWrites: new global::WasmProbe.Watchpoints.WriteWatchpoint[] {{ {string.Join(", ", method.NoWrites.Select(Watchpoint))} }}" : "")
            + (method.Module is { } module ? ", Module: " + Identifiers.Literal(module) : "")
            + (method.EarlyReturns ? ", EarlyReturns: true" : "");
        if (method.Expectations.Count == 0)
        {
            w.Line(head + $"global::System.Array.Empty<{Probes}.Expectation>(){ending}),");
            return;
        }
        w.Line(head + $"new {Probes}.Expectation[]");
        w.Line("{");
        w.Indent++;
        foreach (var expectation in method.Expectations) w.Line(Expectation(expectation) + ",");
        w.Indent--;
        w.Line($"}}{ending}),");
    }

    private static string Ending(EndingSpec ending) => ending.Trap
        ? $"{Probes}.ExpectedEnding.Trap({(ending.TrapCode is { } code ? Identifiers.Literal(code) : "null")})"
        : $"{Probes}.ExpectedEnding.Finish({string.Join(", ", ending.Results.Select(Literal))})";

    private static string Expectation(ExpectationSpec e)
    {
        string hit = Int(e.Hit);
        return e.Kind switch
        {
            ExpectationKind.Local when e.Functions.Count > 0 =>
                $"{Probes}.Expectation.Local(new int[] {{ {string.Join(", ", e.Functions.Select(Int))} }}, new int[] {{ {string.Join(", ", e.Indices.Select(Int))} }}, {Identifiers.Literal(e.Label)}, {Literal(e.Value!)}, {hit})",
            ExpectationKind.Local => $"{Probes}.Expectation.Local({Int(e.Index)}, {Identifiers.Literal(e.Label)}, {Literal(e.Value!)}, {hit})",
            ExpectationKind.Stack => $"{Probes}.Expectation.Stack({Int(e.Depth)}, {Int(e.Index)}, {Literal(e.Value!)}, {hit})",
            ExpectationKind.Arg => $"{Probes}.Expectation.Arg({Int(e.Index)}, {Identifiers.Literal(e.Label)}, {Literal(e.Value!)}, {hit})",
            ExpectationKind.Result => $"{Probes}.Expectation.Result({Int(e.Index)}, {Literal(e.Value!)}, {hit})",
            ExpectationKind.Variable => $"{Probes}.Expectation.Variable({Identifiers.Literal(e.Label)}, {Literal(e.Variable!)}, {hit})",
            ExpectationKind.Global => $"{Probes}.Expectation.Global({Int(e.Index)}, {Identifiers.Literal(e.Label)}, {Literal(e.Value!)}, {hit})",
            _ => $"{Probes}.Expectation.Memory({Int(e.Index)}, 0x{e.Address.ToString("x", CultureInfo.InvariantCulture)}L, new byte[] {{ {string.Join(", ", e.Bytes.Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture)))} }}, {Probes}.MemoryFormat.{e.MemoryFormat}, {hit})",
        };
    }
}
