//! `despatch serve`: the web application on a database (created and migrated on first start).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use despatch_store::Store;
use despatch_web::{AppState, Config, auth};

use super::db;

/// The first administrator's user name on a fresh database.
const FIRST_ADMIN: &str = "admin";

/// Arguments of `despatch serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Database URL or SQLite file.
    #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
    db: String,
    /// Mark cookies Secure (set this when users reach the service over HTTPS).
    #[arg(long, env = "DESPATCH_SECURE_COOKIES")]
    secure_cookies: bool,
}

/// Creates the first administrator with a one-time password when no account exists, and prints
/// how to sign in.
pub async fn first_administrator(store: &dyn Store) -> anyhow::Result<()> {
    let (accounts, _) = store.count_accounts().await?;
    if accounts > 0 {
        return Ok(());
    }
    let password = auth::create_account_with_one_time_password(store, FIRST_ADMIN, true).await?;
    println!("No accounts yet: created the administrator {FIRST_ADMIN:?} with the one-time password");
    println!();
    println!("    {password}");
    println!();
    println!("It is shown only now. Sign in with it and choose your own password; then add users under");
    println!("Administration, or with `despatch admin create-user NAME --team TEAM --level WRITE`.");
    Ok(())
}

/// Runs `despatch serve`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    db::runtime()?.block_on(async {
        // Listen first, so nothing is created or announced when the address is taken.
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}: is another server using it?", args.addr))?;
        let store = db::open(&args.db).await?;
        first_administrator(store.as_ref()).await?;
        let casework = db::casework(Arc::clone(&store)).await?;
        let worker = super::outbox::start(&casework)?;
        let config = Config { secure_cookies: args.secure_cookies, ..Config::default() };
        println!("Despatch is running at http://{} (database {}); stop it with Ctrl-C", args.addr, args.db);
        despatch_web::serve_on(AppState::new(casework, config), listener).await?;
        worker.inspect(tokio::task::JoinHandle::abort);
        db::finish(store.as_ref()).await?;
        Ok(ExitCode::SUCCESS)
    })
}
