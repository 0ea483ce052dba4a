using System.Globalization;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Generators;

// Write watches: the ranges of [BreakOnWrite] and [ExpectNoWrite], resolved as DebugSession.AddWatchpoint resolves
// them (WatchRangeResolver), and within the memory's declared minimum size.
public sealed partial class WasmProbeGenerator
{
    /// <summary>[BreakOnWrite]: its view is that of a write into the range (no frame: the guest is in the write check).</summary>
    private static ProbeSite? WriteSite(WatchRequest watch, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        if (WatchRange(watch, "BreakOnWrite", context, diagnostics) is not { } range) return null;
        string typeName = watch.Address.Value is string variable
            ? "Write_" + Identifiers.Sanitize(variable.Replace(" ", "")).TrimStart('_')
            : "Write_0x" + Hex(range.Address) + (range.Memory == 0 ? "" : "_M" + range.Memory.ToString(CultureInfo.InvariantCulture));
        var view = new ViewSpec(typeName, ProbeKind.Write, -1, "", 0, "", EquatableArray<TypedSlot>.Empty, EquatableArray<TypedSlot>.Empty);
        return new ProbeSite(Range(range), view, [], [], null, null, range);
    }

    /// <summary>[BreakOnGlobalWrite]: the global resolved as <c>DebugSession.AddGlobalWatchpoint</c> resolves it; its
    /// view has the old and new value, typed.</summary>
    private static ProbeSite? GlobalWriteSite(ConstantArg argument, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        var resolution = argument.Value switch
        {
            int index => GlobalResolver.Resolve(context.Module, index),
            string text => GlobalResolver.Resolve(context.Module, text),
            _ => new ResolutionProblem(ResolutionStatus.GlobalNotFound, "not a global name or index"),
        };
        if (!resolution.IsResolved)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.UnknownGlobal, argument.Location, context.Path, Target(argument), GlobalList(context)));
            return null;
        }
        if (WatchRangeResolver.Global(context.Module, resolution).Problem is { } problem)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.GlobalNotWatchable, argument.Location, problem.Message));
            return null;
        }
        int global = resolution.Value;
        var type = context.Spaces.Globals[global].Type;
        string? name = context.Module.Names.Global(global);
        string label = name ?? "global" + global.ToString(CultureInfo.InvariantCulture);
        var slot = new TypedSlot(global, label, Values.Kind(type), type.ToString(), "global " + label);
        var view = new ViewSpec("Global_" + Identifiers.Sanitize(label).TrimStart('_') + "_Write", ProbeKind.GlobalWrite, -1, "", 0, "",
            EquatableArray<TypedSlot>.Empty, EquatableArray<TypedSlot>.Empty, Global: slot);
        return new ProbeSite(label, view, [], [], null, null);
    }

    /// <summary>[ExpectNoWrite]: on any probe that runs the guest with static instrumentation.</summary>
    private static WatchSpec? NoWrite(WatchRequest watch, ProbeKind kind, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        if (kind == ProbeKind.Steps)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ExpectationNotAtThisProbe, watch.Location, "ExpectNoWrite", "a probe that runs the guest on (not one that steps it)", ProbeAttributeName(kind)));
            return null;
        }
        return WatchRange(watch, "ExpectNoWrite", context, diagnostics);
    }

    /// <summary>The range, or null with its diagnostic.</summary>
    private static WatchSpec? WatchRange(WatchRequest watch, string attribute, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        if (watch.Address.Value is string variable) return VariableRange(watch, variable, attribute, context, diagnostics);
        if (Integer(watch.Address.Value) is not { } address)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, watch.Address.Location, Values.Describe(watch.Address), "an address", " (a long)"));
            return null;
        }
        if (Integer(watch.Length.Value) is not { } length)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, watch.Length.Location, Values.Describe(watch.Length), "a length", " (a long)"));
            return null;
        }
        var resolution = WatchRangeResolver.Resolve(context.Module, watch.Memory, address, length, withinMinimum: true);
        if (resolution.Problem is not { } problem) return new WatchSpec(watch.Memory, address, length);
        var memories = context.Spaces.Memories;
        string memory = watch.Memory.ToString(CultureInfo.InvariantCulture);
        diagnostics.Add(problem.Status switch
        {
            ResolutionStatus.MemoryIndexOutOfRange => DiagnosticInfo.Create(D.MemoryOutOfRange, watch.MemoryLocation, $"memory {memory}",
                memories.Length == 0 ? "the module's memories: it has none" : $"the module's memories: it has {Count(memories.Length, "memory", "memories")}"),
            ResolutionStatus.WatchRangeOutsideMemory => DiagnosticInfo.Create(D.MemoryOutOfRange, watch.Address.Location, Range(new WatchSpec(watch.Memory, address, length)),
                MinimumSize(context, watch.Memory)),
            _ => DiagnosticInfo.Create(D.RangeNotWatchable, problem.Status == ResolutionStatus.WatchRangeEmpty ? watch.Length.Location : watch.MemoryLocation, attribute, memory, problem.Message),
        });
        return null;
    }

    /// <summary>A source variable's bytes, from the module's DWARF (memory 0).</summary>
    private static WatchSpec? VariableRange(WatchRequest watch, string variable, string attribute, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        if (context.DwarfError is { } error)
        {
            diagnostics.Add(DwarfDiagnostic(error, watch.Address.Location, context));
            return null;
        }
        if (watch.Memory != 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.RangeNotWatchable, watch.MemoryLocation, attribute, watch.Memory.ToString(CultureInfo.InvariantCulture), "a source variable lies in memory 0"));
            return null;
        }
        Resolution<VariableRange> found;
        try
        {
            found = WatchRangeResolver.ResolveVariable(context.Dwarf!, variable);
        }
        catch (Wasm.Dwarf.DwarfFormatException e)
        {
            diagnostics.Add(DwarfDiagnostic(e, watch.Address.Location, context));
            return null;
        }
        if (found.Problem is { } problem)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.UnknownWatchedVariable, watch.Address.Location, attribute, problem.Message));
            return null;
        }
        var range = found.Value;
        return WatchRange(watch with { Address = watch.Address with { Value = range.Address }, Length = watch.Address with { Value = range.Length } }, attribute, context, diagnostics);
    }

    private static long? Integer(object? value) => value switch { long l => l, int i => i, uint u => u, short s => s, ushort us => us, byte b => b, sbyte sb => sb, _ => null };

    private static string Range(WatchSpec range) =>
        $"{(range.Memory == 0 ? "memory" : "memory " + range.Memory.ToString(CultureInfo.InvariantCulture))}[0x{Hex(range.Address)}..0x{Hex(range.Address + range.Length)}]";
}
