//! The shape of a case-type definition file (`definitions/*.toml`).
//!
//! One file describes one version of one case type: its stages in display order, the fields each
//! stage captures, the decisions (transitions) that leave it, which team owns it, and the deadline
//! schedules. Names that point elsewhere in the file are [`Spanned`] so that validation can report
//! the line they are on.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::calendar::{DayOneRule, Region};

/// A case type at one version, as written in its TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseTypeDefinition {
    /// Case-type code, upper case, used in case references (`MIN`).
    pub code: String,
    /// Display name (`DCU Ministerial`).
    pub name: String,
    /// Definition version; a case keeps the version it was created under until migrated.
    pub version: u32,
    /// The stage a new case starts at.
    pub initial_stage: Spanned<String>,
    /// Tags a document on a case of this type may carry.
    #[serde(default)]
    pub document_tags: Vec<String>,
    /// Working-day rules and deadline schedules.
    pub deadlines: Deadlines,
    /// Team roles (drafting team, private office…) resolved from case data and topic links.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Stages in display order.
    pub stages: Vec<Stage>,
    /// How cases created under an earlier version move to this one.
    #[serde(default)]
    pub migrations: Vec<Migration>,
    /// How the reply is approved and sent.
    #[serde(default)]
    pub reply: ReplyRules,
}

/// How the reply of a case type is approved and despatched (issue: "dispatch sends the version
/// approved and no other").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyRules {
    /// Document tags a reply carries: an approving decision records the primary draft (the
    /// version a user chose, else the newest document with one of these tags) as the version to
    /// send.
    #[serde(default)]
    pub tags: Vec<String>,
    /// When this holds at despatch, the approved reply is emailed to the primary correspondent
    /// (threaded on their email when the case came by email).
    #[serde(default)]
    pub email_when: Option<Condition>,
    /// Copies of the reply sent at despatch to named recipients of the organisation.
    #[serde(default)]
    pub copies: Vec<ReplyCopy>,
}

/// A copy of the reply sent at despatch when a condition holds (Copy To Number 10).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyCopy {
    /// When the copy is sent.
    pub when: Condition,
    /// The organisation's named recipient (`NUMBER_TEN`), whose address the organisation holds.
    pub to: String,
}

/// Deadline rules of a case type (DESIGN §5; Cabinet Office guidance; HOCS §2.3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// Bank-holiday regions whose holidays are not working days.
    pub regions: Vec<Region>,
    /// Whether day 1 is the first working day after receipt (Cabinet Office) or HOCS's variant.
    #[serde(default)]
    pub day_one: DayOneRule,
    /// Working days after receipt from which a case shows amber; `None` for no warning.
    #[serde(default)]
    pub warning_days: Option<u32>,
    /// Extra non-working dates for this case type.
    #[serde(default)]
    pub exemptions: Vec<NaiveDate>,
    /// The schedule used when no rule applies.
    pub default_schedule: Spanned<String>,
    /// Named schedules: the case target and a target per stage.
    pub schedules: BTreeMap<String, Schedule>,
    /// Named rules choosing a schedule; the first whose condition holds wins.
    #[serde(default)]
    pub rules: Vec<ScheduleRule>,
}

/// A set of targets: one for the case, one for each stage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// The case deadline.
    pub case: Target,
    /// Stage deadlines, all counted from the received date (HOCS), keyed by stage id.
    pub stages: BTreeMap<Spanned<String>, Target>,
}

/// A deadline target as written: working days from receipt, or a word.
#[derive(Debug, Clone)]
pub enum Target {
    /// This many working days after the received date.
    Days(u32),
    /// `"case"` (the case deadline), `"none"` (no deadline shown) or `"field:NAME"` (a date typed
    /// into the case, as DTEN does).
    Word(Spanned<String>),
}

// An untagged enum buffers its input, which loses the span a `Spanned` field needs (toml then
// reports "data did not match any variant"), so the span is taken around the whole value first.
impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Target, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "a number of working days, \"case\", \"none\" or \"field:NAME\"")]
        enum Raw {
            Days(u32),
            Word(String),
        }
        let raw = Spanned::<Raw>::deserialize(deserializer)?;
        let span = raw.span();
        Ok(match raw.into_inner() {
            Raw::Days(days) => Target::Days(days),
            Raw::Word(word) => Target::Word(Spanned::new(span, word)),
        })
    }
}

/// A target after parsing the words of [`Target`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetRule {
    /// Working days after the received date.
    WorkingDays(u32),
    /// The case deadline.
    Case,
    /// No deadline.
    None,
    /// The date held in this case field.
    Field(String),
}

impl Target {
    /// Parses the word form; `None` when the word is not one of `case`, `none`, `field:NAME`.
    pub fn rule(&self) -> Option<TargetRule> {
        match self {
            Target::Days(n) => Some(TargetRule::WorkingDays(*n)),
            Target::Word(word) => match word.get_ref().as_str() {
                "case" => Some(TargetRule::Case),
                "none" => Some(TargetRule::None),
                other => other
                    .strip_prefix("field:")
                    .filter(|name| !name.is_empty())
                    .map(|name| TargetRule::Field(name.to_string())),
            },
        }
    }
}

/// A named rule that picks a schedule, e.g. "Home Secretary's office signs".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRule {
    /// Plain-English name shown in deadline explanations and events.
    pub name: String,
    /// When the rule applies.
    pub when: Condition,
    /// The schedule it selects.
    pub schedule: Spanned<String>,
}

/// A team role such as the drafting team or the private office, resolved from sources in order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Role name, referred to as `role.NAME` in conditions and `{ role = "NAME" }` by stages.
    pub name: String,
    /// Sources in precedence order; the first that yields an active team wins.
    pub sources: Vec<RoleSource>,
}

