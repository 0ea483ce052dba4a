namespace WasmProbe.Wasm.Model;

/// <summary>An import; exactly one of the kind-specific properties applies (<see cref="TypeIndex"/> for functions and tags).</summary>
public sealed record Import(string ModuleName, string Name, ExternalKind Kind)
{
    public int TypeIndex { get; init; }
    public TableType? Table { get; init; }
    public MemoryType? Memory { get; init; }
    public GlobalType? Global { get; init; }
}

public sealed record Export(string Name, ExternalKind Kind, int Index);

/// <summary>A table defined by the module; <see cref="Init"/> is the 0x40-prefixed initializer of typed function references.</summary>
public sealed record TableDefinition(TableType Type, Expression? Init);

public sealed record GlobalDefinition(GlobalType Type, Expression Init);

public enum SegmentMode : byte
{
    Active,
    Passive,
    Declarative,
}

/// <summary>An element segment. <see cref="Flags"/> is the encoding form (0-7), kept because several forms say the
/// same thing. Elements are either function indices (<see cref="FunctionIndices"/>) or expressions.</summary>
public sealed record ElementSegment(byte Flags, SegmentMode Mode, int TableIndex, Expression? Offset, ValType ElementType)
{
    public int[]? FunctionIndices { get; init; }
    public Expression[]? Expressions { get; init; }
    public bool UsesExpressions => (Flags & 4) != 0;
    public int Count => FunctionIndices?.Length ?? Expressions!.Length;
}

/// <summary>A data segment; <see cref="Flags"/> is the encoding form (0-2).</summary>
public sealed record DataSegment(byte Flags, SegmentMode Mode, int MemoryIndex, Expression? Offset, byte[] Bytes);

public readonly record struct LocalGroup(uint Count, ValType Type);

/// <summary>A function body. <see cref="Offset"/> is the module offset of its size field (what DWARF addresses count
/// from, relative to the code section payload); <see cref="OriginalEncoding"/> holds the input bytes (size field
/// included) when they were not in canonical form, so an unmodified body re-encodes byte for byte. A body decoded
/// with <see cref="Decoding.BodyDecoding.Lazy"/> decodes its instructions when <see cref="Code"/> is first read.</summary>
public sealed class FunctionBody
{
    private Expression? _code;
    private byte[]? _originalEncoding;
    private Decoding.LazyBody? _lazy;

    public FunctionBody(LocalGroup[] locals, Expression code)
    {
        Locals = locals;
        _code = code;
    }

    internal FunctionBody(LocalGroup[] locals, Decoding.LazyBody lazy)
    {
        Locals = locals;
        _lazy = lazy;
    }

    public LocalGroup[] Locals { get; }

    /// <summary>The instructions. For a lazily decoded body, a body that does not decode throws
    /// <see cref="Binary.WasmFormatException"/> here, at its offset in the module.</summary>
    public Expression Code => _code ?? Decode().Code;

    public int Offset { get; init; } = -1;

    /// <summary>Module offset just past the body (its final <c>end</c>); -1 for a body no decoder read.</summary>
    public int End { get; init; } = -1;

    public byte[]? OriginalEncoding
    {
        get => _code is null && _lazy is not null ? Decode().Original : _originalEncoding;
        init => _originalEncoding = value;
    }

    /// <summary>Whether <see cref="Code"/> is decoded (always, except for a lazy body not read yet).</summary>
    public bool IsDecoded => _code is not null;

    private (Expression Code, byte[]? Original) Decode()
    {
        var lazy = _lazy;
        if (lazy is not null)
        {
            lock (lazy)
            {
                if (_code is null)
                {
                    var (code, original) = lazy.Decode();
                    _originalEncoding = original;
                    _code = code;
                    _lazy = null;
                }
            }
        }
        return (_code!, _originalEncoding);
    }

    /// <summary>Set by a rewrite that encodes its bodies as it goes (<see cref="Rewriting.ModuleBuilder.EncodesRewrittenBodies"/>):
    /// the encoder copies these bytes; <see cref="Code"/> is then empty.</summary>
    public Encoding.EncodedBody? Encoded { get; init; }

    public long LocalCount
    {
        get
        {
            long total = 0;
            foreach (var group in Locals) total += group.Count;
            return total;
        }
    }
}

/// <summary>A custom section, name and payload verbatim. <see cref="OriginalEncoding"/> holds the whole section
/// (id and size included) when its size or name length was not canonically encoded.</summary>
public sealed record CustomSection(string Name, byte[] Payload)
{
    public byte[]? OriginalEncoding { get; init; }
}
