using System.Collections.Immutable;

namespace WasmProbe.Generators.Model;

/// <summary>A probe class paired with its own module: the image its [WasmModule] path names, or, when no item has that
/// path, the listed paths for the message. Compared by value, so editing another module leaves it equal and the
/// class's validation cached.</summary>
internal sealed record ModuleMatch(ProbeClassRequest Request, ModuleImage? Image, EquatableArray<string> Listed)
{
    public static ModuleMatch Find(ProbeClassRequest request, ImmutableArray<ModuleImage> modules)
    {
        string wanted = ModuleFiles.NormalizePath(request.ModulePath);
        var image = modules.FirstOrDefault(m => m.ItemPath == wanted);
        if (image is null)
        {
            var caseless = modules.Where(m => string.Equals(m.ItemPath, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            if (caseless.Count == 1) image = caseless[0];
        }
        if (image is not null) return new ModuleMatch(request, image, EquatableArray<string>.Empty);
        return new ModuleMatch(request, null, modules.Select(m => m.ItemPath).OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray());
    }
}
