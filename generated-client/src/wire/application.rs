//! Application properties: user properties named `@{name}` that carry the
//! sender's own data (UTF-8 strings), kept in order.
//!
//! Names are held without the prefix, and a name given with it is taken
//! without it, so the prefix is never doubled: `insert("@unit", …)` and
//! `insert("unit", …)` both travel as `@unit`. Only the one prefix is taken
//! off: a peer's `@@x` reads as `@x` and is written back as `@@x`.

/// Prefix of application property names on the wire.
pub const PREFIX: &str = "@";

/// `name` without its prefix, if it has one.
fn bare(name: &str) -> &str {
    name.strip_prefix(PREFIX).unwrap_or(name)
}

/// Application properties, by name without the `@`, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationProperties(Vec<(String, String)>);

impl ApplicationProperties {
    /// None.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name` = `value`; a leading `@` in `name` is the prefix, not part
    /// of the name.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let name = name.into();
        self.0.push((bare(&name).to_owned(), value.into()));
        self
    }

    /// The first value of `name` (with or without the `@`).
    pub fn get(&self, name: &str) -> Option<&str> {
        let name = bare(name);
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// All properties, names without `@`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends them to `user` as `@name` user properties.
    pub fn write_to(&self, user: &mut Vec<(String, String)>) {
        user.extend(
            self.0
                .iter()
                .map(|(n, v)| (format!("{PREFIX}{n}"), v.clone())),
        );
    }

    /// The `@name` user properties of `user`.
    pub fn read_from(user: &[(String, String)]) -> Self {
        Self(
            user.iter()
                .filter(|(n, _)| n.starts_with(PREFIX))
                .map(|(n, v)| (bare(n).to_owned(), v.clone()))
                .collect(),
        )
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for ApplicationProperties {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut properties = Self::new();
        for (k, v) in iter {
            properties.insert(k, v);
        }
        properties
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(properties: &ApplicationProperties) -> Vec<(String, String)> {
        let mut user = Vec::new();
        properties.write_to(&mut user);
        user
    }

    #[test]
    fn the_prefix_is_never_doubled_whatever_the_name_is_given_as() {
        let mut p = ApplicationProperties::new();
        p.insert("unit", "C").insert("@scale", "1");
        assert_eq!(
            wire(&p),
            [
                ("@unit".to_owned(), "C".to_owned()),
                ("@scale".to_owned(), "1".to_owned()),
            ]
        );
        assert_eq!(p.get("@unit"), Some("C"));
        assert_eq!(p.get("scale"), Some("1"));
        let collected: ApplicationProperties = [("@a", "1")].into_iter().collect();
        assert_eq!(wire(&collected), [("@a".to_owned(), "1".to_owned())]);
    }

    #[test]
    fn reading_then_writing_gives_the_wire_back() {
        let user = vec![
            ("@a".to_owned(), "1".to_owned()),
            ("other".to_owned(), "x".to_owned()),
            ("@@b".to_owned(), "2".to_owned()),
        ];
        let p = ApplicationProperties::read_from(&user);
        assert_eq!(p.iter().collect::<Vec<_>>(), [("a", "1"), ("@b", "2")]);
        assert_eq!(wire(&p), [user[0].clone(), user[2].clone()]);
    }
}
