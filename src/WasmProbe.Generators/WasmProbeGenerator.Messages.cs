using System.Globalization;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Generators;

// Messages: the resolution layer's problems as diagnostics, and the lists and counts diagnostics show.
public sealed partial class WasmProbeGenerator
{
    /// <summary>A function that did not resolve (or is imported) as WP0004 or WP0005, at the argument naming it.</summary>
    private static DiagnosticInfo FunctionDiagnostic(ResolutionProblem problem, ConstantArg arg, ModuleContext context)
    {
        if (problem.Status == ResolutionStatus.FunctionImported)
        {
            string defined = string.Join(", ", Enumerable.Range(context.Spaces.ImportedFunctionCount, Math.Min(8, context.Module.Bodies.Count)).Select(context.FunctionName));
            return DiagnosticInfo.Create(D.ImportedFunction, arg.Location, context.FunctionName(problem.Index), context.Path, defined.Length == 0 ? "it defines none" : "for example " + defined);
        }
        int count = context.Spaces.FunctionCount;
        var known = Enumerable.Range(0, count).Select(f => context.Module.Names.Function(f)).Where(n => n is not null).Take(12).ToList();
        string hint = count == 0 ? " (it has no functions)" : $" (it has functions 0 to {count - 1}{(known.Count == 0 ? "" : "; named: " + string.Join(", ", known))})";
        return DiagnosticInfo.Create(D.UnknownFunction, arg.Location, context.Path, Target(arg), hint);
    }

    /// <summary>A pc that did not resolve as WP0006, WP0007 or WP0008.</summary>
    private static DiagnosticInfo PcDiagnostic(ResolutionProblem problem, LocationInfo? location, int pc, string functionName) => problem.Status switch
    {
        ResolutionStatus.PcOutsideFunction => DiagnosticInfo.Create(D.PcOutsideFunction, location, Hex(pc), functionName, Hex(problem.FirstPc), Hex(problem.LastPc)),
        ResolutionStatus.PcNotInstructionStart => DiagnosticInfo.Create(D.PcNotInstructionStart, location, Hex(pc), functionName, PcResolver.Hex(problem.NearbyPcs)),
        _ => DiagnosticInfo.Create(D.PcUnreachable, location, Hex(pc), functionName, PcResolver.Hex(problem.NearbyPcs)),
    };

    /// <summary>An entry that did not resolve as WP0004 (not exported) or WP0016 (argument count).</summary>
    private static DiagnosticInfo EntryDiagnostic(ResolutionProblem problem, ProbeClassRequest request, ModuleContext context)
    {
        if (problem.Status == ResolutionStatus.EntryArgumentCount)
        {
            var type = problem.EntryType!;
            return DiagnosticInfo.Create(D.EntryArgumentCount, request.HasArgs ? request.ArgsLocation : request.EntryLocation,
                $"Entry '{request.Entry}' takes {Count(type.Parameters.Length, "argument")} ({type}) but Args has {Count(request.Args.Count)}");
        }
        string exported = string.Join(", ", EntryResolver.ExportedFunctions(context.Module).Take(12));
        return DiagnosticInfo.Create(D.UnknownFunction, request.EntryLocation, context.Path, $"exported as '{request.Entry}'",
            exported.Length == 0 ? " (it exports no functions)" : $" (exported functions: {exported})");
    }

    /// <summary>DWARF that does not read as WP0023 (section and offset), a module that does not as WP0003.</summary>
    private static DiagnosticInfo DwarfDiagnostic(Wasm.Binary.WasmFormatException error, LocationInfo? location, ModuleContext context) => error is Wasm.Dwarf.DwarfFormatException dwarf
        ? DiagnosticInfo.Create(D.DwarfMalformed, location, context.Path, dwarf.Reason, dwarf.Section, Hex(dwarf.Offset))
        : DiagnosticInfo.Create(D.ModuleMalformed, location, context.Path, error.Reason, Hex(error.Offset));

    /// <summary>"the declared minimum size of memory (1 page = 0x10000 bytes)".</summary>
    private static string MinimumSize(ModuleContext context, int memory)
    {
        var declared = context.Spaces.Memories[memory];
        string where = memory == 0 ? "memory" : $"memory {memory.ToString(CultureInfo.InvariantCulture)}";
        return $"the declared minimum size of {where} ({Count((long)declared.Limits.Minimum, "page")} = 0x{Hex((long)Math.Min(declared.MinimumBytes, long.MaxValue))} bytes)";
    }

    private static string ProbeAttributeName(ProbeKind kind) => kind switch
    {
        ProbeKind.Breakpoint => "BreakAt",
        ProbeKind.Steps => "StepFrom",
        ProbeKind.Line => "BreakAtLine",
        ProbeKind.Call => "OnCall",
        ProbeKind.Return => "OnReturn",
        ProbeKind.Write => "BreakOnWrite",
        _ => "BreakOnGlobalWrite",
    };

    /// <summary>Where an internal exception was thrown, for the bug report.</summary>
    private static string FirstFrame(Exception e)
    {
        string? frame = e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        return frame ?? "no stack trace";
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

    /// <summary>A message from the DWARF reader as a diagnostic's sentence (first letter upper-cased).</summary>
    private static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);

    private static string Hex(long value) => value.ToString("x", CultureInfo.InvariantCulture);

    private static string Count(long n, string singular = "value", string? plural = null) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? singular : plural ?? singular + "s");
}
