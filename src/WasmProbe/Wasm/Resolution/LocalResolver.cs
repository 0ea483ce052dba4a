using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Names;

namespace WasmProbe.Wasm.Resolution;

/// <summary>A function's locals (parameters first) by index or by name-section name (the lowest index with it;
/// <c>localN</c> for an unnamed one). Text is read by <see cref="NameText"/>.</summary>
public static class LocalResolver
{
    public static Resolution<int> Resolve(LocalTypes locals, int index)
    {
        if (index >= 0 && index < locals.Count) return Resolution<int>.Found(index);
        return new ResolutionProblem(ResolutionStatus.LocalIndexOutOfRange, $"local {index} does not exist (the function has {locals.Count} locals)");
    }

    public static Resolution<int> Resolve(Module module, int function, LocalTypes locals, string name)
    {
        if (name is null) throw new ArgumentNullException(nameof(name));
        var text = NameText.Parse(name);
        if (text.IsIndex) return text.Index is >= 0 and <= int.MaxValue ? Resolve(locals, (int)text.Index) : Resolve(locals, -1);
        int named = Named(module, function, locals, text.Name);
        if (named >= 0) return Resolution<int>.Found(named);
        long fallback = NameText.FallbackIndex(text.Name, "local");
        if (fallback >= 0 && fallback < locals.Count && module.Names.Local(function, (int)fallback) is null) return Resolution<int>.Found((int)fallback);
        return new ResolutionProblem(ResolutionStatus.LocalNotFound, $"{module.Names.FunctionOrIndex(function)} has no local '{text.Name}'");
    }

    /// <summary>The lowest-numbered local of <paramref name="function"/> with this name-section name, or -1 (no
    /// fallback names: local3 of one function has nothing to do with local3 of another).</summary>
    public static int Named(Module module, int function, LocalTypes locals, string name)
    {
        if (!module.Names.Section.IndirectMaps.TryGetValue(NameKind.Local, out var map) || !map.TryGetValue(function, out var names)) return -1;
        int lowest = -1;
        foreach (var pair in names)
        {
            if (pair.Value == name && pair.Key < locals.Count && (lowest < 0 || pair.Key < lowest)) lowest = pair.Key;
        }
        return lowest;
    }
}
