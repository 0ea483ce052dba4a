using System.Buffers.Binary;

namespace WasmProbe.Caching;

/// <summary>What sessions build from a module, on disk, one file per key and kind (<c>&lt;key hex&gt;.cwasm</c> for compiled
/// code, <c>.wpim</c> and <c>.wpbin</c> for instrumented modules' metadata and binaries), shared by every process using the directory. A file is the
/// payload (Wasmtime's serialized module, <see cref="InstrumentedModuleFormat"/>, or an instrumented binary) and a trailer (the
/// kind's magic with its format version, the 32-byte key, the payload length): at the end, so that Wasmtime can map a
/// compiled-code file in place (<see cref="TryLocate"/>; it ignores bytes after its own). Files are written to a
/// temporary name and renamed into place, so readers never see half a file; a file whose trailer does not match is deleted. The directory is kept under its size bound by deleting
/// the least recently used files (a hit refreshes a file's write time). Best effort throughout: an IO failure is a
/// miss, never an error.</summary>
internal sealed class DiskStore(string directory, long capacityBytes)
{
    public const int KeyLength = 32;

    private const int MagicLength = 8;
    public const int TrailerLength = MagicLength + KeyLength + sizeof(long);

    /// <summary>Temporary files older than this were left by a writer that died.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    private readonly object _gate = new();

    /// <summary>The entries' size at the last <see cref="Trim"/> plus what this store wrote since (null before the
    /// first): listing a directory of thousands of entries at every write cost a test suite minutes, so a write trims
    /// only when this says the bound is passed. Other processes' writes are not counted; their own trims see them.</summary>
    private long? _knownBytes;

    public string Directory => directory;
    public long CapacityBytes => capacityBytes;

    public string PathOf(byte[] key, StoredKind kind) => Path.Combine(directory, Convert.ToHexStringLower(key) + kind.Extension);

    /// <summary>The payload stored under <paramref name="key"/>, or null when there is none or its file is damaged
    /// (then the file is deleted).</summary>
    public ArraySegment<byte>? TryRead(byte[] key, StoredKind kind)
    {
        string path = PathOf(key, kind);
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (!HasTrailer(file, file.Length, key, kind))
        {
            Delete(path);
            return null;
        }
        Touch(path);
        return new ArraySegment<byte>(file, 0, file.Length - TrailerLength);
    }

    /// <summary>The path of the entry under <paramref name="key"/> when its trailer is sound (only the trailer is read),
    /// or null as <see cref="TryRead"/>. Its payload is the file's first <c>length - </c><see cref="TrailerLength"/> bytes.</summary>
    public string? TryLocate(byte[] key, StoredKind kind)
    {
        string path = PathOf(key, kind);
        var trailer = new byte[TrailerLength];
        long length;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            length = file.Length;
            if (length >= TrailerLength)
            {
                file.Position = length - TrailerLength;
                file.ReadExactly(trailer);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (!HasTrailer(trailer, length, key, kind))
        {
            Delete(path);
            return null;
        }
        Touch(path);
        return path;
    }

    public void Write(byte[] key, StoredKind kind, ReadOnlySpan<byte> payload)
    {
        string path = PathOf(key, kind);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(payload);
                stream.Write(Trailer(key, kind, payload.Length));
            }
            File.Move(temporary, path, overwrite: true);
            Touch(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Delete(temporary);
            return;
        }
        bool overBound;
        lock (_gate)
        {
            _knownBytes += TrailerLength + payload.Length;
            overBound = _knownBytes is not { } known || known > capacityBytes;
        }
        if (overBound) Trim();
    }

    /// <summary>Deletes the entry under <paramref name="key"/> (one that would not load).</summary>
    public void Remove(byte[] key, StoredKind kind) => Delete(PathOf(key, kind));

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
        var entries = new List<(string Path, long Length, DateTime Written)>();
        foreach (var file in files.Where(f => StoredKind.All.Any(k => f.Name.EndsWith(k.Extension, StringComparison.Ordinal))))
        {
            try
            {
                entries.Add((file.FullName, file.Length, file.LastWriteTimeUtc));
            }
            catch (FileNotFoundException)
            {
                // Another process sharing the directory trimmed it since it was listed.
            }
        }
        long total = entries.Sum(e => e.Length);
        foreach (var oldest in entries.OrderBy(e => e.Written))
        {
            if (total <= capacityBytes) break;
            Delete(oldest.Path);
            total -= oldest.Length;
        }
        lock (_gate) _knownBytes = total;
    }

    private static byte[] Trailer(byte[] key, StoredKind kind, long payloadLength)
    {
        var trailer = new byte[TrailerLength];
        kind.Magic.CopyTo(trailer, 0);
        key.CopyTo(trailer, MagicLength);
        BinaryPrimitives.WriteInt64LittleEndian(trailer.AsSpan(MagicLength + KeyLength), payloadLength);
        return trailer;
    }

    /// <param name="bytes">The file, or its last <see cref="TrailerLength"/> bytes.</param>
    /// <param name="fileLength">The file's length.</param>
    private static bool HasTrailer(byte[] bytes, long fileLength, byte[] key, StoredKind kind)
    {
        if (fileLength < TrailerLength || bytes.Length < TrailerLength) return false;
        var trailer = bytes.AsSpan(bytes.Length - TrailerLength);
        return trailer[..MagicLength].SequenceEqual(kind.Magic)
            && trailer.Slice(MagicLength, KeyLength).SequenceEqual(key)
            && BinaryPrimitives.ReadInt64LittleEndian(trailer[(MagicLength + KeyLength)..]) == fileLength - TrailerLength;
    }

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

/// <summary>A kind of <see cref="DiskStore"/> entry: its file extension and its magic (eight bytes, the last the
/// format version: a new format is a miss, not a misreading).</summary>
internal sealed class StoredKind
{
    public static readonly StoredKind CompiledCode = new(".cwasm", "WPCODE\0\u0002"u8);
    public static readonly StoredKind InstrumentedModule = new(".wpim", "WPINST\0\u0003"u8);
    public static readonly StoredKind InstrumentedBinary = new(".wpbin", "WPBIN\0\0\u0002"u8);
    public static readonly IReadOnlyList<StoredKind> All = [CompiledCode, InstrumentedModule, InstrumentedBinary];

    private StoredKind(string extension, ReadOnlySpan<byte> magic)
    {
        Extension = extension;
        Magic = magic.ToArray();
    }

    public string Extension { get; }
    public byte[] Magic { get; }
}
