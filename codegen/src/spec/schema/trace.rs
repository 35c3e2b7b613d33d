//! Reading the spec format's shape off the loader's own serde types: a
//! deserializer that answers every request with a value of the asked kind
//! and records what was asked (struct fields, enum variants, lists,
//! strings, booleans, numbers). Whether a field is required, and whether a
//! struct refuses unknown fields, is learned by asking again with the field
//! left out, or an unknown one added, and seeing whether the types refuse.
//! Nothing is written twice, so the schema cannot drift from the loader.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    self,
    value::{BorrowedStrDeserializer, StrDeserializer},
    DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde::Deserialize;

use crate::spec::number::EXPECTING;

/// marked-yaml's name for `Spanned<T>`, which the schema sees through.
const SPANNED: &str = "$___::marked_data::serde::Spanned<T>";
/// The key marked-yaml reads a spanned value's inner value from.
const SPANNED_INNER_SUFFIX: &str = "::inner";
/// A key no struct of the spec has.
const PROBE_KEY: &str = "x-iothub-probe";

/// What a value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// A boolean.
    Bool,
    /// An unsigned integer up to `max`.
    Integer {
        /// The largest value.
        max: u64,
    },
    /// A list.
    Seq(Box<Shape>),
    /// A struct or enum, by its Rust name.
    Named(&'static str),
}

/// A named type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Definition {
    /// A struct: its fields, in order.
    Struct(Vec<Field>),
    /// An enum of unit variants, by their names in the spec.
    Enum(&'static [&'static str]),
}

/// A struct's field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its key in the spec.
    pub name: &'static str,
    /// What it holds.
    pub shape: Shape,
    /// Whether the struct cannot do without it.
    pub required: bool,
}

/// Every named type, in the order first met, and which structs refuse
/// unknown fields.
#[derive(Debug, Default)]
pub struct Registry {
    /// Named types.
    pub definitions: Vec<(&'static str, Definition)>,
    /// Structs that refuse unknown fields.
    pub closed: Vec<&'static str>,
}

/// What one run asks besides the plain trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Probe {
    None,
    /// Leave this field of this struct out.
    Omit(&'static str, &'static str),
    /// Give this struct an unknown field.
    Extra(&'static str),
}

/// Why a run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceError {
    /// A required field was left out.
    Missing(&'static str),
    /// An unknown field was refused.
    Unknown,
    /// Anything else (a bug: the trace asks for nothing unusual).
    Other(String),
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for TraceError {}

impl de::Error for TraceError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::Other(msg.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        Self::Missing(field)
    }

    fn unknown_field(_field: &str, _expected: &'static [&'static str]) -> Self {
        Self::Unknown
    }
}

struct Run {
    probe: Probe,
    /// Shapes of finished values, popped by their parents.
    shapes: Vec<Shape>,
    /// Definitions found (kept from the first run only).
    definitions: Vec<(&'static str, Definition)>,
}

#[derive(Clone, Copy)]
struct Tracer<'a> {
    run: &'a RefCell<Run>,
}

impl Tracer<'_> {
    fn push(&self, shape: Shape) {
        self.run.borrow_mut().shapes.push(shape);
    }

    fn pop(&self) -> Result<Shape, TraceError> {
        self.run
            .borrow_mut()
            .shapes
            .pop()
            .ok_or_else(|| TraceError::Other("a value recorded no shape".to_owned()))
    }

    fn define(&self, name: &'static str, definition: Definition) {
        let mut run = self.run.borrow_mut();
        if !run.definitions.iter().any(|(n, _)| *n == name) {
            run.definitions.push((name, definition));
        }
    }
}

/// A visitor's own words for what it expects.
struct Expecting<'a, V>(&'a V);

impl<'de, V: Visitor<'de>> fmt::Display for Expecting<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }
}

fn unsupported<T>(what: &str) -> Result<T, TraceError> {
    Err(TraceError::Other(format!(
        "the spec's types ask for {what}, which the schema does not describe"
    )))
}

