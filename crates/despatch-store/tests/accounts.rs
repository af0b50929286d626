//! What the web application reads besides cases, on SQLite and PostgreSQL: accounts, sessions,
//! dashboard counts, and search restricted to what a user's teams may see.

mod common;

use chrono::NaiveDate;
use common::{Kind, TestDb, alice, casework, letter, now};
use despatch_domain::command::Command;
use despatch_store::{
    Account, AllocationFilter, SearchQuery, SessionRecord, TeamCounts, WorkstackQuery, WorkstackSort,
};

fn account(name: &str, hash: &str, administrator: bool) -> Account {
    Account {
        name: name.to_string(),
        password_hash: hash.to_string(),
        administrator,
        created_at: "2026-11-29T14:00:00Z".to_string(),
        must_change_password: false,
    }
}

fn session(id: &str, created_unix: i64, seen_unix: i64) -> SessionRecord {
    SessionRecord {
        id: id.to_string(),
        user: "alice".to_string(),
        csrf_token: format!("csrf-{id}"),
        created_unix,
        seen_unix,
    }
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a real date")
}

async fn an_account_is_saved_found_and_its_password_and_role_replaced(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    assert_eq!(store.count_accounts().await.expect("count"), (0, 0));
    store.save_account(&account("alice", "$argon2id$first", false)).await.expect("saved");
    store.save_account(&account("root", "$argon2id$root", true)).await.expect("saved");
    assert_eq!(store.count_accounts().await.expect("count"), (2, 1));
    assert_eq!(store.account("alice").await.expect("read"), Some(account("alice", "$argon2id$first", false)));

    store.save_account(&account("alice", "$argon2id$second", true)).await.expect("replaced");
    let alice = store.account("alice").await.expect("read").expect("alice");
    assert_eq!((alice.password_hash.as_str(), alice.administrator), ("$argon2id$second", true));
    assert_eq!(store.count_accounts().await.expect("count"), (2, 2));
    assert_eq!(store.account("nobody").await.expect("read"), None);
}

async fn sessions_are_found_touched_ended_and_swept_when_idle_or_too_old(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    store.create_session(&session("fresh", 1_000, 1_000)).await.expect("created");
    store.create_session(&session("idle", 1_000, 1_000)).await.expect("created");
    store.create_session(&session("old", 100, 1_000)).await.expect("created");
    assert_eq!(store.session("fresh").await.expect("read"), Some(session("fresh", 1_000, 1_000)));

    store.touch_session("fresh", 2_000).await.expect("touched");
    store.touch_session("old", 2_000).await.expect("touched");
    // Idle before 1 500, or begun before 500: "idle" was last seen at 1 000, "old" began at 100.
    assert_eq!(store.delete_expired_sessions(1_500, 500).await.expect("swept"), 2);
    assert_eq!(store.session("fresh").await.expect("read").map(|s| s.seen_unix), Some(2_000));
    assert_eq!(store.session("idle").await.expect("read"), None);
    assert_eq!(store.session("old").await.expect("read"), None);

    store.delete_session("fresh").await.expect("ended");
    assert_eq!(store.session("fresh").await.expect("read"), None);
}

async fn a_team_card_counts_open_overdue_and_unallocated_cases_and_my_cases_lists_mine(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let first = casework.open(letter("Cllr One"), &alice(), now()).await.expect("opened").state.id;
    casework.open(letter("Cllr Two"), &alice(), now()).await.expect("opened");
    let take = Command::AllocateToUser { user: "alice".to_string() };
    casework.execute(first, None, &take, &alice(), now()).await.expect("allocated");
    let store = casework.store();

    // Received Wed 14 Nov 2018: Data Input is due Fri 16 Nov.
    let on_time = store.team_counts("PERFORMANCE_AND_PROCESS", date(2018, 11, 16)).await.expect("counts");
    assert_eq!(on_time, TeamCounts { open: 2, overdue: 0, unallocated: 1 });
    let late = store.team_counts("PERFORMANCE_AND_PROCESS", date(2018, 11, 19)).await.expect("counts");
    assert_eq!(late, TeamCounts { open: 2, overdue: 2, unallocated: 1 });
    assert_eq!(
        store.team_counts("POLICING_DRAFTING", date(2018, 11, 19)).await.expect("counts"),
        TeamCounts::default()
    );

    let mine = store.user_cases("alice", 1, 25).await.expect("my cases");
    assert_eq!((mine.total, mine.rows.iter().map(|row| row.id).collect::<Vec<_>>()), (1, vec![first]));
    assert_eq!(store.user_cases("bob", 1, 25).await.expect("bob's cases").total, 0);
}

