using WasmProbe.Coverage;
using WasmProbe.Tests.Fixtures;

namespace WasmProbe.Tests.Coverage;

/// <summary>Exact counts on hand-written modules: blocks, instructions and every kind of branch outcome.</summary>
public class CountingTests
{
    private const string Loop = WatGuests.Loop;

    [Fact]
    public void A_loop_run_10_times_shows_10_on_its_body()
    {
        using var host = CoverageHost.FromText(Loop);
        host.Invoke("sum", 10).ShouldBe(45);
        var coverage = host.Coverage();
        var pcs = host.Pcs("sum");
        var sum = coverage.Function("sum");
        sum.Calls.ShouldBe(1);
        sum.HitsAt(pcs[0]).ShouldBe(1);                          // loop
        for (int i = 1; i <= 11; i++) sum.HitsAt(pcs[i]).ShouldBe(10); // body and br_if
        sum.HitsAt(pcs[12]).ShouldBe(1);                         // end of loop
        sum.HitsAt(pcs[13]).ShouldBe(1);                         // local.get $acc
        var branch = sum.BranchAt(pcs[11]);
        branch.Instruction.ShouldBe("br_if");
        branch["taken"].Count.ShouldBe(9);
        branch["not taken"].Count.ShouldBe(1);
        branch.Covered.ShouldBe(2);
        coverage.Totals.ShouldBe(new CoverageTotals(1, 1, 15, 15, 2, 2));
    }

    [Fact]
    public void The_loop_costs_one_counter_increment_per_iteration()
    {
        using var host = CoverageHost.FromText(Loop);
        host.Invoke("sum", 1000);
        host.Counters().Sum().ShouldBeLessThanOrEqualTo(1000 + 2);
    }

    private const string Abs = """
        (module
          (func $abs (export "abs") (param $x i32) (result i32)
            local.get $x
            i32.const 0
            i32.lt_s
            if
              i32.const 0
              local.get $x
              i32.sub
              local.set $x
            end
            local.get $x))
        """;

    [Fact]
    public void An_if_whose_arm_never_runs_is_a_partial_branch_1_of_2()
    {
        using var host = CoverageHost.FromText(Abs);
        host.Invoke("abs", 5).ShouldBe(5);
        host.Invoke("abs", 7).ShouldBe(7);
        var abs = host.Coverage().Function("abs");
        var pcs = host.Pcs("abs");
        var branch = abs.BranchAt(pcs[3]);
        branch.Instruction.ShouldBe("if");
        branch.Outcomes.Select(o => (o.Name, o.Count)).ShouldBe([("then", 0L), ("else (implicit)", 2L)]);
        branch.Covered.ShouldBe(1);
        branch.Outcomes.Count.ShouldBe(2);
        abs.HitsAt(pcs[4]).ShouldBe(0); // i32.const 0 in the then arm
        abs.HitsAt(pcs[8]).ShouldBe(0); // end of the then arm
        abs.HitsAt(pcs[9]).ShouldBe(2); // local.get $x after the if
    }

    [Fact]
    public void If_else_counts_both_arms()
    {
        const string wat = """
            (module
              (func $sign (export "sign") (param $x i32) (result i32)
                local.get $x
                i32.const 0
                i32.ge_s
                if (result i32)
                  i32.const 1
                else
                  i32.const -1
                end))
            """;
        using var host = CoverageHost.FromText(wat);
        foreach (int x in new[] { 3, -1, 0, 9, -4 }) host.Invoke("sign", x);
        var sign = host.Coverage().Function("sign");
        var pcs = host.Pcs("sign");
        sign.BranchAt(pcs[3]).Outcomes.Select(o => (o.Name, o.Count)).ShouldBe([("then", 3L), ("else", 2L)]);
        sign.HitsAt(pcs[4]).ShouldBe(3);
        sign.HitsAt(pcs[6]).ShouldBe(2);
        sign.HitsAt(pcs[7]).ShouldBe(2); // the if's end runs when the else arm falls into it; the then arm branches past it
        sign.HitsAt(pcs[8]).ShouldBe(5);
    }

