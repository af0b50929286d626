//! How to address a correspondent: the salutation ("Dear Cllr Pandor") and the name line of the
//! address block ("Councillor Shabir Pandor"), from the correspondent's kind and name as entered.
//!
//! The forms follow the usual conventions of ministerial correspondence (Debrett's): an MP or a
//! member of the public by title and surname, a councillor as "Cllr" and surname, a knight or
//! dame by "Sir"/"Dame" and forename, a peer by rank and title ("Lord Smith", "Baroness Jones";
//! earls, viscounts and marquesses as "Lord", their wives and countesses as "Lady", a duke as
//! "Duke", a bishop as "Bishop"). When nothing says how to address someone, "Dear Sir or Madam".

use despatch_domain::case::CorrespondentKind;

/// Titles of courtesy that are kept before a surname ("Ms Smith", "Dr Patel").
const TITLES: &[(&str, &str)] = &[
    ("mr", "Mr"),
    ("mrs", "Mrs"),
    ("ms", "Ms"),
    ("miss", "Miss"),
    ("mx", "Mx"),
    ("dr", "Dr"),
    ("doctor", "Dr"),
    ("prof", "Professor"),
    ("professor", "Professor"),
    ("revd", "Revd"),
    ("rev", "Revd"),
    ("reverend", "Revd"),
];

/// Words before a name that are dropped when addressing the person ("The Rt Hon").
const STYLES: &[&str] = &["the", "rt", "hon", "right", "honourable", "rt.", "hon."];

/// Letters after a name that are dropped from a salutation ("MP", "OBE", "KC").
const POST_NOMINALS: &[&str] = &[
    "mp", "msp", "ms", "mla", "mep", "mbe", "obe", "cbe", "kbe", "dbe", "kcb", "dcb", "gcb", "kc", "qc", "pc", "frs",
    "cb", "cmg", "kcmg", "jp", "dl",
];

/// Peerage ranks and how a letter greets each ("Earl of Wessex" → "Lord Wessex").
const RANKS: &[(&str, &str)] = &[
    ("lord", "Lord"),
    ("baron", "Lord"),
    ("viscount", "Lord"),
    ("earl", "Lord"),
    ("marquess", "Lord"),
    ("marquis", "Lord"),
    ("baroness", "Baroness"),
    ("lady", "Lady"),
    ("viscountess", "Lady"),
    ("countess", "Lady"),
    ("marchioness", "Lady"),
];

fn normal(word: &str) -> String {
    word.trim_matches(|c: char| c == ',' || c == '.').to_lowercase()
}

/// The name's words without leading styles ("The Rt Hon") and trailing post-nominals ("MP").
/// Post-nominals are only dropped from the end, so a surname is never lost.
fn core_words(name: &str) -> Vec<&str> {
    let mut words: Vec<&str> = name.split_whitespace().collect();
    while words.first().is_some_and(|word| STYLES.contains(&normal(word).as_str())) {
        words.remove(0);
    }
    while words.len() > 1 && words.last().is_some_and(|word| POST_NOMINALS.contains(&normal(word).as_str())) {
        words.pop();
    }
    words
}

fn surname_of(words: &[&str]) -> Option<String> {
    words.last().map(|word| word.trim_end_matches(',').to_string())
}

/// Greeting of a peer, bishop, duke, or `None` when the name holds no rank.
fn peer_greeting(words: &[&str]) -> Option<String> {
    let first = normal(words.first()?);
    if first == "duke" || first == "duchess" {
        return Some(if first == "duke" { "Dear Duke".to_string() } else { "Dear Duchess".to_string() });
    }
    if first == "bishop" || words.iter().any(|word| normal(word) == "bishop") {
        return Some("Dear Bishop".to_string());
    }
    let (_, greeting) = RANKS.iter().find(|(rank, _)| *rank == first)?;
    // "Lord Smith of Finsbury" → "Lord Smith"; "Earl of Wessex" → "Lord Wessex".
    let rest: Vec<&str> = words[1..].iter().copied().filter(|word| normal(word) != "of").collect();
    let title = if words.get(1).is_some_and(|word| normal(word) == "of") {
        rest.first().copied()
    } else if let Some(of) = words.iter().position(|word| normal(word) == "of") {
        words.get(of.saturating_sub(1)).copied().filter(|_| of > 1)
    } else {
        rest.last().copied()
    };
    Some(match title {
        Some(title) => format!("Dear {greeting} {}", title.trim_end_matches(',')),
        None => "Dear Sir or Madam".to_string(),
    })
}

/// "Dear Sir Iain" / "Dear Dame Judi", or `None` when the name holds no knighthood.
fn knight_greeting(words: &[&str]) -> Option<String> {
    let at = words.iter().position(|word| matches!(normal(word).as_str(), "sir" | "dame"))?;
    let forename = words.get(at + 1)?;
    let honour = if normal(words[at]) == "sir" { "Sir" } else { "Dame" };
    Some(format!("Dear {honour} {}", forename.trim_end_matches(',')))
}

