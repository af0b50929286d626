//! Tests of the working-day calendar against dates checked by hand on a printed calendar and the
//! GOV.UK feed.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;

use super::*;

use DayOneRule::{CabinetOffice, Hocs};
use Region::{EnglandAndWales, NorthernIreland, Scotland};

fn d(text: &str) -> NaiveDate {
    parse_iso_date(text).unwrap_or_else(|| panic!("bad test date {text}"))
}

fn cal(regions: &[Region]) -> Calendar {
    Calendar::new(BankHolidays::embedded(), regions, &[]).unwrap()
}

fn ew() -> Calendar {
    cal(&[EnglandAndWales])
}

fn due(calendar: &Calendar, received: &str, n: u32, rule: DayOneRule) -> NaiveDate {
    calendar.add_working_days(d(received), n, rule).unwrap()
}

// --- The Cabinet Office example and days late -------------------------------------------------

#[test]
fn min_0017733_18_received_14_nov_2018_is_due_12_dec_and_7_days_late_on_21_dec() {
    let calendar = ew();
    let deadline = due(&calendar, "2018-11-14", 20, CabinetOffice);
    assert_eq!(deadline, d("2018-12-12"));
    assert_eq!(calendar.working_days_late(deadline, d("2018-12-21")), 7);
    assert_eq!(calendar.working_days_between(d("2018-11-14"), deadline), 20);
    // The HOCS rule agrees for a receipt on a working day.
    assert_eq!(due(&calendar, "2018-11-14", 20, Hocs), d("2018-12-12"));
}

#[test]
fn days_late_is_zero_on_or_before_the_deadline_and_counts_only_working_days_after_it() {
    let calendar = ew();
    let deadline = d("2018-12-12");
    assert_eq!(calendar.working_days_late(deadline, d("2018-12-12")), 0);
    assert_eq!(calendar.working_days_late(deadline, d("2018-11-30")), 0);
    assert_eq!(calendar.working_days_late(deadline, d("2018-12-13")), 1);
    // Sat 15 and Sun 16 Dec add nothing.
    assert_eq!(calendar.working_days_late(deadline, d("2018-12-16")), 2);
    // Christmas Day and Boxing Day 2018 are not days late.
    assert_eq!(calendar.working_days_late(deadline, d("2018-12-27")), 9);
}

// --- Day 1 -----------------------------------------------------------------------------------

#[test]
fn saturday_before_easter_2024_day_one_differs_by_rule() {
    let calendar = ew();
    let received = d("2024-03-30"); // Saturday; Mon 1 Apr is Easter Monday
    assert_eq!(calendar.day_one(received, CabinetOffice).unwrap(), d("2024-04-02"));
    assert_eq!(calendar.counting_from(received, Hocs).unwrap(), d("2024-04-02"));
    assert_eq!(calendar.day_one(received, Hocs).unwrap(), d("2024-04-03"));
    // 20 working days: Tue 2 Apr is day 1 → Mon 29 Apr; Wed 3 Apr is day 1 → Tue 30 Apr.
    assert_eq!(due(&calendar, "2024-03-30", 20, CabinetOffice), d("2024-04-29"));
    assert_eq!(due(&calendar, "2024-03-30", 20, Hocs), d("2024-04-30"));
}

#[test]
fn sunday_receipt_cabinet_office_counts_monday_as_day_one_hocs_counts_tuesday() {
    let calendar = ew();
    // Sun 10 Nov 2024; no holidays until Christmas.
    assert_eq!(calendar.day_one(d("2024-11-10"), CabinetOffice).unwrap(), d("2024-11-11"));
    assert_eq!(calendar.day_one(d("2024-11-10"), Hocs).unwrap(), d("2024-11-12"));
    assert_eq!(due(&calendar, "2024-11-10", 20, CabinetOffice), d("2024-12-06"));
    assert_eq!(due(&calendar, "2024-11-10", 20, Hocs), d("2024-12-09"));
}

#[test]
fn zero_working_days_is_the_day_counting_starts_from() {
    let calendar = ew();
    assert_eq!(due(&calendar, "2024-03-30", 0, CabinetOffice), d("2024-03-30"));
    assert_eq!(due(&calendar, "2024-03-30", 0, Hocs), d("2024-04-02"));
    assert_eq!(due(&calendar, "2018-11-14", 1, CabinetOffice), d("2018-11-15"));
}

// --- Holidays ---------------------------------------------------------------------------------