    private const string Switch = """
        (module
          (func $classify (export "classify") (param $x i32) (result i32)
            block $default
              block $two
                block $one
                  block $zero
                    local.get $x
                    br_table $zero $one $two $one $default
                  end
                  i32.const 100
                  return
                end
                i32.const 101
                return
              end
              i32.const 102
              return
            end
            i32.const 199))
        """;

    [Fact]
    public void Br_table_counts_each_target_including_the_default()
    {
        using var host = CoverageHost.FromText(Switch);
        int[] inputs = [0, 1, 1, 3, 2, 7, 9, 9, 9];
        var results = inputs.Select(x => (int)host.Invoke("classify", x)!).ToArray();
        results.ShouldBe([100, 101, 101, 101, 102, 199, 199, 199, 199]);
        var classify = host.Coverage().Function("classify");
        var pcs = host.Pcs("classify");
        var branch = classify.BranchAt(pcs[5]);
        branch.Instruction.ShouldBe("br_table");
        branch.Outcomes.Select(o => (o.Name, o.Count)).ShouldBe([("case 0", 1L), ("cases 1,3", 3L), ("case 2", 1L), ("default", 4L)]);
        branch.Executions.ShouldBe(9);
    }

    [Fact]
    public void Br_table_edges_that_can_only_be_counted_on_the_edge_go_through_stubs()
    {
        // Two br_tables with the same two join points: their four edges form a cycle of edges that no block start or
        // end can count, so one of them is counted in a stub block.
        const string wat = """
            (module
              (func $g (export "g") (param $x i32) (param $y i32) (result i32) (local $r i32)
                block $q
                  block $p
                    local.get $x
                    if
                      local.get $y
                      br_table $p $q
                    end
                    local.get $y
                    br_table $p $q
                  end
                  i32.const 1
                  local.set $r
                end
                local.get $r))
            """;
        using var host = CoverageHost.FromText(wat);
        host.Instrumentation.Functions[0].StubbedBrTables.ShouldBeGreaterThan(0);
        host.Invoke("g", 1, 0).ShouldBe(1);
        host.Invoke("g", 1, 1).ShouldBe(0);
        host.Invoke("g", 1, 5).ShouldBe(0);
        host.Invoke("g", 0, 0).ShouldBe(1);
        host.Invoke("g", 0, 1).ShouldBe(0);
        host.Invoke("g", 0, 0).ShouldBe(1);
        var g = host.Coverage().Function("g");
        var pcs = host.Pcs("g");
        g.BranchAt(pcs[5]).Outcomes.Select(o => (o.Name, o.Count)).ShouldBe([("case 0", 1L), ("default", 2L)]);
        g.BranchAt(pcs[8]).Outcomes.Select(o => (o.Name, o.Count)).ShouldBe([("case 0", 2L), ("default", 1L)]);
        g.HitsAt(pcs[10]).ShouldBe(3);
        g.HitsAt(pcs[13]).ShouldBe(6);
    }

    [Fact]
    public void Select_counts_both_choices()
    {
        const string wat = """
            (module
              (func $max (export "max") (param $a i32) (param $b i32) (result i32)
                local.get $a
                local.get $b
                local.get $a
                local.get $b
                i32.gt_s
                select))
            """;
        using var host = CoverageHost.FromText(wat);
        host.Invoke("max", 1, 2).ShouldBe(2);
        host.Invoke("max", 5, 2).ShouldBe(5);
        host.Invoke("max", 7, 2).ShouldBe(7);
        var max = host.Coverage().Function("max");
        var branch = max.BranchAt(host.Pcs("max")[5]);
        branch.Instruction.ShouldBe("select");
        branch.Outcomes.Select(o => (o.Name, o.Count)).ShouldBe([("first", 2L), ("second", 1L)]);
    }

