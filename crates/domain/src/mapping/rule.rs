//! One compiled rule: where a field's value comes from (a JSONPath, a template or a constant)
//! and the optional lookup table it passes through.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use serde_json_path::JsonPath;

use super::coerce::scalar_text;
use super::error::RuleProblem;
use super::reads::Reads;
use super::spec::RuleSpec;
use super::target::Target;
use super::template::Templates;

/// Where a field's value came from, as the user wrote it: `{"path": "$.event_id"}`,
/// `{"template": "…"}` or `{"value": …}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Path(String),
    Template(String),
    Value(Value),
}

#[derive(Clone, Debug)]
enum Source {
    Path(JsonPath),
    /// The template's own variables, by name.
    Template(Vec<(String, JsonPath)>),
    Constant(Value),
}

/// A rule ready to run: its path or template is compiled.
#[derive(Clone, Debug)]
pub struct Rule {
    pub target: Target,
    /// The target's name, formatted once.
    pub name: String,
    pub origin: Origin,
    source: Source,
    table: Option<Arc<BTreeMap<String, Value>>>,
}

/// What a rule found in a body before coercion.
pub enum Extracted {
    /// The path matched nothing, or matched `null`.
    Nothing,
    /// The raw value.
    Found(Value),
    /// The template could not render; the message says why.
    Failed(String),
}

impl Rule {
    /// Compiles a rule for `target` (named `name`); templates go into `templates`.
    pub fn compile(name: &str, spec: &RuleSpec, templates: &mut Templates) -> Result<Self, RuleProblem> {
        let target: Target = name.parse()?;
        let (origin, source) = match (&spec.path, &spec.template, &spec.value) {
            (Some(path), None, None) => (Origin::Path(path.clone()), Source::Path(compile_path(path)?)),
            (None, Some(template), None) => {
                let vars = compile_vars(spec.vars.as_ref())?;
                let declared = vars.iter().map(|(var, _)| var.as_str());
                templates.add(name, template, declared).map_err(RuleProblem::TemplateSyntax)?;
                (Origin::Template(template.clone()), Source::Template(vars))
            }
            (None, None, Some(value)) => (Origin::Value(value.clone()), Source::Constant(value.clone())),
            (None, None, None) => return Err(RuleProblem::NoSource),
            _ => return Err(RuleProblem::SeveralSources),
        };
        if spec.vars.is_some() && spec.template.is_none() {
            return Err(RuleProblem::VarsWithoutTemplate);
        }
        if spec.map.as_ref().is_some_and(BTreeMap::is_empty) {
            return Err(RuleProblem::EmptyTable);
        }
        let name = target.to_string();
        Ok(Self { target, name, origin, source, table: spec.map.clone().map(Arc::new) })
    }

    /// Finds the raw value in `body`. The first node a path selects wins.
    pub fn extract(&self, body: &Value, templates: &Templates, context: Option<&minijinja::Value>) -> Extracted {
        let found = match &self.source {
            Source::Path(path) => path.query(body).first().cloned(),
            Source::Constant(value) => Some(value.clone()),
            Source::Template(vars) => match render(&self.name, vars, body, templates, context) {
                // An empty rendering (`{% if name %}…{% endif %}` without a name) is no value.
                Ok(text) if text.trim().is_empty() => None,
                Ok(text) => Some(Value::String(text)),
                Err(message) => return Extracted::Failed(message),
            },
        };
        match found {
            None | Some(Value::Null) => Extracted::Nothing,
            Some(value) => Extracted::Found(value),
        }
    }

    /// The rule's lookup table (e.g. event type → stage), shared, for the preview.
    pub fn table(&self) -> Option<Arc<BTreeMap<String, Value>>> {
        self.table.clone()
    }

    /// Adds what of a body this rule's path, or its template's variables, read (templates add
    /// their own reads: [`Templates::add_reads`]).
    pub fn add_reads(&self, reads: &mut Reads) {
        match &self.source {
            Source::Path(path) => reads.add_path(path),
            Source::Template(vars) => vars.iter().for_each(|(_, path)| reads.add_path(path)),
            Source::Constant(_) => {}
        }
    }

    /// Passes the raw value through the lookup table, if the rule has one. `Err` says which
    /// value has no entry.
    pub fn look_up(&self, raw: Value) -> Result<Value, String> {
        let Some(table) = &self.table else { return Ok(raw) };
        let key = scalar_text(&raw).unwrap_or_else(|| raw.to_string());
        table.get(&key).cloned().ok_or_else(|| format!("no entry for {key} in the table"))
    }
}

fn compile_path(path: &str) -> Result<JsonPath, RuleProblem> {
    JsonPath::parse(path).map_err(|error| RuleProblem::InvalidPath(error.to_string()))
}

fn compile_vars(vars: Option<&BTreeMap<String, String>>) -> Result<Vec<(String, JsonPath)>, RuleProblem> {
    let compile = |(name, path): (&String, &String)| match JsonPath::parse(path) {
        Ok(path) => Ok((name.clone(), path)),
        Err(error) => Err(RuleProblem::InvalidPath(format!("vars.{name}: {error}"))),
    };
    vars.into_iter().flatten().map(compile).collect()
}

/// Renders the rule's template with its variables; the error is the note.
fn render(
    name: &str,
    vars: &[(String, JsonPath)],
    body: &Value,
    templates: &Templates,
    context: Option<&minijinja::Value>,
) -> Result<String, String> {
    let context = context.ok_or("the body has no template variables")?;
    // A variable whose path matches nothing or `null` stays undefined, as a path rule's field
    // stays absent.
    let found = vars.iter().filter_map(|(name, path)| {
        let value = path.query(body).first().filter(|value| !value.is_null())?;
        Some((name.as_str(), value))
    });
    let text = templates
        .render(name, context, found)
        .map_err(|error| format!("the template could not be rendered: {error}"))?;
    Ok(text)
}
