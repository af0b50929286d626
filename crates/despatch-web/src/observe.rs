//! Observability: a tracing span and Prometheus metrics for every request, the `/metrics` text,
//! `/healthz`, and the process's log output.
//!
//! Metrics (Prometheus text at `/metrics`):
//! - `despatch_http_requests_total{method, route, status}`: requests answered; `route` is the
//!   route's template (`/api/v1/cases/{id}`), `unmatched` for unknown paths, so ids never become
//!   labels;
//! - `despatch_http_request_duration_seconds{method, route, status}`: latency histogram (seconds);
//! - `despatch_commands_total{command, result}`: commands on cases (counted by the store's
//!   `Casework`);
//! - `despatch_sign_ins_total{result}`: sign-ins `ok`, `refused` or `throttled`.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::Instrument;

use crate::AppState;

/// Latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The process's Prometheus recorder, installed on first use. `None` when another recorder was
/// installed first (the metrics then go there, and `/metrics` says it has none).
fn recorder() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full("despatch_http_request_duration_seconds".into()), &BUCKETS)
                .map_err(|error| tracing::warn!(%error, "metrics buckets"))
                .ok()?;
            builder.install_recorder().map_err(|error| tracing::warn!(%error, "installing the metrics recorder")).ok()
        })
        .as_ref()
}

/// Installs the metrics recorder (idempotent); called when the router is built, so that metrics
/// counted before the first scrape are kept.
pub(crate) fn install() {
    let _ = recorder();
}

/// Middleware: runs the request inside a `request` span (method, route, status, latency in
/// milliseconds), logs one line when it is answered, and counts it.
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |path| path.as_str().to_string());
    let span = tracing::info_span!(
        "request",
        method = %method,
        route = %route,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty
    );
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    span.record("status", status);
    span.record("latency_ms", elapsed.as_secs_f64() * 1000.0);
    if response.status().is_server_error() {
        tracing::error!(parent: &span, "request answered with a server error");
    } else {
        tracing::info!(parent: &span, "request answered");
    }
    let labels = [("method", method), ("route", route), ("status", status.to_string())];
    metrics::counter!("despatch_http_requests_total", &labels).increment(1);
    metrics::histogram!("despatch_http_request_duration_seconds", &labels).record(elapsed.as_secs_f64());
    response
}

/// `GET /metrics`: every metric in the Prometheus text format.
pub(crate) async fn metrics_text() -> Response {
    match recorder() {
        Some(handle) => ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, "metrics are recorded elsewhere in this process\n").into_response(),
    }
}

/// `GET /healthz`: `ok` when the database answers a query, else 503 with the reason logged.
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    match state.store().count_accounts().await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the database does not answer\n").into_response()
        }
    }
}

/// Sends the process's logs (tracing) to standard error: one line per event with its span's
/// fields, as JSON when `DESPATCH_LOG_FORMAT=json`; the level filter comes from `RUST_LOG`
/// (default `info`). Does nothing when a subscriber is already set.
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let json = std::env::var("DESPATCH_LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}

/// `/metrics` and `/healthz`; installs the metrics recorder.
pub(crate) fn routes() -> axum::Router<AppState> {
    install();
    axum::Router::new()
        .route("/metrics", axum::routing::get(metrics_text))
        .route("/healthz", axum::routing::get(healthz))
}
