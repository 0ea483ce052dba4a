using WasmProbe.Probes;

namespace RustGuest;

// guests/rust/src: run(n) generates n text commands, parses each (&str in, enums out), applies them to a limit order
// book and folds the trades into a checksum. The Rust variables are read by name, typed from the DWARF at compile
// time: &str as string, &[Trade] as an array of Trade views, &Trade as a pointer to one, u32/u64 as uint/ulong, the
// C-like enum Side as a generated C# enum.
[WasmModule("../../guests/rust/orderbook-O0.wasm", Entry = "run", Args = new object[] { 20 })]
public partial class OrderBookProbes
{
    // command.rs: `let mut tokens = Tokens::new(line);`, once per command line.
    [BreakAtLine("command.rs", 95, Hit = 2)]
    [ExpectVariable("line", "sell 46 @ 1005 #2")]
    public void The_parser_gets_each_command_line_as_a_str(Command_rs_L95 stop) => stop.Variables.line.ShouldStartWith("sell ");

    // book.rs: `let level_price = match self.best(side.opposite()) {`, the first order that can match.
    [BreakAtLine("book.rs", 62, Hit = 1)]
    [ExpectVariable("side", "Sell")]
    [ExpectVariable("id", 2L)]
    [ExpectVariable("quantity", 46)]
    [ExpectVariable("price", 1005)]
    public void Submit_sees_the_parsed_order(Book_rs_L62 stop)
    {
        var v = stop.Variables;
        v.side.ShouldBe(SourceTypes.Side.Sell);
        v.remaining.ShouldBe(v.quantity); // nothing filled yet
    }

    // lib.rs: `fold(trade.buy);` for each trade, in checksum's loop over the slice of trades.
    [BreakAtLine("lib.rs", 103)]
    public void Checksum_folds_every_trade_of_the_slice(Lib_rs_L103 stop)
    {
        var v = stop.Variables;
        var trade = v.trade.Value;
        trade.quantity.ShouldBeGreaterThan(0u);
        trade.buy.ShouldNotBe(trade.sell);
        var first = v.trades[0];
        first.price.ShouldBeInRange(900u, 1100u);
        v.trades.Length.ShouldBeGreaterThanOrEqualTo(stop.Hit);
        stop.Variable($"trades[{stop.Hit - 1}].buy").AsInteger().ShouldBe((long)trade.buy); // the loop walks the slice in order
    }

    [Fact]
    public void Run_returns_the_checksum_of_the_simulation()
    {
        using var instance = Instantiate();
        instance.Exports.trade_count(20).ShouldBeGreaterThan(0);
    }
}
