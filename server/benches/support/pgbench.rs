//! PostgreSQL's own ceiling for PlaceOrder's writes: pgbench running the same domain SQL as
//! PlaceOrder's transaction (the order, its lines, OrderPlaced) on the benchmark's cluster.

use std::process::Command;

use anyhow::{bail, Context, Result};
use sqlx::PgPool;

use super::Fixture;
use server::database::{self, PrivateCluster};

/// PlaceOrder's transaction in plain SQL, for pgbench: the order, its lines, OrderPlaced.
fn place_order_script(f: &Fixture) -> String {
    format!(
        "\\set n random(1, 1000000000)
BEGIN;
INSERT INTO ordering.orders (order_id, customer_id, store_id, status, delivery_address,
    delivery_lat, delivery_lng, items_total_krw, delivery_fee_krw, total_krw)
VALUES (md5(:n::text || clock_timestamp()::text)::uuid, '{c}', '{s}', 'PLACED', 'bench', 37.54, 127.05, 10000, 2500, 12500)
RETURNING order_id \\gset
INSERT INTO ordering.order_lines (order_id, line_no, item_id, item_name, unit_price_krw, quantity, options, line_total_krw)
SELECT ':order_id'::uuid, * FROM unnest(ARRAY[1,2]::smallint[], ARRAY['{i}','{i}']::uuid[], ARRAY['a','b']::text[],
    ARRAY[5000,5000]::bigint[], ARRAY[1,1]::int[], ARRAY['[]','[]']::jsonb[], ARRAY[5000,5000]::bigint[]);
INSERT INTO events.log (event_id, order_id, event_type, payload, actor)
VALUES (gen_random_uuid(), ':order_id'::uuid, 'BenchOrderPlaced', '{{\"owner\": \"{o}\"}}', 'bench');
COMMIT;
",
        c = f.customer_id,
        s = f.store_id,
        i = f.item_id,
        o = f.owner_id
    )
}

/// Runs PlaceOrder's writes under pgbench with `clients` clients for `seconds`; returns its tx/s.
pub fn place_order_writes(
    cluster: &PrivateCluster,
    fixture: &Fixture,
    clients: usize,
    seconds: u64,
) -> Result<f64> {
    let script = std::env::temp_dir().join(format!("baedal-bench-{}.sql", std::process::id()));
    std::fs::write(&script, place_order_script(fixture))?;
    let bin = std::fs::read_dir("/usr/lib/postgresql")?
        .flatten()
        .map(|e| e.path().join("bin/pgbench"))
        .find(|p| p.exists())
        .context("pgbench not found under /usr/lib/postgresql")?;
    let url = cluster.url(database::DATABASE_NAME);
    let output = Command::new(bin)
        .args(["-n", "-c", &clients.to_string(), "-j", "2", "-T"])
        .arg(seconds.to_string())
        .arg("-f")
        .arg(&script)
        .arg(&url)
        .output()?;
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    text.lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .context("pgbench printed no tps line")
}

/// Removes what pgbench wrote, which would otherwise sit in the event log in front of the real
/// orders, and lets the planner see the tables as they now are.
pub async fn forget_its_rows(pool: &PgPool) -> Result<()> {
    sqlx::query("DELETE FROM events.log WHERE actor = 'bench'")
        .execute(pool)
        .await?;
    sqlx::query(
        "DELETE FROM ordering.order_lines l USING ordering.orders o
         WHERE l.order_id = o.order_id AND o.delivery_address = 'bench'",
    )
    .execute(pool)
    .await?;
    sqlx::query("DELETE FROM ordering.orders WHERE delivery_address = 'bench'")
        .execute(pool)
        .await?;
    sqlx::query("VACUUM ANALYZE").execute(pool).await?;
    Ok(())
}
