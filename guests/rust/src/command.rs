//! The exchange's text commands and their parser:
//!
//! ```text
//! BUY 10 @ 101 #7     a limit order: quantity 10 at price 101, order id 7
//! SELL 5 @ 99 #8
//! CANCEL #7
//! QUOTE               the best bid and ask
//! ```

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Limit { id: u64, side: Side, quantity: u32, price: u32 },
    Cancel { id: u64 },
    Quote,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    Empty,
    UnknownVerb,
    Missing(&'static str),
    BadNumber,
    UnexpectedCharacter(char),
    Trailing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Number(u64),
    At,
    Hash,
}

/// Splits a line into tokens, borrowing words from it.
struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Tokens<'a> {
    fn new(line: &'a str) -> Self {
        Tokens { rest: line }
    }

    fn take_while(&mut self, accept: impl Fn(char) -> bool) -> &'a str {
        let end = self.rest.char_indices().find(|&(_, c)| !accept(c)).map_or(self.rest.len(), |(i, _)| i);
        let (taken, rest) = self.rest.split_at(end);
        self.rest = rest;
        taken
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Result<Token<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rest = self.rest.trim_start();
        let first = self.rest.chars().next()?;
        let token = match first {
            '@' | '#' => {
                self.rest = &self.rest[1..];
                Ok(if first == '@' { Token::At } else { Token::Hash })
            }
            c if c.is_ascii_digit() => {
                let digits = self.take_while(|c| c.is_ascii_digit());
                digits.parse().map(Token::Number).map_err(|_| ParseError::BadNumber)
            }
            c if c.is_ascii_alphabetic() => Ok(Token::Word(self.take_while(|c| c.is_ascii_alphanumeric()))),
            c => {
                self.rest = &self.rest[c.len_utf8()..];
                Err(ParseError::UnexpectedCharacter(c))
            }
        };
        Some(token)
    }
}

/// Parses one command line; verbs are case-insensitive.
pub fn parse(line: &str) -> Result<Command, ParseError> {
    let mut tokens = Tokens::new(line);
    let verb = match tokens.next() {
        None => return Err(ParseError::Empty),
        Some(Ok(Token::Word(word))) => word,
        Some(Ok(_)) => return Err(ParseError::UnknownVerb),
        Some(Err(error)) => return Err(error),
    };
    let command = if verb.eq_ignore_ascii_case("buy") || verb.eq_ignore_ascii_case("sell") {
        let side = if verb.eq_ignore_ascii_case("buy") { Side::Buy } else { Side::Sell };
        let quantity = number(&mut tokens, "quantity")?;
        expect(&mut tokens, Token::At, "@")?;
        let price = number(&mut tokens, "price")?;
        expect(&mut tokens, Token::Hash, "#")?;
        let id = number(&mut tokens, "id")?;
        Command::Limit { id, side, quantity: narrow(quantity)?, price: narrow(price)? }
    } else if verb.eq_ignore_ascii_case("cancel") {
        expect(&mut tokens, Token::Hash, "#")?;
        Command::Cancel { id: number(&mut tokens, "id")? }
    } else if verb.eq_ignore_ascii_case("quote") {
        Command::Quote
    } else {
        return Err(ParseError::UnknownVerb);
    };
    match tokens.next() {
        None => Ok(command),
        Some(_) => Err(ParseError::Trailing),
    }
}

fn number(tokens: &mut Tokens, what: &'static str) -> Result<u64, ParseError> {
    match tokens.next() {
        Some(Ok(Token::Number(n))) => Ok(n),
        Some(Err(error)) => Err(error),
        _ => Err(ParseError::Missing(what)),
    }
}

fn expect(tokens: &mut Tokens, expected: Token, what: &'static str) -> Result<(), ParseError> {
    match tokens.next() {
        Some(Ok(token)) if token == expected => Ok(()),
        Some(Err(error)) => Err(error),
        _ => Err(ParseError::Missing(what)),
    }
}

fn narrow(n: u64) -> Result<u32, ParseError> {
    u32::try_from(n).ok().filter(|&n| n > 0).ok_or(ParseError::BadNumber)
}
