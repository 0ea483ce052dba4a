using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Generators.Model;

/// <summary>A module listed in the project (<c>&lt;WasmModule Include="..." /&gt;</c>), as its build-time text sidecar
/// delivered it: the item path as written in the project (forward slashes) and the bytes, or why there are none.
/// Equality is by path and content, so an unchanged module keeps every later pipeline step cached.
/// Decoding is on demand and lazy: modules no class refers to are never decoded; the others decode the bodies of the
/// functions a probe needs when it is analysed (<see cref="BodyDecoding.Lazy"/>). The decoded module is shared by the
/// classes validated in one run but only weakly held, so a cached pipeline (IDE, compiler server) does not keep it.</summary>
internal sealed class ModuleImage : IEquatable<ModuleImage>
{
    private readonly object _gate = new();
    private WeakReference<DecodedModule>? _decoded;

    public ModuleImage(string itemPath, byte[]? bytes, string? missingFile, string? sidecarError)
    {
        ItemPath = itemPath;
        Bytes = bytes;
        MissingFile = missingFile;
        SidecarError = sidecarError;
    }

    public string ItemPath { get; }
    public byte[]? Bytes { get; }

    /// <summary>Set when the listed file does not exist (the full path the build looked at).</summary>
    public string? MissingFile { get; }

    /// <summary>Set when the sidecar could not be read (not base64).</summary>
    public string? SidecarError { get; }

    /// <summary>The module, its bodies decoded as they are read.</summary>
    public DecodedModule Decoded
    {
        get
        {
            lock (_gate)
            {
                if (_decoded is not null && _decoded.TryGetTarget(out var cached)) return cached;
                var decoded = Decode();
                _decoded = new WeakReference<DecodedModule>(decoded);
                return decoded;
            }
        }
    }

    private DecodedModule Decode()
    {
        if (Bytes is null) return new DecodedModule(null, SidecarError ?? "no bytes", 0);
        try
        {
            return new DecodedModule(ModuleDecoder.Decode(Bytes, BodyDecoding.Lazy), null, 0);
        }
        catch (WasmFormatException e)
        {
            return new DecodedModule(null, e.Reason, e.Offset);
        }
    }

    public bool Equals(ModuleImage? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (ItemPath != other.ItemPath || MissingFile != other.MissingFile || SidecarError != other.SidecarError) return false;
        if (Bytes is null || other.Bytes is null) return Bytes is null && other.Bytes is null;
        return Bytes.AsSpan().SequenceEqual(other.Bytes);
    }

    public override bool Equals(object? obj) => Equals(obj as ModuleImage);

    public override int GetHashCode() => unchecked(StringComparer.Ordinal.GetHashCode(ItemPath) * 31 + (Bytes?.Length ?? -1));
}

/// <summary>A decoded module, or the reason decoding failed.</summary>
internal sealed class DecodedModule(Module? module, string? error, long errorOffset)
{
    public Module? Module { get; } = module;
    public string? Error { get; } = error;
    public long ErrorOffset { get; } = errorOffset;
}
