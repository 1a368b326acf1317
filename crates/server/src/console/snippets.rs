//! The sender snippets shown with a new secret: PHP, Node and curl code that sends one signed
//! JSON body to a source, signed the way `docs/inbound.md` §2 says (`X-DealFlow-Signature:
//! sha256=<hex HMAC-SHA256 of the exact bytes sent>`), or, for `url_token` sources, sent to the
//! URL that carries the access key. Other schemes are signed by their sender: no snippet.

use domain::signature::SignatureScheme;
use serde::Serialize;

/// The sample body every snippet sends.
const SAMPLE: &str = r#"{"title":"Acme Corp - Enterprise","amount":15000,"currency":"USD"}"#;

/// One snippet: its language's name and its code.
#[derive(Debug, Serialize)]
pub struct Snippet {
    pub id: &'static str,
    pub language: &'static str,
    pub code: String,
}

/// The snippets for a source signed by `scheme`, posting to `url` (for `url_token`, the
/// `receive_url` with the access key) with `secret`. Empty for schemes a sender signs itself.
pub fn for_source(scheme: SignatureScheme, url: &str, secret: &str) -> Vec<Snippet> {
    match scheme {
        SignatureScheme::Dealflow => vec![
            Snippet { id: "php", language: "PHP", code: php(url, secret) },
            Snippet { id: "node", language: "Node.js", code: node(url, secret) },
            Snippet { id: "curl", language: "curl", code: curl(url, secret) },
        ],
        SignatureScheme::UrlToken => vec![Snippet { id: "curl", language: "curl", code: curl_unsigned(url) }],
        _ => Vec::new(),
    }
}

/// `text` as a single-quoted literal of PHP, JavaScript or sh (secrets and URLs hold no quote,
/// but a quote is escaped all the same).
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn php(url: &str, secret: &str) -> String {
    let (url, secret) = (quoted(url).replace(r"'\''", r"\'"), quoted(secret).replace(r"'\''", r"\'"));
    format!(
        "<?php\n$url = {url};\n$secret = {secret};\n\
         $body = json_encode(['title' => 'Acme Corp - Enterprise', 'amount' => 15000, 'currency' => 'USD']);\n\
         // sign the exact bytes sent\n\
         $signature = 'sha256=' . hash_hmac('sha256', $body, $secret);\n\
         $ch = curl_init($url);\n\
         curl_setopt_array($ch, [\n    CURLOPT_POST => true,\n    CURLOPT_POSTFIELDS => $body,\n    \
         CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'X-DealFlow-Signature: ' . $signature],\n    \
         CURLOPT_RETURNTRANSFER => true,\n]);\n\
         echo curl_exec($ch);\n"
    )
}

fn node(url: &str, secret: &str) -> String {
    let (url, secret) = (quoted(url).replace(r"'\''", r"\'"), quoted(secret).replace(r"'\''", r"\'"));
    format!(
        "const crypto = require('crypto');\n\
         const url = {url};\nconst secret = {secret};\n\
         const body = JSON.stringify({{ title: 'Acme Corp - Enterprise', amount: 15000, currency: 'USD' }});\n\
         // sign the exact bytes sent\n\
         const signature = 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');\n\
         fetch(url, {{\n  method: 'POST',\n  body,\n  \
         headers: {{ 'Content-Type': 'application/json', 'X-DealFlow-Signature': signature }},\n}})\n  \
         .then((answer) => answer.text())\n  .then(console.log);\n"
    )
}

fn curl(url: &str, secret: &str) -> String {
    format!(
        "SECRET={}\nBODY={}\n\
         SIG=$(printf '%s' \"$BODY\" | openssl dgst -sha256 -hmac \"$SECRET\" | sed 's/^.* //')\n\
         curl -X POST {} -H 'Content-Type: application/json' \\\n     \
         -H \"X-DealFlow-Signature: sha256=$SIG\" --data-binary \"$BODY\"\n",
        quoted(secret),
        quoted(SAMPLE),
        quoted(url)
    )
}

fn curl_unsigned(url: &str) -> String {
    format!(
        "curl -X POST {} -H 'Content-Type: application/json' \\\n     --data-binary {}\n",
        quoted(url),
        quoted(SAMPLE)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dealflow_scheme_gets_php_node_and_curl_with_the_url_and_secret() {
        let snippets = for_source(SignatureScheme::Dealflow, "http://h/r", "s3cret");
        let names: Vec<_> = snippets.iter().map(|s| s.id).collect();
        assert_eq!(names, ["php", "node", "curl"]);
        assert!(snippets.iter().all(|s| s.code.contains("'http://h/r'") && s.code.contains("'s3cret'")));
        assert!(snippets[0].code.contains("hash_hmac('sha256', $body, $secret)"), "{}", snippets[0].code);
        assert!(snippets[1].code.contains("createHmac('sha256', secret)"), "{}", snippets[1].code);
    }

    #[test]
    fn url_token_posts_to_the_keyed_url_and_other_schemes_get_none() {
        let snippets = for_source(SignatureScheme::UrlToken, "http://h/r?access_key=k", "k");
        assert_eq!(snippets.len(), 1);
        assert!(snippets[0].code.contains("'http://h/r?access_key=k'") && !snippets[0].code.contains("openssl"));
        assert!(for_source(SignatureScheme::Typeform, "u", "s").is_empty());
    }

    #[test]
    fn a_quote_is_escaped_for_sh() {
        assert_eq!(quoted("a'b"), r"'a'\''b'");
    }
}
