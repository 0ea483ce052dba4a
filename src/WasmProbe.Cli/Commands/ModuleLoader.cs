using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Cli.Commands;

/// <summary>Reads and decodes a module file, turning every way that can fail into a <see cref="CommandException"/>
/// whose message names the file.</summary>
public static class ModuleLoader
{
    public static Module Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CommandException($"{path}: file not found");
        }
        catch (UnauthorizedAccessException)
        {
            throw new CommandException(Directory.Exists(path) ? $"{path}: is a directory, not a file" : $"{path}: permission denied");
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ArgumentException)
        {
            throw new CommandException($"{path}: cannot read: {e.Message}");
        }

        try
        {
            return ModuleDecoder.Decode(bytes);
        }
        catch (WasmFormatException e)
        {
            throw new CommandException($"{path}: {e.Reason} at byte offset 0x{e.Offset:x}");
        }
    }
}
