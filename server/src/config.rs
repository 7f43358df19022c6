//! Configuration, read once at start-up from the environment.

use std::path::PathBuf;

/// What a server process does. Any number of each may share one database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Pages, server functions and live sockets; no jobs.
    Web,
    /// The event dispatcher, the job queue and its timers; serves nothing.
    Worker,
    /// Both, as `make run` and a single-machine deployment use.
    All,
}

impl Role {
    /// Reads `web`, `worker` or `all`.
    pub fn parse(name: &str) -> Result<Role, String> {
        match name {
            "web" => Ok(Role::Web),
            "worker" => Ok(Role::Worker),
            "all" => Ok(Role::All),
            other => Err(format!(
                "the role {other:?} is unknown: it is web, worker or all"
            )),
        }
    }

    pub fn serves_http(self) -> bool {
        matches!(self, Role::Web | Role::All)
    }

    pub fn runs_jobs(self) -> bool {
        matches!(self, Role::Worker | Role::All)
    }
}

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `--role web|worker|all` or `BAEDAL_ROLE` (default `all`): what this process runs.
    pub role: Result<Role, String>,
    /// `DATABASE_URL`: an existing PostgreSQL database. Unset: start a private cluster.
    pub database_url: Option<String>,
    /// `BAEDAL_DATA_DIR`: where the private cluster lives (default `.baedal`).
    pub data_dir: PathBuf,
    /// `PG_BIN_DIR`: PostgreSQL's server binaries (default: the newest `/usr/lib/postgresql/*/bin`).
    pub pg_bin_dir: Option<PathBuf>,
    /// `BAEDAL_DEMO=1` or `--demo`: load demo data into an empty database and list demo logins.
    pub demo: bool,
    /// Whether the site is served over TLS: the session cookie is `Secure` and HSTS is sent. On
    /// unless `BAEDAL_PLAIN_HTTP=1` or the demo (which runs on http://127.0.0.1).
    pub tls: bool,
    /// `BAEDAL_DRAIN_SECONDS` (default 5; 0 in the demo): how long a stopping web process keeps
    /// serving, with `/health` failing, before it stops taking connections.
    pub drain: std::time::Duration,
    /// `BAEDAL_ACCEPTANCE_SECONDS` (default 300): how long a store has to accept a paid order.
    pub acceptance_window: chrono::Duration,
    /// `BAEDAL_PAUSED_CONSUMERS=store,…`: consumers paused at start-up (a drill).
    pub paused_consumers: Vec<String>,
    /// `BAEDAL_PAYMENT_URL`: the payment provider. Unset: a simulator inside this process.
    pub payment_url: Option<String>,
    /// `BAEDAL_PAYMENT_TIMEOUT_MS` (default 610): longest wait for one call to the provider.
    pub payment_timeout: std::time::Duration,
    /// `BAEDAL_PAY_LATER_SECONDS` (default 600): how long a deferred payment keeps retrying.
    pub pay_later_window: chrono::Duration,
    /// `BAEDAL_GEOCODER_URL` and `BAEDAL_GEOCODER_KEY`: the geocoding provider (Kakao Local,
    /// `https://dapi.kakao.com`) and its REST API key. Unset: a simulator inside this process in
    /// the demo, else address search is off.
    pub geocoder_url: Option<String>,
    pub geocoder_key: Option<String>,
    /// `BAEDAL_KAKAO_URL`, `BAEDAL_KAKAO_SENDER_KEY`, `BAEDAL_KAKAO_API_KEY`: the AlimTalk
    /// endpoint and credentials; `BAEDAL_KAKAO_TIMEOUT_MS` (default 5000) the longest wait for
    /// one send. Without a URL, KakaoTalk is off and only the inbox is used.
    pub kakao: Option<app::notification::kakao::KakaoSettings>,
    /// `BAEDAL_ALLOWED_ORIGINS=https://app.example,…`: origins besides the site's own that may
    /// send commands and open live sockets (pages served from another name than the API).
    pub allowed_origins: Vec<String>,
    /// `BAEDAL_LOGINS_PER_ACCOUNT` (default 5) and `BAEDAL_LOGINS_PER_ADDRESS` (default 20): login
    /// attempts a minute per account and per client address before 429.
    pub throttle_limits: app::platform::throttle::ThrottleLimits,
    /// `BAEDAL_PUBLIC_URL` (default `http://127.0.0.1:3000`): the site's address as people open
    /// it, on which `server create-operator` prints its link.
    pub public_url: String,
    /// `BAEDAL_TRUSTED_PROXIES=10.0.0.2,…`: proxies whose `X-Forwarded-For` names the client, so
    /// that limits per address count clients rather than the proxy.
    pub trusted_proxies: Result<Vec<std::net::IpAddr>, String>,
}

