namespace WasmProbe.Wasm.Encoding;

/// <summary>A rewritten function body already encoded (with its size), and where its instructions start relative to
/// those bytes with the pc each had in the module it was derived from (-1 for the first of a run of inserted ones).
/// A rewrite that keeps its bodies this way holds a few bytes per instruction instead of a decoded instruction each.</summary>
public sealed class EncodedBody
{
    internal EncodedBody(byte[] bytes, int[] starts, int[] pcs)
    {
        Bytes = bytes;
        Starts = starts;
        Pcs = pcs;
    }

    public byte[] Bytes { get; }
    internal int[] Starts { get; }
    internal int[] Pcs { get; }
}
