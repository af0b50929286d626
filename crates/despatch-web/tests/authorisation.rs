//! Every page route tried as every kind of user: anonymous, a user without access, each HOCS access
//! level on the case's case type (SUMMARY, READ, WRITE, OWNER, CASE_ADMIN, all members of the
//! team holding the case), and an administrator in no team. Each kind gets a fresh app, so the
//! posts of one do not change what the next finds.

mod common;

use common::{
    ADMINISTRATOR, CASE_ADMIN_USER, OUTSIDER, OWNER_USER, READ_USER, SUMMARY_USER, WRITE_USER, csrf, no_redirects,
    session_cookie, start,
};

/// Who asks; the column of the table.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Outsider,
    Summary,
    Read,
    Write,
    Owner,
    CaseAdmin,
    Administrator,
}

const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::Outsider,
    Who::Summary,
    Who::Read,
    Who::Write,
    Who::Owner,
    Who::CaseAdmin,
    Who::Administrator,
];

impl Who {
    fn user(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::Outsider => Some(OUTSIDER),
            Who::Summary => Some(SUMMARY_USER),
            Who::Read => Some(READ_USER),
            Who::Write => Some(WRITE_USER),
            Who::Owner => Some(OWNER_USER),
            Who::CaseAdmin => Some(CASE_ADMIN_USER),
            Who::Administrator => Some(ADMINISTRATOR),
        }
    }

    fn column(self) -> usize {
        EVERYONE.iter().position(|who| *who == self).unwrap_or(0)
    }
}

