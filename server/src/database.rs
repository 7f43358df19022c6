//! The database: an existing one from `DATABASE_URL`, or a private PostgreSQL cluster that the
//! server starts from the installed binaries, keeps under `.baedal/pg/`, and stops on shutdown.
//!
//! `postgresql_embedded` refuses to run as root and cannot switch users, and `initdb` refuses
//! root too, so the cluster is driven with `initdb`/`pg_ctl` directly; as root, those run as an
//! unprivileged account (`postgres` when it exists, else `nobody`) through `runuser`.

use anyhow::{bail, Context, Result};
use sqlx::{migrate::MigrateDatabase, postgres::PgPoolOptions, PgPool, Postgres};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The migrations of every context, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The database name used inside a private cluster.
pub const DATABASE_NAME: &str = "baedal";
const SUPERUSER: &str = "baedal";

/// Creates the database if it is missing, connects, and runs the migrations.
pub async fn connect_and_migrate(url: &str, max_connections: u32) -> Result<PgPool> {
    if !Postgres::database_exists(url)
        .await
        .with_context(|| format!("cannot reach PostgreSQL at {}", redact(url)))?
    {
        Postgres::create_database(url)
            .await
            .context("creating the database")?;
    }
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    MIGRATOR.run(&pool).await.context("running migrations")?;
    Ok(pool)
}

/// A URL without its password, for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A PostgreSQL cluster this process started (or found running from an earlier run) and stops.
#[derive(Debug)]
pub struct PrivateCluster {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    run_as: Option<String>,
    port: u16,
}

impl PrivateCluster {
    /// Starts the cluster kept in `dir/pg`, creating it on first use.
    pub fn start(dir: &Path, bin_dir: Option<&Path>) -> Result<PrivateCluster> {
        let bin_dir = find_bin_dir(bin_dir)?;
        let run_as = unprivileged_account()?;
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let dir = dir
            .canonicalize()
            .with_context(|| format!("resolving {}", dir.display()))?;
        let data_dir = reachable_data_dir(&dir, run_as.as_deref());
        let mut cluster = PrivateCluster {
            data_dir,
            bin_dir,
            run_as,
            port: 0,
        };
        if !cluster.data_dir.join("PG_VERSION").exists() {
            cluster.init()?;
        }
        match cluster.running_port() {
            Some(port) => {
                tracing::info!(port, "private PostgreSQL already running; using it");
                cluster.port = port;
            }
            None => cluster.launch()?,
        }
        Ok(cluster)
    }

    /// The URL of `database` in this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops the cluster, waiting for it to shut down cleanly.
    pub fn stop(&self) -> Result<()> {
        self.pg_ctl(&["stop", "-m", "fast", "-w"])
            .context("stopping the private PostgreSQL")
    }

