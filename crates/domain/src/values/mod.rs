//! Value types parsed once at the edge: after parsing, an invalid value cannot exist.

mod amount;
mod currency;
mod custom_fields;
mod date;
mod email;
mod field_errors;
mod schemas;
mod secret;
mod text;

pub use amount::{Amount, AmountError, number_from_decimal};
pub use currency::{Currency, UnknownCurrency};
pub use custom_fields::{CustomFields, CustomFieldsPatch};
pub use date::{InvalidDate, parse_date};
pub use email::{Email, InvalidEmail};
pub use field_errors::FieldErrors;
pub use secret::Secret;
pub use text::{BoundedText, TextError, Title};

/// An old and a new value of one changed field.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Change<T> {
    /// The value before the change.
    pub old: T,
    /// The value after the change.
    pub new: T,
}

impl<T: PartialEq> Change<T> {
    /// A change from `old` to `new`, or nothing when they are equal.
    pub fn between(old: T, new: T) -> Option<Self> {
        (old != new).then_some(Self { old, new })
    }
}
