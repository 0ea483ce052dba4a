namespace WasmProbe.Cli.Commands;

/// <summary>An option a command accepts: <c>--func NAME</c> (<see cref="ValueName"/> set) or a flag.</summary>
public sealed record OptionSpec(string Name, string? ShortName, string? ValueName, string Help, bool Repeatable = false)
{
    public bool TakesValue => ValueName is not null;

    public string Usage => (ShortName is null ? "" : $"-{ShortName}, ") + $"--{Name}" + (ValueName is null ? "" : $" {ValueName}");
}

/// <summary>Positional arguments and options of one command invocation.</summary>
public sealed class ParsedArguments(IReadOnlyList<string> positionals, IReadOnlyDictionary<string, List<string?>> options)
{
    public IReadOnlyList<string> Positionals { get; } = positionals;

    /// <summary>The value of an option that takes one, or null when it was not given.</summary>
    public string? Option(string name) => options.TryGetValue(name, out var values) ? values[0] : null;

    /// <summary>Every value of a repeatable option, in command-line order.</summary>
    public IReadOnlyList<string> Values(string name) => options.TryGetValue(name, out var values) ? [.. values.Select(v => v!)] : [];

    public bool Flag(string name) => options.ContainsKey(name);

    /// <summary>Exactly <paramref name="count"/> positional arguments, named in the error otherwise.</summary>
    public void ExpectPositionals(params string[] names)
    {
        if (Positionals.Count < names.Length) throw new UsageException($"missing {names[Positionals.Count]}");
        if (Positionals.Count > names.Length) throw new UsageException($"unexpected argument '{Positionals[names.Length]}'");
    }
}

/// <summary>A small GNU-style parser: <c>--name value</c>, <c>--name=value</c>, <c>-n value</c>, flags, and <c>--</c>
/// to end options. Unknown or repeated options and missing values are <see cref="UsageException"/>s.</summary>
public static class ArgumentParser
{
    public static ParsedArguments Parse(IReadOnlyList<string> args, IReadOnlyList<OptionSpec> specs)
    {
        var positionals = new List<string>();
        var options = new Dictionary<string, List<string?>>(StringComparer.Ordinal);
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (optionsEnded || arg == "-" || !arg.StartsWith('-') || IsNegativeNumber(arg))
            {
                positionals.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            string key;
            string? inlineValue = null;
            OptionSpec? spec;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                key = arg[2..];
                int equals = key.IndexOf('=');
                if (equals >= 0)
                {
                    inlineValue = key[(equals + 1)..];
                    key = key[..equals];
                }
                spec = specs.FirstOrDefault(s => s.Name == key);
            }
            else
            {
                key = arg[1..];
                spec = specs.FirstOrDefault(s => s.ShortName == key);
            }
            if (spec is null) throw new UsageException($"unknown option '{arg}'");
            if (options.ContainsKey(spec.Name) && !spec.Repeatable) throw new UsageException($"option --{spec.Name} given more than once");

            if (!spec.TakesValue)
            {
                if (inlineValue is not null) throw new UsageException($"option --{spec.Name} takes no value");
                Add(options, spec.Name, null);
                continue;
            }
            if (inlineValue is null)
            {
                if (i + 1 >= args.Count) throw new UsageException($"option --{spec.Name} needs a value ({spec.ValueName})");
                inlineValue = args[++i];
            }
            Add(options, spec.Name, inlineValue);
        }
        return new ParsedArguments(positionals, options);
    }

    private static void Add(Dictionary<string, List<string?>> options, string name, string? value)
    {
        if (!options.TryGetValue(name, out var values)) options[name] = values = [];
        values.Add(value);
    }

    /// <summary>"-5", "-1.5", "-inf", "-nan": guest arguments, not options.</summary>
    private static bool IsNegativeNumber(string arg) =>
        arg.Length > 1 && (char.IsDigit(arg[1]) || arg[1] == '.' || arg is "-inf" or "-nan" || arg.StartsWith("-nan:", StringComparison.Ordinal));
}
