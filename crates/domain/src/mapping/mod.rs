//! Inbound mapping (issue 11): turns a sender's body (a Typeform submission, a Stripe event, a
//! DealHub quote event) into SPEC §5's payload, without middleware.
//!
//! A [`Mapping`] is parsed once from the source's `mapping` setting ([`MappingSpec`]): each
//! target field gets an RFC 9535 JSONPath, a MiniJinja template (whose `vars` are JSONPaths
//! too) or a constant, optionally through a lookup table (issue 17's stage table). Paths and
//! templates are compiled at parse time, so [`apply`] only runs them. [`apply`] coerces values before validation (numeric and
//! localised strings, minor units, dates, lower-case currencies) and answers a
//! [`MappedOutcome`]: the payload, where each field came from, and notes. Pure: no I/O.
//!
//! - [`target`]: the fields a rule can fill; [`spec`]: the JSON shape; [`settings`]: coercion
//!   options; [`rule`]: a compiled rule; [`template`]: templates; [`coerce`]: coercions;
//!   [`outcome`]: the result; [`error`]: parse errors; [`presets`]: known senders.

pub mod coerce;
pub mod error;
pub mod outcome;
pub mod presets;
pub mod reads;
pub mod rule;
pub mod settings;
pub mod spec;
pub mod target;
pub mod template;

#[cfg(test)]
mod tests;

use serde_json::Value;

pub use error::{FieldProblem, MappingError, RuleProblem};
pub use outcome::{FieldTrace, MappedOutcome, Note};
pub use presets::Preset;
pub use reads::Reads;
pub use rule::Origin;
pub use settings::{DecimalSeparator, Settings};
pub use spec::{MappingSpec, RuleSpec};
pub use target::Target;

use coerce::{coerce, scalar_text};
use rule::{Extracted, Rule};
use template::Templates;

/// A source's mapping, compiled: ready to apply to any number of bodies.
#[derive(Clone, Debug)]
pub struct Mapping {
    spec: MappingSpec,
    settings: Settings,
    /// Currency first: a minor-unit amount needs the mapped currency.
    rules: Vec<Rule>,
    templates: Templates,
    /// What of a body the rules read, so that a request builds only that.
    reads: Reads,
}

impl Mapping {
    /// Parses the source's `mapping` JSON; every bad rule is reported, each with its field.
    pub fn parse(json: &Value) -> Result<Self, MappingError> {
        let (spec, mut problems) = MappingSpec::read(json)?;
        match Self::compile(spec) {
            Ok(mapping) if problems.is_empty() => Ok(mapping),
            Ok(_) => Err(MappingError::Rules(problems)),
            Err(MappingError::Rules(more)) => {
                problems.extend(more);
                problems.sort_by(|a, b| a.field.cmp(&b.field));
                Err(MappingError::Rules(problems))
            }
            Err(shape) => Err(shape),
        }
    }

    /// Compiles an already read spec (a preset's, or one being edited).
    pub fn compile(spec: MappingSpec) -> Result<Self, MappingError> {
        let mut templates = Templates::default();
        let mut rules = Vec::with_capacity(spec.fields.len());
        let mut problems = Vec::new();
        for (name, rule) in &spec.fields {
            match Rule::compile(name, rule, &mut templates) {
                Ok(rule) => rules.push(rule),
                Err(problem) => problems.push(FieldProblem { field: name.clone(), problem }),
            }
        }
        if let Some(format) = &spec.date_format
            && let Err(problem) = settings::check_date_format(format)
        {
            problems.push(FieldProblem { field: "date_format".to_owned(), problem: problem.into() });
        }
        if !problems.is_empty() {
            problems.sort_by(|a, b| a.field.cmp(&b.field));
            return Err(MappingError::Rules(problems));
        }
        rules.sort_by_key(|rule| (rule.target != Target::Currency, rule.target.clone()));
        let settings = Settings {
            decimal_separator: spec.decimal_separator,
            date_format: spec.date_format.clone(),
            amount_minor_units: spec.amount_minor_units,
        };
        let mut reads = Reads::default();
        templates.add_reads(&mut reads);
        for rule in &rules {
            rule.add_reads(&mut reads);
        }
        Ok(Self { spec, settings, rules, templates, reads })
    }

    /// The mapping as written, to store or show.
    pub fn spec(&self) -> &MappingSpec {
        &self.spec
    }

    /// What of a body this mapping reads: a body read with [`Reads::parse`] maps exactly as
    /// the whole body does.
    pub fn reads(&self) -> &Reads {
        &self.reads
    }

    /// Maps one body; see [`apply`].
    pub fn apply(&self, body: &Value) -> MappedOutcome {
        let context = self.templates.any().then(|| self.templates.context(body));
        let mut outcome = MappedOutcome { fields: Vec::with_capacity(self.rules.len()), ..MappedOutcome::default() };
        let mut currency: Option<String> = None;
        for rule in &self.rules {
            let (raw, value) = self.run(rule, body, context.as_ref(), currency.as_deref(), &mut outcome.notes);
            if rule.target == Target::Currency {
                currency = value.as_ref().and_then(Value::as_str).map(str::to_owned);
            }
            if let Some(value) = &value {
                match rule.target {
                    Target::IdempotencyKey => outcome.idempotency_key = scalar_text(value),
                    ref target => target.insert(&mut outcome.payload, value.clone()),
                }
            }
            let (field, from, table) = (rule.name.clone(), rule.origin.clone(), rule.table());
            outcome.fields.push(FieldTrace { field, from, table, raw, value });
        }
        outcome
    }

    /// One rule: extract, look up, coerce. Answers the raw and the final value.
    fn run(
        &self,
        rule: &Rule,
        body: &Value,
        context: Option<&minijinja::Value>,
        currency: Option<&str>,
        notes: &mut Vec<Note>,
    ) -> (Option<Value>, Option<Value>) {
        let raw = match rule.extract(body, &self.templates, context) {
            Extracted::Found(raw) => raw,
            Extracted::Nothing => return (None, None),
            Extracted::Failed(message) => {
                notes.push(Note { field: rule.name.clone(), message });
                return (None, None);
            }
        };
        let value =
            rule.look_up(raw.clone()).and_then(|value| coerce(rule.target.kind(), value, &self.settings, currency));
        match value {
            Ok(value) => (Some(raw), Some(value)),
            Err(message) => {
                notes.push(Note { field: rule.name.clone(), message });
                (Some(raw), None)
            }
        }
    }
}

/// Maps `body` to SPEC §5's payload with `mapping`. A rule whose path matches nothing (or
/// `null`) leaves its field absent; a value with no entry in its table, or a template naming a
/// missing value, leaves it absent with a note. Values that cannot be coerced are passed on
/// for validation to report.
pub fn apply(mapping: &Mapping, body: &Value) -> MappedOutcome {
    mapping.apply(body)
}
