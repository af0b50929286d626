//! `despatch deadline`: count a deadline in working days, and explain it.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::NaiveDate;
use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use despatch_domain::calendar::{
    BankHolidays, Calendar, CalendarError, ClockStop, DayOneRule, Deadline, MAX_WORKING_DAYS, Region, parse_iso_date,
};
use serde_json::json;

/// Arguments of `despatch deadline`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Dates are civil dates in the UK, written YYYY-MM-DD. Working days are Mondays to Fridays that are
not bank holidays in any of the regions and not --exempt dates.

Examples:
  despatch deadline --received 2018-11-14 --working-days 20 --explain
  despatch deadline --received 2018-11-14 --working-days 20 --despatched 2018-12-21
  despatch deadline --received 2024-03-30 --working-days 20 --rule hocs --explain
  despatch deadline --received 2026-12-10 --working-days 20 --region scotland --format json")]
pub struct Args {
    /// Date the correspondence was received (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    received: NaiveDate,

    /// Working days allowed for the reply (the Cabinet Office target is 20).
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_WORKING_DAYS))
    )]
    working_days: u32,

    /// Bank-holiday region; repeat it for several (a bank holiday in any of them does not
    /// count).
    #[arg(
        long = "region",
        value_name = "REGION",
        default_value = "england-and-wales",
        value_parser = region_parser()
    )]
    regions: Vec<Region>,

    /// Which working day is day 1. cabinet-office: the first working day after the date of
    /// receipt. hocs: a receipt on a non-working day first moves to the next working day, and
    /// day 1 is the working day after that.
    #[arg(long, value_name = "RULE", default_value = "cabinet-office", value_parser = rule_parser())]
    rule: DayOneRule,

    /// A date that is not a working day for this case type; repeat it for several.
    #[arg(long = "exempt", value_name = "DATE", value_parser = parse_date)]
    exemptions: Vec<NaiveDate>,

    /// A clock stop: the clock stopped on FROM and ran again on UNTIL (UNTIL counts again).
    /// Write FROM.. for a stop still in force. Repeat it for several.
    #[arg(long = "clock-stop", value_name = "FROM..UNTIL", value_parser = parse_clock_stop)]
    clock_stops: Vec<ClockStop>,

    /// An extension: this many working days added after the deadline (clock stops still
    /// apply).
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_WORKING_DAYS))
    )]
    extend: Option<u32>,

    /// Date the reply was despatched (YYYY-MM-DD): adds a line saying whether it was on time, or
    /// how many working days late.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    despatched: Option<NaiveDate>,

    /// Also explain the deadline: day 1, and each weekend, bank holiday, exemption date and clock
    /// stop that did not count.
    #[arg(long)]
    explain: bool,

    /// Bank holidays to use instead of the built-in ones: a file in the shape of the GOV.UK feed
    /// (https://www.gov.uk/bank-holidays.json).
    #[arg(long, value_name = "FILE")]
    holidays: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How `despatch deadline` prints its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The deadline on the first line, then any explanation and lateness, in plain English.
    Text,
    /// One JSON object.
    Json,
}

