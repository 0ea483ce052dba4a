namespace WasmProbe.Debugging;

/// <summary>Which thrown exceptions stop the guest.</summary>
public enum ExceptionStops
{
    None,
    Uncaught,
    All,
}
