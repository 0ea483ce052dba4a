#if NETSTANDARD2_0
namespace System.Collections.Generic;

// `foreach (var (key, value) in dictionary)` for the netstandard2.0 source generator, which shares this source.
internal static class KeyValuePairDeconstruct
{
    public static void Deconstruct<TKey, TValue>(this KeyValuePair<TKey, TValue> pair, out TKey key, out TValue value)
    {
        key = pair.Key;
        value = pair.Value;
    }
}
#endif
