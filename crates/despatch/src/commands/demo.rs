//! `despatch demo`: the web application on a fresh database in a temporary folder, holding a
//! demo department (teams, private offices, topics linked to teams, users for each role) and
//! sample letters written for the demo, registered as cases and moved to different stages.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{Days, NaiveDate, Utc};
use despatch_domain::case::CorrespondentKind;
use despatch_domain::command::{Actor, Command, CorrespondentDetails, NewCase};
use despatch_domain::engine::london_date;
use despatch_domain::standard_line::StandardLine;
use despatch_domain::testkit::{self, demo_directory};
use despatch_store::Casework;
use despatch_store::drafting::Change;
use despatch_web::{AppState, Config, auth};

use super::db;

/// The password of every demo user. The demo database lives in a temporary folder and is
/// deleted when the demo stops.
pub const DEMO_PASSWORD: &str = "despatch-demo-2026";

/// Arguments of `despatch demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

/// A letter written for the demo: who wrote, about what, how long ago, and how far its case
/// has got (0 = Data Input … 7 = closed).
struct Letter {
    kind: CorrespondentKind,
    name: &'static str,
    organisation: Option<&'static str>,
    address: &'static str,
    postcode: &'static str,
    topic: &'static str,
    text: &'static str,
    days_ago: u64,
    progress: usize,
}

const fn letter(
    kind: CorrespondentKind,
    name: &'static str,
    organisation: Option<&'static str>,
    (address, postcode): (&'static str, &'static str),
    topic: &'static str,
    text: &'static str,
    (days_ago, progress): (u64, usize),
) -> Letter {
    Letter { kind, name, organisation, address, postcode, topic, text, days_ago, progress }
}

use CorrespondentKind::{Councillor, MemberOfPublic, Mp, Organisation, Peer};
use despatch_domain::testkit::TOPIC_POLICE_FUNDING as POLICE;
use despatch_domain::testkit::{TOPIC_ASYLUM_SUPPORT as ASYLUM, TOPIC_CHILD_SAFEGUARDING as CHILDREN};

const COMMONS: (&str, &str) = ("House of Commons, London", "SW1A 0AA");
const LORDS: (&str, &str) = ("House of Lords, London", "SW1A 0PW");

/// Twenty short letters, invented for the demo.
const LETTERS: [Letter; 20] = [
    letter(
        Mp,
        "Alex Hartley MP",
        Some("House of Commons"),
        COMMONS,
        ASYLUM,
        "A constituent has waited eleven months for a decision on an asylum claim and asks when it will be made.",
        (1, 0),
    ),
    letter(
        Mp,
        "Priya Natarajan MP",
        Some("House of Commons"),
        COMMONS,
        POLICE,
        "Asks how the new neighbourhood policing grant will be shared between rural and urban forces.",
        (2, 0),
    ),
    letter(
        Councillor,
        "Cllr Morag Fraser",
        Some("Eastbridge Borough Council"),
        ("Town Hall, Eastbridge", "EB1 2TH"),
        CHILDREN,
        "The council asks for guidance on sharing safeguarding referrals with schools over the summer.",
        (3, 0),
    ),
    letter(
        MemberOfPublic,
        "Daniel Okafor",
        None,
        ("14 Mill Lane, Harwood", "HW3 7QP"),
        ASYLUM,
        "Writes in support of a neighbour's family and asks how asylum support payments are calculated.",
        (4, 1),
    ),
    letter(
        Peer,
        "Baroness Whitcombe",
        Some("House of Lords"),
        LORDS,
        POLICE,
        "Asks whether police funding formulas will take account of seasonal tourism.",
        (5, 1),
    ),
    letter(
        Organisation,
        "Helen Marsh",
        Some("Northfield Refugee Welcome"),
        ("2 Chapel Yard, Northfield", "NF2 9RL"),
        ASYLUM,
        "Asks for the current timetable for moving families out of hotel accommodation.",
        (6, 1),
    ),
    letter(
        Mp,
        "Tom Penrose MP",
        Some("House of Commons"),
        COMMONS,
        CHILDREN,
        "Raises a constituent's concern about online grooming and asks what the department is doing.",
        (8, 2),
    ),
    letter(
        Mp,
        "Sarah Lindqvist MP",
        Some("House of Commons"),
        COMMONS,
        ASYLUM,
        "Asks why a constituent's asylum support was stopped after a change of address.",
        (10, 2),
    ),
    letter(
        Councillor,
        "Cllr Imran Siddiqui",
        Some("Westmoor District Council"),
        ("Civic Centre, Westmoor", "WM4 1CC"),
        POLICE,
        "Asks for the share of the police precept spent on community support officers.",
        (12, 2),
    ),
    letter(
        Mp,
        "Gareth Pryce MP",
        Some("House of Commons"),
        COMMONS,
        POLICE,
        "Asks when the police officer uplift figures for his county will be published.",
        (14, 3),
    ),
    letter(
        MemberOfPublic,
        "Ruth Abernethy",
        None,
        ("Flat 3, 9 Quay Street, Portlow", "PL5 8AS"),
        CHILDREN,
        "Asks how parents can find out whether a youth club's volunteers have been vetted.",
        (16, 3),
    ),
    letter(
        Mp,
        "Chloe Adeyemi MP",
        Some("House of Commons"),
        COMMONS,
        ASYLUM,
        "Asks for an update on a constituent's appeal and whether support continues meanwhile.",
        (18, 4),
    ),
    letter(
        Peer,
        "Lord Ashdown of Kettering",
        Some("House of Lords"),
        LORDS,
        POLICE,
        "Asks whether the Home Secretary will meet chief constables about rural crime funding.",
        (20, 4),
    ),
    letter(
        Mp,
        "Fiona McAllister MP",
        Some("House of Commons"),
        COMMONS,
        CHILDREN,
        "Asks what support is given to police forces investigating child exploitation across borders.",
        (22, 5),
    ),
    letter(
        Organisation,
        "Mark Fenwick",
        Some("Hillside Community Trust"),
        ("The Old School, Hillside", "HS6 4DW"),
        ASYLUM,
        "Offers volunteers to help with English lessons for people receiving asylum support.",
        (24, 5),
    ),
    letter(
        Mp,
        "Naveed Rahman MP",
        Some("House of Commons"),
        COMMONS,
        POLICE,
        "Asks for the reasons behind the reduction in his force's special grant.",
        (27, 6),
    ),
    letter(
        Mp,
        "Jessica Thorne MP",
        Some("House of Commons"),
        COMMONS,
        ASYLUM,
        "Asks how long a constituent must wait for a biometric appointment.",
        (30, 6),
    ),
    letter(
        MemberOfPublic,
        "Peter Galloway",
        None,
        ("27 Larch Road, Kinross", "KY13 8PP"),
        CHILDREN,
        "Thanks the department for its safeguarding leaflet and suggests a version for grandparents.",
        (33, 7),
    ),
    letter(
        Mp,
        "Amira Haddad MP",
        Some("House of Commons"),
        COMMONS,
        POLICE,
        "Asks whether the late payment of the police pension grant will be corrected this year.",
        (36, 7),
    ),
    letter(
        Councillor,
        "Cllr Owen Beddoes",
        Some("Llanfair Town Council"),
        ("Council Offices, Llanfair", "LL9 3TC"),
        ASYLUM,
        "Asks how the council will be told before asylum seekers are housed in the town.",
        (40, 3),
    ),
];

