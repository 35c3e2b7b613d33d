//! The service's query language for twins, as far as the emulator answers
//! it: `SELECT * FROM devices`, optionally `WHERE` a condition over the
//! twin document (`deviceId`, `tags.…`, `properties.desired.…`,
//! `properties.reported.…`, `status`, `connectionState`, `version`, …)
//! made of comparisons (`=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`) between
//! paths and literals (strings in single or double quotes, numbers,
//! `true`, `false`, `null`), `AND`, `OR`, `NOT`, parentheses and
//! `IS_DEFINED(path)`. Keywords are case-insensitive. Anything else is
//! refused with what and where (projections, `GROUP BY`, `devices.modules`,
//! functions other than `IS_DEFINED`).
//!
//! A comparison with a path the twin does not have is false (as the
//! service's undefined), `=` compares JSON values (numbers by value), the
//! orderings compare two numbers or two strings and are false otherwise.

mod parse;

use serde_json::Value;

pub use parse::QueryError;

/// A parsed query: `SELECT * FROM devices [WHERE condition]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    condition: Option<Condition>,
}

/// A `WHERE` condition.
#[derive(Debug, Clone, PartialEq)]
enum Condition {
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Compare(Operand, Comparison, Operand),
    IsDefined(Vec<String>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// What is compared: a path into the twin, or a literal.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Path(Vec<String>),
    Literal(Value),
}

impl Query {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        parse::query(text)
    }

    /// Whether `twin` (the twin document as the service shows it) matches.
    pub fn matches(&self, twin: &Value) -> bool {
        self.condition.as_ref().is_none_or(|c| holds(c, twin))
    }
}

fn holds(condition: &Condition, twin: &Value) -> bool {
    match condition {
        Condition::And(a, b) => holds(a, twin) && holds(b, twin),
        Condition::Or(a, b) => holds(a, twin) || holds(b, twin),
        Condition::Not(c) => !holds(c, twin),
        Condition::IsDefined(path) => lookup(twin, path).is_some(),
        Condition::Compare(left, op, right) => {
            let (Some(left), Some(right)) = (value(left, twin), value(right, twin)) else {
                return false;
            };
            compare(left, *op, right)
        }
    }
}

fn value<'a>(operand: &'a Operand, twin: &'a Value) -> Option<&'a Value> {
    match operand {
        Operand::Path(path) => lookup(twin, path),
        Operand::Literal(value) => Some(value),
    }
}

fn lookup<'a>(twin: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(twin, |at, name| at.get(name.as_str()))
}

fn compare(left: &Value, op: Comparison, right: &Value) -> bool {
    let ordering = match (left, right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match op {
        Comparison::Equal => ordering.map_or(left == right, |o| o.is_eq()),
        Comparison::NotEqual => !ordering.map_or(left == right, |o| o.is_eq()),
        Comparison::Less => ordering.is_some_and(|o| o.is_lt()),
        Comparison::LessOrEqual => ordering.is_some_and(|o| o.is_le()),
        Comparison::Greater => ordering.is_some_and(|o| o.is_gt()),
        Comparison::GreaterOrEqual => ordering.is_some_and(|o| o.is_ge()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn twin(id: &str, floor: i64, mode: &str) -> Value {
        json!({
            "deviceId": id,
            "status": "enabled",
            "tags": {"site": {"floor": floor}, "owner": "ops"},
            "properties": {"desired": {"mode": mode}, "reported": {"temp": 21.5}},
        })
    }

    #[test]
    fn conditions_select_twins() {
        let twins = [
            twin("a", 1, "eco"),
            twin("b", 2, "boost"),
            twin("c", 3, "eco"),
        ];
        let selected = |text: &str| -> Vec<String> {
            let query = Query::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            twins
                .iter()
                .filter(|t| query.matches(t))
                .map(|t| t["deviceId"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(selected("SELECT * FROM devices"), ["a", "b", "c"]);
        assert_eq!(
            selected("select * from devices where deviceId = 'b'"),
            ["b"]
        );
        assert_eq!(
            selected("SELECT * FROM devices WHERE tags.site.floor >= 2"),
            ["b", "c"]
        );
        assert_eq!(
            selected("SELECT * FROM devices WHERE properties.desired.mode = \"eco\" AND NOT (tags.site.floor > 2)"),
            ["a"]
        );
        assert_eq!(
            selected("SELECT * FROM devices WHERE deviceId = 'a' OR properties.reported.temp < 20"),
            ["a"]
        );
        assert_eq!(
            selected("SELECT * FROM devices WHERE tags.nothing = 1"),
            Vec::<String>::new()
        );
        assert_eq!(
            selected("SELECT * FROM devices WHERE tags.nothing != 1"),
            Vec::<String>::new()
        );
        assert_eq!(
            selected("SELECT * FROM devices WHERE IS_DEFINED(tags.owner) AND status <> 'disabled'"),
            ["a", "b", "c"]
        );
        assert_eq!(
            selected("SELECT * FROM devices WHERE properties.reported.temp = 21.5"),
            ["a", "b", "c"]
        );
        assert_eq!(
            selected("SELECT * FROM devices WHERE tags.site.floor = 2.0"),
            ["b"]
        );
    }

    #[test]
    fn what_is_not_answered_is_refused_with_where() {
        for (text, needle) in [
            ("SELECT deviceId FROM devices", "SELECT *"),
            ("SELECT * FROM devices.modules", "FROM devices"),
            ("SELECT * FROM devices WHERE", "a condition"),
            ("SELECT * FROM devices WHERE tags.a = ", "a value"),
            ("SELECT * FROM devices WHERE tags.a = 'open", "quote"),
            ("SELECT * FROM devices WHERE (tags.a = 1", "`)`"),
            ("SELECT * FROM devices GROUP BY tags.a", "GROUP"),
            (
                "SELECT * FROM devices WHERE STARTSWITH(deviceId, 'a')",
                "STARTSWITH",
            ),
            ("", "SELECT"),
        ] {
            let error = Query::parse(text).expect_err(text).to_string();
            assert!(error.contains(needle), "{text}: {error}");
            assert!(error.contains("at "), "{text}: {error}");
        }
    }
}
