//! Why a query parameter was refused.

/// A 400 about one parameter: `field` as the client named it (`limit`, `where[0][val]`) and
/// what is wrong with its value. The `api` crate answers it as `{field}: {message}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub field: String,
    pub message: String,
}

impl Refusal {
    /// A refusal of `field`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_owned(), message: message.into() }
    }
}
