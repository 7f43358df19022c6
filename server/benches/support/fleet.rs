//! The deployment issue 16 describes, as separate processes on one database: two `--role web`
//! servers on ports of their own and a `--role worker`, each restartable in place, and the people
//! who call them over HTTP.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::process::{Child, Command};

/// The processes of the deployment, each restartable in place (a web process on its own port
/// again, so that clients find it where it was).
pub struct Fleet {
    pub database_url: String,
    /// Where each process writes its log, `<role>-<port>.log` or `worker.log`.
    pub logs: PathBuf,
    /// Settings every process gets on top of the database's address.
    pub env: Vec<(&'static str, String)>,
    pub processes: Vec<Process>,
}

pub struct Process {
    pub role: &'static str,
    pub port: Option<u16>,
    pub child: Option<Child>,
    pub starts: u32,
}

impl Process {
    fn new(role: &'static str, port: Option<u16>) -> Process {
        Process {
            role,
            port,
            child: None,
            starts: 0,
        }
    }
}

impl Fleet {
    /// Two web processes on free ports and one worker, not started yet.
    pub fn two_web_one_worker(
        database_url: String,
        logs: PathBuf,
        env: Vec<(&'static str, String)>,
    ) -> Result<Fleet> {
        Fleet::of(database_url, logs, env, &["web", "web", "worker"])
    }

    /// A process of each role in `roles` (`web`, `worker` or `all`), those that serve on free
    /// ports of their own, not started yet.
    pub fn of(
        database_url: String,
        logs: PathBuf,
        env: Vec<(&'static str, String)>,
        roles: &[&'static str],
    ) -> Result<Fleet> {
        let processes = roles
            .iter()
            .map(|&role| {
                let port = (role != "worker").then(free_port).transpose()?;
                Ok(Process::new(role, port))
            })
            .collect::<Result<_>>()?;
        Ok(Fleet {
            database_url,
            logs,
            env,
            processes,
        })
    }

    fn spawn(&self, process: &Process) -> Result<Child> {
        let name = match process.port {
            Some(port) => format!("{}-{port}", process.role),
            None => process.role.to_owned(),
        };
        std::fs::create_dir_all(&self.logs)?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.logs.join(format!("{name}.log")))?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .args(["--role", process.role])
            .env("DATABASE_URL", &self.database_url)
            .env("BAEDAL_PLAIN_HTTP", "1")
            .env("BAEDAL_DRAIN_SECONDS", "0")
            .env("LEPTOS_OUTPUT_NAME", "baedal")
            .env("RUST_LOG", "warn")
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true);
        if let Some(port) = process.port {
            command.env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"));
        }
        Ok(command.spawn()?)
    }

    pub async fn start_all(&mut self) -> Result<()> {
        for index in 0..self.processes.len() {
            self.start(index).await?;
        }
        Ok(())
    }

    /// Starts process `index` and, for a web process, waits until it listens.
    pub async fn start(&mut self, index: usize) -> Result<()> {
        let child = self.spawn(&self.processes[index])?;
        let process = &mut self.processes[index];
        process.child = Some(child);
        process.starts += 1;
        if let Some(port) = process.port {
            let started = Instant::now();
            while tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
            {
                if started.elapsed() > Duration::from_secs(60) {
                    bail!("the web process on port {port} did not listen within 60 s");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(())
    }

    /// Kills process `index` with SIGKILL and waits for it to be gone.
    pub async fn kill(&mut self, index: usize) -> Result<()> {
        if let Some(mut child) = self.processes[index].child.take() {
            child.start_kill()?;
            child.wait().await?;
        }
        Ok(())
    }

    pub async fn kill_all(&mut self) -> Result<()> {
        for index in 0..self.processes.len() {
            self.kill(index).await?;
        }
        Ok(())
    }

    /// The web processes' base addresses, in the order of `processes`.
    pub fn bases(&self) -> Vec<String> {
        self.processes
            .iter()
            .filter_map(|p| p.port)
            .map(|port| format!("http://127.0.0.1:{port}"))
            .collect()
    }

    /// The resident memory of process `index` in KiB, as the kernel counts it (`VmRSS`).
    pub fn resident_kib(&self, index: usize) -> Result<u64> {
        let pid = self.processes[index]
            .child
            .as_ref()
            .and_then(Child::id)
            .context("the process is not running")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS line in /proc/<pid>/status")
    }
}

pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// One person: logged in once (sessions live in the database, so the cookie works on either
/// instance), calling whichever instance it picks.
pub struct Actor {
    pub http: reqwest::Client,
    pub bases: Vec<String>,
    pub rng: StdRng,
}

impl Actor {
    pub async fn log_in(
        email: &str,
        password: &str,
        bases: Vec<String>,
        seed: u64,
    ) -> Result<Actor> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(15))
            .build()?;
        let mut actor = Actor {
            http,
            bases,
            rng: StdRng::seed_from_u64(seed),
        };
        actor
            .form::<serde_json::Value>("login", &[("email", email), ("password", password)])
            .await
            .with_context(|| format!("logging in {email}"))?;
        Ok(actor)
    }

    pub fn base(&mut self) -> String {
        let index = self.rng.random_range(0..self.bases.len());
        self.bases[index].clone()
    }

    pub async fn form<T: serde::de::DeserializeOwned>(
        &mut self,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> Result<T> {
        let url = format!("{}/api/{endpoint}", self.base());
        answer(self.http.post(url).form(args).send().await?).await
    }

    pub async fn json<T: serde::de::DeserializeOwned>(
        &mut self,
        endpoint: &str,
        body: &serde_json::Value,
    ) -> Result<T> {
        let url = format!("{}/api/{endpoint}", self.base());
        answer(self.http.post(url).json(body).send().await?).await
    }

    pub async fn pause(&mut self, millis: std::ops::Range<u64>) {
        let wait = self.rng.random_range(millis);
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

/// The server function's answer, or its status and sentence as the error.
pub async fn answer<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T> {
    let status = response.status();
    let body = response.text().await?;
    if !status.is_success() {
        bail!("{status}: {body}");
    }
    Ok(serde_json::from_str(&body)?)
}
