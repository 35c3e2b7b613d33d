//! A JSON-like tree that keeps the order its maps were built in, written as
//! JSON or as block-style YAML, deterministically (no dependency on a map
//! type's order or on a YAML emitter): the AsyncAPI export and the spec's
//! JSON Schema are written with it.

/// A value of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A string.
    Str(String),
    /// A whole number.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A list.
    Seq(Vec<Node>),
    /// A map, in the order its entries were added.
    Map(Vec<(String, Node)>),
}

impl From<&str> for Node {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}

impl From<String> for Node {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}

impl From<&String> for Node {
    fn from(s: &String) -> Self {
        Self::Str(s.clone())
    }
}

impl From<bool> for Node {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Node {
            fn from(n: $t) -> Self {
                Self::Int(i64::from(n))
            }
        }
    )*};
}
from_int!(u8, u16, u32, i32);

impl<T: Into<Node>> From<Vec<T>> for Node {
    fn from(items: Vec<T>) -> Self {
        Self::Seq(items.into_iter().map(Into::into).collect())
    }
}

/// Builds a map in order.
#[derive(Debug, Default)]
pub struct MapBuilder(Vec<(String, Node)>);

impl MapBuilder {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an entry.
    pub fn set(mut self, key: impl Into<String>, value: impl Into<Node>) -> Self {
        self.0.push((key.into(), value.into()));
        self
    }

    /// Adds an entry if `value` is `Some`.
    pub fn set_opt(self, key: impl Into<String>, value: Option<impl Into<Node>>) -> Self {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    /// Adds an entry in place.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<Node>) {
        self.0.push((key.into(), value.into()));
    }

    /// Whether it has no entry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The map.
    pub fn build(self) -> Node {
        Node::Map(self.0)
    }
}

impl From<MapBuilder> for Node {
    fn from(m: MapBuilder) -> Self {
        m.build()
    }
}

