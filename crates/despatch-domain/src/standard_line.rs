//! Standard lines: agreed wording on a topic that a drafter may use in a reply, until it expires.
//!
//! A line belongs to one topic (the directory's topic code) and carries an expiry date, a civil
//! date in Europe/London: the line may be used up to and including that day, and is not offered
//! after it (policy wording goes stale; an expired line must be re-agreed, not reused).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One standard line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardLine {
    /// Topic code it answers (`POLICE_FUNDING`).
    pub topic: String,
    /// Short title, unique within the topic ("Funding settlement 2018/19").
    pub title: String,
    /// The wording, plain text; blank lines separate paragraphs.
    pub text: String,
    /// Last day it may be used (civil date, Europe/London, inclusive).
    pub expires: NaiveDate,
}

impl StandardLine {
    /// Whether the line may still be used on `today` (civil date, Europe/London).
    pub fn is_current(&self, today: NaiveDate) -> bool {
        today <= self.expires
    }
}

/// The lines to offer a drafter for a case with these topics on `today`: those of the case's
/// topics that have not expired, in the order of `topics`, then by title.
pub fn offered<'a>(lines: &'a [StandardLine], topics: &[String], today: NaiveDate) -> Vec<&'a StandardLine> {
    let mut chosen: Vec<&StandardLine> = Vec::new();
    for topic in topics {
        let mut of_topic: Vec<&StandardLine> =
            lines.iter().filter(|line| &line.topic == topic && line.is_current(today)).collect();
        of_topic.sort_by(|a, b| a.title.cmp(&b.title));
        for line in of_topic {
            if !chosen.contains(&line) {
                chosen.push(line);
            }
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    fn line(topic: &str, title: &str, expires: &str) -> StandardLine {
        StandardLine {
            topic: topic.into(),
            title: title.into(),
            text: format!("{title} wording"),
            expires: date(expires),
        }
    }

    #[test]
    fn lines_of_the_case_topics_are_offered_until_their_expiry_day_and_not_after() {
        let lines = vec![
            line("POLICE_FUNDING", "Settlement", "2018-12-21"),
            line("POLICE_FUNDING", "Old settlement", "2018-12-20"),
            line("ANTISOCIAL_BEHAVIOUR", "Powers", "2019-03-31"),
            line("DRUGS", "Strategy", "2019-03-31"),
        ];
        let topics = vec!["ANTISOCIAL_BEHAVIOUR".to_string(), "POLICE_FUNDING".to_string()];
        let titles = |today: &str| {
            offered(&lines, &topics, date(today)).iter().map(|line| line.title.clone()).collect::<Vec<_>>()
        };
        assert_eq!(titles("2018-12-20"), ["Powers", "Old settlement", "Settlement"]);
        assert_eq!(titles("2018-12-21"), ["Powers", "Settlement"], "the expiry day itself is still current");
        assert_eq!(titles("2018-12-22"), ["Powers"], "expired lines are not offered");
        assert!(offered(&lines, &[], date("2018-12-20")).is_empty(), "a case without topics is offered none");
    }
}
