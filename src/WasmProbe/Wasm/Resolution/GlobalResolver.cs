namespace WasmProbe.Wasm.Resolution;

/// <summary>Globals by index or by name (name section, export or <c>module.field</c> of an import, as
/// <see cref="Names.ModuleNames.Global"/> names them; <c>globalN</c> for an unnamed one). Text is read by
/// <see cref="NameText"/>.</summary>
public static class GlobalResolver
{
    public static Resolution<int> Resolve(Module module, int index)
    {
        int count = module.IndexSpaces.Globals.Length;
        if (index >= 0 && index < count) return Resolution<int>.Found(index);
        return new ResolutionProblem(ResolutionStatus.GlobalIndexOutOfRange, $"global {index} does not exist (the module has {count})");
    }

    public static Resolution<int> Resolve(Module module, string name)
    {
        if (name is null) throw new ArgumentNullException(nameof(name));
        var text = NameText.Parse(name);
        if (text.IsIndex) return text.Index is >= 0 and <= int.MaxValue ? Resolve(module, (int)text.Index) : Resolve(module, -1);
        int count = module.IndexSpaces.Globals.Length;
        for (int i = 0; i < count; i++)
        {
            if (module.Names.Global(i) == text.Name) return Resolution<int>.Found(i);
        }
        long fallback = NameText.FallbackIndex(text.Name, "global");
        if (fallback >= 0 && fallback < count && module.Names.Global((int)fallback) is null) return Resolution<int>.Found((int)fallback);
        return new ResolutionProblem(ResolutionStatus.GlobalNotFound, $"no global named '{text.Name}'");
    }
}
