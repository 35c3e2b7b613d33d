//! Application properties: user properties named `@{name}` that carry the
//! sender's own data (UTF-8 strings), kept in order.

/// Prefix of application property names on the wire.
pub const PREFIX: &str = "@";

/// Application properties, by name without the `@`, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationProperties(Vec<(String, String)>);

impl ApplicationProperties {
    /// None.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name` (without `@`) = `value`.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.0.push((name.into(), value.into()));
        self
    }

    /// The first value of `name` (without `@`).
    pub fn get(&self, name: &str) -> Option<&str> {
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
                .filter_map(|(n, v)| n.strip_prefix(PREFIX).map(|n| (n.to_owned(), v.clone())))
                .collect(),
        )
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for ApplicationProperties {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}
