//! `despatch definitions`, run as a user runs it: the built binary on a folder of files.

use std::path::Path;
use std::process::{Command, Output};

const MIN: &str = include_str!("../../../definitions/MIN.toml");

fn despatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_despatch")).arg("definitions").args(args).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Runs and expects success; gives stdout.
fn ok(args: &[&str]) -> String {
    let output = despatch(args);
    assert!(output.status.success(), "{args:?} failed: {}\n{}", output.status, text(&output.stderr));
    text(&output.stdout)
}

/// Runs and expects exit status 1 without a panic; gives stderr.
fn fails(args: &[&str]) -> String {
    let output = despatch(args);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    stderr
}

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write a file");
    }
    dir
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is in the text"));
    text[..offset].matches('\n').count() + 1
}

#[test]
fn check_with_no_folder_lists_the_built_in_case_types() {
    let out = ok(&["check"]);
    assert!(out.starts_with("3 case-type definitions are valid:"), "{out}");
    for line in ["MIN v1  DCU Ministerial  <embedded>/MIN.toml", "TRO v1  DCU Treat Official", "DTEN v1  DCU Number 10"]
    {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
}

#[test]
fn check_prints_each_problem_as_file_line_sentence_and_exits_with_1() {
    let broken = MIN.replacen("to = \"QA_RESPONSE\"", "to = \"QA_RESPONS\"", 1);
    let syntax = MIN.replacen("name = \"Markup\"", "name = \"Markup", 1);
    let dir = folder(&[("broken.toml", &broken), ("syntax.toml", &syntax), ("notes.txt", "not a definition")]);
    let err = fails(&["check", arg(dir.path())]);
    let broken_file = dir.path().join("broken.toml");
    let expected = format!(
        "{}:{}: decision 5 of stage INITIAL_DRAFT goes to unknown stage QA_RESPONS",
        broken_file.display(),
        line_of(&broken, "to = \"QA_RESPONS\"")
    );
    assert!(err.lines().any(|line| line == expected), "{expected:?} missing from:\n{err}");
    let syntax_prefix =
        format!("{}:{}: ", dir.path().join("syntax.toml").display(), line_of(&syntax, "name = \"Markup"));
    assert!(err.lines().any(|line| line.starts_with(&syntax_prefix)), "{syntax_prefix:?} missing from:\n{err}");
    assert!(err.trim_end().ends_with("in 2 files"), "{err}");
    assert!(!err.contains("notes.txt"), "only *.toml files are read: {err}");
}

#[test]
fn a_file_with_the_code_and_version_of_a_built_in_definition_replaces_it() {
    let renamed = MIN.replacen("name = \"DCU Ministerial\"", "name = \"Ministerial (local)\"", 1);
    let dir = folder(&[("MIN.toml", &renamed)]);
    let out = ok(&["check", arg(dir.path())]);
    assert!(out.starts_with("3 case-type definitions are valid:"), "{out}");
    assert!(out.contains("MIN v1  Ministerial (local)"), "{out}");
    assert!(out.contains("(replaces the built-in one)"), "{out}");
    assert!(!out.contains("DCU Ministerial"), "{out}");
}

#[test]
fn two_files_in_the_folder_with_the_same_code_and_version_are_a_problem() {
    let dir = folder(&[("a.toml", MIN), ("b.toml", MIN)]);
    let err = fails(&["check", arg(dir.path())]);
    let expected = format!(
        "{}: MIN version 1 is also defined in {}",
        dir.path().join("b.toml").display(),
        dir.path().join("a.toml").display()
    );
    assert!(err.contains(&expected), "{expected:?} missing from:\n{err}");
}

#[test]
fn a_new_version_in_the_folder_is_checked_and_is_the_one_drawn() {
    let v2 = MIN.replacen("version = 1", "version = 2", 1).replacen(
        "name = \"Ministerial Sign Off\"",
        "name = \"Minister Signs\"",
        1,
    ) + "\n[[migrations]]\nfrom_version = 1\n";
    let dir = folder(&[("MIN-v2.toml", &v2)]);
    let out = ok(&["check", arg(dir.path())]);
    assert!(out.starts_with("4 case-type definitions are valid:"), "{out}");
    assert!(out.contains("MIN v1") && out.contains("MIN v2"), "{out}");
    let newest = ok(&["graph", "MIN", "--dir", arg(dir.path())]);
    assert!(newest.contains("MINISTER_SIGN_OFF[\"Minister Signs\"]"), "{newest}");
    let first = ok(&["graph", "min", "--version", "1", "--dir", arg(dir.path())]);
    assert!(first.contains("MINISTER_SIGN_OFF[\"Ministerial Sign Off\"]"), "{first}");
}

#[test]
fn graph_prints_mermaid_by_default_and_dot_on_request() {
    let mermaid = ok(&["graph", "MIN"]);
    assert!(mermaid.starts_with("flowchart TD\n"), "{mermaid}");
    assert!(
        mermaid.contains("  DISPATCH -->|\"CopyNumberTen = TRUE, DispatchDecision = ACCEPT\"| COPY_NUMBER_TEN"),
        "{mermaid}"
    );
    let dot = ok(&["graph", "TRO", "--format", "dot"]);
    assert!(dot.starts_with("digraph TRO {"), "{dot}");
    assert!(dot.contains("  COPY_NUMBER_TEN -> CLOSED"), "{dot}");
    assert!(!dot.contains("PRIVATE_OFFICE"), "TRO has no private office: {dot}");
}

#[test]
fn graph_of_an_unknown_case_type_or_version_fails_with_a_sentence() {
    let err = fails(&["graph", "FOI"]);
    assert!(err.contains("there is no case type FOI; the case types are DTEN, MIN, TRO"), "{err}");
    let err = fails(&["graph", "MIN", "--version", "9"]);
    assert!(err.contains("case type MIN has no version 9; its versions are 1"), "{err}");
}

#[test]
fn graph_refuses_to_draw_from_a_folder_with_a_broken_file() {
    let dir = folder(&[("broken.toml", "code = \"MIN\"\n")]);
    let err = fails(&["graph", "MIN", "--dir", arg(dir.path())]);
    assert!(err.contains(&format!("{}:", dir.path().join("broken.toml").display())), "{err}");
}

#[test]
fn a_missing_folder_or_a_file_that_is_not_text_is_reported() {
    let dir = folder(&[]);
    let missing = dir.path().join("nowhere");
    let err = fails(&["check", arg(&missing)]);
    assert!(err.contains("cannot read the folder"), "{err}");
    std::fs::write(dir.path().join("binary.toml"), [0xff, 0xfe, 0x00]).expect("write");
    let err = fails(&["check", arg(dir.path())]);
    assert!(err.contains("binary.toml: the file is not UTF-8 text"), "{err}");
}