impl<'de> Deserializer<'de> for Tracer<'_> {
    type Error = TraceError;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, TraceError> {
        unsupported("any value")
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.push(Shape::Bool);
        visitor.visit_bool(false)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        // A `Number` reads a string (`131` or `0x83`) and says so.
        let expecting = Expecting(&visitor).to_string();
        match expecting.strip_prefix(EXPECTING) {
            Some(rest) => {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let max = digits.parse().map_err(|_| {
                    TraceError::Other(format!("a number that expects {expecting:?}"))
                })?;
                self.push(Shape::Integer { max });
                visitor.visit_str("0")
            }
            None => {
                self.push(Shape::String);
                visitor.visit_str("x")
            }
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.push(Shape::String);
        visitor.visit_string("x".to_owned())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        let mut seq = OneItem {
            tracer: self,
            item: None,
        };
        let value = visitor.visit_seq(&mut seq)?;
        let item = seq
            .item
            .ok_or_else(|| TraceError::Other("a list read no item".to_owned()))?;
        self.push(Shape::Seq(Box::new(item)));
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        if name == SPANNED {
            // Transparent: only the inner value, whose shape stands.
            let inner = fields
                .iter()
                .copied()
                .find(|f| f.ends_with(SPANNED_INNER_SUFFIX))
                .ok_or_else(|| TraceError::Other("marked-yaml's inner key changed".to_owned()))?;
            return visitor.visit_map(Fields {
                tracer: self,
                keys: vec![inner],
                next: 0,
                shapes: Vec::new(),
                record: false,
            });
        }
        let probe = self.run.borrow().probe;
        let mut keys: Vec<&'static str> = fields
            .iter()
            .copied()
            .filter(|f| probe != Probe::Omit(name, f))
            .collect();
        if probe == Probe::Extra(name) {
            keys.push(PROBE_KEY);
        }
        let mut access = Fields {
            tracer: self,
            keys,
            next: 0,
            shapes: Vec::new(),
            record: true,
        };
        let value = visitor.visit_map(&mut access)?;
        let fields = access
            .shapes
            .into_iter()
            .map(|(name, shape)| Field {
                name,
                shape,
                required: false,
            })
            .collect();
        self.define(name, Definition::Struct(fields));
        self.push(Shape::Named(name));
        Ok(value)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let first = *variants
            .first()
            .ok_or_else(|| TraceError::Other(format!("enum {name} has no variant")))?;
        let value = visitor.visit_enum(Unit(first))?;
        self.define(name, Definition::Enum(variants));
        self.push(Shape::Named(name));
        Ok(value)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit unit_struct newtype_struct tuple tuple_struct map identifier
    }
}

struct OneItem<'a> {
    tracer: Tracer<'a>,
    item: Option<Shape>,
}

impl<'de> SeqAccess<'de> for &mut OneItem<'_> {
    type Error = TraceError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TraceError> {
        if self.item.is_some() {
            return Ok(None);
        }
        let value = seed.deserialize(self.tracer)?;
        self.item = Some(self.tracer.pop()?);
        Ok(Some(value))
    }
}

