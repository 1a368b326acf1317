//! Where the browser goes back to after signing in: the page it asked for when it was sent to
//! `/login`, carried as `/login?next=…` and in the login form. Only a path on this console is
//! followed, so a link cannot send a user who signs in to another site (an open redirect).

/// The page to return to, when `candidate` is a path on this site: it starts with one `/`
/// (not `//` or `/\`, which browsers read as another host) and holds no control characters.
pub fn local_path(candidate: &str) -> Option<&str> {
    let mut chars = candidate.chars();
    let first_two = (chars.next(), chars.next());
    let is_local = first_two.0 == Some('/') && !matches!(first_two.1, Some('/' | '\\'));
    (is_local && !candidate.chars().any(char::is_control)).then_some(candidate)
}

/// The sign-in address that returns to `path_and_query` afterwards (plain `/login` for the
/// home page or a path that is not local).
pub fn login_url(path_and_query: &str) -> String {
    match local_path(path_and_query).filter(|path| *path != "/") {
        Some(path) => {
            format!("/login?{}", form_urlencoded::Serializer::new(String::new()).append_pair("next", path).finish())
        }
        None => "/login".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_path_on_this_site_when_checked_then_it_is_followed() {
        assert_eq!(local_path("/deals/7?asOf=x"), Some("/deals/7?asOf=x"));
        assert_eq!(local_path("/"), Some("/"));
    }

    #[test]
    fn given_another_host_or_odd_text_when_checked_then_it_is_not_followed() {
        for candidate in
            ["//evil.example/", "/\\evil.example", "https://evil.example/", "deals", "", "/a\nb", "/a\u{7f}"]
        {
            assert_eq!(local_path(candidate), None, "{candidate:?}");
        }
    }

    #[test]
    fn given_a_page_when_sent_to_sign_in_then_the_page_rides_along_encoded() {
        assert_eq!(login_url("/deals?search=a&b"), "/login?next=%2Fdeals%3Fsearch%3Da%26b");
        assert_eq!(login_url("/"), "/login");
        assert_eq!(login_url("//evil.example"), "/login");
    }
}
