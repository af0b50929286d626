//! The working-day calendar: which civil dates count as working days, and how deadlines are
//! counted in them.
//!
//! All dates are civil dates in Europe/London, as [`chrono::NaiveDate`]. Counts are **working
//! days** unless a name or a doc comment says **calendar days**.
//!
//! The rules, and where each comes from:
//!
//! - A working day is a Monday to Friday that is not a bank holiday in any of the case type's
//!   regions and not one of the case type's exemption dates (Cabinet Office guidance on handling
//!   ministerial correspondence; HOCS `DateUtils`/`DeadlineService`, whose non-working days are
//!   weekends, the `bank_holiday` rows of the case type's regions and the case type's
//!   `exemption_date` rows; see `shared/reference/hocs.md` §2.3).
//! - Bank holidays are those of the GOV.UK bank-holidays feed, per region
//!   ([`BankHolidays`]); a copy is embedded ([`BankHolidays::embedded`]) and an administrator can
//!   load a newer file of the same shape ([`BankHolidays::from_govuk_json`], [`BankHolidays::merge`]).
//! - Day 1 is the first working day after the date of receipt (Cabinet Office guidance), or, under
//!   the HOCS rule, a receipt on a non-working day is first moved to the next working day and
//!   counting starts the day after that ([`DayOneRule`]).
//! - A clock stop (HOCS SUSPEND/UNSUSPEND) stops working days from counting while it is in force
//!   ([`ClockStop`]); an extension adds working days after the deadline ([`Calendar::extend`]).
//! - Days late are the working days after the deadline up to and including the despatch date
//!   ([`Calendar::working_days_late`]).
//!
//! This module does no IO: the embedded feed is compiled in with `include_str!`, and callers hand
//! in the text of any other file.

mod explain;
mod holidays;
mod working;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use explain::{DeadlineExplanation, Skipped};
pub use holidays::{BankHoliday, BankHolidays, parse_iso_date};
pub use working::{Calendar, Deadline, NonWorkingReason};

/// The largest number of working days that one count may cover (about 38 years).
///
/// Correspondence deadlines are tens of working days; a larger count is almost certainly a
/// mistake (a typo, or a value from the wrong field), so it is refused with
/// [`CalendarError::TooManyWorkingDays`] rather than counted.
pub const MAX_WORKING_DAYS: u32 = 10_000;

/// A UK bank-holiday region, named as in the GOV.UK bank-holidays feed.
///
/// Its text form (in [`FromStr`], [`Display`](fmt::Display) and serde) is the feed key:
/// `england-and-wales`, `scotland` or `northern-ireland`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    /// England and Wales (`england-and-wales`): the default for ministerial correspondence.
    EnglandAndWales,
    /// Scotland (`scotland`).
    Scotland,
    /// Northern Ireland (`northern-ireland`).
    NorthernIreland,
}

impl Region {
    /// Every region, in the order of the GOV.UK feed.
    pub const ALL: [Region; 3] = [Region::EnglandAndWales, Region::Scotland, Region::NorthernIreland];

    /// The GOV.UK feed key of this region, e.g. `england-and-wales`.
    pub const fn key(self) -> &'static str {
        match self {
            Region::EnglandAndWales => "england-and-wales",
            Region::Scotland => "scotland",
            Region::NorthernIreland => "northern-ireland",
        }
    }

    /// The region's name in plain English, e.g. "England and Wales".
    pub const fn name(self) -> &'static str {
        match self {
            Region::EnglandAndWales => "England and Wales",
            Region::Scotland => "Scotland",
            Region::NorthernIreland => "Northern Ireland",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Region {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::ALL
            .into_iter()
            .find(|region| region.key() == s)
            .ok_or_else(|| CalendarError::UnknownRegion(s.to_owned()))
    }
}

/// Which working day is day 1 of a count.
///
/// Text form (serde, [`FromStr`], [`Display`](fmt::Display)): `cabinet-office` or `hocs`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayOneRule {
    /// Day 1 is the first working day after the date of receipt, whatever day the receipt was
    /// (Cabinet Office guidance on ministerial correspondence). Received Saturday 30 March 2024:
    /// day 1 is Tuesday 2 April (Monday 1 April was Easter Monday).
    #[default]
    CabinetOffice,
    /// A receipt on a non-working day is first moved to the next working day, and day 1 is the
    /// working day after that (HOCS `DateUtils.addWorkingDays`). Received Saturday 30 March 2024:
    /// the receipt moves to Tuesday 2 April and day 1 is Wednesday 3 April. For a receipt on a
    /// working day both rules agree.
    Hocs,
}

impl DayOneRule {
    /// The text form: `cabinet-office` or `hocs`.
    pub const fn key(self) -> &'static str {
        match self {
            DayOneRule::CabinetOffice => "cabinet-office",
            DayOneRule::Hocs => "hocs",
        }
    }
}

impl fmt::Display for DayOneRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for DayOneRule {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cabinet-office" => Ok(DayOneRule::CabinetOffice),
            "hocs" => Ok(DayOneRule::Hocs),
            other => Err(CalendarError::UnknownRule(other.to_owned())),
        }
    }
}

/// A clock stop (HOCS "suspension"): the working days `d` with `from <= d < until` do not count
/// towards a deadline.
///
/// `until` is the first day on which the clock runs again (exclusive); `None` means the clock is
/// still stopped, so a deadline not reached before `from` is not yet known
/// ([`Deadline::Suspended`]). Non-working days inside a stop do not count either, as always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClockStop {
    /// The first day on which the clock is stopped (a civil date).
    pub from: NaiveDate,
    /// The first day on which the clock runs again, or `None` while it is still stopped.
    pub until: Option<NaiveDate>,
}

impl ClockStop {
    /// Whether the clock is stopped on `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.until.is_none_or(|until| date < until)
    }
}

/// What can go wrong when loading bank holidays or counting working days.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The bank-holiday text is not JSON at all.
    #[error("bank holidays: not valid JSON: {0}")]
    NotJson(String),
    /// The bank-holiday JSON is not in the shape of the GOV.UK feed.
    #[error("bank holidays: {0}")]
    BadFeed(String),
    /// A region name that is not one of the GOV.UK feed keys.
    #[error("unknown region {0:?}: expected one of england-and-wales, scotland, northern-ireland")]
    UnknownRegion(String),
    /// A day-one rule name that is not `cabinet-office` or `hocs`.
    #[error("unknown day-one rule {0:?}: expected cabinet-office or hocs")]
    UnknownRule(String),
    /// A calendar was asked for no region at all.
    #[error("a calendar needs at least one bank-holiday region")]
    NoRegions,
    /// The loaded bank holidays have nothing for a region the calendar needs.
    #[error("no bank holidays are loaded for region {0}")]
    MissingRegion(Region),
    /// A count above [`MAX_WORKING_DAYS`].
    #[error("{n} working days is more than the {max} this calendar counts")]
    TooManyWorkingDays {
        /// The count asked for.
        n: u32,
        /// [`MAX_WORKING_DAYS`].
        max: u32,
    },
    /// A clock stop that ends before it starts.
    #[error("clock stop from {from} until {until}: it ends before it starts")]
    InvalidClockStop {
        /// The stop's first day.
        from: NaiveDate,
        /// The stop's (earlier) restart day.
        until: NaiveDate,
    },
    /// The count would go past the last date the calendar can represent.
    #[error("counting from {from} runs past the last date this calendar can represent")]
    OutOfRange {
        /// The date the count started from.
        from: NaiveDate,
    },
}
