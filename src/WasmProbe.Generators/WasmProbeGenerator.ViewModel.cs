using System.Globalization;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Resolution;
using WasmProbe.Wasm.Text;

namespace WasmProbe.Generators;

// The view model: the typed members (exports, globals, locals, stack slots) the emitter writes for a module and a site.
public sealed partial class WasmProbeGenerator
{
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

    /// <summary>The tags a stop can throw: those whose payload the host can make up (no references).</summary>
    private static EquatableArray<TagSpec> Tags(ModuleContext context)
    {
        var types = Enumerable.Range(0, context.Spaces.TagTypes.Length).Select(context.Spaces.TagFunctionType).ToList();
        var names = Enumerable.Range(0, types.Count).Select(t => context.Module.Names.Tag(t)).ToList();
        var identifiers = Identifiers.Assign(names, "tag", []);
        return Enumerable.Range(0, types.Count)
            .Where(t => types[t].Parameters.All(p => !p.IsRef))
            .Select(t => new TagSpec(t, identifiers[t].TrimStart('@'), names[t] ?? $"tag{t}",
                types[t].Parameters.Select((p, k) => new TypedSlot(k, "p" + k.ToString(CultureInfo.InvariantCulture), Values.Kind(p), p.ToString(), "payload value " + k.ToString(CultureInfo.InvariantCulture))).ToEquatableArray()))
            .ToEquatableArray();
    }

    /// <summary>A type-name part from a file as written in [BreakAtLine]: sanitized, first letter upper-cased
    /// (sort.c -> Sort_c, src/sum.c -> Src_sum_c).</summary>
    private static string FileTypePart(string file)
    {
        string s = Identifiers.Sanitize(file).Trim('_');
        if (s.Length == 0 || char.IsDigit(s[0])) s = "File" + s;
        return char.ToUpperInvariant(s[0]) + s.Substring(1);
    }

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
                indices[k] = LocalResolver.Named(context.Module, functions[k], analyses[k].Locals, name);
                all = indices[k] >= 0 && analyses[k].Locals[indices[k]] == type;
            }
            if (all) common.Add((name, type, indices));
        }
        return common;
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

    /// <summary>[OnCall] views: the parameters, named from the name section or p0, p1, ...</summary>
    private static EquatableArray<TypedSlot> Args(ModuleContext context, int function, FunctionAnalysis analysis)
    {
        int count = analysis.Locals.ParameterCount;
        var names = Enumerable.Range(0, count).Select(i => context.LocalName(function, i)).ToList();
        var identifiers = Identifiers.Assign(names, "p", ["ArgsView", "_session"]);
        return Enumerable.Range(0, count).Select(i =>
        {
            var type = analysis.Locals[i];
            return new TypedSlot(i, identifiers[i], Values.Kind(type), type.ToString(), "parameter " + (names[i] ?? i.ToString(CultureInfo.InvariantCulture)));
        }).ToEquatableArray();
    }

    /// <summary>[OnReturn] views: the function's results, R0, R1, ...</summary>
    private static EquatableArray<TypedSlot> Results(FunctionType type) =>
        type.Results.Select((t, i) => new TypedSlot(i, "R" + i.ToString(CultureInfo.InvariantCulture), Values.Kind(t), t.ToString(), "result " + i.ToString(CultureInfo.InvariantCulture))).ToEquatableArray();

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
}
