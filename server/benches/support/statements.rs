//! Which statements took the database's time: pg_stat_statements on a benchmark's cluster.

use anyhow::Result;
use sqlx::PgPool;

use server::database::PrivateCluster;

/// Restarts the cluster `name` with pg_stat_statements loaded, so that a run can tell which
/// statements took the database's time (see [`costliest`]).
pub async fn collecting(cluster: PrivateCluster, name: &str) -> Result<PrivateCluster> {
    let admin = PgPool::connect(&cluster.url("postgres")).await?;
    sqlx::query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
        .execute(&admin)
        .await?;
    admin.close().await;
    cluster.stop()?;
    PrivateCluster::start(&super::cluster_dir(name), None)
}

/// Forgets the statement figures gathered so far (the setup's), in a database of a cluster
/// started by [`collecting`].
pub async fn forget_so_far(pool: &PgPool) -> Result<()> {
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .execute(pool)
        .await?;
    sqlx::query("SELECT pg_stat_statements_reset()")
        .execute(pool)
        .await?;
    Ok(())
}

/// The `limit` statements that took the most execution time since the last reset, one line each:
/// calls, total time, and the statement's start.
pub async fn costliest(pool: &PgPool, limit: i64) -> Result<Vec<String>> {
    let rows: Vec<(i64, f64, String)> = sqlx::query_as(
        "SELECT calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 90)
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(calls, ms, statement)| format!("{calls:>8} calls {ms:>8.0} ms  {statement}"))
        .collect())
}