async fn a_search_within_teams_counts_only_the_cases_those_teams_hold_or_have_held_or_whose_case_type_they_may_see(
    kind: Kind,
) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let mut ids = Vec::new();
    for name in ["Cllr Pandor One", "Cllr Pandor Two", "Cllr Pandor Three"] {
        ids.push(casework.open(letter(name), &alice(), now()).await.expect("opened").state.id);
    }
    // The first case moves on from Data Input (Performance and Process) to Markup (central drafting).
    let fields = [
        ("DateOfCorrespondence", "2018-11-12"),
        ("OriginalChannel", "POST"),
        ("CopyNumberTen", "FALSE"),
        ("HomeSecInterest", "FALSE"),
        ("HomeSecReply", "FALSE"),
    ];
    let fields = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let data_input = Command::CompleteStage { stage: "DATA_INPUT".to_string(), fields, note: None, take: true };
    casework.execute(ids[0], None, &data_input, &alice(), now()).await.expect("data input done");
    let store = casework.store();
    let within = |teams: &[&str]| SearchQuery {
        text: Some("Pandor".to_string()),
        page: 1,
        page_size: 2,
        teams: Some(teams.iter().map(|t| t.to_string()).collect()),
        ..SearchQuery::default()
    };
    let visible = store.search(&within(&["PERFORMANCE_AND_PROCESS"])).await.expect("search");
    assert_eq!((visible.total, visible.rows.len()), (3, 2), "the true total, paginated, with the case it held");
    let markup = store.search(&within(&["DCU_CENTRAL_DRAFTING"])).await.expect("search");
    assert_eq!(markup.rows.iter().map(|row| row.id).collect::<Vec<_>>(), vec![ids[0]]);
    let elsewhere = store.search(&within(&["POLICING_DRAFTING"])).await.expect("search");
    assert_eq!(elsewhere.total, 0, "another team sees none");
    assert_eq!(store.search(&within(&[])).await.expect("search").total, 0, "no team, no cases");
    let by_level = |case_types: &[&str]| SearchQuery {
        or_case_types: case_types.iter().map(|c| c.to_string()).collect(),
        ..within(&["POLICING_DRAFTING"])
    };
    let min = store.search(&by_level(&["MIN"])).await.expect("search");
    assert_eq!(min.total, 3, "a level on MIN shows every MIN case, whichever team holds it");
    assert_eq!(store.search(&by_level(&["TRO"])).await.expect("search").total, 0, "a TRO level shows no MIN case");
    let only_level = SearchQuery { or_case_types: vec!["MIN".to_string()], ..within(&[]) };
    assert_eq!(store.search(&only_level).await.expect("search").total, 3, "a level alone, in no team");
}

async fn a_workstack_page_filters_by_allocation_and_reference_and_sorts_by_the_chosen_column(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let mut ids = Vec::new();
    for name in ["Cllr One", "Cllr Two", "Cllr Three"] {
        ids.push(casework.open(letter(name), &alice(), now()).await.expect("opened").state.id);
    }
    let take = Command::AllocateToUser { user: "alice".to_string() };
    casework.execute(ids[1], None, &take, &alice(), now()).await.expect("allocated");
    let store = casework.store();
    let team = |allocation: AllocationFilter, sort: WorkstackSort, descending: bool| WorkstackQuery {
        team: Some("PERFORMANCE_AND_PROCESS".to_string()),
        allocation,
        sort,
        descending,
        page: 1,
        page_size: 2,
        ..WorkstackQuery::default()
    };
    let ids_of = |page: &despatch_store::Page| page.rows.iter().map(|row| row.id).collect::<Vec<_>>();

    let newest_first = store.workstack_page(&team(AllocationFilter::Any, WorkstackSort::Reference, true)).await;
    let newest_first = newest_first.expect("a page");
    assert_eq!((newest_first.total, ids_of(&newest_first)), (3, vec![ids[2], ids[1]]), "true total, two per page");
    let owners = store.workstack_page(&team(AllocationFilter::Any, WorkstackSort::Owner, true)).await.expect("a page");
    assert_eq!(ids_of(&owners)[0], ids[1], "the allocated case first when sorted by owner descending");
    let unallocated = store.workstack_page(&team(AllocationFilter::Unallocated, WorkstackSort::Deadline, false)).await;
    assert_eq!(ids_of(&unallocated.expect("a page")), vec![ids[0], ids[2]], "oldest deadline first, then id");
    let alices = team(AllocationFilter::User("alice".to_string()), WorkstackSort::Deadline, false);
    assert_eq!(ids_of(&store.workstack_page(&alices).await.expect("a page")), vec![ids[1]]);

    let reference = store.case(ids[2]).await.expect("read").expect("the case").reference.to_string();
    let by_reference = WorkstackQuery {
        reference: Some(reference.to_lowercase()),
        ..team(AllocationFilter::Any, WorkstackSort::Deadline, false)
    };
    assert_eq!(ids_of(&store.workstack_page(&by_reference).await.expect("a page")), vec![ids[2]]);
    let wildcard = WorkstackQuery { reference: Some("%".to_string()), ..by_reference };
    assert_eq!(store.workstack_page(&wildcard).await.expect("a page").total, 0, "% is matched literally");
    let elsewhere = WorkstackQuery {
        team: Some("POLICING_DRAFTING".to_string()),
        ..team(AllocationFilter::Any, WorkstackSort::Deadline, false)
    };
    assert_eq!(store.workstack_page(&elsewhere).await.expect("a page").total, 0);
}

