//! A limit order book with price-time priority: each side keeps its price levels in a BTreeMap, each level its
//! orders in arrival order; an index by order id makes cancelling cheap.

use crate::command::Side;
use std::collections::{BTreeMap, HashMap, VecDeque};

#[derive(Clone, Copy, Debug)]
struct Resting {
    id: u64,
    quantity: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trade {
    pub buy: u64,
    pub sell: u64,
    pub price: u32,
    pub quantity: u32,
}

#[derive(Default)]
pub struct Book {
    bids: BTreeMap<u32, VecDeque<Resting>>,
    asks: BTreeMap<u32, VecDeque<Resting>>,
    /// Where each resting order is: its side and price level.
    index: HashMap<u64, (Side, u32)>,
    trades: Vec<Trade>,
}

impl Book {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn trades(&self) -> &[Trade] {
        &self.trades
    }

    pub fn best(&self, side: Side) -> Option<u32> {
        match side {
            Side::Buy => self.bids.keys().next_back().copied(),
            Side::Sell => self.asks.keys().next().copied(),
        }
    }

    /// Total quantity resting on one side.
    pub fn depth(&self, side: Side) -> u64 {
        self.levels(side).values().flat_map(|level| level.iter()).map(|order| u64::from(order.quantity)).sum()
    }

    pub fn resting_orders(&self) -> usize {
        self.index.len()
    }

    /// Matches an incoming limit order against the other side, then rests what is left. Returns the quantity filled,
    /// or None if the id is already in use.
    pub fn submit(&mut self, id: u64, side: Side, quantity: u32, price: u32) -> Option<u32> {
        if self.index.contains_key(&id) {
            return None;
        }
        let mut remaining = quantity;
        while remaining > 0 {
            let level_price = match self.best(side.opposite()) {
                Some(best) if crosses(side, price, best) => best,
                _ => break,
            };
            remaining = self.fill_level(id, side, level_price, remaining);
        }
        if remaining > 0 {
            self.levels_mut(side).entry(price).or_default().push_back(Resting { id, quantity: remaining });
            self.index.insert(id, (side, price));
        }
        Some(quantity - remaining)
    }

    /// Fills against the orders of one price level of the other side, oldest first; returns what is left to fill.
    fn fill_level(&mut self, id: u64, side: Side, price: u32, mut remaining: u32) -> u32 {
        let opposite = side.opposite();
        let level = self.levels_mut(opposite).get_mut(&price).expect("the best level exists");
        let mut filled = Vec::new();
        let mut completed = Vec::new();
        while let Some(front) = level.front_mut() {
            let quantity = front.quantity.min(remaining);
            front.quantity -= quantity;
            remaining -= quantity;
            let (buy, sell) = if side == Side::Buy { (id, front.id) } else { (front.id, id) };
            filled.push(Trade { buy, sell, price, quantity });
            if front.quantity == 0 {
                completed.push(front.id);
                level.pop_front();
            }
            if remaining == 0 {
                break;
            }
        }
        if level.is_empty() {
            self.levels_mut(opposite).remove(&price);
        }
        for done in completed {
            self.index.remove(&done);
        }
        self.trades.extend(filled);
        remaining
    }

    /// Removes a resting order; returns its unfilled quantity, or None if it is not resting.
    pub fn cancel(&mut self, id: u64) -> Option<u32> {
        let (side, price) = self.index.remove(&id)?;
        let levels = self.levels_mut(side);
        let level = levels.get_mut(&price)?;
        let position = level.iter().position(|order| order.id == id)?;
        let order = level.remove(position)?;
        if level.is_empty() {
            levels.remove(&price);
        }
        Some(order.quantity)
    }

    fn levels(&self, side: Side) -> &BTreeMap<u32, VecDeque<Resting>> {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    fn levels_mut(&mut self, side: Side) -> &mut BTreeMap<u32, VecDeque<Resting>> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }
}

/// Whether an order at `limit` trades with the best price of the other side.
fn crosses(side: Side, limit: u32, best: u32) -> bool {
    match side {
        Side::Buy => best <= limit,
        Side::Sell => best >= limit,
    }
}
