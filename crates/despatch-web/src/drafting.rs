//! Reply drafts from templates: the templates in force (stored by administrators, the embedded
//! defaults seeded into an empty store), the one for a case (by case type and signing team), the
//! letter merged with the case, written as .docx and PDF, and attached to the case as DRAFT
//! documents. Shared by the case page, the JSON API and `despatch draft`.

use chrono::{DateTime, NaiveDate, Utc};
use despatch_docs::{Letter, LetterFacts, Template, TemplateError, choose, default_templates, parse_templates};
use despatch_domain::case::{CaseState, DocumentRef};
use despatch_domain::command::Actor;
use despatch_domain::definition::FieldKind;
use despatch_domain::engine::World;
use despatch_store::{Casework, NewDocument, Store, StoreError, StoredTemplate};

/// Who the embedded default templates are recorded as saved by.
pub const SEEDED_BY: &str = "despatch";
/// The document tag a generated draft carries (every case type's definition lists it).
pub const DRAFT_TAG: &str = "DRAFT";
/// Media type of the .docx.
pub const DOCX_MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// Media type of the PDF.
pub const PDF_MEDIA_TYPE: &str = "application/pdf";

/// Why no draft could be made. Each message is a sentence for the user.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// The case has no correspondent to write to.
    #[error("The case has no correspondent to write to. Add one first")]
    NoCorrespondent,
    /// No template fits, or the template is wrong.
    #[error("{0}")]
    Template(#[from] TemplateError),
    /// The letter could not be written out.
    #[error("The reply could not be written: {0}")]
    Render(String),
    /// Reading templates or saving the documents failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A stored template read back (it holds one `[[templates]]` entry, checked).
pub fn parse_stored(stored: &StoredTemplate) -> Result<Template, TemplateError> {
    let mut templates = parse_templates(&stored.toml)?;
    if templates.len() != 1 {
        return Err(TemplateError::Syntax(format!("a stored template holds {} templates, not one", templates.len())));
    }
    Ok(templates.remove(0))
}

/// A template as stored, saved by `by` at `at`.
pub fn to_stored(template: &Template, by: &str, at: DateTime<Utc>) -> StoredTemplate {
    StoredTemplate {
        case_type: template.case_type.clone(),
        team: template.team.clone(),
        name: template.name.clone(),
        toml: template.to_toml(),
        updated_by: by.to_string(),
        updated_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// The stored templates, after seeding the embedded defaults into an empty store. A stored
/// template that no longer reads (written by an older release) is left out with a warning.
pub async fn stored_templates(store: &dyn Store) -> Result<Vec<StoredTemplate>, StoreError> {
    let stored = store.reply_templates().await?;
    if !stored.is_empty() {
        return Ok(stored);
    }
    let now = Utc::now();
    let defaults: Vec<StoredTemplate> = default_templates().iter().map(|t| to_stored(t, SEEDED_BY, now)).collect();
    store.seed_reply_templates(&defaults).await?;
    store.reply_templates().await
}

/// The templates in force, read ([`stored_templates`]).
pub async fn templates(store: &dyn Store) -> Result<Vec<Template>, StoreError> {
    Ok(stored_templates(store)
        .await?
        .iter()
        .filter_map(|stored| match parse_stored(stored) {
            Ok(template) => Some(template),
            Err(error) => {
                tracing::warn!(case_type = %stored.case_type, team = ?stored.team, %error, "a stored reply template does not read");
                None
            }
        })
        .collect())
}

/// The team that signs the case's reply: its private office (role `private_office`), else its
/// drafting team (role `drafting`, for case types answered by officials).
pub fn signing_team(case: &CaseState) -> Option<&str> {
    case.roles.get("private_office").or_else(|| case.roles.get("drafting")).map(String::as_str)
}

/// Whether the case is at a stage where a reply is drafted: the stage takes a document (the
/// primary draft).
pub fn at_drafting_stage(world: &World, case: &CaseState) -> bool {
    let Some(active) = &case.stage else { return false };
    world
        .definitions()
        .get(&case.case_type, case.definition_version)
        .and_then(|definition| definition.stage(&active.stage))
        .is_some_and(|stage| stage.fields.iter().any(|field| field.kind == FieldKind::Document))
}

/// A reply drafted from a template, in both forms.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The name of the template it came from.
    pub template: String,
    /// The merged letter.
    pub letter: Letter,
    /// File name without extension: `reply-MIN-0017733-18`.
    pub stem: String,
    /// The editable Word document.
    pub docx: Vec<u8>,
    /// The final PDF.
    pub pdf: Vec<u8>,
}

/// Why a template cannot be kept, when it names a case type with no definition or a signing
/// team the organisation does not have (a template for either would never be chosen); `None`
/// when both are known.
pub fn unknown_names(world: &World, template: &Template) -> Option<String> {
    if world.definitions().latest(&template.case_type).is_none() {
        return Some(format!("There is no case type {}: use the code of a case type in use", template.case_type));
    }
    let team = template.team.as_deref()?;
    (!world.directory().teams.contains_key(team))
        .then(|| format!("There is no team {team}: use the code of a team that signs replies"))
}

/// Drafts the reply to `case` dated `date` (a civil date, Europe/London) from the template for
/// its case type and signing team, else the case type's default, with the standard lines current
/// on `date` for the case's topics (the template's `standard_lines`).
pub async fn draft(casework: &Casework, case: &CaseState, date: NaiveDate) -> Result<Draft, DraftError> {
    let world = casework.world();
    let topic = case.primary_topic.as_ref().map(|code| {
        world.directory().topic_details.get(code).map_or_else(|| crate::pages::humanise(code), |t| t.name.clone())
    });
    let mut facts = LetterFacts::from_case(case, topic, date).ok_or(DraftError::NoCorrespondent)?;
    let lines = casework.store().current_standard_lines().await?;
    facts.standard_lines = despatch_domain::standard_line::offered(&lines, &case.topics, date)
        .into_iter()
        .map(|line| line.text.trim().to_string())
        .collect();
    let templates = templates(casework.store().as_ref()).await?;
    let template = choose(&templates, &case.case_type, signing_team(case))?;
    let letter = template.render(&facts)?;
    let docx = despatch_docs::render_docx(&letter).map_err(DraftError::Render)?;
    let pdf = despatch_pdf::render_pdf(&letter).map_err(|error| DraftError::Render(error.to_string()))?;
    Ok(Draft {
        template: template.name.clone(),
        letter,
        stem: format!("reply-{}", case.reference.to_string().replace('/', "-")),
        docx,
        pdf,
    })
}

/// Attaches a draft to the case as two DRAFT documents, the PDF then the .docx, each recorded
/// like an upload (an event on the timeline; bytes content-addressed): the editable .docx is the
/// newest reply version, so it is the primary draft (the one edited in the browser) unless a
/// drafter chose another. A file already on the case (the same bytes: the same template and
/// facts) is not attached again. Returns the draft's two documents, the .docx first. Each is its
/// own transaction: if the .docx is refused, the PDF stays attached.
pub async fn attach(
    casework: &Casework,
    case: &CaseState,
    draft: &Draft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<DocumentRef>, StoreError> {
    let text = draft.letter.lines().join("\n");
    let mut documents = Vec::new();
    for (extension, media_type, bytes) in [("pdf", PDF_MEDIA_TYPE, &draft.pdf), ("docx", DOCX_MEDIA_TYPE, &draft.docx)]
    {
        let sha256 = despatch_intake::sha256_hex(bytes);
        if let Some(existing) = case.documents.iter().find(|document| document.sha256 == sha256) {
            documents.push(existing.clone());
            continue;
        }
        let document = DocumentRef {
            sha256: sha256.clone(),
            name: format!("{}.{extension}", draft.stem),
            tag: DRAFT_TAG.to_string(),
            media_type: media_type.to_string(),
            size: bytes.len() as u64,
        };
        let file = NewDocument { sha256, bytes: bytes.clone(), text: text.clone() };
        casework.attach(case.id, document.clone(), file, actor, now).await?;
        documents.push(document);
    }
    documents.reverse();
    Ok(documents)
}