/// (method, path with `{case}` for the case id, expected status per [`EVERYONE`] in order).
/// Posts carry the session's token and `stage=DATA_INPUT` only, so a form that gets as far as
/// its checks is refused with 422; uploads are multipart with the token and no file; anonymous
/// posts fail the CSRF check (403). Rows run in order: "allocate to me" comes before the stage
/// form and "unallocate", and "take next case" comes last. The JSON API's routes are tried by
/// level in tests/api.rs.
const TABLE: &[(&str, &str, [u16; 8])] = &[
    //                                           anon out  sum  read writ ownr cadm admin
    ("GET", "/", [303, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/teams/PERFORMANCE_AND_PROCESS", [303, 403, 200, 200, 200, 200, 200, 403]),
    ("GET", "/teams/NO_SUCH_TEAM", [303, 403, 403, 403, 403, 403, 403, 403]),
    ("GET", "{case}", [303, 404, 403, 200, 200, 200, 200, 404]),
    ("GET", "{case}/deadline", [303, 404, 403, 200, 200, 200, 200, 404]),
    ("GET", "/cases/not-a-number", [303, 404, 404, 404, 404, 404, 404, 404]),
    ("GET", "/search?q=Example", [303, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/account/password", [303, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "{case}/allocate-to-me", [403, 404, 403, 403, 303, 303, 303, 404]),
    ("POST", "{case}/stage", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("POST", "{case}/notes", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("POST", "{case}/unallocate", [403, 404, 403, 403, 303, 303, 303, 404]),
    ("POST", "{case}/correspondents", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("POST", "{case}/correspondents/1", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("POST", "{case}/correspondents/1/primary", [403, 404, 403, 403, 303, 303, 303, 404]),
    ("POST", "{case}/documents", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("GET", "{case}/documents/0000", [303, 404, 403, 404, 404, 404, 404, 404]),
    ("POST", "{case}/documents/0000/tag", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("POST", "{case}/documents/0000/primary", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("GET", "{case}/draft", [303, 404, 403, 403, 409, 409, 409, 404]),
    ("POST", "{case}/draft", [403, 404, 403, 403, 409, 409, 409, 404]),
    ("GET", "{case}/drafts/compare", [303, 404, 403, 200, 200, 200, 200, 404]),
    ("POST", "{case}/contributions", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("POST", "{case}/contributions/1/complete", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("POST", "{case}/contributions/1/cancel", [403, 404, 403, 403, 422, 422, 422, 404]),
    // The case is at Data Input, not a drafting stage: a writer's request is refused with 422.
    ("POST", "{case}/draft/generate", [403, 404, 403, 403, 422, 422, 422, 404]),
    ("GET", "/mine", [303, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/mine/bulk", [403, 422, 422, 422, 422, 422, 422, 422]),
    ("POST", "/teams/PERFORMANCE_AND_PROCESS/bulk", [403, 403, 422, 422, 422, 422, 422, 403]),
    ("GET", "/cases/new", [303, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/cases/new", [403, 422, 422, 422, 422, 422, 422, 422]),
    ("POST", "/cases/upload", [403, 422, 422, 422, 422, 422, 422, 422]),
    ("POST", "/account/password", [403, 422, 422, 422, 422, 422, 422, 422]),
    ("GET", "/admin", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/teams", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/teams/PERFORMANCE_AND_PROCESS", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/teams/NO_SUCH_TEAM", [303, 403, 403, 403, 403, 403, 403, 404]),
    ("POST", "/admin/teams", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/teams/PERFORMANCE_AND_PROCESS", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/units", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/units/DCU", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("GET", "/admin/users", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/users/ada.caseworker", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/users/nobody", [303, 403, 403, 403, 403, 403, 403, 404]),
    ("POST", "/admin/users", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/users/ada.caseworker/memberships", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/users/ada.caseworker/status", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/users/ada.caseworker/password", [403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/topics", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/topics/ASYLUM_SUPPORT", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("POST", "/admin/topics", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/topics/ASYLUM_SUPPORT", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/topics/ASYLUM_SUPPORT/links", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("GET", "/admin/standard-lines", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("POST", "/admin/standard-lines", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("GET", "/admin/standard-lines/1", [303, 403, 403, 403, 403, 403, 403, 404]),
    ("POST", "/admin/standard-lines/1", [403, 403, 403, 403, 403, 403, 403, 404]),
    ("POST", "/admin/standard-lines/1/retire", [403, 403, 403, 403, 403, 403, 403, 404]),
    ("GET", "/admin/templates", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/templates/new", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/templates/MIN", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/templates/MIN/NO_SUCH_TEAM", [303, 403, 403, 403, 403, 403, 403, 404]),
    ("POST", "/admin/templates", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/templates/MIN", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("POST", "/admin/templates/MIN/NO_SUCH_TEAM", [403, 403, 403, 403, 403, 403, 403, 422]),
    ("GET", "/admin/case-types", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/case-types/MIN", [303, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/admin/case-types/NOPE", [303, 403, 403, 403, 403, 403, 403, 404]),
    // Last: taking the next case allocates the test case.
    ("POST", "/teams/PERFORMANCE_AND_PROCESS/take-next", [403, 403, 403, 403, 303, 303, 303, 403]),
];

#[tokio::test]
async fn every_route_answers_each_kind_of_user_as_their_access_allows() {
    for who in EVERYONE {
        let app = start().await;
        let case = format!("/cases/{}", app.case_id);
        let client = no_redirects();
        let cookie = match who.user() {
            Some(user) => Some(session_cookie(&app, user).await),
            None => None,
        };
        let token = match &cookie {
            Some(cookie) => {
                let page = client.get(app.url("/account/password")).header(reqwest::header::COOKIE, cookie.as_str());
                csrf(&page.send().await.expect("a page").text().await.expect("html"))
            }
            None => String::new(),
        };
        for (method, path, expected) in TABLE {
            let path = path.replace("{case}", &case);
            let request = if *method == "GET" {
                client.get(app.url(&path))
            } else if path.ends_with("/documents") || path.ends_with("/complete") || path == "/cases/upload" {
                // Uploads are multipart: the token without a file.
                let form = reqwest::multipart::Form::new().text("csrf", token.clone());
                client.post(app.url(&path)).multipart(form)
            } else {
                client.post(app.url(&path)).form(&[("csrf", token.as_str()), ("stage", "DATA_INPUT")])
            };
            let request = match &cookie {
                Some(cookie) => request.header(reqwest::header::COOKIE, cookie.as_str()),
                None => request,
            };
            let status = request.send().await.expect("an answer").status().as_u16();
            assert_eq!(status, expected[who.column()], "{method} {path} as {who:?}");
        }
    }
}

#[tokio::test]
async fn what_each_level_sees_of_the_case_page_matches_what_it_may_do() {
    let app = start().await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let client = no_redirects();
    let page = |user: &'static str| {
        let (client, case, app) = (client.clone(), case.clone(), &app);
        async move {
            let cookie = session_cookie(app, user).await;
            let response = client.get(&case).header(reqwest::header::COOKIE, cookie).send().await.expect("an answer");
            response.text().await.expect("html")
        }
    };
    let reader = page(READ_USER).await;
    assert!(reader.contains(&app.reference) && reader.contains("Timeline"));
    assert!(
        !reader.contains("id=\"stage-form\"") && !reader.contains("Add note") && !reader.contains("Allocate to me")
    );
    let writer = page(WRITE_USER).await;
    assert!(writer.contains("id=\"stage-form\"") && writer.contains("Add note") && writer.contains("Allocate to me"));
    let summary = page(SUMMARY_USER).await;
    assert!(!summary.contains(&app.reference), "a summary-level user sees no case data on the case page");

    let cookie = session_cookie(&app, SUMMARY_USER).await;
    let search = client.get(app.url("/search?q=Example")).header(reqwest::header::COOKIE, cookie).send().await;
    let search = search.expect("an answer").text().await.expect("html");
    assert!(search.contains(&app.reference), "but finds its row in search");
}
