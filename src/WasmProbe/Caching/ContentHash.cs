using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace WasmProbe.Caching;

/// <summary>The SHA-256 of a byte array (lower-case hex), computed once per array: hashing a 4 MB module costs about
/// 10 ms, more than a whole warm session. The memo is tied to the array's identity and dropped with it; a cheap
/// fingerprint (length and sampled words) catches an array whose content was overwritten since.</summary>
internal static class ContentHash
{
    private const int Samples = 64;

    private static readonly ConditionalWeakTable<byte[], Memo> Memos = new();

    public static string Of(byte[] bytes)
    {
        long fingerprint = Fingerprint(bytes);
        if (Memos.TryGetValue(bytes, out var memo) && memo.Fingerprint == fingerprint) return memo.Hash;
        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Memos.AddOrUpdate(bytes, new Memo(hash, fingerprint));
        return hash;
    }

    private static long Fingerprint(byte[] bytes)
    {
        var fingerprint = new HashCode();
        fingerprint.Add(bytes.Length);
        if (bytes.Length >= sizeof(long))
        {
            long last = bytes.Length - sizeof(long);
            for (int i = 0; i < Samples; i++) fingerprint.Add(BitConverter.ToInt64(bytes, (int)(last * i / (Samples - 1))));
        }
        else
        {
            foreach (byte b in bytes) fingerprint.Add(b);
        }
        return fingerprint.ToHashCode();
    }

    private sealed record Memo(string Hash, long Fingerprint);
}
