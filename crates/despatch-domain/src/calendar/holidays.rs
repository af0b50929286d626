//! UK bank holidays per region, in the shape of the GOV.UK bank-holidays feed.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{CalendarError, Region};

/// The embedded copy of the feed (GOV.UK bank holidays 2012–2028, Open Government Licence v3.0;
/// see `crates/despatch-domain/data/README.md`).
const EMBEDDED_JSON: &str = include_str!("../../data/uk-bank-holidays.json");

static EMBEDDED: LazyLock<BankHolidays> = LazyLock::new(|| {
    // The text is compiled in and a test parses it, so this cannot fail at run time.
    #[allow(clippy::expect_used)]
    BankHolidays::from_govuk_json(EMBEDDED_JSON).expect("the embedded bank-holiday feed parses")
});

/// One bank holiday, as one event of the GOV.UK feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankHoliday {
    /// The civil date of the holiday.
    pub date: NaiveDate,
    /// Its name, e.g. "Christmas Day".
    pub title: String,
    /// The feed's note, e.g. "Substitute day"; empty when there is none.
    pub notes: String,
    /// The feed's `bunting` flag (kept so that a stored copy round-trips).
    pub bunting: bool,
}

impl BankHoliday {
    /// The title with its note, e.g. "Boxing Day (Substitute day)".
    pub fn label(&self) -> String {
        if self.notes.is_empty() { self.title.clone() } else { format!("{} ({})", self.title, self.notes) }
    }
}

/// The holidays of one region, and the calendar years the source covered.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RegionHolidays {
    first_year: i32,
    last_year: i32,
    days: BTreeMap<NaiveDate, BankHoliday>,
}

/// UK bank holidays per [`Region`], with their titles, as published in the GOV.UK
/// bank-holidays feed (`https://www.gov.uk/bank-holidays.json`).
///
/// A source is taken to cover whole calendar years: from 1 January of the year of its first
/// event to 31 December of the year of its last ([`BankHolidays::coverage`]). Outside that range
/// nothing is known, and a [`Calendar`](super::Calendar) counts Mondays to Fridays there as
/// working days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BankHolidays {
    regions: BTreeMap<Region, RegionHolidays>,
}

impl BankHolidays {
    /// The copy of the feed compiled into Despatch (2012–2028, all three regions), parsed once.
    pub fn embedded() -> &'static BankHolidays {
        &EMBEDDED
    }

    /// Parses text in the shape of the GOV.UK feed:
    /// `{"england-and-wales": {"division": "england-and-wales", "events": [{"title": "…",
    /// "date": "YYYY-MM-DD", "notes": "…", "bunting": true}, …]}, "scotland": …}`.
    ///
    /// Any non-empty subset of the three regions is accepted. `division`, `notes` and `bunting`
    /// may be left out. The error names what is wrong and where, e.g.
    /// `scotland.events[3].date: "2018-13-01" is not a date (expected YYYY-MM-DD)`.
    pub fn from_govuk_json(text: &str) -> Result<BankHolidays, CalendarError> {
        let value: Value = serde_json::from_str(text).map_err(|e| CalendarError::NotJson(e.to_string()))?;
        let Value::Object(top) = value else {
            return Err(bad(format!(
                "expected a JSON object keyed by region ({}), found {}",
                region_keys(),
                kind(&value)
            )));
        };
        if top.is_empty() {
            return Err(bad(format!("no regions: expected at least one of {}", region_keys())));
        }
        let mut regions = BTreeMap::new();
        for (key, body) in &top {
            let region: Region =
                key.parse().map_err(|_| bad(format!("unknown region {key:?}: expected one of {}", region_keys())))?;
            regions.insert(region, parse_region(key, body)?);
        }
        Ok(BankHolidays { regions })
    }

    /// The feed text for these holidays (pretty-printed JSON, the shape
    /// [`from_govuk_json`](Self::from_govuk_json) reads), e.g. for a reload command to store.
    pub fn to_govuk_json(&self) -> String {
        let mut top = Map::new();
        for (region, holidays) in &self.regions {
            let events = holidays
                .days
                .values()
                .map(|day| {
                    let mut event = Map::new();
                    event.insert("title".into(), Value::String(day.title.clone()));
                    event.insert("date".into(), Value::String(day.date.to_string()));
                    event.insert("notes".into(), Value::String(day.notes.clone()));
                    event.insert("bunting".into(), Value::Bool(day.bunting));
                    Value::Object(event)
                })
                .collect();
            let mut body = Map::new();
            body.insert("division".into(), Value::String(region.key().into()));
            body.insert("events".into(), Value::Array(events));
            top.insert(region.key().into(), Value::Object(body));
        }
        format!("{:#}\n", Value::Object(top))
    }

    /// The regions that have holidays loaded.
    pub fn regions(&self) -> impl Iterator<Item = Region> + '_ {
        self.regions.keys().copied()
    }

    /// The bank holidays of `region` in date order, as (date, title); empty when the region is
    /// not loaded.
    pub fn holidays(&self, region: Region) -> impl Iterator<Item = (NaiveDate, &str)> + '_ {
        self.events(region).map(|day| (day.date, day.title.as_str()))
    }

    /// The bank holidays of `region` in date order, with the feed's notes.
    pub fn events(&self, region: Region) -> impl Iterator<Item = &BankHoliday> + '_ {
        self.regions.get(&region).into_iter().flat_map(|holidays| holidays.days.values())
    }

    /// The bank holiday of `region` on `date`, if there is one.
    pub fn get(&self, region: Region, date: NaiveDate) -> Option<&BankHoliday> {
        self.regions.get(&region)?.days.get(&date)
    }

    /// The dates (inclusive, calendar days) for which the holidays of `region` are known: 1
    /// January of the first year its source covered to 31 December of the last. `None` when the
    /// region is not loaded.
    pub fn coverage(&self, region: Region) -> Option<(NaiveDate, NaiveDate)> {
        let holidays = self.regions.get(&region)?;
        let first = NaiveDate::from_ymd_opt(holidays.first_year, 1, 1)?;
        let last = NaiveDate::from_ymd_opt(holidays.last_year, 12, 31)?;
        Some((first, last))
    }

    /// Takes in a newer source, such as a fresh download of the GOV.UK feed.
    ///
    /// For each region in `newer`, the newer source is authoritative for the calendar years it
    /// covers: the holidays held here in those years are replaced by its own (so a holiday it
    /// moved or dropped goes), and the holidays held here for other years are kept. Regions
    /// absent from `newer` are untouched. Coverage becomes the span of both.
    pub fn merge(&mut self, newer: &BankHolidays) {
        for (region, incoming) in &newer.regions {
            match self.regions.get_mut(region) {
                None => {
                    self.regions.insert(*region, incoming.clone());
                }
                Some(held) => {
                    let replaced = incoming.first_year..=incoming.last_year;
                    held.days.retain(|date, _| !replaced.contains(&date.year()));
                    held.days.extend(incoming.days.iter().map(|(date, day)| (*date, day.clone())));
                    held.first_year = held.first_year.min(incoming.first_year);
                    held.last_year = held.last_year.max(incoming.last_year);
                }
            }
        }
    }
}

