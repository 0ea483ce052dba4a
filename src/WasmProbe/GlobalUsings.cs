// The binary-format namespaces most of WasmProbe works in. WasmProbe.Generators links this file with the folders of
// that layer it compiles.
global using WasmProbe.Wasm.Instructions;
global using WasmProbe.Wasm.Model;
global using WasmProbe.Wasm.Types;
