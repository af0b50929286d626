//! Draws a case type's flow as a self-contained SVG picture, with no layout library: the stages
//! stand in one column in display order (with Start above and Closed below); a decision to the
//! next stage is a straight arrow, one further down runs in a lane on the right, one going back
//! (a rejection) in a lane on the left. Lanes are given so that arrows sharing a side never
//! overlap. Only presentation attributes are used (no `style`), so a strict Content-Security-Policy
//! allows it inline.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::graph::edges;
use super::model::CaseTypeDefinition;

const BOX_WIDTH: i64 = 360;
const BOX_HEIGHT: i64 = 40;
const STEP: i64 = 72;
const LANE: i64 = 14;
const MARGIN: i64 = 16;
/// The service's system font stack (frontend/src/app.scss), as SVG text does not inherit the page's.
const FONTS: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// One arrow: node indexes (0 is Start, the last is Closed) and the decisions it stands for.
struct Arrow {
    from: usize,
    to: usize,
    labels: Vec<String>,
    lane: i64,
}

/// Gives each arrow of one side the lowest lane whose arrows do not overlap its span.
fn assign_lanes(arrows: &mut [&mut Arrow]) -> i64 {
    arrows.sort_by_key(|arrow| arrow.from.abs_diff(arrow.to));
    let mut lanes: Vec<Vec<(usize, usize)>> = Vec::new();
    for arrow in arrows.iter_mut() {
        let span = (arrow.from.min(arrow.to), arrow.from.max(arrow.to));
        let free = lanes.iter().position(|taken| taken.iter().all(|&(a, b)| span.1 < a || b < span.0));
        let lane = free.unwrap_or_else(|| {
            lanes.push(Vec::new());
            lanes.len() - 1
        });
        lanes[lane].push(span);
        arrow.lane = i64::try_from(lane).unwrap_or(0) + 1;
    }
    i64::try_from(lanes.len()).unwrap_or(0)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn index(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(0)
}

/// The flow of `definition` as an SVG element (`<svg …>…</svg>`), titled for screen readers.
/// Each arrow carries a `<title>` naming its decisions; pages should also list the decisions as
/// text.
pub fn svg(definition: &CaseTypeDefinition) -> String {
    let mut names: Vec<String> = vec!["Start".to_string()];
    names.extend(definition.stages.iter().map(|stage| stage.name.clone()));
    names.push("Closed".to_string());
    let closed = names.len() - 1;
    let position: BTreeMap<&str, usize> =
        definition.stages.iter().enumerate().map(|(i, stage)| (stage.id.get_ref().as_str(), i + 1)).collect();
    let mut grouped: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    if let Some(&first) = position.get(definition.initial_stage.get_ref().as_str()) {
        grouped.entry((0, first)).or_default();
    }
    for edge in edges(definition) {
        let (Some(&from), to) = (position.get(edge.from.as_str()), edge.to.as_deref()) else { continue };
        let to = match to {
            Some(to) => match position.get(to) {
                Some(&to) => to,
                None => continue,
            },
            None => closed,
        };
        let labels = grouped.entry((from, to)).or_default();
        if !edge.label.is_empty() {
            labels.push(edge.label);
        }
    }
    let mut arrows: Vec<Arrow> =
        grouped.into_iter().map(|((from, to), labels)| Arrow { from, to, labels, lane: 0 }).collect();
    let (mut right, mut left): (Vec<&mut Arrow>, Vec<&mut Arrow>) =
        arrows.iter_mut().filter(|arrow| arrow.to != arrow.from + 1).partition(|arrow| arrow.to > arrow.from);
    let right_lanes = assign_lanes(&mut right);
    let left_lanes = assign_lanes(&mut left);
    let box_x = MARGIN + left_lanes * LANE + MARGIN;
    let width = box_x + BOX_WIDTH + MARGIN + right_lanes * LANE + MARGIN;
    let height = MARGIN * 2 + index(names.len()) * STEP - (STEP - BOX_HEIGHT);
    let top = |i: usize| MARGIN + index(i) * STEP;
    let middle = |i: usize| top(i) + BOX_HEIGHT / 2;

    let mut out = String::new();
    let code = escape(&definition.code);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         role=\"img\" aria-labelledby=\"flow-{code}-title\" font-family=\"{FONTS}\" font-size=\"16\">\
         <title id=\"flow-{code}-title\">Flow of {}: {} stages; the table of decisions gives the same in words</title>\
         <defs><marker id=\"arrow-{code}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" \
         orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>",
        escape(&definition.name),
        definition.stages.len()
    );
    for arrow in &arrows {
        let title = if arrow.labels.is_empty() { "always".to_string() } else { arrow.labels.join(" / ") };
        let (colour, path) = if arrow.to == arrow.from + 1 {
            let x = box_x + BOX_WIDTH / 2;
            ("#0b0c0c", format!("M{x},{} V{}", top(arrow.from) + BOX_HEIGHT, top(arrow.to) - 2))
        } else if arrow.to > arrow.from {
            let edge = box_x + BOX_WIDTH;
            let lane = edge + MARGIN + (arrow.lane - 1) * LANE;
            let shift = (arrow.lane * 3).min(BOX_HEIGHT / 2 - 4);
            let (y1, y2) = (middle(arrow.from) + shift, middle(arrow.to) - shift);
            ("#1d70b8", format!("M{edge},{y1} H{lane} V{y2} H{}", edge + 2))
        } else {
            let lane = box_x - MARGIN - (arrow.lane - 1) * LANE;
            let shift = (arrow.lane * 3).min(BOX_HEIGHT / 2 - 4);
            let (y1, y2) = (middle(arrow.from) - shift, middle(arrow.to) + shift);
            ("#d4351c", format!("M{box_x},{y1} H{lane} V{y2} H{}", box_x - 2))
        };
        let _ = write!(
            out,
            "<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" marker-end=\"url(#arrow-{code})\">\
             <title>{} to {}: {}</title></path>",
            escape(&names[arrow.from]),
            escape(&names[arrow.to]),
            escape(&title)
        );
    }
    for (i, name) in names.iter().enumerate() {
        let terminal = i == 0 || i == closed;
        let (fill, radius, weight) = if terminal { ("#f3f2f1", 20, "normal") } else { ("#ffffff", 4, "bold") };
        let _ = write!(
            out,
            "<rect x=\"{box_x}\" y=\"{}\" width=\"{BOX_WIDTH}\" height=\"{BOX_HEIGHT}\" rx=\"{radius}\" fill=\"{fill}\" \
             stroke=\"#0b0c0c\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
             dominant-baseline=\"central\" font-weight=\"{weight}\" fill=\"#0b0c0c\">{}</text>",
            top(i),
            box_x + BOX_WIDTH / 2,
            middle(i),
            escape(name)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::Definitions;

    #[test]
    fn every_min_stage_is_drawn_once_with_start_closed_and_a_titled_arrow_per_decision_pair() {
        let definitions = Definitions::embedded().expect("embedded definitions");
        let min = definitions.latest("MIN").expect("MIN");
        let drawn = svg(min);
        assert!(drawn.starts_with("<svg") && drawn.ends_with("</svg>"));
        for stage in &min.stages {
            assert_eq!(drawn.matches(&format!(">{}</text>", escape(&stage.name))).count(), 1, "{}", stage.name);
        }
        assert!(drawn.contains(">Start</text>") && drawn.contains(">Closed</text>"));
        assert!(drawn.contains("#d4351c"), "MIN has rejections, drawn going back on the left");
        assert!(!drawn.contains("style="), "no style attributes, for the Content-Security-Policy");
        let pairs: std::collections::BTreeSet<(String, Option<String>)> =
            edges(min).into_iter().map(|edge| (edge.from, edge.to)).collect();
        assert_eq!(
            drawn.matches("<path d=").count(),
            pairs.len() + 2,
            "one arrow per pair, Start's, and the arrowhead"
        );
    }
}
