namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>Where the bytes of a value come from: linear memory (read when needed), bytes already at hand (a value in a
/// wasm local, a computed or constant value, pieces put together), or nowhere.</summary>
internal abstract class ValueStorage
{
    /// <summary>Why the value cannot be read; null when it can (though a memory read may still fail).</summary>
    public virtual string? UnavailableReason => null;

    /// <summary>The value's address in linear memory, when it is in memory.</summary>
    public virtual ulong? Address => null;

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/> into the value; null and a reason on failure.</summary>
    public abstract byte[]? Read(long offset, int count, out string? reason);

    /// <summary>The storage of a part of the value (a member, an element) at <paramref name="offset"/>.</summary>
    public abstract ValueStorage Slice(long offset);

    public static ValueStorage Of(VariableLocation location, long size, IFrameState frame)
    {
        if (!location.IsAvailable) return new Unavailable(location.UnavailableReason!);
        var pieces = location.Pieces;
        if (pieces.Count == 1 && pieces[0].SizeInBytes is null)
        {
            var piece = pieces[0];
            return piece.Kind switch
            {
                LocationKind.Memory => new Memory(frame, piece.Address),
                LocationKind.ImplicitBytes => new Bytes(piece.Bytes!),
                LocationKind.OptimizedOut => new Unavailable("optimized out"),
                _ => new Bytes(BitConverter.GetBytes(piece.Value)),
            };
        }
        // Pieces: put the value together now (they are few and small); a missing piece makes the whole unavailable,
        // never partly wrong.
        var assembled = new List<byte>();
        foreach (var piece in pieces)
        {
            int pieceSize = piece.SizeInBytes ?? (int)Math.Max(0, Math.Min(size - assembled.Count, 8));
            switch (piece.Kind)
            {
                case LocationKind.OptimizedOut:
                    return new Unavailable("partly optimized out");
                case LocationKind.Memory:
                    var buffer = new byte[pieceSize];
                    if (!frame.TryReadMemory(piece.Address, buffer, 0, pieceSize)) return new Unavailable(FormattableString.Invariant($"memory at 0x{piece.Address:x} is not readable"));
                    assembled.AddRange(buffer);
                    break;
                case LocationKind.ImplicitBytes:
                    assembled.AddRange(Fit(piece.Bytes!, pieceSize));
                    break;
                default:
                    assembled.AddRange(Fit(BitConverter.GetBytes(piece.Value), pieceSize));
                    break;
            }
        }
        return new Bytes([.. assembled]);
    }

    private static byte[] Fit(byte[] bytes, int size)
    {
        var fitted = new byte[size];
        Array.Copy(bytes, fitted, Math.Min(size, bytes.Length));
        return fitted;
    }

    public sealed class Memory(IFrameState frame, ulong address) : ValueStorage
    {
        public override ulong? Address => address;

        public override byte[]? Read(long offset, int count, out string? reason)
        {
            var buffer = new byte[count];
            ulong at = unchecked(address + (ulong)offset);
            reason = frame.TryReadMemory(at, buffer, 0, count) ? null : FormattableString.Invariant($"memory at 0x{at:x} is not readable");
            return reason is null ? buffer : null;
        }

        public override ValueStorage Slice(long offset) => new Memory(frame, unchecked(address + (ulong)offset));
    }

    public sealed class Bytes(byte[] data) : ValueStorage
    {
        public override byte[]? Read(long offset, int count, out string? reason)
        {
            if (offset < 0 || offset + count > data.Length)
            {
                reason = "the value is smaller than its type";
                return null;
            }
            reason = null;
            var result = new byte[count];
            Array.Copy(data, offset, result, 0, count);
            return result;
        }

        public override ValueStorage Slice(long offset) =>
            offset >= 0 && offset <= data.Length ? new Bytes([.. data.Skip((int)offset)]) : new Unavailable("the value is smaller than its type");
    }

    public sealed class Unavailable(string reason) : ValueStorage
    {
        public override string? UnavailableReason => reason;

        public override byte[]? Read(long offset, int count, out string? why)
        {
            why = reason;
            return null;
        }

        public override ValueStorage Slice(long offset) => this;
    }
}