#[test]
fn christmas_2026_boxing_day_substitute_and_new_year() {
    // Fri 25 Dec Christmas, Mon 28 Dec Boxing Day (substitute), Fri 1 Jan 2027 New Year.
    assert_eq!(due(&ew(), "2026-12-10", 20, CabinetOffice), d("2027-01-12"));
    // Scotland also has 2nd January, on Sat 2 Jan 2027, so substituted on Mon 4 Jan.
    assert_eq!(due(&cal(&[Scotland]), "2026-12-10", 20, CabinetOffice), d("2027-01-13"));
}

#[test]
fn christmas_2027_both_days_substituted() {
    // Sat 25 and Sun 26 Dec 2027: substitutes Mon 27 and Tue 28 Dec; New Year Sat 1 Jan 2028,
    // substitute Mon 3 Jan 2028 (E&W); Scotland adds Tue 4 Jan 2028 for 2nd January.
    let calendar = ew();
    assert_eq!(
        calendar.non_working_reason(d("2027-12-27")).map(|r| r.to_string()),
        Some("Christmas Day (Substitute day), bank holiday in England and Wales".into())
    );
    // Received Fri 17 Dec 2027: day 1 Mon 20; 20,21,22,23,24 (5); 29,30,31 (8); Jan 4..7 (12);
    // 10..14 (17); 17,18,19 (20).
    assert_eq!(due(&calendar, "2027-12-17", 20, CabinetOffice), d("2028-01-19"));
    assert_eq!(due(&cal(&[Scotland]), "2027-12-17", 20, CabinetOffice), d("2028-01-20"));
}

#[test]
fn easter_good_friday_and_easter_monday_skipped_in_england_and_wales_but_not_monday_in_scotland() {
    // Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr (not a holiday in Scotland).
    // Received Wed 1 Apr: E&W day 1 Thu 2, then 7, 8, 9, 10 → 5 working days = Fri 10 Apr.
    assert_eq!(due(&ew(), "2026-04-01", 5, CabinetOffice), d("2026-04-10"));
    assert_eq!(due(&cal(&[Scotland]), "2026-04-01", 5, CabinetOffice), d("2026-04-09"));
    assert!(!ew().is_working_day(d("2026-04-03")));
    assert!(!ew().is_working_day(d("2026-04-06")));
    assert!(cal(&[Scotland]).is_working_day(d("2026-04-06")));
}

#[test]
fn scottish_holidays_give_scottish_deadlines() {
    let scotland = cal(&[Scotland]);
    let ew = ew();
    // 2nd January 2024 (Tue). Received Fri 29 Dec 2023: E&W skips Mon 1 Jan only.
    assert_eq!(due(&ew, "2023-12-29", 20, CabinetOffice), d("2024-01-29"));
    assert_eq!(due(&scotland, "2023-12-29", 20, CabinetOffice), d("2024-01-30"));
    // St Andrew's Day: Fri 30 Nov 2018 in Scotland. Received Mon 26 Nov 2018, 10 working days.
    assert_eq!(due(&ew, "2018-11-26", 10, CabinetOffice), d("2018-12-10"));
    assert_eq!(due(&scotland, "2018-11-26", 10, CabinetOffice), d("2018-12-11"));
    // St Andrew's Day 2024 fell on a Saturday: the substitute is Mon 2 Dec.
    assert!(matches!(
        scotland.non_working_reason(d("2024-12-02")),
        Some(NonWorkingReason::BankHoliday { ref title, .. }) if title.starts_with("St Andrew")
    ));
    assert!(ew.is_working_day(d("2024-12-02")));
    // Summer bank holiday 2024: Scotland Mon 5 Aug (first Monday), E&W Mon 26 Aug (last).
    // Received Wed 31 Jul 2024, 20 working days.
    assert!(!scotland.is_working_day(d("2024-08-05")));
    assert!(scotland.is_working_day(d("2024-08-26")));
    assert!(ew.is_working_day(d("2024-08-05")));
    assert!(!ew.is_working_day(d("2024-08-26")));
    assert_eq!(due(&ew, "2024-07-31", 20, CabinetOffice), d("2024-08-29"));
    assert_eq!(due(&scotland, "2024-07-31", 20, CabinetOffice), d("2024-08-29"));
    // …but 10 working days lands before E&W's holiday and after Scotland's.
    assert_eq!(due(&ew, "2024-07-31", 10, CabinetOffice), d("2024-08-14"));
    assert_eq!(due(&scotland, "2024-07-31", 10, CabinetOffice), d("2024-08-15"));
}

