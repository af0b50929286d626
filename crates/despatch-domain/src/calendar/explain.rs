//! Deadlines that explain themselves: which days were skipped, and why.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::working::any_region;
use super::{DayOneRule, Deadline, NonWorkingReason, Region};

/// A stretch of the count that did not count towards the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Skipped {
    /// A non-working day.
    NonWorking {
        /// The day.
        date: NaiveDate,
        /// Why it is not a working day.
        reason: NonWorkingReason,
    },
    /// A clock stop: the days `from <= d < until` did not count.
    ClockStopped {
        /// The first stopped day within the count.
        from: NaiveDate,
        /// The day the clock ran again.
        until: NaiveDate,
        /// The **working days** in the stop that were not counted.
        working_days: u32,
    },
}

/// How a deadline was reached: made by [`Calendar::explain`](super::Calendar::explain).
///
/// [`Display`](fmt::Display) gives it in plain English, one statement per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineExplanation {
    /// The date of receipt.
    pub received: NaiveDate,
    /// Why the date of receipt is not a working day, if it is not.
    pub received_non_working: Option<NonWorkingReason>,
    /// The number of **working days** allowed, before any extension.
    pub working_days: u32,
    /// The **working days** of extension counted after them (0 for none).
    pub extension: u32,
    /// The deadline before the extension (working day `working_days`); `None` without an
    /// extension, or when the clock stopped before it.
    pub deadline_before_extension: Option<NaiveDate>,
    /// The day-one rule used.
    pub rule: DayOneRule,
    /// The bank-holiday regions of the calendar.
    pub regions: Vec<Region>,
    /// Whether the calendar has exemption dates.
    pub has_exemptions: bool,
    /// The date counting starts after: the receipt, or under the HOCS rule the receipt moved to
    /// the next working day.
    pub counting_from: NaiveDate,
    /// Day 1 of the count; `None` when counting 0 days, or when the clock stopped before day 1.
    pub day_one: Option<NaiveDate>,
    /// What did not count, in date order: non-working days one by one, clock stops as periods
    /// (non-working days inside a clock stop are not listed separately).
    pub skipped: Vec<Skipped>,
    /// The deadline, or the suspension that keeps it from being known.
    pub outcome: Deadline,
    /// The dates (inclusive) for which the bank holidays of every region are known; serialised
    /// as `{"from": …, "to": …}`.
    #[serde(serialize_with = "from_to")]
    pub holidays_known: (NaiveDate, NaiveDate),
    /// Whether the bank holidays are known for every day from the receipt to the deadline (or
    /// the suspension). When false, the deadline may be too early.
    pub holidays_known_throughout: bool,
}

impl fmt::Display for DeadlineExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.received_non_working {
            None => writeln!(f, "Received on {}.", long(self.received))?,
            Some(reason) => writeln!(f, "Received on {}, a non-working day ({reason}).", long(self.received))?,
        }
        let extension = match self.extension {
            0 => String::new(),
            n => format!(" and an extension of {n}"),
        };
        let regions = any_region(&self.regions);
        let excluded = if self.has_exemptions {
            format!("weekends, bank holidays in {regions}, and this case type's exemption dates")
        } else {
            format!("weekends and bank holidays in {regions}")
        };
        writeln!(
            f,
            "Counting {} {}{extension}. Working days exclude {excluded}.",
            self.working_days,
            plural(self.working_days, "working day", "working days"),
        )?;
        self.fmt_day_one(f)?;
        if self.skipped.is_empty() {
            writeln!(f, "Not counted: nothing; every day in between was a working day.")?;
        } else {
            writeln!(f, "Not counted:")?;
            self.fmt_skipped(f)?;
        }
        let total = self.working_days.saturating_add(self.extension);
        match (self.outcome, self.deadline_before_extension) {
            (Deadline::Due { date }, _) if total == 0 => {
                writeln!(f, "Deadline: {} (no working days to count).", long(date))?;
            }
            (Deadline::Due { date }, Some(before)) => writeln!(
                f,
                "Deadline: {}, working day {total} ({} {} to {}, then the extension of {}).",
                long(date),
                self.working_days,
                plural(self.working_days, "working day", "working days"),
                long(before),
                self.extension,
            )?,
            (Deadline::Due { date }, None) => {
                writeln!(f, "Deadline: {}, working day {total}.", long(date))?;
            }
            (Deadline::Suspended { since, counted, remaining }, _) => writeln!(
                f,
                "Deadline not yet known: the clock stopped on {} and has not run again; \
                 {counted} of {total} working days counted, {remaining} to go.",
                long(since),
            )?,
        }
        if !self.holidays_known_throughout {
            let (first, last) = self.holidays_known;
            writeln!(
                f,
                "Warning: bank holidays are known only from {} to {}; outside those dates every \
                 Monday to Friday was counted as a working day unless it is an exemption date.",
                first.format("%-d %B %Y"),
                last.format("%-d %B %Y")
            )?;
        }
        Ok(())
    }
}

