//! The server binary as processes of their own (`--role web`, `--role worker`) on a test's
//! database, for tests of several instances and of crashes.

use std::time::Duration;

use sqlx::PgPool;
use tokio::process::{Child, Command};

use super::{url_of, Browser, DEMO_PASSWORD};

/// How long a web process of the tests drains when stopped.
pub const DRAIN_SECONDS: &str = "2";

/// One running `server` process; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    /// Where a web process serves; `None` for a worker.
    pub base: Option<String>,
}

/// What every process of one test shares.
#[derive(Clone)]
pub struct Deployment {
    pub database_url: String,
    pub payment_url: String,
    pub kakao_url: Option<String>,
}

impl Deployment {
    pub fn new(pool: &PgPool, payment_url: &str) -> Deployment {
        Deployment {
            database_url: url_of(pool),
            payment_url: payment_url.to_owned(),
            kakao_url: None,
        }
    }

    fn command(&self, role: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .args(["--role", role])
            .env("DATABASE_URL", &self.database_url)
            .env("BAEDAL_PAYMENT_URL", &self.payment_url)
            .env("BAEDAL_PLAIN_HTTP", "1")
            .env("BAEDAL_LOGINS_PER_ACCOUNT", "600")
            .env("BAEDAL_LOGINS_PER_ADDRESS", "600")
            .env("BAEDAL_DRAIN_SECONDS", DRAIN_SECONDS)
            .env("RUST_LOG", "warn")
            .kill_on_drop(true);
        if let Some(url) = &self.kakao_url {
            command
                .env("BAEDAL_KAKAO_URL", url)
                .env("BAEDAL_KAKAO_SENDER_KEY", "test-sender-key")
                .env("BAEDAL_KAKAO_API_KEY", "test-api-key")
                // Long enough that a killed worker's calls are still waiting when it dies.
                .env("BAEDAL_KAKAO_TIMEOUT_MS", "120000");
        }
        command
    }

    /// `server --role worker`: the dispatcher and the jobs.
    pub fn worker(&self) -> ServerProcess {
        ServerProcess {
            child: self.command("worker").spawn().expect("the server starts"),
            base: None,
        }
    }

    /// `server --role web` on a free port, once it accepts connections.
    pub async fn web(&self) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = self
            .command("web")
            .env("LEPTOS_OUTPUT_NAME", "baedal")
            .env("LEPTOS_SITE_ADDR", &addr)
            .spawn()
            .expect("the server starts");
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(&addr).await.is_ok() {
                return ServerProcess {
                    child,
                    base: Some(format!("http://{addr}")),
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the web process did not listen on {addr} within 30 s");
    }
}

impl ServerProcess {
    pub fn base(&self) -> &str {
        self.base.as_deref().expect("a web process")
    }

    /// A visitor of this instance, logged in as `email`.
    pub async fn logged_in(&self, email: &str) -> Browser {
        let browser = Browser::at(self.base());
        browser
            .call::<serde_json::Value>("login", &[("email", email), ("password", DEMO_PASSWORD)])
            .await
            .expect("demo login works");
        browser
    }

    /// Ends the process as `kill -9` would, and waits until it is gone.
    pub async fn kill(&mut self) {
        self.child.start_kill().expect("SIGKILL");
        self.child.wait().await.expect("the process is gone");
    }
}