#[test]
fn northern_ireland_st_patricks_day_and_the_twelfth() {
    let ni = cal(&[NorthernIreland]);
    let ew = ew();
    // St Patrick's Day, Tue 17 Mar 2026. Received Fri 13 Mar, 5 working days.
    assert_eq!(due(&ew, "2026-03-13", 5, CabinetOffice), d("2026-03-20"));
    assert_eq!(due(&ni, "2026-03-13", 5, CabinetOffice), d("2026-03-23"));
    // Battle of the Boyne, Fri 12 Jul 2024. Received Mon 8 Jul, 5 working days.
    assert_eq!(due(&ew, "2024-07-08", 5, CabinetOffice), d("2024-07-15"));
    assert_eq!(due(&ni, "2024-07-08", 5, CabinetOffice), d("2024-07-16"));
    // 12 July 2026 is a Sunday: the substitute is Mon 13 Jul.
    assert!(!ni.is_working_day(d("2026-07-13")));
    assert!(ew.is_working_day(d("2026-07-13")));
}

#[test]
fn all_regions_together_skip_every_regions_holidays() {
    let all = cal(&Region::ALL);
    // Dec 2026 → Jan 2027 spans E&W's and Scotland's holidays; Scotland has the most.
    assert_eq!(due(&all, "2026-12-10", 20, CabinetOffice), d("2027-01-13"));
    // Easter Monday 2026 (not in Scotland) and St Patrick's Day (NI only) both count.
    assert_eq!(due(&all, "2026-03-13", 20, CabinetOffice), d("2026-04-15"));
    let reason = all.non_working_reason(d("2026-12-25")).unwrap();
    assert_eq!(reason, NonWorkingReason::BankHoliday { title: "Christmas Day".into(), regions: Region::ALL.to_vec() });
}

#[test]
fn non_working_reasons() {
    let calendar = Calendar::new(BankHolidays::embedded(), &[EnglandAndWales], &[d("2018-12-24")]).unwrap();
    assert_eq!(calendar.non_working_reason(d("2018-12-22")), Some(NonWorkingReason::Saturday));
    assert_eq!(calendar.non_working_reason(d("2018-12-23")), Some(NonWorkingReason::Sunday));
    assert_eq!(calendar.non_working_reason(d("2018-12-24")), Some(NonWorkingReason::Exemption));
    assert_eq!(
        calendar.non_working_reason(d("2018-12-26")),
        Some(NonWorkingReason::BankHoliday { title: "Boxing Day".into(), regions: vec![EnglandAndWales] })
    );
    assert_eq!(calendar.non_working_reason(d("2018-12-27")), None);
    // An exemption on a weekend is still reported as the weekend.
    let weekend_exempt = Calendar::new(BankHolidays::embedded(), &[EnglandAndWales], &[d("2018-12-22")]).unwrap();
    assert_eq!(weekend_exempt.non_working_reason(d("2018-12-22")), Some(NonWorkingReason::Saturday));
}

#[test]
fn exemption_dates_are_not_working_days() {
    // Exempting Mon 3 and Tue 4 Dec 2018 moves 12 Dec to 14 Dec.
    let calendar = Calendar::new(
        BankHolidays::embedded(),
        &[EnglandAndWales],
        &[d("2018-12-03"), d("2018-12-04"), d("2018-12-08")],
    )
    .unwrap();
    assert_eq!(due(&calendar, "2018-11-14", 20, CabinetOffice), d("2018-12-14"));
    assert_eq!(calendar.working_days_between(d("2018-11-14"), d("2018-12-14")), 20);
}

// --- Clock stops and extensions --------------------------------------------------------------

fn stop(from: &str, until: Option<&str>) -> ClockStop {
    ClockStop { from: d(from), until: until.map(d) }
}

#[test]
fn a_five_working_day_clock_stop_pushes_the_deadline_by_five_working_days() {
    let calendar = ew();
    // Stopped Mon 19 Nov 2018, ran again Mon 26 Nov: 5 working days.
    let stops = [stop("2018-11-19", Some("2018-11-26"))];
    let deadline = calendar.deadline(d("2018-11-14"), 20, CabinetOffice, &stops).unwrap();
    assert_eq!(deadline, Deadline::Due { date: d("2018-12-19") });
    assert_eq!(calendar.extend(d("2018-12-12"), 5).unwrap(), d("2018-12-19"));
    // A stop from Saturday to Saturday covers the same 5 working days.
    let stops = [stop("2018-11-17", Some("2018-11-24"))];
    assert_eq!(calendar.deadline(d("2018-11-14"), 20, CabinetOffice, &stops).unwrap().date(), Some(d("2018-12-19")));
}

