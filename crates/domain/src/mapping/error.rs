//! Why a mapping does not parse: one problem per bad rule, each naming its field.

use std::fmt;

use super::settings::InvalidDateFormat;
use super::target::UnknownTarget;
use crate::values::FieldErrors;

/// What is wrong with one rule or option.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleProblem {
    #[error(transparent)]
    UnknownTarget(#[from] UnknownTarget),
    #[error("is not a rule: {0}; write it like {{\"path\": \"$.email\"}}")]
    Malformed(String),
    #[error("needs one of path, template or value")]
    NoSource,
    #[error("has more than one of path, template and value; keep one")]
    SeveralSources,
    #[error("is not a valid RFC 9535 JSONPath ({0}); write it like $.form_response.token")]
    InvalidPath(String),
    #[error("has a template syntax error: {0}")]
    TemplateSyntax(String),
    #[error("has `vars`, which only go with a template")]
    VarsWithoutTemplate,
    #[error("has an empty lookup table; give at least one entry or drop `map`")]
    EmptyTable,
    #[error(transparent)]
    InvalidDateFormat(#[from] InvalidDateFormat),
}

/// One problem, under the name of its rule (`title`, `contact.email`) or option (`date_format`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub problem: RuleProblem,
}

/// The mapping cannot be used; nothing of it is applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// Not the mapping's JSON shape (not an object, an unknown top-level key, no `fields`,
    /// `decimal_separator` other than `.` or `,`).
    #[error("the mapping is not shaped as documented: {0}")]
    Shape(String),
    /// Every bad rule, each with its field.
    #[error("{}", Problems(.0))]
    Rules(Vec<FieldProblem>),
}

impl MappingError {
    /// The problems as SPEC §9 field errors, named `<prefix>.<field>` (`mapping.title`).
    pub fn field_errors(&self, prefix: &str) -> FieldErrors {
        let mut errors = FieldErrors::new();
        match self {
            Self::Shape(message) => errors.add(prefix, message.clone()),
            Self::Rules(problems) => {
                for FieldProblem { field, problem } in problems {
                    errors.add(format!("{prefix}.{field}"), problem.to_string());
                }
            }
        }
        errors
    }
}

struct Problems<'a>(&'a [FieldProblem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, FieldProblem { field, problem }) in self.0.iter().enumerate() {
            let separator = if index == 0 { "" } else { "; " };
            write!(f, "{separator}{field} {problem}")?;
        }
        Ok(())
    }
}
