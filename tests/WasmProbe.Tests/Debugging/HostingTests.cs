using System.Runtime.Intrinsics;
using WasmProbe.Debugging;
using WasmProbe.Inspection;

namespace WasmProbe.Tests.Debugging;

public class HostingTests
{
    [Fact]
    public async Task Wasi_output_is_captured()
    {
        const string wat = """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (data (i32.const 8) "hello\0a")
              (func $main (export "main")
                (i32.store (i32.const 0) (i32.const 8))
                (i32.store (i32.const 4) (i32.const 6))
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))
                (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 32)))))
            """;
        await using var session = Wat.Session(wat, new DebugSessionOptions { Entry = "main", Host = new() { Wasi = true } });
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>();
        session.Stdout.ShouldBe("hello\n");
        session.Stderr.ShouldBe("hello\n");
    }

    [Fact]
    public async Task Memory64_v128_locals_and_tables_are_inspectable()
    {
        const string wat = """
            (module
              (memory $m64 i64 1)
              (table $t 2 externref)
              (func $f (export "f") (param $v v128) (result i64)
                (i64.store (i64.const 65528) (i64.const 0x1122334455667788))
                (i64.load (i64.const 65528))))
            """;
        var vector = Vector128.Create((byte)1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        await using var session = Wat.Session(wat, new DebugSessionOptions { Entry = "f", Arguments = [vector] });
        session.AddBreakpoint("f", Wat.Pcs(session, "f")[^1]);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        session.Memory().Is64.ShouldBeTrue();
        session.Memory().ReadInt64(65528).ShouldBe(0x1122334455667788);
        session.Local(0).AsVector128().ShouldBe(vector);
        session.Frames[0].Stack.Single().AsInt64().ShouldBe(0x1122334455667788);
        var table = session.Table(0);
        table.Length.ShouldBe(2);
        table.Set(1, WasmValue.Reference(Wasm.Types.ValType.ExternRef, "payload"));
        table.Get(1).AsReference().ShouldBe("payload");
    }
}
