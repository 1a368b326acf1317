//! Parameters and column values in the five storage classes both dialects share (SQLite's:
//! NULL, INTEGER, REAL, TEXT, BLOB). Stores bind Rust values through [`ToSql`] and read them
//! back through [`FromSql`]; each backend maps the classes onto its own types
//! ([`sqlite`](super::sqlite), [`pg_types`](super::pg_types)).

use super::SqlError;

/// An owned value, for parameter lists built at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A borrowed value: what a parameter binds as, and what a column reads as.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl Value {
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(t) => ValueRef::Text(t),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

/// A Rust value that binds as a parameter. Integers out of `i64` range are an error, not a wrap.
pub trait ToSql {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError>;
}

/// A Rust value read from a column; a value of another class, or out of range, is an error.
pub trait FromSql: Sized {
    fn from_sql(value: ValueRef<'_>) -> Result<Self, SqlError>;
}

impl ToSql for Value {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        Ok(self.as_ref())
    }
}

impl ToSql for ValueRef<'_> {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        Ok(*self)
    }
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        (**self).to_sql()
    }
}

impl<T: ToSql> ToSql for Option<T> {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        self.as_ref().map_or(Ok(ValueRef::Null), ToSql::to_sql)
    }
}

impl ToSql for str {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        Ok(ValueRef::Text(self))
    }
}

impl ToSql for String {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        Ok(ValueRef::Text(self))
    }
}

impl ToSql for [u8] {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        Ok(ValueRef::Blob(self))
    }
}

impl ToSql for Vec<u8> {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        Ok(ValueRef::Blob(self))
    }
}

impl ToSql for bool {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        Ok(ValueRef::Integer(i64::from(*self)))
    }
}

impl ToSql for f64 {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        Ok(ValueRef::Real(*self))
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
                i64::try_from(*self).map(ValueRef::Integer).map_err(|_| SqlError::OutOfRange(self.to_string()))
            }
        }
        impl FromSql for $t {
            fn from_sql(value: ValueRef<'_>) -> Result<Self, SqlError> {
                let integer = i64::from_sql(value)?;
                <$t>::try_from(integer).map_err(|_| SqlError::OutOfRange(integer.to_string()))
            }
        }
    )*};
}
integers!(i32, u32, u64, usize, u16, u8, i16);

impl ToSql for i64 {
    fn to_sql(&self) -> Result<ValueRef<'_>, SqlError> {
        Ok(ValueRef::Integer(*self))
    }
}

impl FromSql for i64 {
    fn from_sql(value: ValueRef<'_>) -> Result<Self, SqlError> {
        match value {
            ValueRef::Integer(i) => Ok(i),
            other => Err(SqlError::wrong_class("an integer", other)),
        }
    }
}

impl FromSql for bool {
    fn from_sql(value: ValueRef<'_>) -> Result<Self, SqlError> {
        Ok(i64::from_sql(value)? != 0)
    }
}

impl FromSql for f64 {
    fn from_sql(value: ValueRef<'_>) -> Result<Self, SqlError> {
        match value {
            ValueRef::Real(r) => Ok(r),
            // SQLite gives an integral REAL back as INTEGER from some expressions.
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(SqlError::wrong_class("a real number", other)),
        }
    }
}

impl FromSql for String {
    fn from_sql(value: ValueRef<'_>) -> Result<Self, SqlError> {
        match value {
            ValueRef::Text(t) => Ok(t.to_owned()),
            other => Err(SqlError::wrong_class("text", other)),
        }
    }
}

impl FromSql for Vec<u8> {
    fn from_sql(value: ValueRef<'_>) -> Result<Self, SqlError> {
        match value {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            other => Err(SqlError::wrong_class("a blob", other)),
        }
    }
}

impl FromSql for Value {
    fn from_sql(value: ValueRef<'_>) -> Result<Self, SqlError> {
        Ok(match value {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(r) => Value::Real(r),
            ValueRef::Text(t) => Value::Text(t.to_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        })
    }
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_sql(value: ValueRef<'_>) -> Result<Self, SqlError> {
        match value {
            ValueRef::Null => Ok(None),
            other => T::from_sql(other).map(Some),
        }
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Integer(value)
    }
}

impl From<&Value> for Value {
    fn from(value: &Value) -> Self {
        value.clone()
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_owned())
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Integer(i64::from(value))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}
