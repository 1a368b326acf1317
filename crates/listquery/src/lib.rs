//! Mautic-style list queries and PHP forms, read once at the edge into types.
//!
//! A list route reads its query string in three steps, each in one place:
//!
//! 1. [`query`]: the raw pairs become a typed query struct through `serde_qs` (plain
//!    parameters, first value of each) and [`where_params`] (the `where[i][col|expr|val]`
//!    bracket grammar, bounded);
//! 2. the route converts that struct once into its filter type, with [`page`] (`start`,
//!    `limit`, `orderBy`, `orderByDir`), [`flag`] and [`column`] (camelCase → snake_case);
//! 3. the filter becomes SQL with the one [`sql::Where`] builder every list query shares.
//!
//! Every problem is a [`Refusal`] naming the parameter; the `api` crate turns it into a 400.
//! [`id_list`] reads a batch's `ids[]`. [`php_form`] reads PHP form bodies (`triggers[0]=a`, `category[id]=2`) into JSON.

pub mod column;
pub mod flag;
pub mod id_list;
pub mod page;
pub mod php_form;
pub mod query;
pub mod refusal;
pub mod sql;
pub mod where_params;

pub use column::snake_case;
pub use flag::flag;
pub use id_list::id_list;
pub use page::{Order, Page};
pub use refusal::Refusal;
pub use sql::{Where, like_pattern};
pub use where_params::{MAX_WHERE, WhereClause};
