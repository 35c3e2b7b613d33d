//! The query text into a [`Query`]: a lexer (words, quoted strings,
//! numbers, punctuation, each with its byte offset) and a recursive-descent
//! parser whose errors say what was expected and at which character.

use serde_json::Value;

use super::{Comparison, Condition, Operand, Query};

/// Why a query was refused: what, at which character (counted from 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} at character {at}")]
pub struct QueryError {
    /// What is wrong.
    pub what: String,
    /// Where (the first character is 1).
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Number(Value),
    Symbol(&'static str),
}

fn lex(text: &str) -> Result<Vec<(Token, usize)>, QueryError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let mut word = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_alphanumeric() || c == '_' || c == '$' || c == '-' {
                    word.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            tokens.push((Token::Word(word), at));
        } else if c == '\'' || c == '"' {
            chars.next();
            let mut content = String::new();
            let mut closed = false;
            for (_, next) in chars.by_ref() {
                if next == c {
                    closed = true;
                    break;
                }
                content.push(next);
            }
            if !closed {
                return Err(QueryError {
                    what: format!("a string without its closing quote {c}"),
                    at: at + 1,
                });
            }
            tokens.push((Token::Text(content), at));
        } else if c.is_ascii_digit() || c == '-' {
            let mut number = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E') {
                    number.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            let value: Value = serde_json::from_str(&number).map_err(|_| QueryError {
                what: format!("`{number}` is not a number"),
                at: at + 1,
            })?;
            tokens.push((Token::Number(value), at));
        } else {
            chars.next();
            let two = chars.peek().map(|&(_, n)| n);
            let symbol = match (c, two) {
                ('<', Some('=')) => Some("<="),
                ('>', Some('=')) => Some(">="),
                ('!', Some('=')) => Some("!="),
                ('<', Some('>')) => Some("<>"),
                _ => None,
            };
            let symbol = match symbol {
                Some(symbol) => {
                    chars.next();
                    symbol
                }
                None => match c {
                    '=' => "=",
                    '<' => "<",
                    '>' => ">",
                    '(' => "(",
                    ')' => ")",
                    '.' => ".",
                    '*' => "*",
                    ',' => ",",
                    other => {
                        return Err(QueryError {
                            what: format!("{other:?} is not part of the query language"),
                            at: at + 1,
                        })
                    }
                },
            };
            tokens.push((Token::Symbol(symbol), at));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    next: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(t, _)| t)
    }

    /// Where the next token starts (1-based), or the end of the text.
    fn at(&self) -> usize {
        self.tokens
            .get(self.next)
            .map_or(self.end, |(_, at)| at + 1)
    }

    fn error(&self, what: impl Into<String>) -> QueryError {
        QueryError {
            what: what.into(),
            at: self.at(),
        }
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word)) {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn symbol(&mut self, symbol: &str) -> bool {
        if matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol) {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn expect_keyword(&mut self, word: &str, what: &str) -> Result<(), QueryError> {
        if self.keyword(word) {
            Ok(())
        } else {
            Err(self.error(format!("expected {what}")))
        }
    }

    fn or(&mut self) -> Result<Condition, QueryError> {
        let mut left = self.and()?;
        while self.keyword("OR") {
            left = Condition::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, QueryError> {
        let mut left = self.not()?;
        while self.keyword("AND") {
            left = Condition::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Condition, QueryError> {
        if self.keyword("NOT") {
            return Ok(Condition::Not(Box::new(self.not()?)));
        }
        if self.symbol("(") {
            let inner = self.or()?;
            if !self.symbol(")") {
                return Err(self.error("expected `)`"));
            }
            return Ok(inner);
        }
        if self.keyword("IS_DEFINED") {
            if !self.symbol("(") {
                return Err(self.error("expected `(` after IS_DEFINED"));
            }
            let Operand::Path(path) = self.operand()? else {
                return Err(self.error("IS_DEFINED takes a path"));
            };
            if !self.symbol(")") {
                return Err(self.error("expected `)`"));
            }
            return Ok(Condition::IsDefined(path));
        }
        if self.peek().is_none() {
            return Err(self.error("expected a condition"));
        }
        let left = self.operand()?;
        let op = match self.peek() {
            Some(Token::Symbol("=")) => Comparison::Equal,
            Some(Token::Symbol("!=" | "<>")) => Comparison::NotEqual,
            Some(Token::Symbol("<")) => Comparison::Less,
            Some(Token::Symbol("<=")) => Comparison::LessOrEqual,
            Some(Token::Symbol(">")) => Comparison::Greater,
            Some(Token::Symbol(">=")) => Comparison::GreaterOrEqual,
            _ => return Err(self.error("expected a comparison (=, !=, <>, <, <=, >, >=)")),
        };
        self.next += 1;
        let right = self.operand()?;
        Ok(Condition::Compare(left, op, right))
    }

    fn operand(&mut self) -> Result<Operand, QueryError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.error("expected a value or a path"));
        };
        self.next += 1;
        Ok(match token {
            Token::Text(text) => Operand::Literal(Value::String(text)),
            Token::Number(number) => Operand::Literal(number),
            Token::Word(word) if word.eq_ignore_ascii_case("true") => {
                Operand::Literal(Value::Bool(true))
            }
            Token::Word(word) if word.eq_ignore_ascii_case("false") => {
                Operand::Literal(Value::Bool(false))
            }
            Token::Word(word) if word.eq_ignore_ascii_case("null") => Operand::Literal(Value::Null),
            Token::Word(word) => {
                if matches!(self.peek(), Some(Token::Symbol("("))) {
                    self.next -= 1;
                    return Err(self.error(format!(
                        "the function {word} is not one the emulator answers (only IS_DEFINED)"
                    )));
                }
                let mut path = vec![word];
                while self.symbol(".") {
                    match self.peek().cloned() {
                        Some(Token::Word(next)) => {
                            self.next += 1;
                            path.push(next);
                        }
                        _ => return Err(self.error("expected a name after `.`")),
                    }
                }
                Operand::Path(path)
            }
            Token::Symbol(_) => {
                self.next -= 1;
                return Err(self.error("expected a value or a path"));
            }
        })
    }
}

/// Parses `text` as a query.
pub(super) fn query(text: &str) -> Result<Query, QueryError> {
    let mut parser = Parser {
        tokens: lex(text)?,
        next: 0,
        end: text.chars().count() + 1,
    };
    parser.expect_keyword("SELECT", "SELECT")?;
    if !parser.symbol("*") {
        return Err(parser.error("expected `*`: the emulator answers SELECT * only"));
    }
    parser.expect_keyword("FROM", "FROM")?;
    parser.expect_keyword(
        "devices",
        "`devices`: the emulator answers FROM devices only",
    )?;
    if parser.symbol(".") {
        parser.next -= 1;
        return Err(parser.error("the emulator answers FROM devices only"));
    }
    let condition = if parser.keyword("WHERE") {
        Some(parser.or()?)
    } else {
        None
    };
    if let Some(token) = parser.peek() {
        let what = match token {
            Token::Word(word) => format!("`{word}` is not answered here"),
            _ => "unexpected text after the query".to_owned(),
        };
        return Err(parser.error(what));
    }
    Ok(Query { condition })
}