/// Who drafts, and which private office signs, for each demo topic.
fn people(topic: &str) -> (&'static str, &'static str) {
    match topic {
        ASYLUM => (testkit::IMMIGRATION_DRAFTER, testkit::IMMIGRATION_MINISTER_PO),
        POLICE => (testkit::POLICING_DRAFTER, testkit::HOME_SECRETARY_PO),
        _ => (testkit::POLICING_DRAFTER, testkit::POLICING_MINISTER_PO),
    }
}

/// A stage, the user who completes it, and their answers.
type Step = (&'static str, &'static str, Vec<(&'static str, String)>);

/// The stages a demo case is taken through, each with its user and answers.
fn steps(letter: &Letter, written: &str) -> Vec<Step> {
    let (drafter, private_office) = people(letter.topic);
    let v = |s: &str| s.to_string();
    vec![
        (
            "DATA_INPUT",
            testkit::CASEWORKER,
            vec![
                ("DateOfCorrespondence", written.to_string()),
                ("OriginalChannel", v(if letter.kind == MemberOfPublic { "EMAIL" } else { "POST" })),
                ("CopyNumberTen", v("FALSE")),
                ("HomeSecInterest", v("FALSE")),
                ("HomeSecReply", v("FALSE")),
            ],
        ),
        ("MARKUP", testkit::CASEWORKER, vec![("MarkupDecision", v("PR")), ("Topic", v(letter.topic))]),
        (
            "INITIAL_DRAFT",
            drafter,
            vec![
                ("InitialDraftDecision", v("ACCEPT")),
                ("ResponseChannel", v("LETTER")),
                ("DraftDocuments", v("draft-1")),
                ("OfflineQA", v("FALSE")),
            ],
        ),
        ("QA_RESPONSE", testkit::QA_OFFICER, vec![("QAResponseDecision", v("ACCEPT"))]),
        ("PRIVATE_OFFICE", private_office, vec![("PrivateOfficeDecision", v("ACCEPT"))]),
        ("MINISTER_SIGN_OFF", private_office, vec![("MinisterSignOffDecision", v("ACCEPT_WET"))]),
        ("DISPATCH", testkit::DESPATCH_OFFICER, vec![("DispatchDecision", v("ACCEPT"))]),
    ]
}

/// Registers one letter as a case and takes it as far as the letter says. A step the engine
/// refuses is reported and ends that case's progress; the demo carries on.
async fn register(casework: &Casework, letter: &Letter) -> anyhow::Result<String> {
    let now = Utc::now();
    let today = london_date(now);
    let received = today.checked_sub_days(Days::new(letter.days_ago)).unwrap_or(today);
    let written = received.checked_sub_days(Days::new(3)).unwrap_or(received);
    let details = CorrespondentDetails {
        kind: letter.kind,
        name: letter.name.to_string(),
        organisation: letter.organisation.map(str::to_string),
        address: letter.address.split(", ").map(str::to_string).collect(),
        postcode: Some(letter.postcode.to_string()),
        email: None,
        their_reference: None,
        external_key: None,
        matched: None,
    };
    let new = NewCase {
        case_type: "MIN".to_string(),
        received,
        data: BTreeMap::new(),
        correspondents: vec![details],
        legacy_reference: None,
        message_id: None,
    };
    let clerk = Actor::user(testkit::CASEWORKER);
    let outcome = casework.open(new, &clerk, now).await.context("opening a demo case")?;
    let id = outcome.state.id;
    let reference = outcome.state.reference.to_string();
    let note = Command::AddNote { text: format!("Letter: {}", letter.text) };
    casework.execute(id, None, &note, &clerk, Utc::now()).await.context("adding the letter's summary")?;
    for (stage, user, fields) in steps(letter, &written.to_string()).into_iter().take(letter.progress) {
        let fields = fields.into_iter().map(|(name, value)| (name.to_string(), value)).collect();
        let command = Command::CompleteStage { stage: stage.to_string(), fields, note: None, take: true };
        if let Err(error) = casework.execute(id, None, &command, &Actor::user(user), Utc::now()).await {
            eprintln!("demo: {reference} stays at {stage}: {error}");
            break;
        }
    }
    // Cases waiting at Markup are the caseworker's, so "my cases" has something in it.
    if letter.progress == 1 {
        let take = Command::AllocateToUser { user: testkit::CASEWORKER.to_string() };
        casework.execute(id, None, &take, &clerk, Utc::now()).await.context("allocating a demo case")?;
    }
    Ok(reference)
}

/// The demo's standard lines, written for the demo: two current lines per demo topic, expiring
/// in a year (civil date, inclusive), and one that expired yesterday, which drafters are not
/// offered.
fn standard_lines(today: NaiveDate) -> Vec<StandardLine> {
    let in_a_year = today.checked_add_days(Days::new(365)).unwrap_or(today);
    let yesterday = today.pred_opt().unwrap_or(today);
    let line = |topic: &str, title: &str, text: &str, expires| StandardLine {
        topic: topic.to_string(),
        title: title.to_string(),
        text: text.to_string(),
        expires,
    };
    vec![
        line(
            ASYLUM,
            "Support while a claim is decided",
            "Asylum seekers who would otherwise be destitute are given \
            accommodation and a weekly allowance while their claim is considered.",
            in_a_year,
        ),
        line(
            ASYLUM,
            "Decision times",
            "We aim to decide straightforward claims within six months, and we publish \
            our performance against that aim every quarter.",
            in_a_year,
        ),
        line(
            POLICE,
            "Funding settlement",
            "The police funding settlement is set each year after consultation with \
            police and crime commissioners, who decide how it is spent locally.",
            in_a_year,
        ),
        line(
            POLICE,
            "Officer numbers",
            "Decisions on the number and deployment of officers are for chief \
            constables, who are best placed to judge local needs.",
            in_a_year,
        ),
        line(
            CHILDREN,
            "Independent inquiry",
            "The independent inquiry decides for itself, within its terms of \
            reference, what it investigates and how, and it will report its conclusions publicly.",
            in_a_year,
        ),
        line(CHILDREN, "Action plan (superseded)", "The 2015 action plan set out our response at the time.", yesterday),
    ]
}

/// Runs `despatch demo`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let folder = tempfile::Builder::new().prefix("despatch-demo-").tempdir().context("creating a temporary folder")?;
    let path = folder.path().join("demo.db");
    let url = path.to_string_lossy().to_string();
    db::runtime()?.block_on(async {
        let store = db::open(&url).await?;
        let directory = demo_directory();
        store.save_directory(&directory).await?;
        for user in directory.memberships.keys() {
            auth::create_account(store.as_ref(), user, DEMO_PASSWORD, false).await?;
        }
        auth::create_account(store.as_ref(), "admin", DEMO_PASSWORD, true).await?;
        let now = Utc::now();
        let at = now.to_rfc3339();
        store.load_standard_lines(&standard_lines(london_date(now)), Change { by: "admin", at: &at }).await?;
        let casework = db::casework(store).await?;
        for letter in &LETTERS {
            register(&casework, letter).await?;
        }
        println!("Despatch demo: {} sample cases in {}", LETTERS.len(), url);
        println!("Sign in at http://{} as any of these users, password {DEMO_PASSWORD:?}:", args.addr);
        for (user, teams) in &directory.memberships {
            let teams: Vec<&str> = teams.iter().map(String::as_str).collect();
            println!("  {user:<26} {}", teams.join(", "));
        }
        println!("  admin                      (administrator, no team)");
        println!("The demo database is deleted when the demo stops (Ctrl-C).");
        let _worker = super::outbox::start(&casework)?;
        despatch_web::serve(AppState::new(casework, Config::default()), args.addr).await?;
        Ok(ExitCode::SUCCESS)
    })
}