struct Fields<'a> {
    tracer: Tracer<'a>,
    keys: Vec<&'static str>,
    next: usize,
    shapes: Vec<(&'static str, Shape)>,
    /// Whether to keep the values' shapes (not for `Spanned`, whose one
    /// value's shape is its own).
    record: bool,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TraceError> {
        let Some(key) = self.keys.get(self.next).copied() else {
            return Ok(None);
        };
        // Borrowed: marked-yaml reads `Spanned`'s keys as `&str`.
        let de: BorrowedStrDeserializer<'de, TraceError> = BorrowedStrDeserializer::new(key);
        seed.deserialize(de).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TraceError> {
        let key = self.keys[self.next];
        self.next += 1;
        let value = seed.deserialize(self.tracer)?;
        if self.record && key != PROBE_KEY {
            let shape = self.tracer.pop()?;
            self.shapes.push((key, shape));
        }
        Ok(value)
    }
}

struct Unit(&'static str);

impl<'de> EnumAccess<'de> for Unit {
    type Error = TraceError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), TraceError> {
        let de: StrDeserializer<'_, TraceError> = self.0.into_deserializer();
        Ok((seed.deserialize(de)?, self))
    }
}

impl<'de> VariantAccess<'de> for Unit {
    type Error = TraceError;

    fn unit_variant(self) -> Result<(), TraceError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, TraceError> {
        unsupported("an enum variant with a value")
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, TraceError> {
        unsupported("an enum variant with values")
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, TraceError> {
        unsupported("an enum variant with fields")
    }
}

fn run<T: for<'de> Deserialize<'de>>(probe: Probe) -> (Result<T, TraceError>, Run) {
    let state = RefCell::new(Run {
        probe,
        shapes: Vec::new(),
        definitions: Vec::new(),
    });
    let result = T::deserialize(Tracer { run: &state });
    (result, state.into_inner())
}

/// Traces `T` (the spec's root type): every named type it uses, each
/// field's required-ness and which structs refuse unknown fields.
pub fn trace<T: for<'de> Deserialize<'de>>() -> Result<(Shape, Registry), TraceError> {
    let (result, mut first) = run::<T>(Probe::None);
    result?;
    let root = first
        .shapes
        .pop()
        .ok_or_else(|| TraceError::Other("the root recorded no shape".to_owned()))?;
    let mut registry = Registry {
        definitions: std::mem::take(&mut first.definitions),
        closed: Vec::new(),
    };
    let structs: Vec<&'static str> = registry
        .definitions
        .iter()
        .filter(|(_, d)| matches!(d, Definition::Struct(_)))
        .map(|(n, _)| *n)
        .collect();
    for name in structs {
        if run::<T>(Probe::Extra(name)).0.err() == Some(TraceError::Unknown) {
            registry.closed.push(name);
        }
        let Some((_, Definition::Struct(fields))) =
            registry.definitions.iter_mut().find(|(n, _)| *n == name)
        else {
            continue;
        };
        for field in fields.iter_mut() {
            field.required = match run::<T>(Probe::Omit(name, field.name)).0 {
                Ok(_) => false,
                Err(TraceError::Missing(f)) if f == field.name => true,
                Err(other) => return Err(other),
            };
        }
    }
    Ok((root, registry))
}

#[cfg(test)]
mod tests {
    use marked_yaml::Spanned;
    use serde::Deserialize;

    use super::*;
    use crate::spec::number::Number;

    #[allow(dead_code)]
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Root {
        plain_name: Spanned<String>,
        #[serde(default)]
        maybe: Option<Spanned<Inner>>,
        #[serde(default)]
        items: Vec<Spanned<Kind>>,
        small: Spanned<Number<u8>>,
        flag: Spanned<bool>,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    #[serde(rename_all = "kebab-case")]
    struct Inner {
        wide: Number<u32>,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    #[serde(rename_all = "kebab-case")]
    enum Kind {
        FirstOne,
        Second,
    }

    #[test]
    fn reads_fields_required_ness_enums_numbers_and_closed_structs() {
        let (root, registry) = trace::<Root>().expect("traced");
        assert_eq!(root, Shape::Named("Root"));
        let find = |name: &str| {
            registry
                .definitions
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, d)| d.clone())
                .expect(name)
        };
        assert_eq!(
            find("Root"),
            Definition::Struct(vec![
                Field {
                    name: "plain-name",
                    shape: Shape::String,
                    required: true
                },
                Field {
                    name: "maybe",
                    shape: Shape::Named("Inner"),
                    required: false
                },
                Field {
                    name: "items",
                    shape: Shape::Seq(Box::new(Shape::Named("Kind"))),
                    required: false
                },
                Field {
                    name: "small",
                    shape: Shape::Integer { max: 255 },
                    required: true
                },
                Field {
                    name: "flag",
                    shape: Shape::Bool,
                    required: true
                },
            ])
        );
        assert_eq!(
            find("Inner"),
            Definition::Struct(vec![Field {
                name: "wide",
                shape: Shape::Integer {
                    max: u64::from(u32::MAX)
                },
                required: true
            }])
        );
        assert_eq!(find("Kind"), Definition::Enum(&["first-one", "second"]));
        assert_eq!(registry.closed, ["Root"]);
    }
}
