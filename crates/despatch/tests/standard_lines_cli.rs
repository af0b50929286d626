//! `despatch standard-lines load`: the example file loads, loading it again changes nothing, a
//! changed line replaces the current one with its title, and a broken file is refused whole.

use std::process::Command;

fn despatch(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_despatch")).args(args).output().expect("run despatch")
}

fn load(file: &str, db: &str) -> (bool, String, String) {
    let output = despatch(&["standard-lines", "load", file, "--db", db]);
    let out = String::from_utf8_lossy(&output.stdout).to_string();
    (output.status.success(), out, String::from_utf8_lossy(&output.stderr).to_string())
}

#[test]
fn the_example_lines_load_once_a_changed_line_replaces_its_title_and_a_broken_file_changes_nothing() {
    let dir = tempfile::tempdir().expect("folder");
    let db = dir.path().join("lines.db").display().to_string();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/standard-lines.toml");
    let lines = std::fs::read_to_string(example).expect("read example").matches("[[lines]]").count();

    let (ok, out, err) = load(example, &db);
    assert!(ok, "{out}{err}");
    assert!(out.contains(&format!("{lines} added, 0 updated, 0 unchanged")), "{out}");
    let (ok, out, _) = load(example, &db);
    assert!(ok && out.contains(&format!("0 added, 0 updated, {lines} unchanged")), "{out}");

    let changed = dir.path().join("changed.toml");
    let text =
        std::fs::read_to_string(example).expect("read example").replacen("expires = 2019-", "expires = 2029-", 1);
    std::fs::write(&changed, text).expect("write");
    let (ok, out, _) = load(&changed.display().to_string(), &db);
    assert!(ok && out.contains(&format!("0 added, 1 updated, {} unchanged", lines - 1)), "{out}");

    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[[lines]]\ntopic = \"T\"\ntitle = \"A\"\ntext = \"x\"\nexpires = \"soon\"\n")
        .expect("write");
    let (ok, _, err) = load(&broken.display().to_string(), &db);
    assert!(!ok, "a line without a plain expiry date is refused");
    assert!(err.contains("broken.toml"), "the error names the file: {err}");
}
