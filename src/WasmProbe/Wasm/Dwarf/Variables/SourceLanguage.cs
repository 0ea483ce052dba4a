namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>The language families whose type spelling and value syntax differ.</summary>
internal enum SourceLanguage
{
    C,
    Cpp,
    Rust,
}

internal static class SourceLanguages
{
    /// <summary>The family of a DW_LANG_* code; C for unknown codes (C spelling is the lingua franca of DWARF tools).</summary>
    public static SourceLanguage Of(int? dwLang) => dwLang switch
    {
        0x04 or 0x19 or 0x1a or 0x21 => SourceLanguage.Cpp, // C++, C++03, C++11, C++14
        0x1c => SourceLanguage.Rust,
        _ => SourceLanguage.C,
    };
}
