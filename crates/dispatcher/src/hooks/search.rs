//! The `search` grammar of `GET /api/hooks`, as Mautic's API takes it: words and
//! double-quoted phrases matched in name and description, and the commands `ids:1,2`,
//! `is:published`, `is:unpublished` and `category:<alias>`, each negated by a leading `!`.

use api::limits::{IdText, out_of_range};
use listquery::Refusal;

/// One search term, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// `ids:1,2` (`!ids:`): hooks with (without) these ids; an empty list matches none.
    Ids { negated: bool, ids: Vec<i64> },
    /// `is:published`, `is:unpublished` (negations folded in): the flag's value.
    Published(bool),
    /// `category:billing` (`!category:`): in (not in) the category with that alias.
    Category { negated: bool, alias: String },
    /// Anything else (`!word`): text in (not in) the name or description.
    Text { negated: bool, text: String },
}

/// The terms of a search text, in order; an `ids:` list with a word or an id beyond the range
/// is refused, naming `search`.
pub fn terms(search: &str) -> Result<Vec<Term>, Refusal> {
    tokens(search).into_iter().map(|token| term(&token)).collect()
}

fn term(token: &str) -> Result<Term, Refusal> {
    let (negated, token) = match token.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, token),
    };
    let lower = token.to_ascii_lowercase();
    if let Some(ids) = lower.strip_prefix("ids:") {
        let ids = ids
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|id| match IdText::of(id) {
                IdText::Id(id) => Ok(id as i64),
                IdText::OutOfRange => Err(Refusal::new("search", out_of_range(id))),
                IdText::NotANumber => Err(Refusal::new("search", format!("ids:{ids} must list integer ids"))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Term::Ids { negated, ids })
    } else if lower == "is:published" || lower == "is:unpublished" {
        Ok(Term::Published((lower == "is:published") != negated))
    } else if let Some(alias) = token.strip_prefix("category:").or_else(|| token.strip_prefix("Category:")) {
        Ok(Term::Category { negated, alias: alias.to_owned() })
    } else {
        Ok(Term::Text { negated, text: token.to_owned() })
    }
}

/// Search text split on spaces, keeping double-quoted phrases whole.
fn tokens(search: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in search.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(negated: bool, text: &str) -> Term {
        Term::Text { negated, text: text.into() }
    }

    #[test]
    fn given_words_and_quoted_phrases_when_read_then_text_terms() {
        assert_eq!(
            terms("  slack \"deal won\" !crm ").unwrap(),
            [text(false, "slack"), text(false, "deal won"), text(true, "crm")]
        );
        assert_eq!(terms("").unwrap(), []);
    }

    #[test]
    fn given_commands_when_read_then_their_terms() {
        assert_eq!(terms("ids:2,,4").unwrap(), [Term::Ids { negated: false, ids: vec![2, 4] }]);
        assert_eq!(terms("!IDS:").unwrap(), [Term::Ids { negated: true, ids: vec![] }]);
        assert_eq!(terms("is:published !is:published").unwrap(), [Term::Published(true), Term::Published(false)]);
        assert_eq!(terms("!is:unpublished").unwrap(), [Term::Published(true)]);
        assert_eq!(
            terms("Category:Billing !category:ops").unwrap(),
            [
                Term::Category { negated: false, alias: "Billing".into() },
                Term::Category { negated: true, alias: "ops".into() }
            ]
        );
    }

    #[test]
    fn given_a_bad_id_list_when_read_then_search_is_refused() {
        assert_eq!(terms("ids:1,9223372036854775807").unwrap(), [Term::Ids { negated: false, ids: vec![1, i64::MAX] }]);
        let refused = terms("ids:1,x").unwrap_err();
        assert_eq!(refused, Refusal::new("search", "ids:1,x must list integer ids"));
        assert_eq!(terms("ids:9223372036854775808").unwrap_err().field, "search");
    }
}
