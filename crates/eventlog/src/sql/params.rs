//! Parameter lists: tuples, arrays, slices and run-time vectors, as rusqlite takes them.

use super::{SqlError, ToSql, ValueRef};

/// A statement's parameters, numbered from 1 in order.
pub trait Params {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, SqlError>;
}

impl Params for () {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, SqlError> {
        Ok(Vec::new())
    }
}

// `[]` has one impl to take (no parameters), as with rusqlite; other lengths are listed so that
// an empty array's element type need not be named.
impl Params for [&dyn ToSql; 0] {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, SqlError> {
        Ok(Vec::new())
    }
}

macro_rules! arrays {
    ($($n:literal),+) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn values(&self) -> Result<Vec<ValueRef<'_>>, SqlError> {
                self.iter().map(ToSql::to_sql).collect()
            }
        }
    )+};
}
arrays!(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

impl<T: ToSql> Params for [T] {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, SqlError> {
        self.iter().map(ToSql::to_sql).collect()
    }
}

impl<T: ToSql> Params for Vec<T> {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, SqlError> {
        self.iter().map(ToSql::to_sql).collect()
    }
}

impl<P: Params + ?Sized> Params for &P {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, SqlError> {
        (**self).values()
    }
}

/// Parameters from an iterator of values (rusqlite's `params_from_iter`).
pub fn params_from_iter<I>(values: I) -> Vec<I::Item>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    values.into_iter().collect()
}

macro_rules! tuples {
    ($(($($name:ident $index:tt),+)),+ $(,)?) => {$(
        impl<$($name: ToSql),+> Params for ($($name,)+) {
            fn values(&self) -> Result<Vec<ValueRef<'_>>, SqlError> {
                Ok(vec![$(self.$index.to_sql()?),+])
            }
        }
    )+};
}

tuples!(
    (A 0),
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15),
);

/// A parameter list of mixed types: `params![id, name, None::<i64>]`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[&dyn $crate::sql::ToSql] };
    ($($value:expr),+ $(,)?) => { &[$(&$value as &dyn $crate::sql::ToSql),+] as &[&dyn $crate::sql::ToSql] };
}
