//! What became of each letter of a batch ([`Outcome`], from the registration path shared with
//! the web), and the summary a batch ends with (a line per letter as text, or one JSON object).

use std::path::Path;

use chrono::NaiveDate;
use despatch_intake::register::Source;
use despatch_web::registration::Outcome;
use serde::Serialize;

/// One letter's line in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// The file (and for a mailbox, `#n` for the message).
    pub file: String,
    /// What became of it.
    #[serde(flatten)]
    pub result: Outcome,
}

/// The counts of a batch and a record per letter.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// New cases.
    pub registered: usize,
    /// Replies attached to existing cases.
    pub attached: usize,
    /// Letters already stored.
    pub duplicates: usize,
    /// Resends (the same text in other bytes) attached to their first case.
    pub resends: usize,
    /// Letters registered as part of a campaign.
    pub campaign_letters: usize,
    /// Letters (or files) that stored nothing.
    pub failed: usize,
    /// Files in the folders named that are not letter formats, and were not read.
    pub skipped: Vec<String>,
    /// Per letter, in order.
    pub files: Vec<Record>,
}

impl Summary {
    pub(super) fn add(&mut self, record: Record) {
        match &record.result {
            Outcome::Registered { campaign, .. } => {
                self.registered += 1;
                self.campaign_letters += usize::from(campaign.is_some());
            }
            Outcome::Resend { .. } => self.resends += 1,
            Outcome::Attached { .. } => self.attached += 1,
            Outcome::Duplicate { .. } => self.duplicates += 1,
            Outcome::Failed { .. } => self.failed += 1,
        }
        self.files.push(record);
    }
}

/// One letter's line: what became of it.
pub(super) fn line(record: &Record) -> String {
    match &record.result {
        Outcome::Registered { case, stage: Some(stage), received, deadline, campaign, matches, warning, .. } => {
            let due = deadline.map(|d| format!(", due {d}")).unwrap_or_default();
            let campaign = campaign
                .as_ref()
                .map(|c| {
                    format!("; campaign {} ({:.0}% like {})", c.campaign, f64::from(c.similarity) * 100.0, c.closest)
                })
                .unwrap_or_default();
            let known = matches
                .iter()
                .find(|m| m.source == Source::Known)
                .map(|m| {
                    let how = if m.applied { "matched" } else { "possibly" };
                    format!("; correspondent {how} {} of {} ({:.2})", m.name, m.id, m.confidence)
                })
                .unwrap_or_default();
            let warning = warning.as_ref().map(|w| format!(" (check: {w})")).unwrap_or_default();
            format!(
                "registered  {}: {case} at {stage}, received {received}{due}{campaign}{known}{warning}",
                record.file
            )
        }
        Outcome::Registered {
            case,
            stage: None,
            received,
            deadline,
            despatched_on,
            working_days_late,
            warning,
            ..
        } => {
            let on = |d: &Option<NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
            let late = match working_days_late {
                Some(0) => ", on time".to_string(),
                Some(days) => format!(", {days} working days late"),
                None => String::new(),
            };
            let warning = warning.as_ref().map(|w| format!(" (check: {w})")).unwrap_or_default();
            format!(
                "registered  {}: {case} imported closed, received {received}, deadline {}, despatched {}{late}{warning}",
                record.file,
                on(deadline),
                on(despatched_on)
            )
        }
        Outcome::Attached { case } => format!("attached    {}: to {case}", record.file),
        Outcome::Resend { case } => {
            format!("resend      {}: the same letter as {case}; attached to it, no new case", record.file)
        }
        Outcome::Duplicate { cases } => format!("duplicate   {}: already on {}", record.file, cases.join(", ")),
        Outcome::Failed { reason } => format!("failed      {}: {reason}", record.file),
    }
}

/// The summary lines ending a batch.
pub(super) fn text_summary(summary: &Summary) -> String {
    let mut out = format!(
        "\n{} registered, {} attached, {} duplicates, {} failed\n",
        summary.registered, summary.attached, summary.duplicates, summary.failed
    );
    if summary.resends > 0 || summary.campaign_letters > 0 {
        out.push_str(&format!(
            "{} resends attached to their first case, {} letters registered as part of a campaign\n",
            summary.resends, summary.campaign_letters
        ));
    }
    for record in &summary.files {
        if let Outcome::Failed { reason } = &record.result {
            out.push_str(&format!("  failed {}: {reason}\n", record.file));
        }
    }
    if !summary.skipped.is_empty() {
        let mut kinds: Vec<String> = summary
            .skipped
            .iter()
            .map(|file| {
                Path::new(file).extension().map_or("(none)".to_string(), |e| format!(".{}", e.to_string_lossy()))
            })
            .collect();
        kinds.sort();
        kinds.dedup();
        let (count, verb) = match summary.skipped.len() {
            1 => ("1 file".to_string(), "was"),
            n => (format!("{n} files"), "were"),
        };
        out.push_str(&format!("{count} in the folders {verb} not read (not letter formats: {})\n", kinds.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn the_summary_counts_each_outcome_and_lists_every_failure_with_its_reason() {
        let mut summary = Summary::default();
        let registered = Outcome::Registered {
            case: "MIN/0000001/26".into(),
            stage: Some("DATA_INPUT".into()),
            received: day(2026, 11, 27),
            deadline: Some(day(2026, 12, 25)),
            despatched_on: None,
            working_days_late: None,
            warning: None,
            campaign: None,
            matches: Vec::new(),
        };
        summary.add(Record { file: "a.txt".into(), result: registered });
        summary.add(Record { file: "b.txt".into(), result: Outcome::Attached { case: "MIN/0000001/26".into() } });
        summary
            .add(Record { file: "c.txt".into(), result: Outcome::Duplicate { cases: vec!["MIN/0000001/26".into()] } });
        summary.add(Record { file: "d.txt".into(), result: Outcome::Failed { reason: "the file is empty".into() } });
        summary.skipped.push("labels/a.json".into());
        let text = text_summary(&summary);
        assert!(text.contains("1 registered, 1 attached, 1 duplicates, 1 failed"), "{text}");
        assert!(text.contains("  failed d.txt: the file is empty"), "{text}");
        assert!(text.contains("1 file in the folders was not read (not letter formats: .json)"), "{text}");
        assert!(!text.contains("a.txt"), "only failures are repeated in the summary: {text}");
    }

    #[test]
    fn an_imported_reply_line_says_how_late_it_was() {
        let record = Record {
            file: "000.txt".into(),
            result: Outcome::Registered {
                case: "MIN/0000001/26".into(),
                stage: None,
                received: day(2018, 11, 14),
                deadline: Some(day(2018, 12, 12)),
                despatched_on: Some(day(2018, 12, 21)),
                working_days_late: Some(7),
                warning: None,
                campaign: None,
                matches: Vec::new(),
            },
        };
        assert_eq!(
            line(&record),
            "registered  000.txt: MIN/0000001/26 imported closed, received 2018-11-14, deadline 2018-12-12, \
             despatched 2018-12-21, 7 working days late"
        );
    }
}
