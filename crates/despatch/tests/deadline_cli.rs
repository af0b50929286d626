//! `despatch deadline`, run as a user runs it: the built binary, its output and exit status.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

fn despatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_despatch")).arg("deadline").args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Runs and expects success; gives stdout.
fn ok(args: &[&str]) -> String {
    let output = despatch(args);
    assert!(output.status.success(), "{args:?} failed: {}\n{}", output.status, stderr(&output));
    stdout(&output)
}

/// Runs and expects failure with `code`, without a panic; gives stderr.
fn fails(args: &[&str], code: i32) -> String {
    let output = despatch(args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(code), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(stdout(&output).is_empty(), "{args:?} printed: {}", stdout(&output));
    err
}

#[test]
fn the_min_0017733_18_example_explained() {
    let out = ok(&["--received", "2018-11-14", "--working-days", "20", "--region", "england-and-wales", "--explain"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "2018-12-12");
    assert_eq!(lines[1], "Received on Wednesday 14 November 2018.");
    for weekend in [
        "  Saturday 17 and Sunday 18 November 2018: weekend",
        "  Saturday 24 and Sunday 25 November 2018: weekend",
        "  Saturday 1 and Sunday 2 December 2018: weekend",
        "  Saturday 8 and Sunday 9 December 2018: weekend",
    ] {
        assert!(lines.contains(&weekend), "{out}");
    }
    assert!(out.contains("Thursday 15 November 2018"), "{out}");
    assert_eq!(lines.last().copied(), Some("Deadline: Wednesday 12 December 2018, working day 20."));
}

#[test]
fn despatched_adds_days_late_or_on_time() {
    let base = ["--received", "2018-11-14", "--working-days", "20"];
    let late = ok(&[&base[..], &["--despatched", "2018-12-21"]].concat());
    assert_eq!(late, "2018-12-12\n7 working days late\n");
    let explained = ok(&[&base[..], &["--despatched", "2018-12-21", "--explain"]].concat());
    assert!(explained.starts_with("2018-12-12\nReceived on"), "{explained}");
    assert!(explained.ends_with("\n7 working days late\n"), "{explained}");
    assert_eq!(ok(&[&base[..], &["--despatched", "2018-12-12"]].concat()), "2018-12-12\non time\n");
    assert_eq!(ok(&[&base[..], &["--despatched", "2018-12-13"]].concat()), "2018-12-12\n1 working day late\n");
    // Deadline Fri 14 Dec 2018, despatched Sat 15 Dec: late, though by no working day.
    assert_eq!(
        ok(&["--received", "2018-11-16", "--working-days", "20", "--despatched", "2018-12-15"]),
        "2018-12-14\n0 working days late (despatched after the deadline, on Saturday 15 December \
         2018, which is not a working day)\n"
    );
}

#[test]
fn hocs_and_cabinet_office_rules_for_a_saturday_receipt_at_easter() {
    let base = ["--received", "2024-03-30", "--working-days", "20"];
    assert_eq!(ok(&base), "2024-04-29\n");
    assert_eq!(ok(&[&base[..], &["--rule", "cabinet-office"]].concat()), "2024-04-29\n");
    let hocs = ok(&[&base[..], &["--rule", "hocs", "--explain"]].concat());
    assert!(hocs.starts_with("2024-04-30\n"), "{hocs}");
    assert!(hocs.contains("  Monday 1 April 2024: Easter Monday, bank holiday in England and Wales\n"), "{hocs}");
    assert!(hocs.contains("Wednesday 3 April 2024"), "{hocs}");
}

#[test]
fn regions_exemptions_clock_stops_and_extensions() {
    let base = ["--received", "2026-12-10", "--working-days", "20"];
    assert_eq!(ok(&base), "2027-01-12\n");
    assert_eq!(ok(&[&base[..], &["--region", "scotland"]].concat()), "2027-01-13\n");
    assert_eq!(
        ok(&[&base[..], &["--region", "england-and-wales", "--region", "northern-ireland"]].concat()),
        "2027-01-12\n"
    );
    assert_eq!(ok(&[&base[..], &["--exempt", "2026-12-24"]].concat()), "2027-01-13\n");
    let base = ["--received", "2018-11-14", "--working-days", "20"];
    assert_eq!(ok(&[&base[..], &["--clock-stop", "2018-11-19..2018-11-26"]].concat()), "2018-12-19\n");
    assert_eq!(ok(&[&base[..], &["--extend", "5"]].concat()), "2018-12-19\n");
    let suspended = ok(&[&base[..], &["--clock-stop", "2018-11-19..", "--explain"]].concat());
    assert!(suspended.starts_with("suspended\n"), "{suspended}");
    assert!(suspended.contains("2 of 20 working days counted, 18 to go"), "{suspended}");
}

#[test]
fn json_output() {
    let out = ok(&[
        "--received",
        "2018-11-14",
        "--working-days",
        "20",
        "--despatched",
        "2018-12-21",
        "--format",
        "json",
        "--explain",
    ]);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["deadline"], "2018-12-12");
    assert_eq!(value["status"], "due");
    assert_eq!(value["working_days_late"], 7);
    assert_eq!(value["late"], true);
    assert_eq!(value["regions"], serde_json::json!(["england-and-wales"]));
    assert_eq!(value["rule"], "cabinet-office");
    assert_eq!(value["explanation"]["day_one"], "2018-11-15");
    assert_eq!(
        value["explanation"]["skipped"][0],
        serde_json::json!({"kind": "non-working", "date": "2018-11-17", "reason": {"kind": "saturday"}})
    );
    assert_eq!(value["holidays_known"]["to"], "2028-12-31");
}

#[test]
fn a_holidays_file_replaces_the_built_in_list() {
    let dir = std::env::temp_dir().join(format!("despatch-deadline-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Only one holiday, Monday 3 December 2018, and no Christmas.
    let good = dir.join("holidays.json");
    std::fs::write(
        &good,
        r#"{"england-and-wales": {"division": "england-and-wales", "events": [
            {"title": "Test day", "date": "2018-12-03", "notes": "", "bunting": false}]}}"#,
    )
    .unwrap();
    let good = good.to_str().unwrap();
    let out = ok(&["--received", "2018-11-14", "--working-days", "20", "--holidays", good, "--explain"]);
    assert!(out.starts_with("2018-12-13\n"), "{out}");
    assert!(out.contains("  Monday 3 December 2018: Test day, bank holiday in England and Wales\n"));

    let err =
        fails(&["--received", "2018-11-14", "--working-days", "20", "--holidays", good, "--region", "scotland"], 1);
    assert!(err.contains("--region scotland"), "{err}");
    assert!(err.contains("has no bank holidays for scotland"), "{err}");

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"scotland": {"events": [{"title": "X", "date": "2018-13-01"}]}}"#).unwrap();
    let err = fails(&["--received", "2018-11-14", "--working-days", "20", "--holidays", bad.to_str().unwrap()], 1);
    assert!(err.contains("--holidays"), "{err}");
    assert!(err.contains("scotland.events[0].date: \"2018-13-01\" is not a date"), "{err}");

    let not_json = dir.join("not.json");
    std::fs::write(&not_json, "<html>").unwrap();
    let err = fails(&["--received", "2018-11-14", "--working-days", "20", "--holidays", not_json.to_str().unwrap()], 1);
    assert!(err.contains("not valid JSON"), "{err}");

    let missing = dir.join("missing.json");
    let err = fails(&["--received", "2018-11-14", "--working-days", "20", "--holidays", missing.to_str().unwrap()], 1);
    assert!(err.contains("--holidays: cannot read"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_names_the_flag_and_never_panics() {
    let cases: &[(&[&str], &str)] = &[
        (&["--received", "2018-13-01", "--working-days", "20"], "--received"),
        (&["--received", "14/11/2018", "--working-days", "20"], "YYYY-MM-DD"),
        (&["--received", "2018-11-14", "--working-days", "twenty"], "--working-days"),
        (&["--received", "2018-11-14", "--working-days", "4294967296"], "--working-days"),
        (&["--received", "2018-11-14", "--working-days", "10001"], "--working-days"),
        (&["--received", "2018-11-14"], "--working-days"),
        (&["--working-days", "20"], "--received"),
        (&["--received", "2018-11-14", "--working-days", "20", "--region", "wales"], "--region"),
        (&["--received", "2018-11-14", "--working-days", "20", "--rule", "cabinet"], "--rule"),
        (&["--received", "2018-11-14", "--working-days", "20", "--exempt", "2018-02-30"], "--exempt"),
        (&["--received", "2018-11-14", "--working-days", "20", "--despatched", "yesterday"], "--despatched"),
        (&["--received", "2018-11-14", "--working-days", "20", "--despatched", "2018-11-13"], "--despatched"),
        (&["--received", "2018-11-14", "--working-days", "20", "--clock-stop", "2018-11-19"], "--clock-stop"),
        (
            &["--received", "2018-11-14", "--working-days", "20", "--clock-stop", "2018-11-19..2018-11-18"],
            "--clock-stop",
        ),
        (&["--received", "2018-11-14", "--working-days", "9000", "--extend", "5000"], "--extend"),
        (&["--received", "2018-11-14", "--working-days", "20", "--format", "xml"], "--format"),
    ];
    for (args, flag) in cases {
        let err = fails(args, 2);
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}

#[test]
fn dates_beyond_the_known_holidays_warn_on_stderr() {
    let output = despatch(&["--received", "2028-12-01", "--working-days", "20"]);
    assert!(output.status.success());
    assert_eq!(stdout(&output), "2029-01-02\n");
    assert!(
        stderr(&output).contains("warning: bank holidays are known only from 2012-01-01 to 2028-12-31"),
        "{}",
        stderr(&output)
    );
    let quiet = despatch(&["--received", "2018-11-14", "--working-days", "20"]);
    assert_eq!(stderr(&quiet), "");
}