fn title_of(words: &[&str]) -> Option<&'static str> {
    let first = normal(words.first()?);
    TITLES.iter().find(|(word, _)| *word == first).map(|(_, title)| *title)
}

fn is_councillor_word(word: &str) -> bool {
    matches!(normal(word).as_str(), "cllr" | "councillor" | "coun")
}

/// The salutation for a correspondent, without a trailing comma: "Dear Cllr Pandor",
/// "Dear Sir Iain", "Dear Lord Smith", "Dear Ms Smith", or "Dear Sir or Madam" when the name
/// gives no way to address the person (a member of the public without a title, an organisation,
/// a blank name).
pub fn salutation(kind: CorrespondentKind, name: &str) -> String {
    let words = core_words(name);
    if words.is_empty() || kind == CorrespondentKind::Organisation {
        return "Dear Sir or Madam".to_string();
    }
    if let Some(greeting) = (kind == CorrespondentKind::Peer).then(|| peer_greeting(&words)).flatten() {
        return greeting;
    }
    if let Some(greeting) = knight_greeting(&words) {
        return greeting;
    }
    let councillor = kind == CorrespondentKind::Councillor || words.first().is_some_and(|w| is_councillor_word(w));
    if councillor {
        let rest: Vec<&str> = words.iter().copied().filter(|word| !is_councillor_word(word)).collect();
        if let Some(surname) = surname_of(&rest) {
            return format!("Dear Cllr {surname}");
        }
    }
    if let Some(greeting) = peer_greeting(&words) {
        return greeting;
    }
    if words.len() >= 2
        && let (Some(title), Some(surname)) = (title_of(&words), surname_of(&words))
    {
        return format!("Dear {title} {surname}");
    }
    if kind == CorrespondentKind::Mp && words.len() >= 2 {
        // No title to go by: an MP is addressed by full name rather than as "Sir or Madam".
        return format!("Dear {}", words.join(" "));
    }
    "Dear Sir or Madam".to_string()
}

/// The first line of the address block: the name as a letter is addressed ("Councillor Shabir
/// Pandor", "Jane Smith MP"), from the name as entered.
pub fn addressee(kind: CorrespondentKind, name: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let words: Vec<&str> = name.split(' ').collect();
    match kind {
        CorrespondentKind::Councillor => {
            let rest: Vec<&str> = words.iter().copied().filter(|word| !is_councillor_word(word)).collect();
            format!("Councillor {}", rest.join(" "))
        }
        CorrespondentKind::Mp if !words.iter().any(|word| normal(word) == "mp") => format!("{name} MP"),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CorrespondentKind::*;

    #[test]
    fn each_kind_of_correspondent_is_greeted_in_its_correct_form() {
        let cases = [
            (Councillor, "Shabir Pandor", "Dear Cllr Pandor"),
            (Councillor, "Cllr Shabir Pandor", "Dear Cllr Pandor"),
            (MemberOfPublic, "Councillor Jane Hill", "Dear Cllr Hill"),
            (Mp, "Rt Hon Sir Iain Duncan Smith MP", "Dear Sir Iain"),
            (Mp, "Dame Margaret Hodge MP", "Dear Dame Margaret"),
            (Mp, "Ms Jane Smith MP", "Dear Ms Smith"),
            (Mp, "Jane Smith MP", "Dear Jane Smith"),
            (Peer, "Lord Smith of Finsbury", "Dear Lord Smith"),
            (Peer, "The Baroness Jones of Moulsecoomb", "Dear Baroness Jones"),
            (Peer, "Earl of Listowel", "Dear Lord Listowel"),
            (Peer, "Viscount Hailsham", "Dear Lord Hailsham"),
            (Peer, "Countess of Mar", "Dear Lady Mar"),
            (Peer, "The Duke of Wellington", "Dear Duke"),
            (Peer, "The Rt Revd the Lord Bishop of Leeds", "Dear Bishop"),
            (MemberOfPublic, "Ms Jane Smith", "Dear Ms Smith"),
            (MemberOfPublic, "Dr. Anil Patel", "Dear Dr Patel"),
            (MemberOfPublic, "Sir John Major", "Dear Sir John"),
            (MemberOfPublic, "Jane Smith", "Dear Sir or Madam"),
            (MemberOfPublic, "   ", "Dear Sir or Madam"),
            (Organisation, "Mr Robert Jones", "Dear Sir or Madam"),
        ];
        for (kind, name, expected) in cases {
            assert_eq!(salutation(kind, name), expected, "{kind:?} {name:?}");
        }
    }

    #[test]
    fn the_address_block_names_a_councillor_in_full_and_an_mp_with_their_letters() {
        assert_eq!(addressee(Councillor, "Shabir Pandor"), "Councillor Shabir Pandor");
        assert_eq!(addressee(Councillor, "Cllr  Shabir Pandor"), "Councillor Shabir Pandor");
        assert_eq!(addressee(Mp, "Jane Smith"), "Jane Smith MP");
        assert_eq!(addressee(Mp, "Jane Smith MP"), "Jane Smith MP");
        assert_eq!(addressee(MemberOfPublic, "Ms Jane Smith"), "Ms Jane Smith");
    }
}
