//! Names of people as letters write them: titles ("Rt Hon", "Cllr"), honours kept as part of
//! the name ("Sir David Norgrove", "Lord Tremayne"), post-nominals ("MP", "(Mrs)"), initials.
//!
//! Convention (shared with the labels): courtesy and office titles are dropped from a name
//! (Mr, Mrs, Ms, Miss, Dr, Rt Hon, Councillor, MP); titles of honour and peerage are kept.

/// Titles dropped from a name, compared without a trailing full stop, lower case.
const COURTESY: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "rt",
    "right",
    "hon",
    "honourable",
    "the",
    "councillor",
    "cllr",
    "rev",
    "revd",
];
/// Titles kept as part of a name.
const HONOURS: &[&str] = &["sir", "dame", "lord", "lady", "baroness", "baron", "viscount", "earl"];
/// Letters after a name.
const POST_NOMINALS: &[&str] = &[
    "mp", "msp", "ms", "am", "mla", "mep", "qc", "kc", "obe", "mbe", "cbe", "kbe", "dbe", "pc", "jp", "frs", "(mrs)",
    "(mr)", "(ms)", "(miss)",
];
/// Words that never belong to a person's name: offices, bodies, places, letter furniture.
const NOT_NAMES: &[&str] = &[
    "department",
    "ministry",
    "office",
    "treasury",
    "council",
    "committee",
    "house",
    "commons",
    "lords",
    "agency",
    "unit",
    "team",
    "division",
    "directorate",
    "secretary",
    "minister",
    "chairman",
    "chair",
    "chief",
    "executive",
    "officer",
    "head",
    "director",
    "speaker",
    "commissioner",
    "government",
    "parliament",
    "street",
    "road",
    "lane",
    "avenue",
    "square",
    "close",
    "way",
    "place",
    "court",
    "building",
    "buildings",
    "floor",
    "zone",
    "park",
    "hall",
    "centre",
    "reference",
    "ref",
    "dear",
    "yours",
    "sincerely",
    "faithfully",
    "regards",
    "thank",
    "memorandum",
    "letter",
    "note",
    "date",
    "subject",
    "madam",
    "services",
    "service",
    "customer",
    "trust",
    "foundation",
    "association",
    "society",
    "charity",
    "limited",
    "ltd",
    "plc",
    "group",
    "board",
    "authority",
    "inquiry",
    "university",
    "school",
    "college",
    "hospital",
    "police",
    "borough",
    "county",
    "city",
    "district",
    "region",
    "england",
    "wales",
    "scotland",
    "london",
    "britain",
    "kingdom",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "information",
    "rights",
    "communications",
    "correspondence",
    "assessment",
    "revenue",
    "customs",
    "member",
    "leader",
    "president",
    "deputy",
    "manager",
    "policy",
    "table",
    "report",
    "response",
    "freedom",
    "request",
    "emails",
    "walk",
    "drive",
];

/// What a person's line says about them besides the name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// "MP" after the name.
    pub mp: bool,
    /// A peerage title (Lord, Baroness, …).
    pub peer: bool,
    /// "Councillor" or "Cllr".
    pub councillor: bool,
    /// Any title or post-nominal at all.
    pub titled: bool,
}

/// A name found at the start of a line, and what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The name, honours kept, courtesy titles and post-nominals dropped.
    pub name: String,
    /// The rest of the line after the name, post-nominals included.
    pub rest: String,
    /// Titles and post-nominals seen.
    pub marks: Marks,
}

fn bare(token: &str) -> String {
    token.trim_end_matches([',', ':', ';']).trim_end_matches('.').to_lowercase()
}

/// True for a token that can be part of a name: a capitalised word or an initial.
pub fn is_name_token(token: &str) -> bool {
    let t = token.trim_end_matches(',');
    let mut chars = t.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let rest: String = chars.collect();
    if rest.is_empty() || rest == "." {
        return true; // an initial
    }
    let lower = bare(t);
    rest.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        && rest.chars().any(char::is_lowercase)
        && !NOT_NAMES.contains(&lower.as_str())
        && !HONOURS.contains(&lower.as_str())
}

/// True if `word` is a courtesy title (dropped from names).
pub fn is_courtesy_title(word: &str) -> bool {
    COURTESY.contains(&bare(word).as_str())
}

/// True if `word` is an honour or peerage title (kept in names).
pub fn is_honour(word: &str) -> bool {
    HONOURS.contains(&bare(word).as_str())
}

/// True if `word` is a post-nominal such as "MP" or "(Mrs)".
pub fn is_post_nominal(word: &str) -> bool {
    let w = word.trim_end_matches([',', ';']);
    let lower = w.to_lowercase();
    POST_NOMINALS.contains(&lower.as_str())
        && (w.chars().all(|c| !c.is_alphabetic() || c.is_uppercase()) || w.starts_with('('))
}

