using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Types;

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
/// included) when they were not in canonical form, so an unmodified body re-encodes byte for byte.</summary>
public sealed class FunctionBody(LocalGroup[] locals, Expression code)
{
    public LocalGroup[] Locals { get; } = locals;
    public Expression Code { get; } = code;
    public int Offset { get; init; } = -1;
    public byte[]? OriginalEncoding { get; init; }

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
