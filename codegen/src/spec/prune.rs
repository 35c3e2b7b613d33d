//! Removing the part of a YAML tree that a shape error is about, so that
//! deserializing the rest again finds the next, independent problem.
//!
//! Only removals that cannot cause a new shape error are made: an unknown
//! key (the type never wanted it) or a whole list item (a list may have any
//! length). Nodes keep their source positions, so later errors are still
//! located in the original text.

use marked_yaml::Node;

use super::locate::{steps, Step};

fn child_mut<'a>(node: &'a mut Node, step: Step<'_>) -> Option<&'a mut Node> {
    match (node, step) {
        (Node::Mapping(m), Step::Key(key)) => m
            .iter_mut()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v),
        (Node::Sequence(s), Step::Index(i)) => s.get_mut(i),
        _ => None,
    }
}

fn walk_mut<'a>(mut node: &'a mut Node, path: &[Step<'_>]) -> Option<&'a mut Node> {
    for step in path {
        node = child_mut(node, *step)?;
    }
    Some(node)
}

/// Removes key `key` from the mapping at `path`.
fn remove_key(root: &mut Node, path: &[Step<'_>], key: &str) -> bool {
    let Some(Node::Mapping(mapping)) = walk_mut(root, path) else {
        return false;
    };
    let Some(found) = mapping.keys().find(|k| k.as_str() == key).cloned() else {
        return false;
    };
    mapping.remove(&found).is_some()
}

/// Removes the innermost list item on `path`.
fn remove_item(root: &mut Node, path: &[Step<'_>]) -> bool {
    let Some(at) = path.iter().rposition(|s| matches!(s, Step::Index(_))) else {
        return false;
    };
    let Step::Index(index) = path[at] else {
        return false;
    };
    match walk_mut(root, &path[..at]) {
        Some(Node::Sequence(list)) if index < list.len() => {
            list.remove(index);
            true
        }
        _ => false,
    }
}

/// Removes what the error at `path` is about: the unknown field `path` names
/// when `unknown_field`, else (or if that fails) the innermost list item on
/// `path`. `false` when nothing could be removed.
pub(super) fn remove(root: &mut Node, path: &str, unknown_field: bool) -> bool {
    let steps = steps(path);
    if unknown_field {
        if let Some((Step::Key(key), parent)) = steps.split_last() {
            if remove_key(root, parent, key) {
                return true;
            }
        }
    }
    remove_item(root, &steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(yaml: &str) -> Node {
        marked_yaml::parse_yaml(0, yaml).unwrap()
    }

    #[test]
    fn removes_unknown_keys_and_list_items() {
        let mut root = tree("a:\n  - x: 1\n    y: 2\n  - x: 3\n");
        assert!(remove(&mut root, "a[0].y", true));
        assert!(root.as_mapping().unwrap().get_sequence("a").unwrap()[0]
            .as_mapping()
            .unwrap()
            .get_node("y")
            .is_none());
        assert!(remove(&mut root, "a[1].x", false));
        assert_eq!(
            root.as_mapping().unwrap().get_sequence("a").unwrap().len(),
            1
        );
    }

    #[test]
    fn nothing_to_remove_outside_lists() {
        let mut root = tree("a:\n  b: 1\n");
        assert!(!remove(&mut root, "a.b", false));
        assert!(!remove(&mut root, "a.c", true));
        assert!(!remove(&mut root, "a[7]", false));
        assert!(!remove(&mut root, "", false));
    }
}
