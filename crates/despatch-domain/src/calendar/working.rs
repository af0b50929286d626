//! The calendar of one case type: which days are working days, and counting in them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Bound;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::explain::{DeadlineExplanation, Skipped};
use super::{BankHolidays, CalendarError, ClockStop, DayOneRule, MAX_WORKING_DAYS, Region};

/// Why a date is not a working day.
///
/// When several reasons apply, the first in this order is given: Saturday, Sunday, bank holiday,
/// exemption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum NonWorkingReason {
    /// A Saturday.
    Saturday,
    /// A Sunday.
    Sunday,
    /// A bank holiday in one or more of the calendar's regions.
    BankHoliday {
        /// The holiday's name with the feed's note, e.g. "Boxing Day (Substitute day)"; names
        /// that differ between regions are joined with " / ".
        title: String,
        /// The calendar's regions in which the date is a bank holiday.
        regions: Vec<Region>,
    },
    /// One of the case type's exemption dates.
    Exemption,
}

impl fmt::Display for NonWorkingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NonWorkingReason::Saturday | NonWorkingReason::Sunday => f.write_str("weekend"),
            NonWorkingReason::BankHoliday { title, regions } => {
                write!(f, "{title}, bank holiday {}", in_each_region(regions))
            }
            NonWorkingReason::Exemption => f.write_str("exemption date for this case type"),
        }
    }
}

/// "in England and Wales", "in England and Wales and in Scotland", "in England and Wales, in
/// Scotland and in Northern Ireland": the regions where something holds in each.
pub(crate) fn in_each_region(regions: &[Region]) -> String {
    let names: Vec<String> = regions.iter().map(|region| format!("in {}", region.name())).collect();
    match names.as_slice() {
        [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => names.concat(),
    }
}

/// "England and Wales", "England and Wales or Scotland", "England and Wales, Scotland or
/// Northern Ireland": any one of the regions.
pub(crate) fn any_region(regions: &[Region]) -> String {
    let names: Vec<&str> = regions.iter().map(|region| region.name()).collect();
    match names.as_slice() {
        [init @ .., last] if !init.is_empty() => format!("{} or {last}", init.join(", ")),
        _ => names.concat(),
    }
}

/// The outcome of counting a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Deadline {
    /// The deadline is `date`.
    Due {
        /// The deadline (a working day, unless the count was 0).
        date: NaiveDate,
    },
    /// A clock stop with no end date began before the count was complete, so the deadline is
    /// not yet known (HOCS shows "Suspended").
    Suspended {
        /// The first day of the open clock stop.
        since: NaiveDate,
        /// Working days counted before the clock stopped.
        counted: u32,
        /// Working days still to count once the clock runs again.
        remaining: u32,
    },
}

impl Deadline {
    /// The deadline date, or `None` while suspended.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Deadline::Due { date } => Some(*date),
            Deadline::Suspended { .. } => None,
        }
    }
}

/// The working-day calendar of one case type: weekends, the bank holidays of its regions, and its
/// exemption dates. Immutable and cheap to query; build one per case type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    regions: Vec<Region>,
    /// Bank holidays of any of the regions: date → (regions, label per region).
    holidays: BTreeMap<NaiveDate, Vec<(Region, String)>>,
    exemptions: BTreeSet<NaiveDate>,
    /// Mondays to Fridays that are bank holidays or exemptions: what makes a weekday non-working.
    closed_weekdays: BTreeSet<NaiveDate>,
    /// Dates (inclusive) for which the bank holidays of every region are known.
    known: (NaiveDate, NaiveDate),
}

