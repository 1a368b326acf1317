//! What an analyst may see of a hook's URL. Receivers such as WordPress plugins take their
//! credential in the query string (`?key=…`) or the user info (`https://user:pass@host/`), so a
//! read-only user sees the URL's shape with those values withheld, as the secret is.

use url::Url;

/// Shown in place of a withheld value.
pub const WITHHELD: &str = "withheld";

/// `url` with every query value and any user-info password replaced by [`WITHHELD`]; a URL
/// that does not parse is withheld whole (it cannot be shown safely in parts).
pub fn without_credentials(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else { return WITHHELD.to_owned() };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some(WITHHELD));
    }
    if parsed.query().is_some() {
        let keys: Vec<String> = parsed.query_pairs().map(|(key, _)| key.into_owned()).collect();
        parsed.query_pairs_mut().clear().extend_pairs(keys.iter().map(|key| (key.as_str(), WITHHELD)));
    }
    parsed.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_and_passwords_are_withheld_and_the_rest_is_kept() {
        let cases = [
            ("https://crm.example.com/hooks/dealflow", "https://crm.example.com/hooks/dealflow"),
            ("https://crm.example.com/h?key=abc", "https://crm.example.com/h?key=withheld"),
            ("https://x.example/h?key=abc&site=2", "https://x.example/h?key=withheld&site=withheld"),
            ("https://user:pass@x.example/h", "https://user:withheld@x.example/h"),
            ("https://user@x.example/h", "https://user@x.example/h"),
            ("not a url", "withheld"),
        ];
        for (given, shown) in cases {
            assert_eq!(without_credentials(given), shown, "{given}");
        }
    }
}
