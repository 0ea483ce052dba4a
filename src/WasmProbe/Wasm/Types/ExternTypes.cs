namespace WasmProbe.Wasm.Types;

/// <summary>Limits of a memory or table. <see cref="Is64"/>: 64-bit addresses (memory64 / table64).</summary>
public sealed record Limits(ulong Minimum, ulong? Maximum, bool Shared = false, bool Is64 = false, uint? PageSizeLog2 = null)
{
    public ValType AddressType => Is64 ? ValType.I64 : ValType.I32;

    public override string ToString() =>
        $"{(Is64 ? "i64 " : "")}{Minimum}{(Maximum is { } max ? " " + max : "")}{(Shared ? " shared" : "")}";
}

public sealed record TableType(ValType ElementType, Limits Limits);

public sealed record MemoryType(Limits Limits)
{
    public ulong PageSize => 1UL << (int)(Limits.PageSizeLog2 ?? 16);

    /// <summary>The declared minimum size in bytes (saturated at <see cref="ulong.MaxValue"/>).</summary>
    public ulong MinimumBytes => Limits.Minimum > ulong.MaxValue / PageSize ? ulong.MaxValue : Limits.Minimum * PageSize;
}

public sealed record GlobalType(ValType Type, bool Mutable);

/// <summary>An exception tag: attribute 0 (exception) and the function type of its payload.</summary>
public sealed record TagType(int TypeIndex);

public enum ExternalKind : byte
{
    Function = 0,
    Table = 1,
    Memory = 2,
    Global = 3,
    Tag = 4,
}