impl Calendar {
    /// A calendar for a case type whose non-working days are weekends, the bank holidays of
    /// `regions` in `holidays` (a date that is a holiday in any of them), and `exemptions`.
    ///
    /// Errors: no region ([`CalendarError::NoRegions`]), or a region with no holidays loaded
    /// ([`CalendarError::MissingRegion`]).
    pub fn new(
        holidays: &BankHolidays,
        regions: &[Region],
        exemptions: &[NaiveDate],
    ) -> Result<Calendar, CalendarError> {
        let regions: Vec<Region> = regions.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
        let mut known = (NaiveDate::MIN, NaiveDate::MAX);
        let mut by_date: BTreeMap<NaiveDate, Vec<(Region, String)>> = BTreeMap::new();
        for &region in &regions {
            let (first, last) = holidays.coverage(region).ok_or(CalendarError::MissingRegion(region))?;
            known = (known.0.max(first), known.1.min(last));
            for day in holidays.events(region) {
                by_date.entry(day.date).or_default().push((region, day.label()));
            }
        }
        if regions.is_empty() {
            return Err(CalendarError::NoRegions);
        }
        let exemptions: BTreeSet<NaiveDate> = exemptions.iter().copied().collect();
        let closed_weekdays =
            by_date.keys().chain(exemptions.iter()).copied().filter(|date| !is_weekend(*date)).collect();
        Ok(Calendar { regions, holidays: by_date, exemptions, closed_weekdays, known })
    }

    /// The calendar's bank-holiday regions, in feed order.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The case type's exemption dates, in date order.
    pub fn exemptions(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.exemptions.iter().copied()
    }

    /// The dates (inclusive, calendar days) for which the bank holidays of every region of this
    /// calendar are known. Outside them, Mondays to Fridays count as working days unless they are
    /// exemption dates.
    pub fn holidays_known(&self) -> (NaiveDate, NaiveDate) {
        self.known
    }

    /// Whether the bank holidays of every region are known for all of `from..=to`.
    pub fn knows_holidays(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.known.0 <= from && to <= self.known.1
    }