/// Reads a person's name at the start of `line`: titles, up to four name tokens, post-nominals.
///
/// Without any title or post-nominal, two name tokens are needed ("Neil McIvor"), so that a
/// single capitalised word is not taken for a person.
pub fn person_prefix(line: &str) -> Option<Person> {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let mut i = 0;
    let mut marks = Marks::default();
    let mut honours: Vec<&str> = Vec::new();
    while let Some(token) = tokens.get(i) {
        let lower = bare(token);
        if is_honour(token) {
            honours.push(token.trim_end_matches(','));
            marks.titled = true;
            marks.peer |= !matches!(lower.as_str(), "sir" | "dame");
        } else if is_courtesy_title(token) && !(lower == "the" && i > 0) {
            marks.titled |= lower != "the";
            marks.councillor |= lower == "councillor" || lower == "cllr";
        } else {
            break;
        }
        i += 1;
    }
    let mut names: Vec<&str> = Vec::new();
    while let Some(token) = tokens.get(i) {
        if names.len() >= 4 || is_post_nominal(token) || !is_name_token(token) {
            break;
        }
        names.push(token.trim_end_matches(','));
        i += 1;
        if token.ends_with(',') {
            break;
        }
    }
    let after_names = i;
    while let Some(token) = tokens.get(i) {
        if !is_post_nominal(token) {
            break;
        }
        marks.titled = true;
        marks.mp |= bare(token) == "mp";
        i += 1;
    }
    let enough = if honours.is_empty() {
        names.len() >= 2 || (names.len() == 1 && marks.titled && !names_are_initials(&names))
    } else {
        true
    };
    if names.is_empty() && honours.is_empty() || !enough {
        return None;
    }
    let mut parts: Vec<&str> = honours;
    parts.extend(names);
    let rest = tokens.get(after_names..).unwrap_or(&[]).join(" ");
    Some(Person { name: parts.join(" "), rest: rest.trim_start_matches([',', ' ']).to_string(), marks })
}

fn names_are_initials(names: &[&str]) -> bool {
    names.iter().all(|n| n.trim_end_matches('.').chars().count() == 1)
}

/// A display name ("Rt Hon Jane Smith MP", "Smith, Jane" is not handled) reduced to the name
/// alone, or `None` if it does not look like a person.
pub fn clean_name(raw: &str) -> Option<String> {
    let raw = raw.trim().trim_matches('"');
    let person = person_prefix(raw)?;
    Some(person.name)
}

/// The last word of a name, for comparing surnames.
pub fn surname(name: &str) -> Option<&str> {
    name.split_whitespace().last()
}

/// Edit distance between two short strings, case-insensitive (for OCR-damaged names).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.get(j).copied().unwrap_or(0) + 1;
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

/// True if two words are the same name allowing for an OCR error or two ("Pander", "Pandor").
pub fn same_word(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches(['.', ',']);
    let b = b.trim_end_matches(['.', ',']);
    let longest = a.chars().count().max(b.chars().count());
    let allowed = match longest {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    distance(a, b) <= allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(line: &str) -> Option<String> {
        person_prefix(line).map(|p| p.name)
    }

    #[test]
    fn courtesy_titles_and_letters_after_the_name_are_dropped() {
        assert_eq!(name("Rt Hon Sajid Javid MP").as_deref(), Some("Sajid Javid"));
        assert_eq!(name("Mr. Michael Bichard").as_deref(), Some("Michael Bichard"));
        assert_eq!(name("Margaret Ellison (Mrs)").as_deref(), Some("Margaret Ellison"));
        assert_eq!(name("The Rt Hon Helen Marsh MP").as_deref(), Some("Helen Marsh"));
    }

    #[test]
    fn honours_and_peerages_stay_in_the_name() {
        assert_eq!(name("Sir David Norgrove").as_deref(), Some("Sir David Norgrove"));
        let lord = person_prefix("Lord Tremayne").expect("a peer");
        assert_eq!(lord.name, "Lord Tremayne");
        assert!(lord.marks.peer);
    }

    #[test]
    fn initials_count_as_names() {
        assert_eq!(name("M. Bichard").as_deref(), Some("M. Bichard"));
        assert_eq!(name("Robert B. Jones, dated").as_deref(), Some("Robert B. Jones"));
        assert_eq!(name("F Thompson").as_deref(), Some("F Thompson"));
    }

    #[test]
    fn offices_and_places_are_not_people() {
        assert_eq!(name("Madam Speaker"), None);
        assert_eq!(name("Department for Transport"), None);
        assert_eq!(name("Home Secretary"), None);
        assert_eq!(name("London"), None);
        assert_eq!(name("Self Assessment"), None);
    }

    #[test]
    fn the_rest_of_the_line_is_kept_for_the_role() {
        let p = person_prefix("Victoria Atkins MP Minister for Crime, Safeguarding").expect("a person");
        assert_eq!(p.name, "Victoria Atkins");
        assert!(p.marks.mp);
        assert_eq!(p.rest, "MP Minister for Crime, Safeguarding");
    }

    #[test]
    fn ocr_damaged_surnames_still_match() {
        assert!(same_word("Pander", "Pandor"));
        assert!(!same_word("Perry", "Berry") || distance("Perry", "Berry") == 1);
        assert!(!same_word("Ed", "Al"));
    }
}