    fn init(&self) -> Result<()> {
        tracing::info!(dir = %self.data_dir.display(), "creating a private PostgreSQL cluster");
        std::fs::create_dir_all(&self.data_dir)?;
        if let Some(account) = &self.run_as {
            run(Command::new("chown")
                .arg(format!("{account}:"))
                .arg(&self.data_dir))?;
        }
        let initdb = self.bin_dir.join("initdb");
        let data_dir = self.data_dir.to_string_lossy().into_owned();
        self.run_cluster_command(
            &initdb,
            &[
                "-D",
                &data_dir,
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ],
        )
        .context("initdb failed")?;
        // Loopback TCP only: no Unix socket (Debian's default socket directory needs root),
        // and enough connections for parallel tests, each with its own pool.
        let settings = "\n# Baedal private cluster\nlisten_addresses = '127.0.0.1'\n\
                        unix_socket_directories = ''\nmax_connections = 300\n";
        let conf = self.data_dir.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf)?;
        text.push_str(settings);
        std::fs::write(&conf, text)?;
        Ok(())
    }

    fn launch(&mut self) -> Result<()> {
        let port = free_port()?;
        let log = self.data_dir.join("server.log");
        let options = format!("-p {port}");
        self.pg_ctl(&[
            "start",
            "-w",
            "-t",
            "60",
            "-l",
            &log.to_string_lossy(),
            "-o",
            &options,
        ])
        .with_context(|| format!("starting PostgreSQL; its log is {}", log.display()))?;
        self.port = port;
        tracing::info!(port, "private PostgreSQL started");
        Ok(())
    }

    /// The port of a server already running on this data directory, if any.
    fn running_port(&self) -> Option<u16> {
        self.pg_ctl(&["status"]).ok()?;
        let pid_file = std::fs::read_to_string(self.data_dir.join("postmaster.pid")).ok()?;
        // Line 4 of postmaster.pid is the port.
        pid_file.lines().nth(3)?.trim().parse().ok()
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<()> {
        let data_dir = self.data_dir.to_string_lossy().into_owned();
        let mut all = vec!["-D", data_dir.as_str()];
        all.extend_from_slice(args);
        self.run_cluster_command(&self.bin_dir.join("pg_ctl"), &all)
    }

    fn run_cluster_command(&self, program: &Path, args: &[&str]) -> Result<()> {
        let mut command = match &self.run_as {
            Some(account) => {
                let mut c = Command::new("runuser");
                c.args(["-u", account, "--"]).arg(program);
                c
            }
            None => Command::new(program),
        };
        // The unprivileged account may not be able to enter the caller's working directory.
        command.args(args).current_dir(&self.data_dir);
        run(&mut command)
    }
}

fn run(command: &mut Command) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("running {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// PostgreSQL's server binaries: `PG_BIN_DIR`, or the newest under /usr/lib/postgresql.
fn find_bin_dir(configured: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = configured {
        if dir.join("initdb").exists() {
            return Ok(dir.to_path_buf());
        }
        bail!(
            "PG_BIN_DIR={} has no initdb. Point it at PostgreSQL's bin directory.",
            dir.display()
        );
    }
    let mut candidates: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    candidates.sort();
    match candidates.pop() {
        Some((_, bin)) => Ok(bin),
        None => bail!(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql. \
             Install them (Debian/Ubuntu: `apt-get install postgresql`), set PG_BIN_DIR to their \
             bin directory, or set DATABASE_URL to use an existing database."
        ),
    }
}

/// As root, the account the cluster runs as; `None` for an ordinary user.
fn unprivileged_account() -> Result<Option<String>> {
    let uid = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m));
    if !matches!(uid, Ok(0)) {
        return Ok(None);
    }
    for account in ["postgres", "nobody"] {
        if Command::new("id")
            .arg("-u")
            .arg(account)
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Ok(Some(account.to_owned()));
        }
    }
    bail!(
        "running as root, and neither a `postgres` nor a `nobody` account exists to run PostgreSQL"
    )
}

/// `dir/pg`, unless the unprivileged account cannot reach it (a checkout under a private home
/// directory, say); then a directory of its own under the system's temporary directory.
fn reachable_data_dir(dir: &Path, run_as: Option<&str>) -> PathBuf {
    let preferred = dir.join("pg");
    let Some(account) = run_as else {
        return preferred;
    };
    let reachable = Command::new("runuser")
        .args(["-u", account, "--", "test", "-x"])
        .arg(dir)
        .status()
        .is_ok_and(|status| status.success());
    if reachable {
        return preferred;
    }
    // FNV-1a of the path: a stable, distinct directory per checkout.
    let hash = dir
        .to_string_lossy()
        .bytes()
        .fold(0xcbf29ce484222325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        });
    let fallback = std::env::temp_dir().join(format!("baedal-pg-{hash:016x}"));
    tracing::warn!(
        account,
        preferred = %preferred.display(),
        fallback = %fallback.display(),
        "the PostgreSQL account cannot reach the data directory; using a temporary one"
    );
    fallback
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/baedal"),
            "postgres://app:***@db:5432/baedal"
        );
        assert_eq!(
            redact("postgres://baedal@127.0.0.1:5000/baedal"),
            "postgres://baedal@127.0.0.1:5000/baedal"
        );
    }
}