#[test]
fn clock_stops_overlapping_before_or_after_the_count() {
    let calendar = ew();
    let received = d("2018-11-14");
    // Overlapping stops count once: 19–23 Nov and 21–28 Nov → 19–27 Nov, 7 working days.
    let stops = [stop("2018-11-19", Some("2018-11-24")), stop("2018-11-21", Some("2018-11-28"))];
    assert_eq!(calendar.deadline(received, 20, CabinetOffice, &stops).unwrap().date(), Some(d("2018-12-21")));
    // A stop entirely before the receipt, or after the deadline, changes nothing.
    let stops = [stop("2018-10-01", Some("2018-11-01")), stop("2018-12-13", None)];
    assert_eq!(calendar.deadline(received, 20, CabinetOffice, &stops).unwrap().date(), Some(d("2018-12-12")));
    // An empty stop (restarted the same day) changes nothing.
    let stops = [stop("2018-11-20", Some("2018-11-20"))];
    assert_eq!(calendar.deadline(received, 20, CabinetOffice, &stops).unwrap().date(), Some(d("2018-12-12")));
}

#[test]
fn an_open_clock_stop_suspends_the_deadline() {
    let calendar = ew();
    let stops = [stop("2018-11-19", None)];
    let outcome = calendar.deadline(d("2018-11-14"), 20, CabinetOffice, &stops).unwrap();
    // Counted Thu 15 and Fri 16 Nov before the stop.
    assert_eq!(outcome, Deadline::Suspended { since: d("2018-11-19"), counted: 2, remaining: 18 });
    assert_eq!(outcome.date(), None);
}

#[test]
fn a_clock_stop_ending_before_it_starts_is_an_error() {
    let stops = [stop("2018-11-19", Some("2018-11-18"))];
    assert!(matches!(
        ew().deadline(d("2018-11-14"), 20, CabinetOffice, &stops),
        Err(CalendarError::InvalidClockStop { .. })
    ));
}

#[test]
fn a_clock_stop_reaching_the_end_of_time_is_an_error_not_a_hang() {
    let stops = [ClockStop { from: d("2018-11-19"), until: Some(NaiveDate::MAX) }];
    assert!(matches!(ew().deadline(d("2018-11-14"), 20, CabinetOffice, &stops), Err(CalendarError::OutOfRange { .. })));
}

#[test]
fn extensions_add_working_days_after_the_deadline() {
    let calendar = ew();
    // Deadline Fri 21 Dec 2018 + 5: Mon 24, Thu 27, Fri 28, Mon 31 Dec, Wed 2 Jan 2019.
    assert_eq!(calendar.extend(d("2018-12-21"), 5).unwrap(), d("2019-01-02"));
    assert_eq!(calendar.extend(d("2018-12-21"), 0).unwrap(), d("2018-12-21"));
    // FOI-style +20.
    assert_eq!(calendar.extend(d("2018-12-12"), 20).unwrap(), d("2019-01-14"));
}

// --- Limits: no panics -----------------------------------------------------------------------

#[test]
fn huge_counts_are_refused() {
    let result = ew().add_working_days(d("2018-11-14"), u32::MAX, CabinetOffice);
    assert_eq!(result, Err(CalendarError::TooManyWorkingDays { n: u32::MAX, max: MAX_WORKING_DAYS }));
    assert!(ew().add_working_days(d("2018-11-14"), MAX_WORKING_DAYS, Hocs).is_ok());
    assert!(ew().extend(d("2018-11-14"), MAX_WORKING_DAYS + 1).is_err());
}

#[test]
fn dates_at_the_edges_of_chrono_give_errors_not_panics() {
    let calendar = ew();
    for rule in [CabinetOffice, Hocs] {
        for n in [0, 1, 20, MAX_WORKING_DAYS] {
            let max = NaiveDate::MAX;
            if n > 0 {
                assert!(matches!(calendar.add_working_days(max, n, rule), Err(CalendarError::OutOfRange { .. })));
            }
            // Near the end: a result or an error, never a panic.
            let mut start = max;
            for _ in 0..10 {
                start = start.pred_opt().unwrap();
                let result = calendar.add_working_days(start, n, rule);
                assert!(result.is_ok() || matches!(result, Err(CalendarError::OutOfRange { .. })));
                if let Ok(explanation) = calendar.explain(start, n, rule, &[]) {
                    let _ = explanation.to_string();
                }
            }
            let early = calendar.add_working_days(NaiveDate::MIN, n, rule).unwrap();
            assert!(early >= NaiveDate::MIN);
            let text = calendar.explain(NaiveDate::MIN, n, rule, &[]).unwrap().to_string();
            assert!(text.contains("Warning: bank holidays are known only"));
        }
    }
    assert!(calendar.next_working_day(NaiveDate::MAX).is_err());
    assert_eq!(calendar.working_days_late(NaiveDate::MAX, NaiveDate::MIN), 0);
    let all = calendar.working_days_between(NaiveDate::MIN, NaiveDate::MAX);
    assert!(all > 60_000_000, "{all}");
}