impl DeadlineExplanation {
    fn fmt_day_one(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let moved = self.counting_from != self.received;
        let rule = match (self.rule, moved) {
            (DayOneRule::CabinetOffice, _) => {
                "Cabinet Office rule: day 1 is the first working day after the date of receipt".to_owned()
            }
            (DayOneRule::Hocs, false) => {
                "HOCS rule: day 1 is the first working day after the date of receipt".to_owned()
            }
            (DayOneRule::Hocs, true) => format!(
                "HOCS rule: a receipt on a non-working day moves to the next working day, {}, \
                 and day 1 is the working day after that",
                long(self.counting_from)
            ),
        };
        match (self.day_one, self.outcome) {
            (Some(day_one), _) => writeln!(f, "{rule}: {}.", long(day_one)),
            (None, Deadline::Suspended { .. }) => {
                writeln!(f, "{rule}; the clock stopped before day 1.")
            }
            (None, Deadline::Due { .. }) => writeln!(f, "{rule}."),
        }
    }

    fn fmt_skipped(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries = self.skipped.iter().peekable();
        while let Some(entry) = entries.next() {
            match entry {
                Skipped::NonWorking { date, reason: NonWorkingReason::Saturday } => {
                    let sunday = date.succ_opt();
                    let pair = matches!(
                        entries.peek(),
                        Some(Skipped::NonWorking { date: next, reason: NonWorkingReason::Sunday })
                            if Some(*next) == sunday
                    );
                    match sunday {
                        Some(sunday) if pair => {
                            entries.next();
                            writeln!(f, "  {}: weekend", span(*date, sunday, "and"))?;
                        }
                        _ => writeln!(f, "  {}: weekend", long(*date))?,
                    }
                }
                Skipped::NonWorking { date, reason } => {
                    writeln!(f, "  {}: {reason}", long(*date))?;
                }
                Skipped::ClockStopped { from, until, working_days } => {
                    let last = until.pred_opt().unwrap_or(*until).max(*from);
                    writeln!(
                        f,
                        "  {}: clock stopped, {working_days} {} not counted; it ran again on {}",
                        span(*from, last, "to"),
                        plural(*working_days, "working day", "working days"),
                        long(*until)
                    )?;
                }
            }
        }
        Ok(())
    }
}

fn from_to<S: serde::Serializer>(range: &(NaiveDate, NaiveDate), serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct as _;
    let mut out = serializer.serialize_struct("DateRange", 2)?;
    out.serialize_field("from", &range.0)?;
    out.serialize_field("to", &range.1)?;
    out.end()
}

/// "Wednesday 14 November 2018".
pub(crate) fn long(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// "Saturday 17 and Sunday 18 November 2018", "Monday 19 to Friday 23 November 2018",
/// "Saturday 30 November and Sunday 1 December 2019".
fn span(first: NaiveDate, last: NaiveDate, joiner: &str) -> String {
    if first == last {
        long(first)
    } else if first.year() == last.year() && first.month() == last.month() {
        format!("{} {joiner} {}", first.format("%A %-d"), long(last))
    } else if first.year() == last.year() {
        format!("{} {joiner} {}", first.format("%A %-d %B"), long(last))
    } else {
        format!("{} {joiner} {}", long(first), long(last))
    }
}

fn plural<'a>(n: u32, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
