
namespace WasmProbe.Wasm.Binary;

/// <summary>A growable output buffer with the binary format's primitive encodings (minimal LEB128).</summary>
public sealed class WasmWriter
{
    private byte[] _buffer;

    public WasmWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    public int Length { get; private set; }

    public byte[] ToArray()
    {
        var result = new byte[Length];
        Buffer.BlockCopy(_buffer, 0, result, 0, Length);
        return result;
    }

    /// <summary>The bytes written so far; valid until the next write.</summary>
    public ArraySegment<byte> Written => new(_buffer, 0, Length);

    private void Ensure(int extra)
    {
        if (Length + extra <= _buffer.Length) return;
        int size = _buffer.Length * 2;
        while (size < Length + extra) size *= 2;
        Array.Resize(ref _buffer, size);
    }

    public void Byte(byte value)
    {
        if (Length == _buffer.Length) Ensure(1);
        _buffer[Length++] = value;
    }

    public void Bytes(byte[] bytes) => Bytes(bytes, 0, bytes.Length);

    public void Bytes(byte[] bytes, int offset, int count)
    {
        Ensure(count);
        Buffer.BlockCopy(bytes, offset, _buffer, Length, count);
        Length += count;
    }

    public void Bytes(WasmWriter other) => Bytes(other._buffer, 0, other.Length);

    public void U32(uint value)
    {
        Ensure(5);
        while (value >= 0x80)
        {
            _buffer[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[Length++] = (byte)value;
    }

    public void U32(int value) => U32((uint)value);

    public void U64(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[Length++] = (byte)value;
    }

    public void S64(long value)
    {
        Ensure(10);
        while (true)
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bool done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
            if (done)
            {
                _buffer[Length++] = b;
                return;
            }
            _buffer[Length++] = (byte)(b | 0x80);
        }
    }


    public void Fixed32(uint value)
    {
        Ensure(4);
        _buffer[Length++] = (byte)value;
        _buffer[Length++] = (byte)(value >> 8);
        _buffer[Length++] = (byte)(value >> 16);
        _buffer[Length++] = (byte)(value >> 24);
    }

    public void Fixed64(ulong value)
    {
        Fixed32((uint)value);
        Fixed32((uint)(value >> 32));
    }

    public void Name(string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        U32(bytes.Length);
        Bytes(bytes);
    }

    /// <summary>Writes <paramref name="payload"/> prefixed by its u32 length.</summary>
    public void Sized(WasmWriter payload)
    {
        U32(payload.Length);
        Bytes(payload);
    }

    public void Clear() => Length = 0;
}