#[test]
fn working_days_between_matches_counting_day_by_day() {
    let calendar = Calendar::new(BankHolidays::embedded(), &Region::ALL, &[d("2019-06-03"), d("2019-06-08")]).unwrap();
    let from = d("2018-12-20");
    let mut expected = 0;
    let mut day = from;
    for _ in 0..800 {
        assert_eq!(calendar.working_days_between(from, day), expected, "to {day}");
        assert_eq!(calendar.working_days_between(day, from), 0);
        day = day.succ_opt().unwrap();
        if calendar.is_working_day(day) {
            expected += 1;
        }
    }
}

#[test]
fn add_then_between_round_trips_for_every_start_in_a_year() {
    let calendar = cal(&[EnglandAndWales, Scotland]);
    let mut start = d("2026-01-01");
    while start < d("2027-01-01") {
        for n in [1, 5, 20] {
            let end = calendar.add_working_days(start, n, CabinetOffice).unwrap();
            assert!(calendar.is_working_day(end));
            assert_eq!(calendar.working_days_between(start, end), n, "{start} + {n}");
            let hocs = calendar.add_working_days(start, n, Hocs).unwrap();
            assert!(hocs >= end);
            assert_eq!(hocs == end, calendar.is_working_day(start), "{start} + {n}");
        }
        start = start.succ_opt().unwrap();
    }
}

// --- Explanations ------------------------------------------------------------------------------

#[test]
fn explanation_lists_each_skipped_day_and_why() {
    let calendar = ew();
    let explanation = calendar.explain(d("2018-11-14"), 20, CabinetOffice, &[]).unwrap();
    assert_eq!(explanation.outcome, Deadline::Due { date: d("2018-12-12") });
    assert_eq!(explanation.day_one, Some(d("2018-11-15")));
    let skipped: Vec<NaiveDate> = explanation
        .skipped
        .iter()
        .map(|s| match s {
            Skipped::NonWorking { date, .. } => *date,
            Skipped::ClockStopped { from, .. } => *from,
        })
        .collect();
    let weekends = [
        "2018-11-17",
        "2018-11-18",
        "2018-11-24",
        "2018-11-25",
        "2018-12-01",
        "2018-12-02",
        "2018-12-08",
        "2018-12-09",
    ];
    assert_eq!(skipped, weekends.map(d).to_vec());
    let text = explanation.to_string();
    assert!(text.contains("Received on Wednesday 14 November 2018."), "{text}");
    assert!(
        text.contains("day 1 is the first working day after the date of receipt: Thursday 15 November 2018."),
        "{text}"
    );
    assert!(text.contains("  Saturday 17 and Sunday 18 November 2018: weekend\n"), "{text}");
    assert!(text.contains("  Saturday 1 and Sunday 2 December 2018: weekend\n"), "{text}");
    assert!(text.contains("Deadline: Wednesday 12 December 2018, working day 20."), "{text}");
    assert!(!text.contains("Warning"), "{text}");
}

#[test]
fn explanation_names_holidays_clock_stops_and_exemptions() {
    let calendar = Calendar::new(BankHolidays::embedded(), &[EnglandAndWales], &[d("2018-12-24")]).unwrap();
    let stops = [stop("2018-11-19", Some("2018-11-26"))];
    let explanation = calendar.explain(d("2018-11-14"), 20, CabinetOffice, &stops).unwrap();
    // 12 Dec + 5 working days = 19 Dec; no holiday before then, so the exemption is not reached.
    assert_eq!(explanation.outcome.date(), Some(d("2018-12-19")));
    assert!(explanation.skipped.contains(&Skipped::ClockStopped {
        from: d("2018-11-19"),
        until: d("2018-11-26"),
        working_days: 5
    }));
    let text = explanation.to_string();
    assert!(
        text.contains("  Monday 19 to Sunday 25 November 2018: clock stopped, 5 working days not counted; it ran again on Monday 26 November 2018"),
        "{text}"
    );
    let explanation = calendar.explain(d("2018-12-19"), 5, CabinetOffice, &[]).unwrap();
    // Thu 20, Fri 21; Sat 22, Sun 23, Mon 24 (exempt), Tue 25, Wed 26 skipped; Thu 27, Fri 28, Mon 31.
    assert_eq!(explanation.outcome.date(), Some(d("2018-12-31")));
    let text = explanation.to_string();
    assert!(text.contains("  Monday 24 December 2018: exemption date for this case type\n"), "{text}");
    assert!(text.contains("  Tuesday 25 December 2018: Christmas Day, bank holiday in England and Wales\n"), "{text}");
    assert!(text.contains("  Wednesday 26 December 2018: Boxing Day, bank holiday in England and Wales\n"), "{text}");
}

