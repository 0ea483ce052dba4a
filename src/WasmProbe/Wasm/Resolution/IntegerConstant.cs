namespace WasmProbe.Wasm.Resolution;

/// <summary>An integer constant of a C# attribute argument (any integer type), as expectations convert it:
/// <see cref="Bits"/> holds its two's-complement bits, <see cref="IsLargeUnsigned"/> says it is a ulong above
/// long.MaxValue (whose bits read as negative).</summary>
internal readonly record struct IntegerConstant(long Bits, bool IsLargeUnsigned)
{
    /// <summary>The integer <paramref name="value"/> holds, or null for anything but sbyte, byte, short, ushort, int,
    /// uint, long and ulong.</summary>
    public static IntegerConstant? Of(object? value) => value switch
    {
        sbyte x => new IntegerConstant(x, false),
        short x => new IntegerConstant(x, false),
        int x => new IntegerConstant(x, false),
        long x => new IntegerConstant(x, false),
        byte x => new IntegerConstant(x, false),
        ushort x => new IntegerConstant(x, false),
        uint x => new IntegerConstant(x, false),
        ulong x => new IntegerConstant(unchecked((long)x), x > long.MaxValue),
        _ => null,
    };

    /// <summary>The nearest double.</summary>
    public double ToDouble() => IsLargeUnsigned ? unchecked((ulong)Bits) : Bits;

    /// <summary>Whether <paramref name="number"/> is exactly this integer.</summary>
    public bool IsExactly(double number) => IsLargeUnsigned
        ? number < 18446744073709551616.0 && (ulong)number == unchecked((ulong)Bits)
        : number >= -9223372036854775808.0 && number < 9223372036854775808.0 && (long)number == Bits;
}
