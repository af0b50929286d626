//! The current stage's form, generated from the case-type definition: choice → radios,
//! boolean → yes/no radios, date → GOV.UK date input, text → textarea, team/topic/user →
//! select, confirm → checkbox. Posted values become the fields of `Command::CompleteStage`.

use std::collections::BTreeMap;

use despatch_domain::definition::{FieldKind, Stage};
use despatch_domain::engine::{FieldError, World};

use super::{humanise, team_name};

/// One option of a radio group or select.
pub(crate) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A field as the template draws it.
pub(crate) struct FieldView {
    /// Field name (form name and element id).
    pub name: String,
    pub label: String,
    /// `radios`, `date`, `textarea`, `select`, `checkbox` or `input`.
    pub widget: &'static str,
    pub options: Vec<Opt>,
    pub value: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub required: bool,
    pub error: Option<String>,
}

impl FieldView {
    /// The id the error summary links to (the first input of the field).
    pub fn anchor(&self) -> String {
        match self.widget {
            "date" => format!("{}-day", self.name),
            _ => self.name.clone(),
        }
    }
}

/// What the user typed, keyed by form name (`DateReceived-day`, `note`, …).
pub(crate) type Posted = BTreeMap<String, String>;

fn posted<'a>(values: &'a Posted, name: &str) -> &'a str {
    values.get(name).map(String::as_str).unwrap_or_default()
}

fn options(pairs: impl IntoIterator<Item = (String, String)>, current: &str) -> Vec<Opt> {
    pairs.into_iter().map(|(value, label)| Opt { selected: value == current, value, label }).collect()
}

/// The views of a stage's fields, filled with `values` (posted, else the case data) and the
/// engine's `errors`.
pub(crate) fn fields(
    stage: &Stage,
    world: &World,
    data: &BTreeMap<String, String>,
    values: Option<&Posted>,
    errors: &[FieldError],
) -> Vec<FieldView> {
    let directory = world.directory();
    stage
        .fields
        .iter()
        .map(|field| {
            let name = field.name.get_ref().clone();
            let stored = data.get(&name).cloned().unwrap_or_default();
            let value = values.map_or(stored.clone(), |values| posted(values, &name).to_string());
            let (widget, options) = match field.kind {
                FieldKind::Choice => (
                    "radios",
                    options(
                        field.choices.iter().filter(|c| !c.legacy).map(|c| (c.value.clone(), c.label.clone())),
                        &value,
                    ),
                ),
                FieldKind::Boolean => {
                    ("radios", options([("TRUE", "Yes"), ("FALSE", "No")].map(|(v, l)| (v.into(), l.into())), &value))
                }
                FieldKind::Date => ("date", Vec::new()),
                FieldKind::Text => ("textarea", Vec::new()),
                FieldKind::Confirm => ("checkbox", Vec::new()),
                FieldKind::Team => (
                    "select",
                    options(
                        directory
                            .teams
                            .values()
                            .filter(|t| t.active)
                            .map(|t| (t.code.clone(), team_name(world, &t.code))),
                        &value,
                    ),
                ),
                FieldKind::Topic => {
                    ("select", options(directory.topics.iter().map(|t| (t.clone(), humanise(t))), &value))
                }
                FieldKind::User => {
                    ("select", options(directory.memberships.keys().map(|u| (u.clone(), u.clone())), &value))
                }
                FieldKind::Document => ("input", Vec::new()),
            };
            let (year, month, day) = match values {
                Some(values) => (
                    posted(values, &format!("{name}-year")).to_string(),
                    posted(values, &format!("{name}-month")).to_string(),
                    posted(values, &format!("{name}-day")).to_string(),
                ),
                None => {
                    let mut parts = stored.splitn(3, '-').map(str::to_string);
                    (
                        parts.next().unwrap_or_default(),
                        parts.next().unwrap_or_default(),
                        parts.next().unwrap_or_default(),
                    )
                }
            };
            let error = errors.iter().find(|e| e.field == name).map(|e| e.message.clone());
            FieldView {
                label: field.label.clone(),
                widget,
                options,
                value,
                day,
                month,
                year,
                required: field.required,
                error,
                name,
            }
        })
        .collect()
}

/// Whether any decision of the stage takes a reason note.
pub(crate) fn takes_note(stage: &Stage) -> bool {
    stage.transitions.iter().any(|transition| transition.note.is_some())
}

/// The command fields from a posted form: every non-empty field of the stage; a date from its
/// day, month and year (sent as typed, so the engine judges it); a ticked checkbox as `TRUE`.
pub(crate) fn command_fields(stage: &Stage, values: &Posted) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    for field in &stage.fields {
        let name = field.name.get_ref();
        let value = match field.kind {
            FieldKind::Date => {
                let part = |suffix: &str| posted(values, &format!("{name}-{suffix}")).trim().to_string();
                let (day, month, year) = (part("day"), part("month"), part("year"));
                if day.is_empty() && month.is_empty() && year.is_empty() {
                    continue;
                }
                format!("{year:0>4}-{month:0>2}-{day:0>2}")
            }
            _ => posted(values, name).trim().to_string(),
        };
        if !value.is_empty() {
            fields.insert(name.clone(), value);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use despatch_domain::testkit::demo_world;

    fn markup_and_data_input() -> (World, Stage, Stage) {
        let world = demo_world();
        let min = world.definitions().latest("MIN").cloned();
        let min = min.as_deref().cloned().map(|d| (d.stage("DATA_INPUT").cloned(), d.stage("MARKUP").cloned()));
        match min {
            Some((Some(data_input), Some(markup))) => (world, data_input, markup),
            _ => panic!("the embedded MIN definition has Data Input and Markup"),
        }
    }

    #[test]
    fn a_date_is_sent_from_its_three_boxes_and_blank_fields_are_left_out() {
        let (_, data_input, _) = markup_and_data_input();
        let posted: Posted = [
            ("DateOfCorrespondence-day", "7"),
            ("DateOfCorrespondence-month", "11"),
            ("DateOfCorrespondence-year", "2018"),
            ("OriginalChannel", "POST"),
            ("CopyNumberTen", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let fields = command_fields(&data_input, &posted);
        assert_eq!(fields.get("DateOfCorrespondence").map(String::as_str), Some("2018-11-07"));
        assert_eq!(fields.get("OriginalChannel").map(String::as_str), Some("POST"));
        assert!(!fields.contains_key("CopyNumberTen") && !fields.contains_key("DateReceived"));
    }

    #[test]
    fn choices_become_radios_booleans_yes_no_and_topics_a_select() {
        let (world, data_input, markup) = markup_and_data_input();
        let views = fields(&data_input, &world, &BTreeMap::new(), None, &[]);
        let widget = |name: &str| views.iter().find(|v| v.name == name).map(|v| v.widget);
        assert_eq!(widget("DateOfCorrespondence"), Some("date"));
        assert_eq!(widget("OriginalChannel"), Some("radios"));
        let yes_no = views.iter().find(|v| v.name == "CopyNumberTen").map(|v| v.options.len());
        assert_eq!(yes_no, Some(2));
        let markup_views = fields(&markup, &world, &BTreeMap::new(), None, &[]);
        let topic = markup_views.iter().find(|v| v.name == "Topic");
        assert_eq!(topic.map(|v| v.widget), Some("select"));
        assert!(topic.is_some_and(|v| v.options.iter().any(|o| o.value == "POLICE_FUNDING")));
    }
}