#[test]
fn explanation_of_the_hocs_rule_shows_the_moved_receipt() {
    let explanation = ew().explain(d("2024-03-30"), 20, Hocs, &[]).unwrap();
    assert_eq!(explanation.counting_from, d("2024-04-02"));
    assert_eq!(explanation.day_one, Some(d("2024-04-03")));
    let text = explanation.to_string();
    assert!(text.contains("Received on Saturday 30 March 2024, a non-working day (weekend)."), "{text}");
    assert!(text.contains("moves to the next working day, Tuesday 2 April 2024, and day 1 is the working day after that: Wednesday 3 April 2024."), "{text}");
    assert!(text.contains("  Sunday 31 March 2024: weekend\n"), "{text}");
    assert!(text.contains("  Monday 1 April 2024: Easter Monday, bank holiday in England and Wales\n"), "{text}");
    assert!(text.contains("Deadline: Tuesday 30 April 2024, working day 20."), "{text}");
}

#[test]
fn explanation_of_a_suspended_count() {
    let explanation = ew().explain(d("2018-11-14"), 20, CabinetOffice, &[stop("2018-11-19", None)]).unwrap();
    let text = explanation.to_string();
    assert!(text.contains("Deadline not yet known: the clock stopped on Monday 19 November 2018"), "{text}");
    assert!(text.contains("2 of 20 working days counted, 18 to go."), "{text}");
}

#[test]
fn explanation_warns_when_holidays_are_unknown() {
    let explanation = ew().explain(d("2028-12-01"), 40, CabinetOffice, &[]).unwrap();
    assert!(!explanation.holidays_known_throughout);
    assert!(
        explanation
            .to_string()
            .contains("Warning: bank holidays are known only from 1 January 2012 to 31 December 2028")
    );
}

// --- Regions, rules and the feed ---------------------------------------------------------------

#[test]
fn region_and_rule_text_forms() {
    for region in Region::ALL {
        assert_eq!(region.to_string().parse::<Region>().unwrap(), region);
        let json = serde_json::to_string(&region).unwrap();
        assert_eq!(json, format!("\"{region}\""));
        assert_eq!(serde_json::from_str::<Region>(&json).unwrap(), region);
    }
    assert_eq!("england-and-wales".parse::<Region>().unwrap(), EnglandAndWales);
    assert_eq!("northern-ireland".parse::<Region>().unwrap(), NorthernIreland);
    assert!(matches!("wales".parse::<Region>(), Err(CalendarError::UnknownRegion(_))));
    assert_eq!(DayOneRule::default(), CabinetOffice);
    assert_eq!(serde_json::to_string(&CabinetOffice).unwrap(), "\"cabinet-office\"");
    assert_eq!(serde_json::from_str::<DayOneRule>("\"hocs\"").unwrap(), Hocs);
    assert_eq!("hocs".parse::<DayOneRule>().unwrap(), Hocs);
    assert!("HOCS".parse::<DayOneRule>().is_err());
}

#[test]
fn the_embedded_feed_has_all_regions_2012_to_2028() {
    let holidays = BankHolidays::embedded();
    assert_eq!(holidays.regions().collect::<Vec<_>>(), Region::ALL.to_vec());
    for region in Region::ALL {
        assert_eq!(holidays.coverage(region), Some((d("2012-01-01"), d("2028-12-31"))));
    }
    let ew: Vec<_> = holidays
        .holidays(EnglandAndWales)
        .filter(|(date, _)| *date >= d("2026-01-01") && *date < d("2027-01-01"))
        .map(|(date, _)| date.to_string())
        .collect();
    assert_eq!(
        ew,
        [
            "2026-01-01",
            "2026-04-03",
            "2026-04-06",
            "2026-05-04",
            "2026-05-25",
            "2026-08-31",
            "2026-12-25",
            "2026-12-28"
        ]
    );
    assert_eq!(
        holidays.get(EnglandAndWales, d("2022-09-19")).map(|h| h.title.as_str()),
        Some("Bank Holiday for the State Funeral of Queen Elizabeth II")
    );
}

#[test]
fn the_feed_round_trips_through_to_govuk_json() {
    let holidays = BankHolidays::embedded();
    let text = holidays.to_govuk_json();
    assert_eq!(&BankHolidays::from_govuk_json(&text).unwrap(), holidays);
}

