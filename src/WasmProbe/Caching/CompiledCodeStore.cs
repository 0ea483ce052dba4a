using System.Buffers.Binary;

namespace WasmProbe.Caching;

/// <summary>Compiled modules on disk, one file per key (<c>&lt;key hex&gt;.cwasm</c>), shared by every process using the
/// directory. A file is a header (magic with the format version, the 32-byte key, the payload length) and the payload
/// (Wasmtime's serialized module). Files are written to a temporary name and renamed into place, so readers never see
/// half a file; a file whose header does not match is deleted. The directory is kept under its size bound by deleting
/// the least recently used files (a hit refreshes a file's write time). Best effort throughout: an IO failure is a
/// miss, never an error.</summary>
internal sealed class CompiledCodeStore(string directory, long capacityBytes)
{
    public const string Extension = ".cwasm";
    public const int KeyLength = 32;

    private static readonly byte[] Magic = "WPCODE\0\u0001"u8.ToArray();
    private static readonly int HeaderLength = Magic.Length + KeyLength + sizeof(long);

    /// <summary>Temporary files older than this were left by a writer that died.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    public string Directory => directory;
    public long CapacityBytes => capacityBytes;

    public string PathOf(byte[] key) => Path.Combine(directory, Convert.ToHexStringLower(key) + Extension);

    /// <summary>The payload stored under <paramref name="key"/>, or null when there is none or its file is damaged
    /// (then the file is deleted).</summary>
    public ArraySegment<byte>? TryRead(byte[] key)
    {
        string path = PathOf(key);
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (!HasHeader(file, key))
        {
            Delete(path);
            return null;
        }
        Touch(path);
        return new ArraySegment<byte>(file, HeaderLength, file.Length - HeaderLength);
    }

    public void Write(byte[] key, byte[] payload)
    {
        string path = PathOf(key);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Header(key, payload.Length));
                stream.Write(payload);
            }
            File.Move(temporary, path, overwrite: true);
            Touch(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Delete(temporary);
            return;
        }
        Trim();
    }

    /// <summary>Deletes the entry under <paramref name="key"/> (one Wasmtime refused to load).</summary>
    public void Remove(byte[] key) => Delete(PathOf(key));

    /// <summary>Deletes least recently used entries until the directory fits its bound, and abandoned temporary files.</summary>
    public void Trim()
    {
        FileInfo[] files;
        try
        {
            files = new DirectoryInfo(directory).GetFiles();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        var now = DateTime.UtcNow;
        foreach (var file in files.Where(f => f.Name.EndsWith(".tmp", StringComparison.Ordinal) && now - f.LastWriteTimeUtc > AbandonedAfter))
            Delete(file.FullName);
        var entries = files.Where(f => f.Name.EndsWith(Extension, StringComparison.Ordinal)).OrderBy(f => f.LastWriteTimeUtc).ToList();
        long total = entries.Sum(f => f.Length);
        foreach (var oldest in entries)
        {
            if (total <= capacityBytes) break;
            Delete(oldest.FullName);
            total -= oldest.Length;
        }
    }

    private static byte[] Header(byte[] key, long payloadLength)
    {
        var header = new byte[HeaderLength];
        Magic.CopyTo(header, 0);
        key.CopyTo(header, Magic.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(Magic.Length + KeyLength), payloadLength);
        return header;
    }

    private static bool HasHeader(byte[] file, byte[] key) =>
        file.Length >= HeaderLength
        && file.AsSpan(0, Magic.Length).SequenceEqual(Magic)
        && file.AsSpan(Magic.Length, KeyLength).SequenceEqual(key)
        && BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(Magic.Length + KeyLength)) == file.Length - HeaderLength;

    private static void Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
