//! The differences between two versions of a case's reply (documents tagged as a reply), for QA
//! and the private office: word by word with the `similar` crate, added words in `<ins>` and
//! removed ones in `<del>`, each with a visually hidden "added"/"removed" so the meaning does not
//! rest on colour or strike-through alone. Any two versions can be chosen; by default the newest
//! against the one before it.

use std::collections::HashMap;
use std::time::Duration;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use despatch_domain::case::DocumentRef;
use similar::{ChangeTag, TextDiff};

use super::Nav;
use super::drafting::reply_tags;
use super::workstack::Choice;
use crate::access::{CurrentUser, load_case};
use crate::{AppState, WebError};

/// A run of words that is the same in both versions, added, or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    /// `same`, `added` or `removed`.
    pub kind: &'static str,
    pub text: String,
}

/// The word-level differences from `old` to `new`, runs of the same kind merged. Whitespace and
/// line breaks are shown as they are in the new text, and a change of spacing alone is not a
/// change of wording (neither added nor removed). A diff taking over a second is cut short
/// (`similar`'s deadline), which still gives a correct but coarser answer.
pub(crate) fn word_changes(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::configure().timeout(Duration::from_secs(1)).diff_words(old, new);
    let mut pieces: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let spacing = change.value().trim().is_empty();
        let kind = match (change.tag(), spacing) {
            (ChangeTag::Delete, true) => continue,
            (ChangeTag::Equal, _) | (ChangeTag::Insert, true) => "same",
            (ChangeTag::Insert, false) => "added",
            (ChangeTag::Delete, false) => "removed",
        };
        match pieces.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => pieces.push(Piece { kind, text: change.value().to_string() }),
        }
    }
    pieces
}

/// Words (not spaces) in the pieces of a kind.
fn words(pieces: &[Piece], kind: &str) -> usize {
    pieces.iter().filter(|piece| piece.kind == kind).map(|piece| piece.text.split_whitespace().count()).sum()
}

#[derive(Template, WebTemplate)]
#[template(path = "case/compare.html")]
pub(crate) struct ComparePage {
    title: String,
    nav: Option<Nav>,
    id: i64,
    reference: String,
    /// The versions to choose from, for each side.
    from_choices: Vec<Choice>,
    to_choices: Vec<Choice>,
    from_name: String,
    to_name: String,
    pieces: Vec<Piece>,
    added: usize,
    removed: usize,
    /// Why there is nothing to compare, or a text that could not be read.
    message: Option<String>,
}

fn choices(versions: &[(usize, &DocumentRef)], selected: &str) -> Vec<Choice> {
    versions
        .iter()
        .map(|(n, document)| Choice {
            value: document.sha256.clone(),
            label: format!("Version {n}: {} ({})", document.name, document.tag),
            selected: document.sha256 == selected,
        })
        .collect()
}

/// The text of a stored document, or why not.
async fn text_of(state: &AppState, document: &DocumentRef) -> Result<Result<String, String>, WebError> {
    let Some(bytes) = state.casework.document_bytes(&document.sha256).await? else {
        return Ok(Err(format!("The file of {} could not be found", document.name)));
    };
    Ok(despatch_intake::document_text(&document.name, &bytes, &despatch_intake::Options::default())
        .map_err(|_| format!("The text of {} cannot be read, so it cannot be compared", document.name)))
}

/// `GET /cases/{id}/drafts/compare?from=SHA256&to=SHA256`: what changed between two versions
/// of the reply; without `from`/`to`, the newest against the one before it.
pub(crate) async fn compare(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<ComparePage, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.read).await?;
    let tags = reply_tags(&state, &case);
    let versions: Vec<(usize, &DocumentRef)> =
        case.reply_versions(&tags).enumerate().map(|(i, d)| (i + 1, d)).collect();
    let find = |key: &str| query.get(key).and_then(|sha| versions.iter().position(|(_, d)| &d.sha256 == sha));
    let to = find("to").or_else(|| versions.len().checked_sub(1));
    let from = find("from").or_else(|| to.and_then(|to| to.checked_sub(1)));
    let mut page = ComparePage {
        title: format!("Compare versions of the reply – {}", case.reference),
        nav: Some(Nav::new(&user, "home")),
        id: case.id,
        reference: case.reference.to_string(),
        from_choices: choices(&versions, from.map(|i| versions[i].1.sha256.as_str()).unwrap_or_default()),
        to_choices: choices(&versions, to.map(|i| versions[i].1.sha256.as_str()).unwrap_or_default()),
        from_name: String::new(),
        to_name: String::new(),
        pieces: Vec::new(),
        added: 0,
        removed: 0,
        message: None,
    };
    let (Some(from), Some(to)) = (from, to) else {
        page.message = Some(match versions.len() {
            0 => "This case has no draft yet.".to_string(),
            _ => "This case has only one version of the reply, so there is nothing to compare it with.".to_string(),
        });
        return Ok(page);
    };
    let ((from_n, old), (to_n, new)) = (versions[from], versions[to]);
    page.from_name = format!("version {from_n}, {}", old.name);
    page.to_name = format!("version {to_n}, {}", new.name);
    match (text_of(&state, old).await?, text_of(&state, new).await?) {
        (Ok(old_text), Ok(new_text)) => {
            page.pieces = word_changes(&old_text, &new_text);
            page.added = words(&page.pieces, "added");
            page.removed = words(&page.pieces, "removed");
        }
        (Err(message), _) | (_, Err(message)) => page.message = Some(message),
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_words_are_marked_added_or_removed_and_the_rest_kept_with_its_line_breaks() {
        let pieces = word_changes("Dear Jo,\n\nFunding rose by 5%.", "Dear Jo,\n\nFunding rose by 7% this year.");
        let marked: Vec<(&str, &str)> = pieces.iter().map(|p| (p.kind, p.text.as_str())).collect();
        assert_eq!(marked.first(), Some(&("same", "Dear Jo,\n\nFunding rose by ")));
        assert!(marked.contains(&("removed", "5%.")), "{marked:?}");
        assert!(marked.iter().any(|(kind, text)| *kind == "added" && text.contains("7%")), "{marked:?}");
        assert_eq!(words(&pieces, "removed"), 1);
        assert_eq!(words(&pieces, "added"), 3);
        assert!(word_changes("same text", "same text").iter().all(|p| p.kind == "same"));
    }

    #[test]
    fn a_change_of_spacing_alone_is_not_a_change_of_wording() {
        let pieces = word_changes("Minister\nof State.\n", "Minister of State.");
        assert!(pieces.iter().all(|p| p.kind == "same"), "{pieces:?}");
        let shown: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(shown, "Minister of State.", "shown as the new text has it");
    }
}
