//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' `#[utoipa::path]`
//! attributes and the types they take and answer with. Every operation requires the bearer
//! token and lists the problem-details answers it can give.

use utoipa::Modify;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

use super::problem::{FieldProblem, PROBLEM_JSON, Problem};

/// The document's fixed parts: title, the bearer scheme, tags and the problem schemas.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Despatch API",
        version = "1",
        description = "Casework for official correspondence: cases, stages and decisions, allocations, \
            correspondents, topics, documents, notes, search and workstacks. Authenticate with a service \
            account's token (`despatch admin create-token`) as `Authorization: Bearer TOKEN`. Errors are \
            RFC 9457 problem details (`application/problem+json`)."
    ),
    security(("bearer" = [])),
    components(schemas(Problem, FieldProblem)),
    tags(
        (name = "cases", description = "Open and read cases"),
        (name = "stages", description = "Stages and their decisions"),
        (name = "allocations", description = "Allocation to users and teams"),
        (name = "correspondents", description = "Correspondents of a case"),
        (name = "topics", description = "Topics of a case"),
        (name = "documents", description = "Documents of a case"),
        (name = "contributions", description = "Contributions requested from other teams while the reply is drafted"),
        (name = "notes", description = "Case notes and the audit trail"),
        (name = "search", description = "Search"),
        (name = "workstacks", description = "Workstacks and the caller's cases"),
    )
)]
pub(crate) struct ApiDoc;

/// Adds the bearer scheme, and to every operation the problem answers it can give: 400, 401
/// and 404 for all; 403, 409, 415 and 422 for those that change a case. Applied once the
/// routes have added their paths.
pub(crate) struct Problems;

fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
    RefOr::T(ResponseBuilder::new().description(description).content(PROBLEM_JSON, content).build())
}

fn add_problems(operation: &mut Operation, changes: bool) {
    let mut answers = vec![
        ("400", "Malformed parameters or body"),
        ("401", "No live bearer token"),
        ("404", "No such resource, or a case the caller may not see"),
    ];
    if changes {
        answers.extend([
            ("403", "The engine refused the caller (not allocated to them, not in the team)"),
            ("409", "The case changed (reload), or the command does not apply to it as it stands"),
            ("415", "The body is not JSON"),
            ("422", "Invalid fields, each with its problem"),
        ]);
    }
    for (status, description) in answers {
        operation.responses.responses.entry(status.to_string()).or_insert_with(|| problem_response(description));
    }
}

impl Modify for Problems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get].into_iter().flatten() {
                add_problems(operation, false);
            }
            for operation in [&mut item.post, &mut item.put, &mut item.delete, &mut item.patch].into_iter().flatten() {
                add_problems(operation, true);
            }
        }
    }
}
