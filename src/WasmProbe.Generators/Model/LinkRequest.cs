namespace WasmProbe.Generators.Model;

/// <summary>A [LinkModule] of a probe class as written: its path, its <c>As</c> (null: not given) and where the
/// attribute is.</summary>
internal sealed record LinkRequest(ConstantArg Path, ConstantArg? As, LocationInfo? Location);

/// <summary>A [LinkModule] with the listed module its path names (null when none is listed).</summary>
internal sealed record LinkMatch(LinkRequest Request, ModuleImage? Image);
