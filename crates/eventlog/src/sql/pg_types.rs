//! The five storage classes on PostgreSQL's wire: a parameter takes the type the server
//! inferred for it (an integer binds as `int2`, `int4`, `int8`, `bool` or `float8` as the
//! column needs), and every column reads back as one of the classes.

use std::error::Error;

use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{Value, ValueRef};

type BoxError = Box<dyn Error + Sync + Send>;

/// A parameter on its way to PostgreSQL.
#[derive(Debug)]
pub(crate) struct PgParam<'a>(pub ValueRef<'a>);

impl ToSql for PgParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut postgres::types::private::BytesMut) -> Result<IsNull, BoxError> {
        match (self.0, ty) {
            (ValueRef::Null, _) => Ok(IsNull::Yes),
            (ValueRef::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (ValueRef::Integer(i), &Type::INT4) => i32::try_from(i)?.to_sql(ty, out),
            (ValueRef::Integer(i), &Type::INT2) => i16::try_from(i)?.to_sql(ty, out),
            (ValueRef::Integer(i), &Type::BOOL) => (i != 0).to_sql(ty, out),
            (ValueRef::Integer(i), &Type::FLOAT8) => (i as f64).to_sql(ty, out),
            (ValueRef::Integer(i), &Type::NUMERIC) => Decimal::from(i).to_sql(ty, out),
            (ValueRef::Integer(i), t) if is_text(t) => i.to_string().to_sql(ty, out),
            (ValueRef::Real(r), &Type::FLOAT8) => r.to_sql(ty, out),
            (ValueRef::Real(r), &Type::FLOAT4) => (r as f32).to_sql(ty, out),
            (ValueRef::Real(r), &Type::NUMERIC) => Decimal::try_from(r)?.to_sql(ty, out),
            (ValueRef::Real(r), t) if is_text(t) => r.to_string().to_sql(ty, out),
            (ValueRef::Text(t), &Type::UUID) => t.parse::<uuid::Uuid>()?.to_sql(ty, out),
            (ValueRef::Text(t), &Type::JSON | &Type::JSONB) => {
                serde_json::from_str::<serde_json::Value>(t)?.to_sql(ty, out)
            }
            // PostgreSQL's text cannot hold U+0000 (the API refuses it at the edge; this keeps a
            // projector from stalling on one that came another way, e.g. an inbound mapping).
            (ValueRef::Text(t), ty) if is_text(ty) && t.contains('\0') => t.replace('\0', "\u{FFFD}").to_sql(ty, out),
            (ValueRef::Text(t), ty) if is_text(ty) => t.to_sql(ty, out),
            (ValueRef::Blob(b), &Type::BYTEA) => b.to_sql(ty, out),
            (value, ty) => Err(format!("cannot bind {value:?} as PostgreSQL type {ty}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn is_text(ty: &Type) -> bool {
    matches!(*ty, Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN)
}

/// A column read from PostgreSQL, as its storage class.
pub(crate) struct PgCell(pub Value);

impl<'a> FromSql<'a> for PgCell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let value = match *ty {
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Integer(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            // sum() of bigint is numeric: integral sums read as integers, as SQLite gives them.
            Type::NUMERIC => numeric(Decimal::from_sql(ty, raw)?),
            Type::UUID => Value::Text(uuid::Uuid::from_sql(ty, raw)?.to_string()),
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSON | Type::JSONB => Value::Text(serde_json::Value::from_sql(ty, raw)?.to_string()),
            _ => Value::Text(String::from_sql(ty, raw)?),
        };
        Ok(Self(value))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Self(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

fn numeric(decimal: Decimal) -> Value {
    match decimal.fract().is_zero().then(|| decimal.to_i64()).flatten() {
        Some(integer) => Value::Integer(integer),
        None => Value::Real(decimal.to_f64().unwrap_or(f64::NAN)),
    }
}
