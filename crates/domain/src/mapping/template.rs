//! Templates of a mapping (`"{{ company }} - {{ plan }}"`), compiled once when the mapping is
//! parsed and rendered per request with MiniJinja.
//!
//! Variables are the rule's `vars` (each a JSONPath into the body), the body's top-level keys,
//! and `body`, the whole body (for keys that are not identifiers:
//! `{{ body["mautic.form_on_submit"][0].submission.id }}`); `body` always means the whole body.
//!
//! Printing an undefined value is an error (MiniJinja's semi-strict mode): a template that
//! prints a value the body does not have leaves its field absent, with a note, rather than
//! rendering a half title. Tests stay allowed, so `{{ company or email }}` and `{% if plan %}`
//! work when a key is missing. Whole numbers are numbers; other numbers are their exact text,
//! never binary floats.
//!
//! Only what the templates read is converted per request: at compile time MiniJinja lists the
//! variables (and attribute chains, `form_response.definition.title`) each template looks up,
//! and the context is projected from the body along them. A Typeform body's large form
//! definition is not copied when the title reads only its `title`.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::Value;

use super::reads::Reads;

/// The compiled templates of one mapping, by target field name.
#[derive(Clone, Debug)]
pub struct Templates {
    env: Environment<'static>,
    count: usize,
    wanted: Wanted,
}

/// The attribute chains templates read, as a tree: `None` means the whole value.
#[derive(Clone, Debug, Default)]
struct Wanted(BTreeMap<String, Option<Wanted>>);

impl Wanted {
    fn add(&mut self, chain: &str) {
        let mut node = self;
        let mut parts = chain.split('.').peekable();
        while let Some(part) = parts.next() {
            let entry = node.0.entry(part.to_owned()).or_insert_with(|| Some(Wanted::default()));
            if parts.peek().is_none() {
                *entry = None;
                return;
            }
            match entry {
                Some(child) => node = child,
                None => return,
            }
        }
    }

    /// Adds every chain of this tree (below `prefix`) to `reads`.
    fn add_reads(&self, prefix: &mut Vec<String>, reads: &mut Reads) {
        for (key, wanted) in &self.0 {
            prefix.push(key.clone());
            match wanted {
                Some(inner) => inner.add_reads(prefix, reads),
                None => reads.add(prefix),
            }
            prefix.pop();
        }
    }

    /// The wanted parts of `object`; missing keys stay missing, so templates see them undefined.
    fn entries(&self, object: &serde_json::Map<String, Value>) -> BTreeMap<String, minijinja::Value> {
        let entries = self.0.iter().filter_map(|(key, wanted)| {
            let value = object.get(key)?;
            let projected = match (wanted, value) {
                (Some(wanted), Value::Object(inner)) => wanted.entries(inner).into_iter().collect(),
                _ => template_value(value),
            };
            Some((key.clone(), projected))
        });
        entries.collect()
    }
}

/// The MiniJinja instructions one template may run per request: far beyond a title's few
/// dozen, or a loop over a sender's hundreds of answers, but a loop nested in a loop over a
/// large body (or over `range(100000)`) stops with an error (a note) instead of holding the
/// request for minutes (found by the `mapping` fuzz target).
pub const TEMPLATE_FUEL: u64 = 200_000;

impl Default for Templates {
    fn default() -> Self {
        let mut env = Environment::new();
        env.set_fuel(Some(TEMPLATE_FUEL));
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        // A field named `custom_fields.x.html` must not switch on HTML escaping.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        Self { env, count: 0, wanted: Wanted::default() }
    }
}

impl Templates {
    /// Compiles one template under `name`, whose rule declares the variables `declared`; the
    /// error is MiniJinja's syntax message.
    pub fn add<'a>(&mut self, name: &str, source: &str, declared: impl Iterator<Item = &'a str>) -> Result<(), String> {
        self.env.add_template_owned(name.to_owned(), source.to_owned()).map_err(|error| describe(&error))?;
        let template = self.env.get_template(name).map_err(|error| describe(&error))?;
        let declared: Vec<&str> = declared.collect();
        for chain in template.undeclared_variables(true) {
            let root = chain.split('.').next().unwrap_or_default();
            if !declared.contains(&root) {
                self.wanted.add(&chain);
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Adds what of a body the templates read: the chains they look up, and all of it for `body`.
    pub fn add_reads(&self, reads: &mut Reads) {
        if self.wanted.0.contains_key("body") {
            reads.add::<&str>(&[]);
        }
        self.wanted.add_reads(&mut Vec::new(), reads);
    }

    /// True when the mapping has templates, so a request needs a template context.
    pub fn any(&self) -> bool {
        self.count > 0
    }

    /// Renders the template `name` over the context and its rule's variables (which win over
    /// body keys of the same name); the error says what was missing or wrong.
    pub fn render<'a>(
        &self,
        name: &str,
        context: &minijinja::Value,
        vars: impl Iterator<Item = (&'a str, &'a Value)>,
    ) -> Result<String, String> {
        let template = self.env.get_template(name).map_err(|error| describe(&error))?;
        let vars: Vec<(&str, minijinja::Value)> = vars.map(|(name, value)| (name, template_value(value))).collect();
        let result = if vars.is_empty() {
            template.render(context)
        } else {
            let vars: minijinja::Value = vars.into_iter().collect();
            template.render(minijinja::value::merge_maps([vars, context.clone()]))
        };
        result.map_err(|error| describe(&error))
    }

    /// The variables the templates see: the body's top-level keys they read, and `body`.
    pub fn context(&self, body: &Value) -> minijinja::Value {
        let mut variables = match body {
            Value::Object(object) => self.wanted.entries(object),
            _ => BTreeMap::new(),
        };
        // `body` is the whole body, even when the body has a key of that name.
        if self.wanted.0.contains_key("body") {
            variables.insert("body".to_owned(), template_value(body));
        }
        variables.into_iter().collect()
    }
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