/// `{"$ref": target}`.
pub fn reference(target: impl Into<String>) -> Node {
    MapBuilder::new().set("$ref", target.into()).build()
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The tree as JSON, two spaces per level, with a final newline.
pub fn to_json(node: &Node) -> String {
    let mut out = String::new();
    write_json(node, 0, &mut out);
    out.push('\n');
    out
}

fn write_json(node: &Node, depth: usize, out: &mut String) {
    let pad = |d: usize| "  ".repeat(d);
    match node {
        Node::Str(s) => out.push_str(&json_string(s)),
        Node::Int(n) => out.push_str(&n.to_string()),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Seq(items) if items.is_empty() => out.push_str("[]"),
        Node::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Node::Seq(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                write_json(item, depth + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        Node::Map(entries) => {
            out.push_str("{\n");
            for (i, (key, value)) in entries.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                out.push_str(&json_string(key));
                out.push_str(": ");
                write_json(value, depth + 1, out);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
    }
}

/// Whether `text` can be written as a plain YAML scalar that reads back as
/// the same string (never as a number, boolean or null, a comment or an
/// indicator): conservative.
fn plain(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let reserved = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    (first.is_ascii_alphabetic() || first == '_' || first == '$')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '$'))
        && !reserved.contains(&text.to_ascii_lowercase().as_str())
}

fn yaml_scalar(text: &str) -> String {
    if plain(text) {
        text.to_owned()
    } else {
        // A JSON string is a YAML double-quoted scalar.
        json_string(text)
    }
}

/// The tree as block-style YAML, two spaces per level.
pub fn to_yaml(node: &Node) -> String {
    let mut out = String::new();
    match node {
        Node::Map(entries) if !entries.is_empty() => write_yaml_map(entries, 0, &mut out),
        Node::Seq(items) if !items.is_empty() => write_yaml_seq(items, 0, &mut out),
        other => {
            out.push_str(&inline_yaml(other).unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

/// A scalar or an empty collection on one line; `None` for the rest.
fn inline_yaml(node: &Node) -> Option<String> {
    match node {
        Node::Str(s) => Some(yaml_scalar(s)),
        Node::Int(n) => Some(n.to_string()),
        Node::Bool(b) => Some(b.to_string()),
        Node::Seq(items) if items.is_empty() => Some("[]".to_owned()),
        Node::Map(entries) if entries.is_empty() => Some("{}".to_owned()),
        _ => None,
    }
}

fn write_yaml_map(entries: &[(String, Node)], depth: usize, out: &mut String) {
    for (i, (key, value)) in entries.iter().enumerate() {
        // The first entry of a list item follows its `- `.
        if !(i == 0 && out.ends_with("- ")) {
            out.push_str(&"  ".repeat(depth));
        }
        out.push_str(&yaml_scalar(key));
        out.push(':');
        write_yaml_value(value, depth, out);
    }
}

fn write_yaml_seq(items: &[Node], depth: usize, out: &mut String) {
    for item in items {
        out.push_str(&"  ".repeat(depth));
        out.push_str("- ");
        match inline_yaml(item) {
            Some(text) => {
                out.push_str(&text);
                out.push('\n');
            }
            None => match item {
                Node::Map(entries) => write_yaml_map(entries, depth + 1, out),
                Node::Seq(inner) => {
                    out.push('\n');
                    write_yaml_seq(inner, depth + 1, out);
                }
                _ => {}
            },
        }
    }
}

fn write_yaml_value(value: &Node, depth: usize, out: &mut String) {
    match inline_yaml(value) {
        Some(text) => {
            out.push(' ');
            out.push_str(&text);
            out.push('\n');
        }
        None => {
            out.push('\n');
            match value {
                Node::Map(entries) => write_yaml_map(entries, depth + 1, out),
                Node::Seq(items) => write_yaml_seq(items, depth + 1, out),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Node {
        MapBuilder::new()
            .set("asyncapi", "3.0.0")
            .set("version", "2.0")
            .set("n", 5u8)
            .set("flag", true)
            .set("text", "a: b # c\n\"d\"")
            .set("#/ref", reference("#/components/x"))
            .set(
                "list",
                Node::Seq(vec![
                    MapBuilder::new().set("a", 1u8).set("b", "yes").build(),
                    Node::from("plain"),
                    Node::Seq(vec![Node::from("x")]),
                ]),
            )
            .set("empty", MapBuilder::new())
            .set("none", Vec::<Node>::new())
            .build()
    }

    #[test]
    fn yaml_reads_back_as_the_same_tree_as_the_json() {
        let yaml = to_yaml(&sample());
        let json = to_json(&sample());
        let from_yaml = marked_yaml::parse_yaml(0, &yaml).expect("yaml parses");
        // Compare through a canonical text: every scalar as its string.
        fn canon(node: &marked_yaml::Node) -> String {
            match node {
                marked_yaml::Node::Scalar(s) => format!("{:?}", s.as_str()),
                marked_yaml::Node::Sequence(items) => {
                    format!(
                        "[{}]",
                        items.iter().map(canon).collect::<Vec<_>>().join(",")
                    )
                }
                marked_yaml::Node::Mapping(map) => format!(
                    "{{{}}}",
                    map.iter()
                        .map(|(k, v)| format!("{:?}:{}", k.as_str(), canon(v)))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            }
        }
        let from_json = marked_yaml::parse_yaml(0, &json).expect("json is yaml");
        assert_eq!(canon(&from_yaml), canon(&from_json), "{yaml}");
        assert!(yaml.contains("version: \"2.0\"\n"), "{yaml}");
        assert!(yaml.contains("b: \"yes\"\n"), "{yaml}");
        assert!(
            yaml.contains("\"#/ref\":\n  $ref: \"#/components/x\"\n"),
            "{yaml}"
        );
        assert!(
            yaml.contains("list:\n  - a: 1\n    b: \"yes\"\n  - plain\n  - \n    - x\n"),
            "{yaml}"
        );
    }
}
