using System.Globalization;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Generators;

// Expectation binding: each Expect* attribute bound to a slot of the probe's site and its value converted to that
// slot's type.
public sealed partial class WasmProbeGenerator
{
    private static ExpectationSpec? Expectation(ExpectationRequest e, ModuleContext context, ProbeSite site, List<DiagnosticInfo> diagnostics)
    {
        if (e.Hit < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.InvalidCount, e.HitLocation, "Hit", "0 (every hit) or a hit number from 1", e.Hit.ToString(CultureInfo.InvariantCulture)));
            return null;
        }
        if (site.View.Kind is ProbeKind.Write or ProbeKind.GlobalWrite && e.Kind is ExpectationKind.Local or ExpectationKind.Stack)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ExpectationNotAtThisProbe, e.AttributeLocation, e.Kind == ExpectationKind.Local ? "ExpectLocal" : "ExpectStack",
                "a stop in a function's frame (a write stop is inside the write check)", ProbeAttributeName(site.View.Kind)));
            return null;
        }
        return e.Kind switch
        {
            ExpectationKind.Local when site.Functions.Count > 1 => CommonLocal(e, context, site, diagnostics),
            ExpectationKind.Local => Local(e, context, site, diagnostics),
            ExpectationKind.Stack => Stack(e, site, diagnostics),
            ExpectationKind.Global => Global(e, context, diagnostics),
            ExpectationKind.Arg => Arg(e, context, site, diagnostics),
            ExpectationKind.Result => Result(e, context, site, diagnostics),
            ExpectationKind.Variable => Variable(e, context, site, diagnostics),
            _ => Memory(e, context, diagnostics),
        };
    }

    private static ExpectationSpec? Local(ExpectationRequest e, ModuleContext context, ProbeSite site, List<DiagnosticInfo> diagnostics)
    {
        int function = site.Functions[0];
        var analysis = site.Analyses[0];
        var resolution = e.Target.Value switch
        {
            int index => LocalResolver.Resolve(analysis.Locals, index),
            string name => LocalResolver.Resolve(context.Module, function, analysis.Locals, name),
            _ => new ResolutionProblem(ResolutionStatus.LocalNotFound, "not a local name or index"),
        };
        if (!resolution.IsResolved)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.UnknownLocal, e.Target.Location, context.FunctionName(function), Target(e.Target), "its locals: " + LocalList(context, function, analysis)));
            return null;
        }
        int local = resolution.Value;
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

    /// <summary>An [ExpectLocal] of a line probe over several functions: by a name each of them gives a local of one
    /// type (its index may differ from function to function).</summary>
    private static ExpectationSpec? CommonLocal(ExpectationRequest e, ModuleContext context, ProbeSite site, List<DiagnosticInfo> diagnostics)
    {
        var indices = new int[site.Functions.Count];
        bool found = e.Target.Value is string;
        for (int k = 0; k < indices.Length && found; k++)
        {
            indices[k] = LocalResolver.Named(context.Module, site.Functions[k], site.Analyses[k].Locals, (string)e.Target.Value!);
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

    /// <summary>[ExpectArg]: a parameter, resolved as locals are, of an [OnCall] or [OnReturn] probe's function.</summary>
    private static ExpectationSpec? Arg(ExpectationRequest e, ModuleContext context, ProbeSite site, List<DiagnosticInfo> diagnostics)
    {
        if (site.View.Kind is not (ProbeKind.Call or ProbeKind.Return))
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ExpectationNotAtThisProbe, e.AttributeLocation, "ExpectArg", "an [OnCall] or [OnReturn] probe", ProbeAttributeName(site.View.Kind)));
            return null;
        }
        int function = site.Functions[0];
        var locals = site.Analyses[0].Locals;
        var resolution = e.Target.Value switch
        {
            int index => LocalResolver.Resolve(locals, index),
            string name => LocalResolver.Resolve(context.Module, function, locals, name),
            _ => new ResolutionProblem(ResolutionStatus.LocalNotFound, "not a parameter name or index"),
        };
        var parameters = site.View.Args;
        // The view's name for an unnamed parameter (p0, ...) names it too.
        if (!resolution.IsResolved && parameters.FirstOrDefault(p => p.Identifier == e.Target.Value as string) is { } viewed) resolution = Resolution<int>.Found(viewed.Index);
        if (!resolution.IsResolved || resolution.Value >= locals.ParameterCount)
        {
            string list = parameters.Count == 0 ? "it has none" : string.Join(", ", parameters.Select(p => $"{ParameterLabel(context, function, p)} ({p.WasmType})"));
            diagnostics.Add(DiagnosticInfo.Create(D.UnknownLocal, e.Target.Location, context.FunctionName(function), Target(e.Target) + " among its parameters", "its parameters: " + list));
            return null;
        }
        var parameter = parameters[resolution.Value];
        string label = ParameterLabel(context, function, parameter);
        var value = Values.Convert(e.Value, locals[parameter.Index], out string? error);
        if (value is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, e.Value.Location, error!, parameter.WasmType, $", the type of parameter {label}"));
            return null;
        }
        return new ExpectationSpec(ExpectationKind.Arg, parameter.Index, label, 0, 0, value, EquatableArray<byte>.Empty, "", e.Hit);
    }

    /// <summary>A parameter as the name section names it, else as the view does (<c>p0</c>, ...).</summary>
    private static string ParameterLabel(ModuleContext context, int function, TypedSlot parameter) => context.LocalName(function, parameter.Index) ?? parameter.Identifier;

    /// <summary>[ExpectResult]: a result, by index, of an [OnReturn] probe's function.</summary>
    private static ExpectationSpec? Result(ExpectationRequest e, ModuleContext context, ProbeSite site, List<DiagnosticInfo> diagnostics)
    {
        if (site.View.Kind != ProbeKind.Return)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ExpectationNotAtThisProbe, e.AttributeLocation, "ExpectResult", "an [OnReturn] probe", ProbeAttributeName(site.View.Kind)));
            return null;
        }
        var results = site.View.Results;
        if (e.Target.Value is not int index || index < 0 || index >= results.Count)
        {
            string types = string.Join(", ", results.Select(r => r.WasmType));
            diagnostics.Add(DiagnosticInfo.Create(D.ResultIndexOutOfRange, e.Target.Location, Values.Describe(e.Target).Split(' ')[0],
                $"{site.View.FunctionName} returns {(results.Count == 0 ? "nothing" : Count(results.Count, "result") + $" ({types}), R0 first")}"));
            return null;
        }
        var result = results[index];
        var value = Values.Convert(e.Value, context.Spaces.FunctionTypeOfFunction(site.Functions[0]).Results[index], out string? error);
        if (value is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, e.Value.Location, error!, result.WasmType, $", the type of result R{index.ToString(CultureInfo.InvariantCulture)}"));
            return null;
        }
        return new ExpectationSpec(ExpectationKind.Result, index, result.Identifier, 0, 0, value, EquatableArray<byte>.Empty, "", e.Hit);
    }

    private static ExpectationSpec? Stack(ExpectationRequest e, ProbeSite site, List<DiagnosticInfo> diagnostics)
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

    /// <summary>[ExpectGlobal]: the global resolved as <c>DebugSession.Global</c> resolves it (<see cref="GlobalResolver"/>).</summary>
    private static ExpectationSpec? Global(ExpectationRequest e, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        var resolution = e.Target.Value switch
        {
            int index => GlobalResolver.Resolve(context.Module, index),
            string name => GlobalResolver.Resolve(context.Module, name),
            _ => new ResolutionProblem(ResolutionStatus.GlobalNotFound, "not a global name or index"),
        };
        if (!resolution.IsResolved)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.UnknownGlobal, e.Target.Location, context.Path, Target(e.Target), GlobalList(context)));
            return null;
        }
        int global = resolution.Value;
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

    /// <summary>[ExpectMemory] and [ExpectMemory&lt;T&gt;]: the bytes, inside the memory's declared minimum size.</summary>
    private static ExpectationSpec? Memory(ExpectationRequest e, ModuleContext context, List<DiagnosticInfo> diagnostics)
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
        if (!MemoryResolver.Resolve(context.Module, e.Memory).IsResolved)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.MemoryOutOfRange, e.MemoryLocation, $"memory {e.Memory}",
                memories.Length == 0 ? "the module's memories: it has none" : $"the module's memories: it has {Count(memories.Length, "memory", "memories")}"));
            return null;
        }
        long address = Integer(e.Target.Value) ?? -1;
        string where = e.Memory == 0 ? "memory" : $"memory {e.Memory}";
        if (address < 0 || (ulong)address + (ulong)bytes.Length > memories[e.Memory].MinimumBytes)
        {
            string range = address < 0 ? $"address {Values.Describe(e.Target)}" : $"{where}[0x{Hex(address)}..0x{Hex(address + bytes.Length)}]";
            diagnostics.Add(DiagnosticInfo.Create(D.MemoryOutOfRange, e.Target.Location, range, MinimumSize(context, e.Memory)));
            return null;
        }
        return new ExpectationSpec(ExpectationKind.Memory, e.Memory, where, 0, address, null, bytes.ToEquatableArray(), format, e.Hit);
    }
}