    /// Whether `date` is a working day: Monday to Friday, not a bank holiday in any of the
    /// calendar's regions, and not an exemption date.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && !self.closed_weekdays.contains(&date)
    }

    /// Why `date` is not a working day, or `None` if it is one.
    pub fn non_working_reason(&self, date: NaiveDate) -> Option<NonWorkingReason> {
        match date.weekday() {
            Weekday::Sat => return Some(NonWorkingReason::Saturday),
            Weekday::Sun => return Some(NonWorkingReason::Sunday),
            _ => {}
        }
        if let Some(entries) = self.holidays.get(&date) {
            let mut titles: Vec<&str> = Vec::new();
            for (_, title) in entries {
                if !titles.contains(&title.as_str()) {
                    titles.push(title);
                }
            }
            return Some(NonWorkingReason::BankHoliday {
                title: titles.join(" / "),
                regions: entries.iter().map(|(region, _)| *region).collect(),
            });
        }
        self.exemptions.contains(&date).then_some(NonWorkingReason::Exemption)
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        loop {
            day = day.succ_opt().ok_or(CalendarError::OutOfRange { from: date })?;
            if self.is_working_day(day) {
                return Ok(day);
            }
        }
    }

    /// The date from which working days are counted for a receipt on `received`: the receipt
    /// itself under [`DayOneRule::CabinetOffice`]; under [`DayOneRule::Hocs`], the receipt moved
    /// forward to the next working day if it fell on a non-working day.
    pub fn counting_from(&self, received: NaiveDate, rule: DayOneRule) -> Result<NaiveDate, CalendarError> {
        match rule {
            DayOneRule::Hocs if !self.is_working_day(received) => self.next_working_day(received),
            _ => Ok(received),
        }
    }

    /// Day 1 of a count for a receipt on `received`: the first working day after
    /// [`counting_from`](Self::counting_from).
    pub fn day_one(&self, received: NaiveDate, rule: DayOneRule) -> Result<NaiveDate, CalendarError> {
        self.next_working_day(self.counting_from(received, rule)?)
    }

    /// The date `n` **working days** after `start` under `rule`, with no clock stops: day 1 is
    /// [`day_one`](Self::day_one) and the result is day `n`. For `n = 0` the result is
    /// [`counting_from`](Self::counting_from) (the receipt, or under HOCS the moved receipt).
    ///
    /// Errors: `n` above [`MAX_WORKING_DAYS`], or a result past the last date chrono represents.
    pub fn add_working_days(&self, start: NaiveDate, n: u32, rule: DayOneRule) -> Result<NaiveDate, CalendarError> {
        match self.deadline(start, n, rule, &[])? {
            Deadline::Due { date } => Ok(date),
            // No clock stops were given, so the count cannot be suspended.
            Deadline::Suspended { .. } => Err(CalendarError::OutOfRange { from: start }),
        }
    }

    /// The deadline for a case received on `received` with `n` **working days** to answer,
    /// counted under `rule`, with the working days inside `clock_stops` not counted.
    ///
    /// Returns [`Deadline::Suspended`] when an open clock stop (no `until`) began before the count
    /// was complete. Errors: a clock stop whose `until` is before its `from`, `n` above
    /// [`MAX_WORKING_DAYS`], or a result past the last date chrono represents.
    pub fn deadline(
        &self,
        received: NaiveDate,
        n: u32,
        rule: DayOneRule,
        clock_stops: &[ClockStop],
    ) -> Result<Deadline, CalendarError> {
        Ok(self.walk(received, n, rule, clock_stops, None)?.outcome)
    }

    /// The deadline of [`deadline`](Self::deadline) with the reasoning behind it: the day 1, each
    /// non-working day and clock stop skipped between the receipt and the deadline, and why.
    pub fn explain(
        &self,
        received: NaiveDate,
        n: u32,
        rule: DayOneRule,
        clock_stops: &[ClockStop],
    ) -> Result<DeadlineExplanation, CalendarError> {
        self.explain_extended(received, n, 0, rule, clock_stops)
    }

    /// Like [`explain`](Self::explain) for a case given an extension of `extension` **working
    /// days**: the count goes on for `n + extension` working days, clock stops still applying, and
    /// the explanation also gives the deadline before the extension (day `n`).
    ///
    /// Errors: as [`deadline`](Self::deadline), with the limit applying to `n + extension`.
    pub fn explain_extended(
        &self,
        received: NaiveDate,
        n: u32,
        extension: u32,
        rule: DayOneRule,
        clock_stops: &[ClockStop],
    ) -> Result<DeadlineExplanation, CalendarError> {
        let total = n.saturating_add(extension);
        let walk = self.walk(received, total, rule, clock_stops, Some(n))?;
        let end = match walk.outcome {
            Deadline::Due { date } => date,
            Deadline::Suspended { since, .. } => since.max(received),
        };
        Ok(DeadlineExplanation {
            received,
            received_non_working: self.non_working_reason(received),
            working_days: n,
            extension,
            deadline_before_extension: if extension == 0 { None } else { walk.milestone },
            rule,
            regions: self.regions.clone(),
            has_exemptions: !self.exemptions.is_empty(),
            counting_from: walk.counting_from,
            day_one: walk.day_one,
            skipped: walk.skipped,
            outcome: walk.outcome,
            holidays_known: self.known,
            holidays_known_throughout: self.knows_holidays(received, end),
        })
    }

    /// An extension: the date `n` **working days** after `deadline` (day 1 is the first working
    /// day after it). `n = 0` gives `deadline` back. (HOCS's EXTENSION case action adds N working
    /// days, e.g. +20 for `FOI_PIT`; see `shared/reference/hocs.md` §2.3.)
    ///
    /// Clock stops are not applied; for a case whose clock may stop after its original deadline,
    /// count the whole of `n + extension` with [`deadline`](Self::deadline) (or
    /// [`explain_extended`](Self::explain_extended)) instead.
    pub fn extend(&self, deadline: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(deadline, n, DayOneRule::CabinetOffice)
    }

    /// Days late: the number of **working days** after `deadline` up to and including
    /// `despatched`, as the Cabinet Office counts replies outside its target (deadline Wed 12 Dec
    /// 2018, despatched Fri 21 Dec 2018 → 7; shared/DESIGN.md §5). 0 when despatched on or before
    /// the deadline, and also when every day after the deadline up to the despatch is a
    /// non-working day (deadline Friday, despatched Saturday): compare the dates to tell that
    /// case from an on-time one.
    pub fn working_days_late(&self, deadline: NaiveDate, despatched: NaiveDate) -> u32 {
        self.working_days_between(deadline, despatched)
    }

    /// The number of **working days** `d` with `from < d <= to`; 0 when `to <= from`.
    ///
    /// For a receipt on `from`, this is the day number of `to` under the Cabinet Office rule
    /// (received Wed 14 Nov 2018, `to` = Wed 12 Dec 2018 → 20). Constant time in the length of the
    /// range, plus the number of holidays and exemptions inside it.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let span = to.signed_duration_since(from).num_days();
        let full_weeks = span / 7;
        let mut weekdays = full_weeks * 5;
        // The remaining days are the last `span % 7` days of the range.
        let mut day = to;
        for _ in 0..span % 7 {
            if !is_weekend(day) {
                weekdays += 1;
            }
            match day.pred_opt() {
                Some(previous) => day = previous,
                None => break,
            }
        }
        let closed = self.closed_weekdays.range((Bound::Excluded(from), Bound::Included(to))).count();
        let working = weekdays.saturating_sub(i64::try_from(closed).unwrap_or(i64::MAX));
        u32::try_from(working).unwrap_or(u32::MAX)
    }

    /// Counts `n` working days from `received`. With `explain = Some(m)`, it records what it
    /// skipped and the date on which the count reached `m`.
    fn walk(
        &self,
        received: NaiveDate,
        n: u32,
        rule: DayOneRule,
        clock_stops: &[ClockStop],
        explain: Option<u32>,
    ) -> Result<Walk, CalendarError> {
        let milestone = explain;
        let explain = explain.is_some();
        if n > MAX_WORKING_DAYS {
            return Err(CalendarError::TooManyWorkingDays { n, max: MAX_WORKING_DAYS });
        }
        for stop in clock_stops {
            if let Some(until) = stop.until
                && until < stop.from
            {
                return Err(CalendarError::InvalidClockStop { from: stop.from, until });
            }
        }
        let out_of_range = CalendarError::OutOfRange { from: received };
        let counting_from = self.counting_from(received, rule)?;
        let mut skipped = Vec::new();
        if explain {
            // Under the HOCS rule, the days the receipt was moved over were skipped too.
            let mut day = received;
            while day < counting_from {
                day = day.succ_opt().ok_or(out_of_range.clone())?;
                if let Some(reason) = self.non_working_reason(day) {
                    skipped.push(Skipped::NonWorking { date: day, reason });
                }
            }
        }
        let mut day = counting_from;
        let mut counted = 0;
        let mut day_one = None;
        let mut reached = (milestone == Some(0)).then_some(counting_from);
        while counted < n {
            day = day.succ_opt().ok_or(out_of_range.clone())?;
            // Jump over clock stops as whole periods, however long.
            let entered = day;
            while let Some(stop) = clock_stops.iter().find(|stop| stop.covers(day)) {
                match stop.until {
                    None => {
                        return Ok(Walk {
                            counting_from,
                            day_one,
                            milestone: reached,
                            skipped,
                            outcome: Deadline::Suspended { since: stop.from, counted, remaining: n - counted },
                        });
                    }
                    Some(until) => day = until,
                }
            }
            if day != entered && explain {
                let last_stopped = day.pred_opt().ok_or(out_of_range.clone())?;
                skipped.push(Skipped::ClockStopped {
                    from: entered,
                    until: day,
                    working_days: self
                        .working_days_between(entered.pred_opt().ok_or(out_of_range.clone())?, last_stopped),
                });
            }
            if self.is_working_day(day) {
                counted += 1;
                day_one.get_or_insert(day);
                if milestone == Some(counted) {
                    reached = Some(day);
                }
            } else if explain && let Some(reason) = self.non_working_reason(day) {
                skipped.push(Skipped::NonWorking { date: day, reason });
            }
        }
        Ok(Walk { counting_from, day_one, milestone: reached, skipped, outcome: Deadline::Due { date: day } })
    }
}

/// What one count found.
struct Walk {
    counting_from: NaiveDate,
    day_one: Option<NaiveDate>,
    /// The date the count reached the milestone asked for, if it did.
    milestone: Option<NaiveDate>,
    skipped: Vec<Skipped>,
    outcome: Deadline,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}
