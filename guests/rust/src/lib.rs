//! An exchange simulation: `run(n)` generates n text commands (limit orders, cancels, quotes and a few malformed
//! lines), parses each one, applies it to a limit order book and returns a checksum of everything that happened.

mod book;
mod command;

use book::{Book, Trade};
use command::{parse, Command, ParseError, Side};
use std::collections::BTreeMap;

/// xorshift64*: a deterministic stream of pseudo-random numbers.
struct Generator {
    state: u64,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator { state: seed.max(1) }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

/// Writes the command line for the `index`-th step: mostly limit orders around a drifting mid price.
fn command_line(generator: &mut Generator, index: u64, mid: &mut u32) -> String {
    let roll = generator.below(100);
    if roll < 3 {
        return ["", "BUY ten @ 5 #1", "SELL 5 @ #2", "HOLD #3", "BUY 5 @ 7 #4 extra", "CANCEL 9", "QUOTE !"]
            [generator.below(7) as usize]
            .to_string();
    }
    if roll < 18 && index > 0 {
        return format!("CANCEL #{}", generator.below(index) + 1);
    }
    if roll < 25 {
        return "QUOTE".to_string();
    }
    if generator.below(8) == 0 {
        *mid = (*mid as i64 + generator.below(5) as i64 - 2).clamp(50, 5000) as u32;
    }
    let side = if generator.below(2) == 0 { "BUY" } else { "sell" };
    let spread = generator.below(12) as u32;
    let price = if side == "BUY" { *mid + 5 - spread } else { *mid - 5 + spread };
    let quantity = 1 + generator.below(50) * if generator.below(10) == 0 { 20 } else { 1 };
    format!("{} {} @ {} #{}", side, quantity, price, index + 1)
}

#[derive(Default)]
struct Stats {
    filled: u64,
    rejected_ids: u64,
    cancelled: u64,
    unknown_cancels: u64,
    quotes: u64,
    errors: BTreeMap<&'static str, u64>,
}

impl Stats {
    fn record_error(&mut self, error: ParseError) {
        let kind = match error {
            ParseError::Empty => "empty",
            ParseError::UnknownVerb => "verb",
            ParseError::Missing(_) => "missing",
            ParseError::BadNumber => "number",
            ParseError::UnexpectedCharacter(_) => "character",
            ParseError::Trailing => "trailing",
        };
        *self.errors.entry(kind).or_insert(0) += 1;
    }
}

fn apply(book: &mut Book, stats: &mut Stats, command: Command) {
    match command {
        Command::Limit { id, side, quantity, price } => match book.submit(id, side, quantity, price) {
            Some(filled) => stats.filled += u64::from(filled),
            None => stats.rejected_ids += 1,
        },
        Command::Cancel { id } => match book.cancel(id) {
            Some(quantity) => stats.cancelled += u64::from(quantity),
            None => stats.unknown_cancels += 1,
        },
        Command::Quote => {
            let bid = book.best(Side::Buy).unwrap_or(0);
            let ask = book.best(Side::Sell).unwrap_or(0);
            stats.quotes = stats.quotes.wrapping_mul(31).wrapping_add(u64::from(bid) << 16 | u64::from(ask));
        }
    }
}

fn checksum(trades: &[Trade], book: &Book, stats: &Stats) -> i64 {
    let mut sum: u64 = 0xcbf2_9ce4_8422_2325;
    let mut fold = |value: u64| sum = (sum ^ value).wrapping_mul(0x0100_0000_01b3);
    for trade in trades {
        fold(trade.buy);
        fold(trade.sell);
        fold(u64::from(trade.price) << 32 | u64::from(trade.quantity));
    }
    for value in [stats.filled, stats.rejected_ids, stats.cancelled, stats.unknown_cancels, stats.quotes] {
        fold(value);
    }
    for (kind, count) in &stats.errors {
        fold(kind.len() as u64 * 1000 + count);
    }
    fold(book.depth(Side::Buy));
    fold(book.depth(Side::Sell));
    fold(book.resting_orders() as u64);
    sum as i64
}

fn simulate(n: i32) -> (Book, Stats) {
    let mut generator = Generator::new(0x9e37_79b9_7f4a_7c15);
    let mut book = Book::new();
    let mut stats = Stats::default();
    let mut mid = 1000;
    for index in 0..n.max(0) as u64 {
        let line = command_line(&mut generator, index, &mut mid);
        match parse(&line) {
            Ok(command) => apply(&mut book, &mut stats, command),
            Err(error) => stats.record_error(error),
        }
    }
    (book, stats)
}

/// Runs `n` commands through a fresh book and returns the checksum of trades, counters and the final book.
#[no_mangle]
pub extern "C" fn run(n: i32) -> i64 {
    let (book, stats) = simulate(n);
    checksum(book.trades(), &book, &stats)
}

/// The number of trades `run(n)` makes: a second, smaller entry point for tests.
#[no_mangle]
pub extern "C" fn trade_count(n: i32) -> i32 {
    simulate(n).0.trades().len() as i32
}
