//! Draws a case type's flow as Mermaid or Graphviz DOT text.

use std::fmt::Write;

use super::model::{CaseTypeDefinition, Condition};

/// Output format of [`draw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// A Mermaid `flowchart`, for Markdown and the web UI.
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

const END: &str = "CLOSED";

/// The flow of `definition`: one node per stage, one edge per decision, labelled with its
/// condition and the reason note it requires.
pub fn draw(definition: &CaseTypeDefinition, format: GraphFormat) -> String {
    let mut out = String::new();
    match format {
        GraphFormat::Mermaid => {
            let _ = writeln!(out, "flowchart TD");
            let _ = writeln!(out, "  START(( )) --> {}", definition.initial_stage.get_ref());
            for stage in &definition.stages {
                let _ = writeln!(out, "  {}[\"{}\"]", stage.id.get_ref(), escape(&stage.name));
            }
            let _ = writeln!(out, "  {END}((Closed))");
        }
        GraphFormat::Dot => {
            let _ = writeln!(out, "digraph {} {{", definition.code);
            let _ = writeln!(out, "  rankdir=TB; node [shape=box, style=rounded];");
            let _ = writeln!(out, "  START [shape=point]; START -> {};", definition.initial_stage.get_ref());
            for stage in &definition.stages {
                let _ = writeln!(out, "  {} [label=\"{}\"];", stage.id.get_ref(), escape(&stage.name));
            }
            let _ = writeln!(out, "  {END} [label=\"Closed\", shape=doublecircle];");
        }
    }
    for stage in &definition.stages {
        for transition in &stage.transitions {
            let target = transition.to.as_ref().map_or(END, |to| to.get_ref().as_str());
            let mut label = transition.when.as_ref().map(describe).unwrap_or_default();
            if let Some(note) = &transition.note {
                if !label.is_empty() {
                    label.push_str("; ");
                }
                let _ = write!(label, "{note} note");
            }
            let from = stage.id.get_ref();
            match (format, label.is_empty()) {
                (GraphFormat::Mermaid, true) => {
                    let _ = writeln!(out, "  {from} --> {target}");
                }
                (GraphFormat::Mermaid, false) => {
                    let _ = writeln!(out, "  {from} -->|\"{}\"| {target}", escape(&label));
                }
                (GraphFormat::Dot, _) => {
                    let _ = writeln!(out, "  {from} -> {target} [label=\"{}\"];", escape(&label));
                }
            }
        }
    }
    if format == GraphFormat::Dot {
        out.push_str("}\n");
    }
    out
}

fn describe(condition: &Condition) -> String {
    condition
        .iter()
        .map(|(key, values)| format!("{} = {}", key.get_ref(), values.values().join(" or ")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn escape(text: &str) -> String {
    text.replace('"', "'")
}
