using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Generators;

// Ending binding: [ExpectFinish]'s results converted to the entry's result types, [ExpectTrap]'s code checked against
// the trap codes the runtime reports.
public sealed partial class WasmProbeGenerator
{
    /// <summary>The run's expected ending, or null (a normal ending) when the method has neither attribute or one is
    /// wrong (then a diagnostic says why).</summary>
    private static EndingSpec? Ending(ProbeClassRequest request, ProbeMethodRequest method, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        if (method.Ending is not { } ending) return null;
        if (method.HasBothEndings)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.SeveralEndings, ending.Location ?? method.NameLocation, method.Name));
            return null;
        }
        return ending.Trap ? Trap(method, ending, diagnostics) : Finish(request, method, ending, context, diagnostics);
    }

    private static EndingSpec? Trap(ProbeMethodRequest method, EndingRequest ending, List<DiagnosticInfo> diagnostics)
    {
        if (ending.Code is null) return new EndingSpec(true, EquatableArray<ValueSpec>.Empty, null);
        if (ending.Code.Value is string code && Array.IndexOf(TrapCodes.All, code) >= 0) return new EndingSpec(true, EquatableArray<ValueSpec>.Empty, code);
        diagnostics.Add(DiagnosticInfo.Create(D.UnknownTrapCode, ending.Code.Location ?? ending.Location, method.Name, Shown(ending.Code), string.Join(", ", TrapCodes.All)));
        return null;
    }

    private static EndingSpec? Finish(ProbeClassRequest request, ProbeMethodRequest method, EndingRequest ending, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        if (request.Entry is not { } entry)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.FinishMismatch, ending.Location, method.Name, "needs an entry to return them: set [WasmModule(Entry = ...)]"));
            return null;
        }
        // An entry that does not resolve is reported once, by the class's entry check.
        var resolution = EntryResolver.Resolve(context.Module, entry, request.Args.Count);
        if (!resolution.IsResolved) return null;
        var resolved = resolution.Value;
        var types = resolved.Type.Results;
        if (types.Length != ending.Results.Count)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.FinishMismatch, ending.Location, method.Name,
                $"has {Count(ending.Results.Count)} but '{entry}' returns {Count(types.Length)} ({resolved.Type})"));
            return null;
        }
        var results = new List<ValueSpec>();
        for (int i = 0; i < types.Length; i++)
        {
            var value = Values.Convert(ending.Results[i], types[i], out string? error);
            if (value is null) diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, ending.Results[i].Location ?? ending.Location, error!, types[i].ToString(), $", the type of result {i} of '{entry}'"));
            else results.Add(value);
        }
        return results.Count == types.Length ? new EndingSpec(false, results.ToEquatableArray(), null) : null;
    }
}
