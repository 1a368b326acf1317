//! Templates of a mapping (`"{{ company }} - {{ plan }}"`), compiled once when the mapping is
//! parsed and rendered per request with MiniJinja.
//!
//! Variables are the body's top-level keys, and `body`, the whole body (for keys that are not
//! identifiers: `{{ body["mautic.form_on_submit"][0].submission.id }}`); `body` always means
//! the whole body. Printing an undefined value is an error (MiniJinja's semi-strict mode): a
//! template that prints a value the body does not have leaves its field absent, with a note,
//! rather than rendering a half title. Tests stay allowed, so `{{ company or email }}` and
//! `{% if plan %}` work when a key is missing.
//! Whole numbers are numbers; other numbers are their exact text, never binary floats.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::Value;

/// The compiled templates of one mapping, by target field name.
#[derive(Clone, Debug)]
pub struct Templates {
    env: Environment<'static>,
    count: usize,
}

impl Default for Templates {
    fn default() -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        // A field named `custom_fields.x.html` must not switch on HTML escaping.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        Self { env, count: 0 }
    }
}

impl Templates {
    /// Compiles one template under `name`; the error is MiniJinja's syntax message.
    pub fn add(&mut self, name: &str, source: &str) -> Result<(), String> {
        self.env.add_template_owned(name.to_owned(), source.to_owned()).map_err(|error| describe(&error))?;
        self.count += 1;
        Ok(())
    }

    /// True when the mapping has templates, so a request needs a template context.
    pub fn any(&self) -> bool {
        self.count > 0
    }

    /// Renders the template `name`; the error says what was missing or wrong.
    pub fn render(&self, name: &str, context: &minijinja::Value) -> Result<String, String> {
        let template = self.env.get_template(name).map_err(|error| describe(&error))?;
        template.render(context).map_err(|error| describe(&error))
    }
}

/// The variables a template sees: the body's top-level keys, and `body`.
pub fn context(body: &Value) -> minijinja::Value {
    let whole = template_value(body);
    let mut variables: Vec<(String, minijinja::Value)> = match body {
        Value::Object(map) => map.iter().map(|(key, value)| (key.clone(), template_value(value))).collect(),
        _ => Vec::new(),
    };
    variables.push(("body".to_owned(), whole));
    variables.into_iter().collect()
}

fn template_value(value: &Value) -> minijinja::Value {
    match value {
        Value::Null => minijinja::Value::from(()),
        Value::Bool(flag) => minijinja::Value::from(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(whole) => minijinja::Value::from(whole),
            None => minijinja::Value::from(number.to_string()),
        },
        Value::String(text) => minijinja::Value::from(text.as_str()),
        Value::Array(items) => minijinja::Value::from(items.iter().map(template_value).collect::<Vec<_>>()),
        Value::Object(map) => map.iter().map(|(key, value)| (key.as_str(), template_value(value))).collect(),
    }
}

fn describe(error: &minijinja::Error) -> String {
    match error.detail() {
        Some(detail) => format!("{} ({detail})", error.kind()),
        None => error.kind().to_string(),
    }
}
