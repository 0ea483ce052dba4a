using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Wasm.Linking;

/// <summary>Which module a probe is in when several are linked: a module named by its link name, or the module whose
/// DWARF has a line probe's file. The same rule for the runtime (<c>DebugSession</c>), the generator and the CLI.</summary>
public static class LinkedTargets
{
    /// <summary>The index of the linked module named <paramref name="name"/> in <paramref name="linked"/>.</summary>
    public static Resolution<int> Module(IReadOnlyList<string> linked, string name)
    {
        for (int i = 0; i < linked.Count; i++)
        {
            if (linked[i] == name) return Resolution<int>.Found(i);
        }
        return new ResolutionProblem(ResolutionStatus.ModuleNotLinked, linked.Count == 0
            ? $"no module named '{name}' is linked (no module is linked)"
            : $"no module named '{name}' is linked (linked: {string.Join(", ", linked)})");
    }

    /// <summary>Where a line probe without a module goes: the guest (-1) when its line table has the file, else the one
    /// linked module whose line table has it (its index), else the guest again (whose resolution then says the file is
    /// unknown). A file only in several linked modules is a problem: the probe must name its module.</summary>
    /// <param name="guest">The guest's resolution of the line.</param>
    /// <param name="linked">Each linked module's name and resolution of the line, in link order.</param>
    public static Resolution<int> FileOwner(LineResolution guest, IReadOnlyList<(string Name, LineResolution Line)> linked)
    {
        if (KnowsFile(guest)) return Resolution<int>.Found(-1);
        var owners = Enumerable.Range(0, linked.Count).Where(i => KnowsFile(linked[i].Line)).ToList();
        return owners.Count switch
        {
            0 => Resolution<int>.Found(-1),
            1 => Resolution<int>.Found(owners[0]),
            _ => new ResolutionProblem(ResolutionStatus.FileInSeveralModules,
                $"'{guest.File}' is a source file of the linked modules {string.Join(" and ", owners.Select(i => linked[i].Name))}, not of the guest: name the module the line is in"),
        };
    }

    private static bool KnowsFile(LineResolution line) => line.Status is LineResolutionStatus.Resolved or LineResolutionStatus.NoCode;
}
