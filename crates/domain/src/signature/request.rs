//! What a verifier sees of a request: headers looked up by name (case-insensitively), the raw
//! query string and the raw body. The HTTP layer adapts its own header map to [`Headers`].

/// Request headers, looked up case-insensitively (HTTP header names are case-insensitive).
/// Implemented for slices and vectors of `(name, value)` pairs; an HTTP layer implements it
/// for its own header map. A header whose value is not text should be reported as absent.
pub trait Headers {
    /// The value of the first header called `name`, compared ignoring ASCII case.
    fn header(&self, name: &str) -> Option<&str>;
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter().find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name)).map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

/// The parts of an inbound request that a signature covers or carries.
#[derive(Debug)]
pub struct InboundRequest<'a, H: Headers + ?Sized> {
    /// The request's headers.
    pub headers: &'a H,
    /// The raw query string, without the `?` (empty when there is none).
    pub query: &'a str,
    /// The body exactly as received, before any decoding.
    pub body: &'a [u8],
}

impl<H: Headers + ?Sized> Clone for InboundRequest<'_, H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<H: Headers + ?Sized> Copy for InboundRequest<'_, H> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_match_whatever_their_case() {
        let headers = [("stripe-signature", "t=1,v1=ab"), ("Content-Type", "application/json")];
        assert_eq!(headers.header("Stripe-Signature"), Some("t=1,v1=ab"));
        assert_eq!(headers.header("CONTENT-TYPE"), Some("application/json"));
        assert_eq!(headers.header("webhook-id"), None);
        let owned = vec![("X-Hub-Signature-256".to_owned(), "sha256=00".to_owned())];
        assert_eq!(owned.header("x-hub-signature-256"), Some("sha256=00"));
    }
}