/// The value of a command-line flag, given as `--flag value` or `--flag=value`; empty when the
/// flag ends the line, so that a missing value is refused rather than taken as no flag.
pub fn flag_value(args: &[String], flag: &str) -> Option<String> {
    let inline = format!("{flag}=");
    args.iter()
        .position(|arg| arg == flag)
        .map(|at| args.get(at + 1).cloned().unwrap_or_default())
        .or_else(|| {
            args.iter()
                .find_map(|arg| arg.strip_prefix(&inline).map(str::to_owned))
        })
}

impl Config {
    /// Reads the environment and command-line flags.
    pub fn from_env() -> Config {
        let flag = |name: &str| {
            std::env::var(name)
                .map(|v| matches!(v.as_str(), "1" | "true" | "yes"))
                .unwrap_or(false)
        };
        let number = |name: &str, default: i64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|n: &i64| *n > 0)
                .unwrap_or(default)
        };
        let demo = flag("BAEDAL_DEMO") || std::env::args().any(|arg| arg == "--demo");
        let args: Vec<String> = std::env::args().collect();
        let role_flag = flag_value(&args, "--role");
        Config {
            role: match role_flag.or_else(|| std::env::var("BAEDAL_ROLE").ok()) {
                Some(name) => Role::parse(name.trim()),
                None => Ok(Role::All),
            },
            database_url: std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()),
            public_url: std::env::var("BAEDAL_PUBLIC_URL")
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| v.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| "http://127.0.0.1:3000".to_owned()),
            data_dir: std::env::var_os("BAEDAL_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(".baedal")),
            pg_bin_dir: std::env::var_os("PG_BIN_DIR").map(PathBuf::from),
            demo,
            tls: !(demo || flag("BAEDAL_PLAIN_HTTP")),
            drain: std::time::Duration::from_secs(
                std::env::var("BAEDAL_DRAIN_SECONDS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(if demo { 0 } else { 5 }),
            ),
            acceptance_window: chrono::Duration::seconds(
                std::env::var("BAEDAL_ACCEPTANCE_SECONDS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .filter(|s: &i64| *s > 0)
                    .unwrap_or(300),
            ),
            paused_consumers: std::env::var("BAEDAL_PAUSED_CONSUMERS")
                .map(|v| {
                    v.split(',')
                        .map(|c| c.trim().to_owned())
                        .filter(|c| !c.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            payment_url: std::env::var("BAEDAL_PAYMENT_URL")
                .ok()
                .filter(|v| !v.is_empty()),
            payment_timeout: std::time::Duration::from_millis(
                number("BAEDAL_PAYMENT_TIMEOUT_MS", 610).unsigned_abs(),
            ),
            pay_later_window: chrono::Duration::seconds(number("BAEDAL_PAY_LATER_SECONDS", 600)),
            geocoder_url: std::env::var("BAEDAL_GEOCODER_URL")
                .ok()
                .filter(|v| !v.is_empty()),
            geocoder_key: std::env::var("BAEDAL_GEOCODER_KEY")
                .ok()
                .filter(|v| !v.is_empty()),
            kakao: std::env::var("BAEDAL_KAKAO_URL")
                .ok()
                .filter(|v| !v.is_empty())
                .map(|url| app::notification::kakao::KakaoSettings {
                    url,
                    sender_key: std::env::var("BAEDAL_KAKAO_SENDER_KEY").unwrap_or_default(),
                    api_key: std::env::var("BAEDAL_KAKAO_API_KEY").unwrap_or_default(),
                    timeout: std::time::Duration::from_millis(
                        number("BAEDAL_KAKAO_TIMEOUT_MS", 5000).unsigned_abs(),
                    ),
                }),
            allowed_origins: std::env::var("BAEDAL_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            trusted_proxies: std::env::var("BAEDAL_TRUSTED_PROXIES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse()
                        .map_err(|_| format!("BAEDAL_TRUSTED_PROXIES: {p:?} is not an IP address"))
                })
                .collect(),
            throttle_limits: {
                let defaults = app::platform::throttle::ThrottleLimits::default();
                let per_minute = |name: &str, default: u32| {
                    u32::try_from(number(name, i64::from(default))).unwrap_or(default)
                };
                app::platform::throttle::ThrottleLimits {
                    logins_per_account_per_minute: per_minute(
                        "BAEDAL_LOGINS_PER_ACCOUNT",
                        defaults.logins_per_account_per_minute,
                    ),
                    logins_per_address_per_minute: per_minute(
                        "BAEDAL_LOGINS_PER_ADDRESS",
                        defaults.logins_per_address_per_minute,
                    ),
                    failed_logins_per_minute_before_alarm: per_minute(
                        "BAEDAL_FAILED_LOGINS_BEFORE_ALARM",
                        defaults.failed_logins_per_minute_before_alarm,
                    ),
                    unknown_device_checks_per_minute_on_alarm: per_minute(
                        "BAEDAL_NEW_BROWSER_LOGINS_ON_ALARM",
                        defaults.unknown_device_checks_per_minute_on_alarm,
                    ),
                    ..defaults
                }
            },
        }
    }
}