fn bad(message: String) -> CalendarError {
    CalendarError::BadFeed(message)
}

fn region_keys() -> String {
    Region::ALL.map(Region::key).join(", ")
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn parse_region(key: &str, body: &Value) -> Result<RegionHolidays, CalendarError> {
    let Value::Object(body) = body else {
        return Err(bad(format!("{key}: expected an object with \"division\" and \"events\", found {}", kind(body))));
    };
    match body.get("division") {
        None => {}
        Some(Value::String(division)) if division == key => {}
        Some(other) => {
            return Err(bad(format!("{key}.division: expected {key:?}, found {other}")));
        }
    }
    let events = match body.get("events") {
        None => return Err(bad(format!("{key}: missing \"events\""))),
        Some(Value::Array(events)) => events,
        Some(other) => {
            return Err(bad(format!("{key}.events: expected an array, found {}", kind(other))));
        }
    };
    if events.is_empty() {
        return Err(bad(format!("{key}.events: the list is empty")));
    }
    let mut days = BTreeMap::new();
    for (index, event) in events.iter().enumerate() {
        let day = parse_event(&format!("{key}.events[{index}]"), event)?;
        if let Some(earlier) = days.get(&day.date) {
            let earlier: &BankHoliday = earlier;
            return Err(bad(format!(
                "{key}.events[{index}]: {} is listed twice ({:?} and {:?})",
                day.date, earlier.title, day.title
            )));
        }
        days.insert(day.date, day);
    }
    let (Some(first), Some(last)) = (days.keys().next(), days.keys().next_back()) else {
        return Err(bad(format!("{key}.events: the list is empty")));
    };
    Ok(RegionHolidays { first_year: first.year(), last_year: last.year(), days })
}

fn parse_event(path: &str, event: &Value) -> Result<BankHoliday, CalendarError> {
    let Value::Object(event) = event else {
        return Err(bad(format!("{path}: expected an object with \"title\" and \"date\", found {}", kind(event))));
    };
    let date = match event.get("date") {
        None => return Err(bad(format!("{path}: missing \"date\""))),
        Some(Value::String(text)) => parse_iso_date(text)
            .ok_or_else(|| bad(format!("{path}.date: {text:?} is not a date (expected YYYY-MM-DD)")))?,
        Some(other) => {
            return Err(bad(format!("{path}.date: expected a string YYYY-MM-DD, found {}", kind(other))));
        }
    };
    let title = match event.get("title") {
        Some(Value::String(title)) if !title.trim().is_empty() => title.clone(),
        Some(Value::String(_)) => return Err(bad(format!("{path}.title: it is empty"))),
        None => return Err(bad(format!("{path}: missing \"title\""))),
        Some(other) => {
            return Err(bad(format!("{path}.title: expected a string, found {}", kind(other))));
        }
    };
    let notes = match event.get("notes") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(notes)) => notes.clone(),
        Some(other) => {
            return Err(bad(format!("{path}.notes: expected a string, found {}", kind(other))));
        }
    };
    let bunting = match event.get("bunting") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(bunting)) => *bunting,
        Some(other) => {
            return Err(bad(format!("{path}.bunting: expected true or false, found {}", kind(other))));
        }
    };
    Ok(BankHoliday { date, title, notes, bunting })
}

/// Parses a civil date written exactly `YYYY-MM-DD` (four-digit year, two-digit month and day),
/// as the GOV.UK feed writes them; `None` for anything else, including impossible dates such as
/// `2018-13-01` or `2019-02-29`.
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}
