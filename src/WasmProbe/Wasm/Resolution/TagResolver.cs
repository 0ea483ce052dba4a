namespace WasmProbe.Wasm.Resolution;

/// <summary>Exception tags by index or by name (name section or export, as <see cref="Names.ModuleNames.Tag"/> names
/// them; <c>tagN</c> for an unnamed one). Text is read by <see cref="NameText"/>.</summary>
public static class TagResolver
{
    public static Resolution<int> Resolve(Module module, int index)
    {
        int count = module.IndexSpaces.TagTypes.Length;
        if (count == 0) return NoTags();
        if (index >= 0 && index < count) return Resolution<int>.Found(index);
        return new ResolutionProblem(ResolutionStatus.TagIndexOutOfRange, $"tag {index} does not exist (the module has {count})");
    }

    public static Resolution<int> Resolve(Module module, string name)
    {
        if (name is null) throw new ArgumentNullException(nameof(name));
        var text = NameText.Parse(name);
        if (text.IsIndex) return text.Index is >= 0 and <= int.MaxValue ? Resolve(module, (int)text.Index) : Resolve(module, -1);
        int count = module.IndexSpaces.TagTypes.Length;
        if (count == 0) return NoTags();
        for (int i = 0; i < count; i++)
        {
            if (module.Names.Tag(i) == text.Name) return Resolution<int>.Found(i);
        }
        long fallback = NameText.FallbackIndex(text.Name, "tag");
        if (fallback >= 0 && fallback < count && module.Names.Tag((int)fallback) is null) return Resolution<int>.Found((int)fallback);
        var known = Enumerable.Range(0, count).Select(t => module.Names.Tag(t) ?? "tag" + t).Take(12);
        return new ResolutionProblem(ResolutionStatus.TagNotFound, $"no tag named '{text.Name}' (the module's tags: {string.Join(", ", known)})");
    }

    private static ResolutionProblem NoTags() =>
        new(ResolutionStatus.NoTags, "the module declares no exception tags (it does not use exception handling), so nothing can be thrown in it");
}
