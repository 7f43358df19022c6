//! Runs a command with a private PostgreSQL cluster: `baedal-pg [--dir DIR] [--fresh] -- CMD ARGS…`
//!
//! The command gets `DATABASE_URL` pointing at the cluster; the cluster stops when it exits. Used
//! by `make test` so that tests (one database each) never touch a PostgreSQL of the machine's.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{bail, Context, Result};
use sqlx::{migrate::MigrateDatabase, Postgres};
use std::path::PathBuf;
use std::process::Command;

use server::database::{PrivateCluster, DATABASE_NAME};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from(".baedal/test");
    let mut fresh = false;
    let mut command = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dir" => dir = PathBuf::from(args.next().context("--dir needs a directory")?),
            "--fresh" => fresh = true,
            "--" => {
                command.extend(args.by_ref());
            }
            other => bail!(
                "unknown argument {other}; usage: baedal-pg [--dir DIR] [--fresh] -- CMD ARGS…"
            ),
        }
    }
    let Some((program, program_args)) = command.split_first() else {
        bail!("usage: baedal-pg [--dir DIR] [--fresh] -- CMD ARGS…");
    };
    if fresh && dir.exists() {
        // A cluster left running by an interrupted run must stop before its files go.
        if let Ok(old) = PrivateCluster::start(&dir, pg_bin_dir().as_deref()) {
            let _ = old.stop();
        }
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    let cluster = PrivateCluster::start(&dir, pg_bin_dir().as_deref())?;
    let url = cluster.url(DATABASE_NAME);
    // sqlx::test connects to this database to create one database per test.
    if !Postgres::database_exists(&url).await? {
        Postgres::create_database(&url).await?;
    }
    let status = Command::new(program)
        .args(program_args)
        .env("DATABASE_URL", &url)
        .status()
        .with_context(|| format!("running {program}"));
    cluster.stop()?;
    let status = status?;
    std::process::exit(status.code().unwrap_or(1));
}

fn pg_bin_dir() -> Option<PathBuf> {
    std::env::var_os("PG_BIN_DIR").map(PathBuf::from)
}