const SMALL: &str = r#"{
  "scotland": {
    "division": "scotland",
    "events": [
      {"title": "St Andrew’s Day", "date": "2030-12-02", "notes": "Substitute day", "bunting": true},
      {"title": "Christmas Day", "date": "2030-12-25"}
    ]
  }
}"#;

#[test]
fn a_region_subset_parses_and_a_calendar_needing_another_region_is_refused() {
    let holidays = BankHolidays::from_govuk_json(SMALL).unwrap();
    assert_eq!(holidays.regions().collect::<Vec<_>>(), vec![Scotland]);
    assert_eq!(holidays.coverage(Scotland), Some((d("2030-01-01"), d("2030-12-31"))));
    assert_eq!(Calendar::new(&holidays, &[EnglandAndWales], &[]), Err(CalendarError::MissingRegion(EnglandAndWales)));
    assert_eq!(Calendar::new(&holidays, &[], &[]), Err(CalendarError::NoRegions));
    let calendar = Calendar::new(&holidays, &[Scotland], &[]).unwrap();
    assert_eq!(
        calendar.non_working_reason(d("2030-12-02")),
        Some(NonWorkingReason::BankHoliday {
            title: "St Andrew’s Day (Substitute day)".into(),
            regions: vec![Scotland]
        })
    );
}

#[test]
fn merge_replaces_the_years_the_newer_source_covers_and_keeps_the_rest() {
    let mut holidays = BankHolidays::embedded().clone();
    let newer = BankHolidays::from_govuk_json(
        r#"{"england-and-wales": {"events": [
            {"title": "New Year’s Day", "date": "2028-01-03", "notes": "Substitute day"},
            {"title": "Extra day", "date": "2028-06-05"},
            {"title": "New Year’s Day", "date": "2029-01-01"}
        ]}}"#,
    )
    .unwrap();
    holidays.merge(&newer);
    let ew_2028: Vec<_> = holidays
        .holidays(EnglandAndWales)
        .filter(|(date, _)| *date >= d("2028-01-01"))
        .map(|(date, title)| (date.to_string(), title.to_owned()))
        .collect();
    assert_eq!(ew_2028.len(), 3, "{ew_2028:?}"); // the embedded 2028 days were replaced
    assert_eq!(ew_2028[1], ("2028-06-05".into(), "Extra day".into()));
    assert_eq!(holidays.coverage(EnglandAndWales), Some((d("2012-01-01"), d("2029-12-31"))));
    // Earlier years and other regions are untouched.
    assert!(holidays.get(EnglandAndWales, d("2027-12-28")).is_some());
    assert_eq!(holidays.holidays(Scotland).count(), BankHolidays::embedded().holidays(Scotland).count());
}

