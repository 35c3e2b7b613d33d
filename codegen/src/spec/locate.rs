//! Finding the YAML node a deserialization error is about, from the error's
//! logical path (`operations[1].message.properties[0].wire`).

use marked_yaml::{Marker, Node};

/// One step of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The steps of a path such as `operations[1].message`.
pub(super) fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Step::Key(key));
        }
        // `[n]` suffixes; anything else (a key that holds brackets) ends the walk here.
        while let Some(inner) = rest.strip_prefix('[') {
            let Some(close) = inner.find(']') else { break };
            match inner[..close].parse() {
                Ok(i) => out.push(Step::Index(i)),
                Err(_) => break,
            }
            rest = &inner[close + 1..];
        }
    }
    out
}

/// Where the error at `path` is: the node it names (its key when `at_key`,
/// as for an unknown field), or the deepest existing node on the way (for a
/// missing field, the mapping that lacks it).
pub fn locate(root: &Node, path: &str, at_key: bool) -> Option<Marker> {
    let mut node = root;
    let mut marker = node.span().start().copied();
    let steps = steps(path);
    let last = steps.len().saturating_sub(1);
    for (n, step) in steps.into_iter().enumerate() {
        let next = match step {
            Step::Key(key) => {
                let mapping = node.as_mapping()?;
                let found = mapping.iter().find(|(k, _)| k.as_str() == key);
                match found {
                    Some((k, v)) => {
                        marker = k.span().start().copied().or(marker);
                        Some(v)
                    }
                    None => None,
                }
            }
            Step::Index(i) => node.as_sequence().and_then(|s| s.get(i)),
        };
        let Some(next) = next else { break };
        node = next;
        if n == last && at_key && matches!(step, Step::Key(_)) {
            break;
        }
        // A scalar or a list item is shown where it starts; a mapping or
        // sequence under a key is shown at that key.
        let is_scalar = node.as_mapping().is_none() && node.as_sequence().is_none();
        if is_scalar || matches!(step, Step::Index(_)) {
            marker = node.span().start().copied().or(marker);
        }
    }
    marker
}

fn position(node: &Node) -> Option<(usize, usize)> {
    node.span().start().map(|m| (m.line(), m.column()))
}

/// What a list item is called: its `name:` (or, for an alternative that
/// refers to a named response, its `response:`).
fn item_name(node: &Node) -> Option<&str> {
    let mapping = node.as_mapping()?;
    ["name", "response"]
        .into_iter()
        .find_map(|key| mapping.get_scalar(key))
        .map(|s| s.as_str())
}

/// `path` as a person reads it: `operations[2] (receive-commands).message`.
/// The error was found in `pruned`, a copy of `original` with some list items
/// removed; indices are given as in `original` (items keep their positions).
pub(super) fn describe(prefix: &str, original: &Node, pruned: &Node, path: &str) -> String {
    let mut out = prefix.to_owned();
    let mut nodes = Some((original, pruned));
    for step in steps(path) {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
                nodes = nodes.and_then(|(o, p)| {
                    Some((
                        o.as_mapping()?.get_node(key)?,
                        p.as_mapping()?.get_node(key)?,
                    ))
                });
            }
            Step::Index(i) => {
                let found = nodes.and_then(|(o, p)| {
                    let item = p.as_sequence()?.get(i)?;
                    let list = o.as_sequence()?;
                    let at = list
                        .iter()
                        .position(|x| position(x).is_some() && position(x) == position(item))?;
                    Some((at, &list[at], item))
                });
                match found {
                    Some((at, o, p)) => {
                        out.push_str(&format!("[{at}]"));
                        if let Some(name) = item_name(o) {
                            out.push_str(&format!(" ({name})"));
                        }
                        nodes = Some((o, p));
                    }
                    None => {
                        out.push_str(&format!("[{i}]"));
                        nodes = None;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paths() {
        assert_eq!(
            steps("operations[1].message.properties[0].wire"),
            [
                Step::Key("operations"),
                Step::Index(1),
                Step::Key("message"),
                Step::Key("properties"),
                Step::Index(0),
                Step::Key("wire"),
            ]
        );
    }

    #[test]
    fn odd_keys_do_not_panic() {
        for path in ["x[]]", "a.[0]é]", "[", "]]", "a[1", "a[é]", "a[0]]"] {
            let _ = steps(path);
        }
        assert_eq!(steps("a[0]]"), [Step::Key("a"), Step::Index(0)]);
    }

    #[test]
    fn finds_values_keys_and_parents() {
        let yaml = "a:\n  - x: 1\n    y: [2, 3]\n";
        let root = marked_yaml::parse_yaml(0, yaml).unwrap();
        let at = |p: &str, key| locate(&root, p, key).map(|m| (m.line(), m.column()));
        assert_eq!(at("a[0].x", false), Some((2, 8)));
        assert_eq!(at("a[0].x", true), Some((2, 5)));
        assert_eq!(at("a[0].y[1]", false), Some((3, 12)));
        // Missing: the deepest node that exists.
        assert_eq!(at("a[0].z", false), at("a[0]", false));
    }

    #[test]
    fn describes_items_by_name_and_original_index() {
        let yaml = "ops:\n  - name: one\n  - name: two\n    p:\n      - { name: x }\n      - { response: r }\n";
        let original = marked_yaml::parse_yaml(0, yaml).unwrap();
        assert_eq!(
            describe("", &original, &original, "ops[1].p[1].type"),
            "ops[1] (two).p[1] (r).type"
        );
        let mut pruned = original.clone();
        if let Node::Mapping(root) = &mut pruned {
            if let Some((_, Node::Sequence(ops))) = root.iter_mut().next() {
                ops.remove(0);
            }
        }
        assert_eq!(
            describe("spec", &original, &pruned, "ops[0].p[0]"),
            "spec.ops[1] (two).p[0] (x)"
        );
        // A path the tree does not have is shown as is.
        assert_eq!(describe("", &original, &pruned, "zz[3].q"), "zz[3].q");
    }
}