/// One way of finding a role's team. Exactly one of `team`, `field`, `topic_link` is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSource {
    /// A fixed team code.
    #[serde(default)]
    pub team: Option<Spanned<String>>,
    /// A case field holding a team code (an override chosen by a user).
    #[serde(default)]
    pub field: Option<Spanned<String>>,
    /// The team linked to the case's primary topic for this stage.
    #[serde(default)]
    pub topic_link: Option<Spanned<String>>,
    /// Only when this holds.
    #[serde(default)]
    pub when: Option<Condition>,
    /// Name of the rule, for explanations.
    #[serde(default)]
    pub rule: Option<String>,
}

/// Who owns a stage: a fixed default team or a role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageTeam {
    /// A fixed team code.
    #[serde(default)]
    pub default: Option<Spanned<String>>,
    /// A role resolved per case.
    #[serde(default)]
    pub role: Option<Spanned<String>>,
}

/// What must be true of the case before a stage may be completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// The case has a primary correspondent.
    PrimaryCorrespondent,
    /// The case has a primary topic.
    PrimaryTopic,
}

/// A stage of a case type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Stage id (`INITIAL_DRAFT`).
    pub id: Spanned<String>,
    /// Display name (`Initial Draft`).
    pub name: String,
    /// Owning team.
    pub team: StageTeam,
    /// The reply is drafted here: the drafter is offered the standard lines of the case's
    /// topics, may edit the draft in the browser and may request contributions from other teams.
    #[serde(default)]
    pub drafting: bool,
    /// Conditions on the case checked at completion.
    #[serde(default)]
    pub requires: Vec<Requirement>,
    /// Fields captured at completion, in form order.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Decisions leaving the stage; the first whose condition holds is taken.
    #[serde(default)]
    pub transitions: Vec<Transition>,
}

/// The kind of value a field holds. Values are kept as strings, as HOCS does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    Text,
    /// An ISO date (`2018-11-14`), a civil date in Europe/London.
    Date,
    /// `TRUE` or `FALSE`.
    Boolean,
    /// One of the listed choices.
    Choice,
    /// An active team code.
    Team,
    /// A user name.
    User,
    /// A topic; sets the case's primary topic.
    Topic,
    /// A document id on the case.
    Document,
    /// A box that must be ticked (`TRUE`).
    Confirm,
}

/// A field on a stage's form.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Field name, the key in case data (`MarkupDecision`).
    pub name: Spanned<String>,
    /// Question shown to the user.
    pub label: String,
    /// Value kind.
    pub kind: FieldKind,
    /// Always required.
    #[serde(default)]
    pub required: bool,
    /// Required when this holds.
    #[serde(default)]
    pub required_when: Option<Condition>,
    /// Accepted only when this holds (otherwise refused as not applicable).
    #[serde(default)]
    pub allowed_when: Option<Condition>,
    /// Choices of a `choice` field.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// A date that may not be after the received date.
    #[serde(default)]
    pub not_after_received: bool,
    /// A date that corrects the received date, so deadlines are recomputed.
    #[serde(default)]
    pub sets_received: bool,
    /// A date the reply was despatched (posted), recorded instead of today by a despatching
    /// decision; not before the received date nor after today.
    #[serde(default)]
    pub sets_despatched: bool,
}

/// One choice of a `choice` field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Stored value (`PR`).
    pub value: String,
    /// Shown label (`Policy response`).
    pub label: String,
    /// Kept for cases in flight; not offered on forms.
    #[serde(default)]
    pub legacy: bool,
}

/// A decision leaving a stage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// When this decision is taken; none means always.
    #[serde(default)]
    pub when: Option<Condition>,
    /// The next stage.
    #[serde(default)]
    pub to: Option<Spanned<String>>,
    /// The case closes.
    #[serde(default)]
    pub end: bool,
    /// A reason note of this kind is mandatory (`REJECT`, `ALLOCATE`, `CHANGE`, `PHONECALL`).
    #[serde(default)]
    pub note: Option<String>,
    /// Counters in case data increased by one.
    #[serde(default)]
    pub increment: Vec<String>,
    /// Case fields cleared.
    #[serde(default)]
    pub clear: Vec<Spanned<String>>,
    /// The reply leaves the department: records the despatch date and days late.
    #[serde(default)]
    pub despatched: bool,
    /// The reply is approved: the primary draft (chosen, else the newest reply version) is recorded as the version
    /// despatch sends.
    #[serde(default)]
    pub approves: bool,
}

/// A condition: every key must hold one of its values. Keys are case fields, or `role.NAME`.
pub type Condition = BTreeMap<Spanned<String>, OneOrMany>;

/// One value or a list of accepted values.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single value.
    One(String),
    /// Any of these.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The accepted values.
    pub fn values(&self) -> &[String] {
        match self {
            OneOrMany::One(value) => std::slice::from_ref(value),
            OneOrMany::Many(values) => values,
        }
    }
}

/// How cases at `from_version` move to this version.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// The version migrated from.
    pub from_version: u32,
    /// Stage renames: old stage id → new stage id. Stages not listed keep their id.
    #[serde(default)]
    pub stages: BTreeMap<String, String>,
    /// Field renames: old name → new name.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

impl CaseTypeDefinition {
    /// The stage with this id.
    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.id.get_ref() == id)
    }

    /// Every field declared on any stage with this name (the same name may appear on several).
    pub fn fields_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Field> + 'a {
        self.stages.iter().flat_map(|stage| stage.fields.iter()).filter(move |field| field.name.get_ref() == name)
    }

    /// The role with this name.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|role| role.name == name)
    }
}

impl Stage {
    /// The field with this name on this stage.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name.get_ref() == name)
    }
}
