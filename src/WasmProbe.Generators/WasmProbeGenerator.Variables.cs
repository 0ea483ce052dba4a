using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Generators;

// Source variables: [ExpectVariable] paths checked against the DWARF scopes at every location of the probe, as the
// runtime resolves them at the stop (VariablePath), and their values converted to the source type (ExpectedValue).
public sealed partial class WasmProbeGenerator
{
    private static ExpectationSpec? Variable(ExpectationRequest e, ModuleContext context, ProbeSite site, List<DiagnosticInfo> diagnostics)
    {
        if (site.View.Kind is not (ProbeKind.Breakpoint or ProbeKind.Line or ProbeKind.Steps))
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ExpectationNotAtThisProbe, e.AttributeLocation, "ExpectVariable",
                "a stop at an instruction of a function's body ([BreakAt], [BreakAtLine], [StepFrom])", ProbeAttributeName(site.View.Kind)));
            return null;
        }
        string path = e.Target.Value as string ?? "";
        if (context.DwarfError is { } error)
        {
            diagnostics.Add(DwarfDiagnostic(error, e.Target.Location, context));
            return null;
        }
        var dwarf = context.Dwarf!;
        if (dwarf.CompileUnits.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.NoDebugInfo, e.Target.Location, context.Path, path));
            return null;
        }
        ExpectedValue? expected = null;
        string? unavailable = null, root = null;
        bool available = false;
        foreach (var (pc, where) in StopPcs(site))
        {
            DwarfVariable variable;
            DwarfType type;
            try
            {
                (variable, type) = VariablePath.Check(path, dwarf.VariablesAt(pc));
            }
            catch (DwarfFormatException dwarfError)
            {
                diagnostics.Add(DwarfDiagnostic(dwarfError, e.Target.Location, context));
                return null;
            }
            catch (VariablePathException pathError)
            {
                var descriptor = pathError.Error == VariablePathError.UnknownVariable ? D.UnknownVariable : D.VariablePathMismatch;
                diagnostics.Add(DiagnosticInfo.Create(descriptor, e.Target.Location, path, where, pathError.Message));
                return null;
            }
            root = variable.Name;
            if (variable.IsAvailableAt(pc)) available = true;
            else unavailable = unavailable is null ? where : unavailable + ", " + where;
            if (expected is null)
            {
                expected = ExpectedValue.Convert(e.Value.Value, type, out string hint);
                if (expected is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, e.Value.Location, Values.Describe(e.Value), type.Name, $", the type of variable {path}{hint}"));
                    return null;
                }
            }
        }
        if (!available)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.VariableUnavailable, e.Target.Location, path, root!, unavailable!));
            return null;
        }
        return new ExpectationSpec(ExpectationKind.Variable, 0, path, 0, 0, null, EquatableArray<byte>.Empty, "", e.Hit, Variable: expected);
    }

    /// <summary>The typed source variables of a view: the parameters and locals (not the unit's globals) in scope
    /// with one type at every pc of the stop; null without DWARF variables there.</summary>
    private static SourceVariablesSpec? SourceVariables(ModuleContext context, IEnumerable<int> pcs)
    {
        if (context.DwarfError is not null || context.Dwarf is not { CompileUnits.Count: > 0 } dwarf) return null;
        try
        {
            List<DwarfVariable>? common = null;
            foreach (int pc in pcs)
            {
                var scope = dwarf.VariablesAt(pc).Where(v => v.Kind != VariableKind.Global).ToList();
                common = common is null ? scope : [.. common.Where(c => scope.Any(s => s.Name == c.Name && s.Type.Name == c.Type.Name))];
            }
            if (common is not { Count: > 0 }) return null;
            var mapper = context.SourceTypes;
            var identifiers = Identifiers.Assign(common.Select(v => v.Name).ToList(), "variable", ["SourceVariables", "_stop"]);
            var variables = common.Select((v, i) =>
            {
                var (clr, read) = mapper.Map(v.Type);
                return new SourceMemberSpec(v.Name, identifiers[i], v.Type.Name, clr, string.Format(System.Globalization.CultureInfo.InvariantCulture, read, $"_stop.Variable({Identifiers.Literal(v.Name)})"));
            }).ToEquatableArray();
            return new SourceVariablesSpec(variables);
        }
        catch (DwarfFormatException)
        {
            return null; // the view keeps its untyped Variables; [ExpectVariable] reports the DWARF's problem
        }
    }

    /// <summary>The pcs the probe stops at, with how messages name each: <c>insertion_sort+0x3a2</c>, or for a line
    /// probe <c>sort.c:33 (insertion_sort+0x3a2)</c>.</summary>
    private static IEnumerable<(int Pc, string Where)> StopPcs(ProbeSite site) => site.View.Line is { } line
        ? line.Locations.Select(l => (l.Pc, $"{site.At} ({l.FunctionName}+0x{Hex(l.Pc)})"))
        : [(site.View.Pc, site.At)];
}
