using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Generators.Model;

/// <summary>A module listed in the project (<c>&lt;WasmModule Include="..." /&gt;</c>), as its build-time text sidecar
/// delivered it: the item path as written in the project (forward slashes) and the bytes, or why there are none.
/// Equality is by path and content, so an unchanged module keeps every later pipeline step cached.
/// Decoding is on demand and partial: modules no class refers to are never decoded; the others are decoded without
/// the bodies of functions no probe names (<see cref="ModuleSlicer"/>). The declarations-only form is shared by the
/// classes validated in one run but only weakly held, so a cached pipeline (IDE, compiler server) does not keep it.</summary>
internal sealed class ModuleImage : IEquatable<ModuleImage>
{
    private readonly object _gate = new();
    private WeakReference<DecodedModule>? _declarations;

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

    /// <summary>The module with every function body empty: types, imports, exports, globals, memories, names.</summary>
    public DecodedModule Declarations
    {
        get
        {
            lock (_gate)
            {
                if (_declarations is not null && _declarations.TryGetTarget(out var cached)) return cached;
                var decoded = Decode(static _ => false);
                _declarations = new WeakReference<DecodedModule>(decoded);
                return decoded;
            }
        }
    }

    /// <summary>The module with the bodies of <paramref name="definedFunctions"/> (indices among the functions the
    /// module defines) and empty others.</summary>
    public DecodedModule WithBodies(IReadOnlyCollection<int> definedFunctions)
    {
        var keep = new HashSet<int>(definedFunctions);
        return Decode(keep.Contains);
    }

    private DecodedModule Decode(Func<int, bool> keep)
    {
        if (Bytes is null) return new DecodedModule(null, SidecarError ?? "no bytes", 0, null);
        if (ModuleSlicer.Slice(Bytes, keep) is { } sliced)
        {
            try
            {
                return new DecodedModule(ModuleDecoder.Decode(sliced.Bytes), null, 0, sliced);
            }
            catch (WasmFormatException)
            {
                // Fall through: decoding the original reports the problem at its real offset.
            }
        }
        try
        {
            return new DecodedModule(ModuleDecoder.Decode(Bytes), null, 0, null);
        }
        catch (WasmFormatException e)
        {
            return new DecodedModule(null, e.Reason, e.Offset, null);
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

/// <summary>A decoded module (possibly with some bodies left empty), or the reason decoding failed.</summary>
internal sealed class DecodedModule(Module? module, string? error, long errorOffset, SlicedBytes? sliced)
{
    public Module? Module { get; } = module;
    public string? Error { get; } = error;
    public long ErrorOffset { get; } = errorOffset;

    /// <summary>Original pc minus decoded pc for a kept body (0 when the module was decoded whole).</summary>
    public int Shift(int definedIndex) => sliced?.Shift(definedIndex) ?? 0;
}
