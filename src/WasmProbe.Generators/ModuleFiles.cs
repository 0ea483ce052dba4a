using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace WasmProbe.Generators;

/// <summary>Reads the text sidecars that WasmProbe's build targets write for each <c>WasmModule</c> item and pass as
/// AdditionalFiles (a binary .wasm there would fail the build with CS2015). A sidecar holds the module's bytes in
/// base64, or <c>!missing:&lt;full path&gt;</c> when the listed file does not exist; its <c>WasmProbeModule</c>
/// metadata is the item path as written in the project.</summary>
internal static class ModuleFiles
{
    public const string ItemMetadata = "build_metadata.AdditionalFiles.WasmProbeModule";
    public const string MissingPrefix = "!missing:";

    public static ModuleImage? Read(AdditionalText text, AnalyzerConfigOptions options, CancellationToken cancellationToken)
    {
        if (!options.TryGetValue(ItemMetadata, out string? itemPath) || string.IsNullOrWhiteSpace(itemPath)) return null;
        string path = NormalizePath(itemPath);
        var content = text.GetText(cancellationToken);
        if (content is null) return new ModuleImage(path, null, null, $"the build did not provide the module's contents ({text.Path})");
        string body = content.ToString().Trim();
        if (body.StartsWith(MissingPrefix, StringComparison.Ordinal)) return new ModuleImage(path, null, body.Substring(MissingPrefix.Length).Trim(), null);
        try
        {
            return new ModuleImage(path, Convert.FromBase64String(body), null, null);
        }
        catch (FormatException)
        {
            return new ModuleImage(path, null, null, $"the module's build sidecar {text.Path} is not base64");
        }
    }

    /// <summary>Forward slashes, no leading <c>./</c>: how attribute paths and item paths are compared.</summary>
    public static string NormalizePath(string path)
    {
        string p = path.Trim().Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p.Substring(2);
        return p;
    }
}
