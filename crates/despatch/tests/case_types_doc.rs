//! docs/CASE_TYPES.md shows the flows the built-in definitions actually have.

use std::process::Command;

#[test]
fn the_case_types_page_draws_each_built_in_flow_as_the_definitions_have_it() {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/CASE_TYPES.md")).expect("read page");
    for code in ["MIN", "TRO", "DTEN"] {
        let output = Command::new(env!("CARGO_BIN_EXE_despatch"))
            .args(["definitions", "graph", code, "--format", "mermaid"])
            .output()
            .expect("run despatch");
        assert!(output.status.success());
        let graph = String::from_utf8(output.stdout).expect("text");
        assert!(
            page.contains(&format!("## {code}\n\n```mermaid\n{graph}```")),
            "docs/CASE_TYPES.md is out of date for {code}: regenerate it with `despatch definitions graph {code} --format mermaid`"
        );
    }
}