    [Fact]
    public void Calls_are_counted_per_function()
    {
        const string wat = """
            (module
              (func $fib (export "fib") (param $n i32) (result i32)
                local.get $n
                i32.const 2
                i32.lt_s
                if (result i32)
                  local.get $n
                else
                  local.get $n
                  i32.const 1
                  i32.sub
                  call $fib
                  local.get $n
                  i32.const 2
                  i32.sub
                  call $fib
                  i32.add
                end)
              (func $unused (export "unused") (result i32) i32.const 7))
            """;
        using var host = CoverageHost.FromText(wat);
        host.Invoke("fib", 10).ShouldBe(55);
        var coverage = host.Coverage();
        coverage.Function("fib").Calls.ShouldBe(177);
        coverage.Function("unused").Calls.ShouldBe(0);
        var branch = coverage.Function("fib").BranchAt(host.Pcs("fib")[3]);
        branch.Outcomes.Select(o => o.Count).ShouldBe([89L, 88L]);
        coverage.Totals.FunctionsCovered.ShouldBe(1);
        coverage.Totals.Functions.ShouldBe(2);
    }

    [Fact]
    public void Try_table_counts_each_catch_clause_landing()
    {
        // kind 0 throws $small, kind 1 throws $big (caught by catch_all), anything else returns normally.
        const string wat = """
            (module
              (tag $small (param i32))
              (tag $big)
              (func $thrower (param $kind i32)
                local.get $kind
                i32.eqz
                if
                  i32.const 7
                  throw $small
                end
                local.get $kind
                i32.const 1
                i32.eq
                if
                  throw $big
                end)
              (func $run (export "run") (param $kind i32) (result i32)
                block $all
                  block $s (result i32)
                    try_table (catch $small $s) (catch_all $all)
                      local.get $kind
                      call $thrower
                    end
                    i32.const 100
                    return
                  end
                  return
                end
                i32.const -1))
            """;
        using var host = CoverageHost.FromText(wat);
        int[] kinds = [0, 1, 2, 0, 5, 0];
        kinds.Select(k => (int)host.Invoke("run", k)!).ShouldBe([7, -1, 100, 7, 100, 7]);
        var run = host.Coverage().Function("run");
        var pcs = host.Pcs("run");
        var branch = run.BranchAt(pcs[2]);
        branch.Instruction.ShouldBe("try_table");
        branch.Outcomes.Select(o => (o.Name, o.Count)).ShouldBe([("catch tag 0", 3L), ("catch_all", 1L)]);
        run.Calls.ShouldBe(6);
        run.HitsAt(pcs[6]).ShouldBe(2);  // i32.const 100 after the try_table: only normal returns
        run.HitsAt(pcs[9]).ShouldBe(3);  // return of the caught payload
        run.HitsAt(pcs[11]).ShouldBe(1); // i32.const -1 after catch_all
        host.Coverage().Function("thrower").Calls.ShouldBe(6);
    }

    [Fact]
    public void Br_on_null_counts_taken_and_not_taken()
    {
        const string wat = """
            (module
              (elem declare func $f)
              (func $f (export "f") (param $x i32) (result i32)
                block $null
                  ref.func $f
                  ref.null func
                  local.get $x
                  select (result funcref)
                  br_on_null $null
                  drop
                  i32.const 1
                  return
                end
                i32.const 0))
            """;
        using var host = CoverageHost.FromText(wat);
        new[] { 1, 0, 0, 3 }.Select(x => (int)host.Invoke("f", x)!).ShouldBe([1, 0, 0, 1]);
        var f = host.Coverage().Function("f");
        var pcs = host.Pcs("f");
        f.BranchAt(pcs[4]).Outcomes.Select(o => o.Count).ShouldBe([2L, 2L]); // select: first (ref.func) twice
        f.BranchAt(pcs[5]).Outcomes.Select(o => (o.Name, o.Count)).ShouldBe([("taken", 2L), ("not taken", 2L)]);
    }
}
