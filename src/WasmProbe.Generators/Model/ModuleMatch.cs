using System.Collections.Immutable;

namespace WasmProbe.Generators.Model;

/// <summary>A probe class paired with its own module and its [LinkModule]s' modules: the images their paths name, and,
/// when some path names no item, the listed paths for the message. Compared by value, so editing another module leaves
/// it equal and the class's validation cached.</summary>
internal sealed record ModuleMatch(ProbeClassRequest Request, ModuleImage? Image, EquatableArray<LinkMatch> Links, EquatableArray<string> Listed)
{
    public static ModuleMatch Find(ProbeClassRequest request, ImmutableArray<ModuleImage> modules)
    {
        var image = Named(request.ModulePath, modules);
        var links = request.Links.Select(l => new LinkMatch(l, l.Path.Value is string path ? Named(path, modules) : null)).ToEquatableArray();
        bool allFound = image is not null && links.All(l => l.Image is not null || l.Request.Path.Value is not string);
        var listed = allFound ? EquatableArray<string>.Empty : modules.Select(m => m.ItemPath).OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray();
        return new ModuleMatch(request, image, links, listed);
    }

    /// <summary>The listed module at <paramref name="path"/> (a unique case-insensitive match counts too).</summary>
    private static ModuleImage? Named(string path, ImmutableArray<ModuleImage> modules)
    {
        string wanted = ModuleFiles.NormalizePath(path);
        var image = modules.FirstOrDefault(m => m.ItemPath == wanted);
        if (image is not null) return image;
        var caseless = modules.Where(m => string.Equals(m.ItemPath, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        return caseless.Count == 1 ? caseless[0] : null;
    }
}