/// Runs `despatch deadline`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(despatched) = args.despatched
        && despatched < args.received
    {
        return Ok(usage_error(&format!("--despatched {despatched} is before --received {}", args.received)));
    }

    let loaded;
    let holidays = match &args.holidays {
        None => BankHolidays::embedded(),
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("--holidays: cannot read {}", path.display()))?;
            loaded = BankHolidays::from_govuk_json(&text)
                .with_context(|| format!("--holidays: {} is not usable", path.display()))?;
            &loaded
        }
    };
    let calendar = match Calendar::new(holidays, &args.regions, &args.exemptions) {
        Ok(calendar) => calendar,
        Err(CalendarError::MissingRegion(region)) => {
            let source = args
                .holidays
                .as_ref()
                .map_or_else(|| "the built-in list".to_owned(), |path| path.display().to_string());
            anyhow::bail!("--region {region}: {source} has no bank holidays for {region}");
        }
        Err(error) => return Err(error.into()),
    };

    let extension = args.extend.unwrap_or(0);
    let counted =
        match calendar.explain_extended(args.received, args.working_days, extension, args.rule, &args.clock_stops) {
            Ok(explanation) => explanation,
            Err(CalendarError::TooManyWorkingDays { max, .. }) => {
                return Ok(usage_error(&format!(
                    "--working-days {} and --extend {extension} come to more than the {max} \
                 working days this calendar counts",
                    args.working_days
                )));
            }
            Err(error) => {
                return Ok(usage_error(&format!("--received {}: {error}", args.received)));
            }
        };
    let deadline = counted.outcome.date();
    let lateness = args.despatched.map(|despatched| match deadline {
        Some(deadline) => Lateness {
            despatched,
            late: despatched > deadline,
            working_days_late: calendar.working_days_late(deadline, despatched),
        },
        None => Lateness { despatched, late: false, working_days_late: 0 },
    });
    let last_day =
        [deadline, args.despatched, Some(args.received)].into_iter().flatten().max().unwrap_or(args.received);
    let holidays_known = calendar.knows_holidays(args.received, last_day);
    let (known_from, known_to) = calendar.holidays_known();
    // A text explanation carries its own warning.
    let warned_in_explanation = args.explain && args.format == Format::Text;
    if !(holidays_known || warned_in_explanation) {
        eprintln!(
            "warning: bank holidays are known only from {known_from} to {known_to}; outside \
             those dates every Monday to Friday was counted as a working day"
        );
    }

    let mut out = String::new();
    match args.format {
        Format::Text => {
            match deadline {
                Some(date) => out.push_str(&format!("{date}\n")),
                None => out.push_str("suspended\n"),
            }
            if args.explain {
                out.push_str(&counted.to_string());
            }
            if let Some(lateness) = &lateness {
                out.push_str(&lateness.sentence(deadline.is_none()));
                out.push('\n');
            }
        }
        Format::Json => {
            let suspended = match counted.outcome {
                Deadline::Suspended { since, counted, remaining } => {
                    json!({ "since": since, "counted": counted, "remaining": remaining })
                }
                Deadline::Due { .. } => serde_json::Value::Null,
            };
            let mut value = json!({
                "received": args.received,
                "working_days": args.working_days,
                "rule": args.rule,
                "regions": calendar.regions(),
                "exemptions": calendar.exemptions().collect::<Vec<_>>(),
                "clock_stops": args.clock_stops,
                "deadline": deadline,
                "status": if deadline.is_some() { "due" } else { "suspended" },
                "suspended": suspended,
                "extension": extension,
                "deadline_before_extension": counted.deadline_before_extension,
                "despatched": args.despatched,
                "late": lateness.as_ref().map(|l| l.late),
                "working_days_late": lateness.as_ref().map(|l| l.working_days_late),
                "holidays_known": { "from": known_from, "to": known_to },
                "holidays_known_throughout": holidays_known,
            });
            if args.explain
                && let Some(object) = value.as_object_mut()
            {
                object.insert("explanation".into(), serde_json::to_value(&counted)?);
                object.insert("explanation_text".into(), counted.to_string().into());
            }
            out = serde_json::to_string_pretty(&value)?;
            out.push('\n');
        }
    }
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// Whether a despatch was late.
struct Lateness {
    despatched: NaiveDate,
    late: bool,
    working_days_late: u32,
}

impl Lateness {
    /// "on time", "1 working day late", "7 working days late".
    fn sentence(&self, suspended: bool) -> String {
        match (self.late, self.working_days_late) {
            _ if suspended => "on time (the clock is stopped, so the deadline has not been reached)".to_owned(),
            (false, _) => "on time".to_owned(),
            (true, 0) => format!(
                "0 working days late (despatched after the deadline, on {}, which is not a \
                 working day)",
                self.despatched.format("%A %-d %B %Y"),
            ),
            (true, 1) => "1 working day late".to_owned(),
            (true, n) => format!("{n} working days late"),
        }
    }
}

/// Writes `text` to standard output; a reader that has gone away (`| head -1`) is not an error.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(error).context("writing to standard output"))
        }
        _ => Ok(()),
    }
}

/// Prints a usage error the way clap does, and gives clap's exit status for it.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    parse_iso_date(text.trim())
        .ok_or_else(|| format!("{text:?} is not a date: write it as YYYY-MM-DD, e.g. 2018-11-14"))
}

fn parse_clock_stop(text: &str) -> Result<ClockStop, String> {
    let Some((from, until)) = text.split_once("..") else {
        return Err(format!(
            "{text:?} is not a clock stop: write FROM..UNTIL (e.g. 2018-11-19..2018-11-26), \
             or FROM.. while it is still in force"
        ));
    };
    let from = parse_date(from)?;
    let until = match until.trim() {
        "" => None,
        until => Some(parse_date(until)?),
    };
    if let Some(until) = until
        && until < from
    {
        return Err(format!("the clock cannot run again on {until}, before it stopped on {from}"));
    }
    Ok(ClockStop { from, until })
}

fn region_parser() -> impl clap::builder::TypedValueParser<Value = Region> {
    PossibleValuesParser::new(Region::ALL.map(Region::key)).try_map(|text| text.parse::<Region>())
}

fn rule_parser() -> impl clap::builder::TypedValueParser<Value = DayOneRule> {
    PossibleValuesParser::new([DayOneRule::CabinetOffice.key(), DayOneRule::Hocs.key()])
        .try_map(|text| text.parse::<DayOneRule>())
}
