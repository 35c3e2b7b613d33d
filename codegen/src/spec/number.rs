//! Integers written in decimal or `0x` hexadecimal, as the MQTT 5 and IoT Hub
//! documents write reason codes and masks.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// An unsigned integer that may be written `131` or `0x83` in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number<T>(pub T);

/// The unsigned integer types a [`Number`] may hold, with their largest value.
pub trait Unsigned: TryFrom<u64> + Copy {
    /// The largest value.
    const MAX: u64;
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Unsigned for $t {
            const MAX: u64 = <$t>::MAX as u64;
        }
    )*};
}
unsigned!(u8, u16, u32, u64);

/// The start of what a [`Number`] expects, as its errors say (the JSON
/// Schema of the spec reads the largest value from it).
pub const EXPECTING: &str = "an unsigned integer from 0 to ";

impl<'de, T> Deserialize<'de> for Number<T>
where
    T: Unsigned,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NumberVisitor(PhantomData))
    }
}

struct NumberVisitor<T>(PhantomData<T>);

impl<T> NumberVisitor<T>
where
    T: TryFrom<u64>,
{
    fn convert<E: de::Error>(value: u64) -> Result<Number<T>, E> {
        T::try_from(value).map(Number).map_err(|_| {
            E::custom(format!(
                "{value} is too large for this field (an {})",
                std::any::type_name::<T>()
            ))
        })
    }
}

impl<'de, T> Visitor<'de> for NumberVisitor<T>
where
    T: Unsigned,
{
    type Value = Number<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{EXPECTING}{}, decimal (131) or hexadecimal (0x83)",
            T::MAX
        )
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::convert(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => t.parse::<u64>(),
        };
        match parsed {
            Ok(n) => Self::convert(n),
            Err(_) => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}
