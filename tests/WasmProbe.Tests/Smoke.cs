namespace WasmProbe.Tests;
public class Smoke { [Fact] public void Runs() => Wasmtime.Module.Validate(new Wasmtime.Engine(), new byte[]{0,0x61,0x73,0x6d,1,0,0,0}).ShouldBeNull(); }
