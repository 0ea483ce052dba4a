namespace WasmProbe.Cli.Commands;

/// <summary>What <c>trace</c> and <c>coverage</c> run: <c>&lt;file.wasm&gt; --invoke EXPORT [ARGS...]</c>.</summary>
public sealed record Invocation(string Path, string Entry, IReadOnlyList<string> Arguments)
{
    public static readonly OptionSpec Option = new("invoke", "i", "EXPORT", "the exported function to run; ARGS after the file are its arguments, parsed by its parameter types");

    public static Invocation From(ParsedArguments arguments)
    {
        if (arguments.Positionals.Count == 0) throw new UsageException("missing <file.wasm>");
        string entry = arguments.Option("invoke") ?? throw new UsageException("missing --invoke EXPORT");
        return new Invocation(arguments.Positionals[0], entry, [.. arguments.Positionals.Skip(1)]);
    }

    /// <summary>The module, read and decoded once, and the entry's arguments parsed by its parameter types.</summary>
    public (LoadedModule Module, object?[] Values) Load()
    {
        var loaded = ModuleLoader.Read(Path);
        return (loaded, ModuleLoader.EntryArguments(loaded, Entry, Arguments));
    }
}
