//! Each test's own database, copied from one template that already holds the migrations and the
//! demo data.
//!
//! Creating a database, running every migration and loading the demo (an Argon2 hash per demo
//! account) for each of about eighty tests was a large share of the suite's time on two cores;
//! PostgreSQL copies a prepared database far faster (`CREATE DATABASE … TEMPLATE`). The template
//! is made once per test process, on the cluster that `DATABASE_URL` names.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection, PgPool};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::OnceCell;

/// Every database this suite makes is named with this prefix and the test process's id.
const PREFIX: &str = "baedal_it_";

static TEMPLATE: OnceCell<String> = OnceCell::const_new();
static NEXT_DATABASE: AtomicUsize = AtomicUsize::new(0);

/// A database of the test's own, migrated and holding the demo data.
pub async fn demo_database() -> PgPool {
    let template = TEMPLATE.get_or_init(make_template).await;
    let name = format!(
        "{PREFIX}{}_{}",
        std::process::id(),
        NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
    );
    let mut cluster = connect_to_cluster().await;
    // Both names are made here of a fixed prefix and numbers, never of outside input.
    cluster
        .execute(AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE {template}"
        )))
        .await
        .expect("a copy of the template database");
    cluster.close().await.ok();
    // The limits sqlx::test gave each test's pool, which the tests were written against.
    PgPoolOptions::new()
        .max_connections(5)
        .idle_timeout(Some(Duration::from_secs(1)))
        .connect_with(cluster_options().database(&name))
        .await
        .expect("a pool on the test's database")
}

/// Creates the template: drops what earlier runs on this cluster left behind, then migrates an
/// empty database and loads the demo into it.
async fn make_template() -> String {
    let mut cluster = connect_to_cluster().await;
    drop_leftovers(&mut cluster).await;
    let name = format!("{PREFIX}{}_template", std::process::id());
    cluster
        .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("the template database");
    cluster.close().await.ok();

    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(cluster_options().database(&name))
        .await
        .expect("a pool on the template database");
    server::database::MIGRATOR
        .run(&pool)
        .await
        .expect("migrations apply to the template");
    server::demo::load_if_empty(&pool)
        .await
        .expect("demo data loads into the template");
    // A database is copied only while nobody is connected to it.
    pool.close().await;
    name
}

/// Databases of earlier test processes: each test's own database is left in place when the test
/// ends (a failed test's data stays readable), and removed by the next run here. One that
/// someone is still connected to belongs to a run that is still going and is kept.
async fn drop_leftovers(cluster: &mut PgConnection) {
    let leftovers: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database d
          WHERE starts_with(datname, $1) AND NOT starts_with(datname, $2)
            AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)",
    )
    .bind(PREFIX)
    .bind(format!("{PREFIX}{}_", std::process::id()))
    .fetch_all(&mut *cluster)
    .await
    .expect("the list of databases");
    for name in leftovers {
        // Named by this suite (the prefix above); a drop that fails leaves it to the next run.
        let _ = cluster
            .execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
            .await;
    }
}

fn cluster_options() -> PgConnectOptions {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set (run under baedal-pg)");
    PgConnectOptions::from_str(&url).expect("DATABASE_URL is a PostgreSQL address")
}

async fn connect_to_cluster() -> PgConnection {
    PgConnection::connect_with(&cluster_options())
        .await
        .expect("a connection to the test cluster")
}