async fn a_workstack_total_stays_true_as_cases_are_allocated_moved_on_moved_to_another_team_and_closed(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let mut ids = Vec::new();
    for name in ["Cllr One", "Cllr Two", "Cllr Three", "Cllr Four"] {
        ids.push(casework.open(letter(name), &alice(), now()).await.expect("opened").state.id);
    }
    let take = Command::AllocateToUser { user: "alice".to_string() };
    casework.execute(ids[0], None, &take, &alice(), now()).await.expect("allocated");
    let fields = [
        ("DateOfCorrespondence", "2018-11-12"),
        ("OriginalChannel", "POST"),
        ("CopyNumberTen", "FALSE"),
        ("HomeSecInterest", "FALSE"),
        ("HomeSecReply", "FALSE"),
    ];
    let fields = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let data_input = Command::CompleteStage { stage: "DATA_INPUT".to_string(), fields, note: None, take: true };
    casework.execute(ids[1], None, &data_input, &alice(), now()).await.expect("on to Markup");
    let moved = Command::MoveToTeam { team: "POLICING_DRAFTING".to_string(), reason: "Theirs".to_string() };
    casework.execute(ids[2], None, &moved, &alice(), now()).await.expect("moved");
    let despatched_on = NaiveDate::from_ymd_opt(2018, 11, 19).expect("a date");
    let close = Command::CloseAsHistorical { despatched_on, reason: "Answered already".to_string() };
    casework.execute(ids[3], None, &close, &alice(), now()).await.expect("closed");

    let store = casework.store();
    let page = |team: &str, stage: Option<&str>, allocation: AllocationFilter| WorkstackQuery {
        team: Some(team.to_string()),
        stage: stage.map(str::to_string),
        allocation,
        page: 1,
        page_size: 500,
        ..WorkstackQuery::default()
    };
    let ids_of = |page: &despatch_store::Page| page.rows.iter().map(|row| row.id).collect::<Vec<_>>();
    let here = store.workstack_page(&page("PERFORMANCE_AND_PROCESS", None, AllocationFilter::Any)).await;
    assert_eq!((here.expect("a page").total), 1, "only the allocated case is still at Data Input here");
    let unallocated = page("PERFORMANCE_AND_PROCESS", None, AllocationFilter::Unallocated);
    assert_eq!(store.workstack_page(&unallocated).await.expect("a page").total, 0);
    let policing = store.workstack_page(&page("POLICING_DRAFTING", None, AllocationFilter::Any)).await;
    assert_eq!(ids_of(&policing.expect("a page")), vec![ids[2]], "the moved case");
    // Every counted total equals the rows the same filters find.
    for team in ["PERFORMANCE_AND_PROCESS", "DCU_CENTRAL_DRAFTING", "POLICING_DRAFTING"] {
        for stage in [None, Some("DATA_INPUT"), Some("MARKUP")] {
            for allocation in [AllocationFilter::Any, AllocationFilter::Unallocated] {
                let found = store.workstack_page(&page(team, stage, allocation.clone())).await.expect("a page");
                assert_eq!(found.total as usize, found.rows.len(), "{team} {stage:?} {allocation:?}");
            }
        }
    }
    let markup = store.workstack_page(&page("DCU_CENTRAL_DRAFTING", Some("MARKUP"), AllocationFilter::Any)).await;
    assert_eq!(ids_of(&markup.expect("a page")), vec![ids[1]], "the case moved on to Markup");
}

on_both_backends!(
    a_workstack_total_stays_true_as_cases_are_allocated_moved_on_moved_to_another_team_and_closed,
    a_workstack_page_filters_by_allocation_and_reference_and_sorts_by_the_chosen_column,
    a_search_within_teams_counts_only_the_cases_those_teams_hold_or_have_held_or_whose_case_type_they_may_see,
    an_account_is_saved_found_and_its_password_and_role_replaced,
    sessions_are_found_touched_ended_and_swept_when_idle_or_too_old,
    a_team_card_counts_open_overdue_and_unallocated_cases_and_my_cases_lists_mine,
);
