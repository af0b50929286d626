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
    for Edge { from, to, label } in edges(definition) {
        let target = to.as_deref().unwrap_or(END);
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
    if format == GraphFormat::Dot {
        out.push_str("}\n");
    }
    out
}

/// One decision of a case type: from a stage to the next stage, or to closing the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The stage id the decision leaves.
    pub from: String,
    /// The next stage id; `None` when the decision closes the case.
    pub to: Option<String>,
    /// When it is taken and the reason note it needs (`MarkupDecision = PR; REJECT note`);
    /// empty for an unconditional decision.
    pub label: String,
}

/// Every decision of `definition`, stage by stage in display order, each stage's in the order
/// they are tried.
pub fn edges(definition: &CaseTypeDefinition) -> Vec<Edge> {
    let mut edges = Vec::new();
    for stage in &definition.stages {
        for transition in &stage.transitions {
            let mut label = transition.when.as_ref().map(describe).unwrap_or_default();
            if let Some(note) = &transition.note {
                if !label.is_empty() {
                    label.push_str("; ");
                }
                let _ = write!(label, "{note} note");
            }
            let to = transition.to.as_ref().map(|to| to.get_ref().clone());
            edges.push(Edge { from: stage.id.get_ref().clone(), to, label });
        }
    }
    edges
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
