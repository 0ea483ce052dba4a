namespace WasmProbe.Wasm.Polyfills;

/// <summary>Stand-ins for .NET APIs that netstandard2.0 lacks, so this folder also compiles into the source generator.
/// On .NET they forward to the framework.</summary>
internal static class Compat
{
    public static void ThrowIfNull(object? argument, string name)
    {
        if (argument is null) throw new ArgumentNullException(name);
    }

    public static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

    public static int Clamp(int value, int min, int max)
    {
        if (min > max) throw new ArgumentException($"'{min}' cannot be greater than {max}.");
        return value < min ? min : value > max ? max : value;
    }

#if NETSTANDARD2_0
    public static ReadOnlySpan<T> AsSpan<T>(List<T> list) => list.ToArray();
#else
    public static ReadOnlySpan<T> AsSpan<T>(List<T> list) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);
#endif

#if NETSTANDARD2_0
    public static float UInt32BitsToSingle(uint bits) => BitConverter.ToSingle(BitConverter.GetBytes(bits), 0);
    public static double UInt64BitsToDouble(ulong bits) => BitConverter.Int64BitsToDouble(unchecked((long)bits));
#else
    public static float UInt32BitsToSingle(uint bits) => BitConverter.UInt32BitsToSingle(bits);
    public static double UInt64BitsToDouble(ulong bits) => BitConverter.UInt64BitsToDouble(bits);
#endif
}