#[test]
fn bad_feeds_give_errors_that_say_what_and_where() {
    let cases: &[(&str, &str)] = &[
        ("", "not valid JSON"),
        ("{not json", "not valid JSON"),
        ("[]", "expected a JSON object keyed by region"),
        ("{}", "no regions"),
        (r#"{"wales": {"events": []}}"#, "unknown region \"wales\""),
        (r#"{"scotland": []}"#, "scotland: expected an object"),
        (r#"{"scotland": {"division": "scotland"}}"#, "scotland: missing \"events\""),
        (r#"{"scotland": {"events": {}}}"#, "scotland.events: expected an array"),
        (r#"{"scotland": {"events": []}}"#, "scotland.events: the list is empty"),
        (r#"{"scotland": {"division": "england-and-wales", "events": []}}"#, "scotland.division"),
        (r#"{"scotland": {"events": [1]}}"#, "scotland.events[0]: expected an object"),
        (r#"{"scotland": {"events": [{"title": "X"}]}}"#, "scotland.events[0]: missing \"date\""),
        (
            r#"{"scotland": {"events": [{"title": "X", "date": "2018-01-01"}, {"title": "Y", "date": "2018-13-01"}]}}"#,
            "scotland.events[1].date: \"2018-13-01\" is not a date (expected YYYY-MM-DD)",
        ),
        (r#"{"scotland": {"events": [{"title": "X", "date": "2019-02-29"}]}}"#, "\"2019-02-29\" is not a date"),
        (r#"{"scotland": {"events": [{"title": "X", "date": "1/1/2019"}]}}"#, "is not a date"),
        (r#"{"scotland": {"events": [{"title": "X", "date": 20190101}]}}"#, "expected a string YYYY-MM-DD"),
        (r#"{"scotland": {"events": [{"date": "2019-01-01"}]}}"#, "missing \"title\""),
        (r#"{"scotland": {"events": [{"title": " ", "date": "2019-01-01"}]}}"#, "title: it is empty"),
        (
            r#"{"scotland": {"events": [{"title": "X", "date": "2019-01-01", "bunting": "yes"}]}}"#,
            "bunting: expected true or false",
        ),
        (r#"{"scotland": {"events": [{"title": "X", "date": "2019-01-01", "notes": 3}]}}"#, "notes: expected a string"),
        (
            r#"{"scotland": {"events": [{"title": "X", "date": "2019-01-01"}, {"title": "Y", "date": "2019-01-01"}]}}"#,
            "2019-01-01 is listed twice",
        ),
    ];
    for (text, expected) in cases {
        let error = BankHolidays::from_govuk_json(text).unwrap_err().to_string();
        assert!(error.contains(expected), "{text}\n  gave: {error}\n  expected: {expected}");
    }
}

#[test]
fn parse_iso_date_is_strict() {
    assert_eq!(parse_iso_date("2018-11-14"), NaiveDate::from_ymd_opt(2018, 11, 14));
    for bad in ["2018-1-14", "14/11/2018", "2018-11-14 ", "2018-02-30", "+2018-11-14", "", "２０１８-11-14"] {
        assert_eq!(parse_iso_date(bad), None, "{bad}");
    }
}

#[test]
fn explanation_of_an_extension_with_a_clock_stop_after_the_original_deadline() {
    let calendar = ew();
    // 20 working days → Wed 12 Dec 2018; +5 → Wed 19 Dec; a stop on Mon 17 and Tue 18 Dec
    // (after the original deadline, inside the extension) pushes it to Fri 21 Dec.
    let stops = [stop("2018-12-17", Some("2018-12-19"))];
    let explanation = calendar.explain_extended(d("2018-11-14"), 20, 5, CabinetOffice, &stops).unwrap();
    assert_eq!(explanation.deadline_before_extension, Some(d("2018-12-12")));
    assert_eq!(explanation.outcome.date(), Some(d("2018-12-21")));
    assert_eq!(calendar.deadline(d("2018-11-14"), 25, CabinetOffice, &stops).unwrap().date(), Some(d("2018-12-21")));
    // Without the stop it agrees with `extend`.
    let plain = calendar.explain_extended(d("2018-11-14"), 20, 5, CabinetOffice, &[]).unwrap();
    assert_eq!(plain.outcome.date(), Some(calendar.extend(d("2018-12-12"), 5).unwrap()));
    let text = explanation.to_string();
    assert!(text.contains("Counting 20 working days and an extension of 5."), "{text}");
    assert!(
        text.contains("Deadline: Friday 21 December 2018, working day 25 (20 working days to Wednesday 12 December 2018, then the extension of 5)."),
        "{text}"
    );
    assert!(matches!(
        calendar.explain_extended(d("2018-11-14"), MAX_WORKING_DAYS, 1, CabinetOffice, &[]),
        Err(CalendarError::TooManyWorkingDays { .. })
    ));
    assert!(calendar.explain_extended(d("2018-11-14"), u32::MAX, u32::MAX, Hocs, &[]).is_err());
}

#[test]
fn explanation_names_the_regions_in_plain_english() {
    let calendar = Calendar::new(BankHolidays::embedded(), &[Scotland, EnglandAndWales], &[d("2026-12-24")]).unwrap();
    let text = calendar.explain(d("2026-12-10"), 20, CabinetOffice, &[]).unwrap().to_string();
    assert!(
        text.contains("Working days exclude weekends, bank holidays in England and Wales or Scotland, and this case type's exemption dates."),
        "{text}"
    );
    assert!(text.contains("  Thursday 24 December 2026: exemption date for this case type\n"), "{text}");
    assert!(
        text.contains("  Friday 25 December 2026: Christmas Day, bank holiday in England and Wales and in Scotland\n"),
        "{text}"
    );
    assert!(
        text.contains("  Monday 4 January 2027: 2nd January (Substitute day), bank holiday in Scotland\n"),
        "{text}"
    );
    let all = cal(&Region::ALL).explain(d("2018-11-14"), 20, Hocs, &[]).unwrap().to_string();
    assert!(all.contains("bank holidays in England and Wales, Scotland or Northern Ireland."), "{all}");
    assert!(
        all.contains("HOCS rule: day 1 is the first working day after the date of receipt: Thursday 15 November 2018."),
        "{all}"
    );
    assert!(all.contains("  Friday 30 November 2018: St Andrew’s Day, bank holiday in Scotland\n"), "{all}");
}
