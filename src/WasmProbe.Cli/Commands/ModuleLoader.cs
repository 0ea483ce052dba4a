using WasmProbe.Debugging;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Cli.Commands;

/// <summary>A module file as read: its bytes and their decoding (through the shared cache, so a session created from
/// the same bytes does not decode them again).</summary>
public sealed record LoadedModule(string Path, byte[] Bytes, Module Module);

/// <summary>Reads and decodes a module file, turning every way that can fail into a <see cref="CommandException"/>
/// whose message names the file.</summary>
public static class ModuleLoader
{
    public static Module Load(string path) => Read(path).Module;

    public static LoadedModule Read(string path)
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
            return new LoadedModule(path, bytes, DebugSession.Decode(bytes));
        }
        catch (WasmFormatException e)
        {
            throw new CommandException($"{path}: {e.Reason} at byte offset 0x{e.Offset:x}");
        }
    }

    /// <summary>The <c>--invoke</c> export and its arguments parsed by its parameter types, resolved as the runtime
    /// and the generator resolve an entry (<see cref="EntryResolver"/>).</summary>
    public static object?[] EntryArguments(LoadedModule module, string entry, IReadOnlyList<string> arguments)
    {
        var resolution = EntryResolver.Resolve(module.Module, entry, arguments.Count);
        if (resolution.Problem is { } problem)
        {
            if (problem.Status == ResolutionStatus.EntryArgumentCount) throw new UsageException(problem.Message);
            throw new CommandException($"{module.Path}: {problem.Message}");
        }
        var type = resolution.Value.Type;
        return [.. arguments.Select((a, i) => (object?)ValueText.Parse(a, type.Parameters[i]))];
    }
}
