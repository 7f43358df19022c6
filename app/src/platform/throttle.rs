//! Limits on how fast one client may knock: logins per account and per address, server-function
//! calls per session, and how many password checks run at once.
//!
//! The limit per account holds back strangers only: a browser that has logged into the account
//! before has a limit of its own, so nobody can keep a person out of their account by guessing
//! its password on purpose.
//!
//! A password check is Argon2: tens of milliseconds of one core, on purpose. Run on tokio's workers,
//! a few hundred bogus logins a second would take every worker from orders, sockets and the
//! dispatcher. So checks run on threads of their own at a lower scheduling priority, at most
//! [`Throttles::password_checks`] at a time, and a login over its limit is answered before any
//! hashing.
//!
//! Limits per address and per account do not stop a flood spread over many addresses and many
//! accounts. What does is the site's own failure rate: once failed logins across the site pass
//! [`ThrottleLimits::failed_logins_per_minute_before_alarm`], the site is on alarm for a minute, and
//! a login from a browser that has never logged into that account (no known-device cookie, see
//! `auth`) gets a full check only within a small budget; the rest are refused before any hashing.
//! People on their usual phone log in as before.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock, QuantaInstant};
use governor::NotUntil;
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::Semaphore;

use super::{AccountId, AppError};

/// How often clients may knock. The defaults suit a public deployment; the browser suite, whose
/// every test logs in from one address with the same demo accounts, raises the login limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    /// Attempts on one account a minute: five, then one every twelve seconds. Longer windows
    /// stretch the wait as guessing goes on (see [`ACCOUNT_LOGINS_PER_HOUR`]).
    pub logins_per_account_per_minute: u32,
    /// Attempts from one address a minute, on any accounts: a household or an office behind one
    /// address logs in a few times a minute; a script tries hundreds.
    pub logins_per_address_per_minute: u32,
    /// Server-function calls one session may make a second, and in a burst: a page load makes
    /// about ten; a runaway tab that loops on PlaceOrder makes thousands.
    pub calls_per_session_per_second: u32,
    pub calls_per_session_burst: u32,
    /// Failed logins a minute across the whole site before it goes on alarm. A site this size sees
    /// a handful of typos a minute; a flood, hundreds a second.
    pub failed_logins_per_minute_before_alarm: u32,
    /// While on alarm, logins from browsers that have never logged into the account they name
    /// that get a full password check, a minute, across the site: one every few seconds, so a new
    /// phone still gets in after a wait, while a flood costs the server almost nothing.
    pub unknown_device_checks_per_minute_on_alarm: u32,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        ThrottleLimits {
            logins_per_account_per_minute: 5,
            logins_per_address_per_minute: 20,
            calls_per_session_per_second: 20,
            calls_per_session_burst: 100,
            failed_logins_per_minute_before_alarm: 60,
            unknown_device_checks_per_minute_on_alarm: 12,
        }
    }
}

/// Attempts on one account an hour and a day. With the minute's five these make the wait grow:
/// 12 seconds between guesses at first, two minutes once thirty were made within the hour, a
/// quarter of an hour once a hundred were made within the day. A person who forgot a password
/// never reaches the second step; a script guessing one account gets about a hundred a day.
pub const ACCOUNT_LOGINS_PER_HOUR: u32 = 30;
pub const ACCOUNT_LOGINS_PER_DAY: u32 = 100;

/// How long a login may wait for a free password check before it is told to come back.
const PASSWORD_QUEUE_WAIT: Duration = Duration::from_secs(3);

/// How long the site stays on alarm after its failed logins last passed the limit.
pub const ALARM_LASTS: Duration = Duration::from_secs(60);

/// The server's limits, shared by every request of this process.
#[derive(Clone)]
pub struct Throttles {
    logins_by_account: Arc<GrowingLimit<String>>,
    logins_by_known_browser: Arc<GrowingLimit<(String, [u8; 32])>>,
    sign_ups_by_email: Arc<GrowingLimit<String>>,
    resets_by_email: Arc<GrowingLimit<String>>,
    own_password_checks: Arc<GrowingLimit<AccountId>>,
    logins_by_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    calls_by_session: Arc<DefaultKeyedRateLimiter<String>>,
    failed_logins: Arc<DefaultDirectRateLimiter>,
    alarm: Arc<std::sync::Mutex<Option<Instant>>>,
    unknown_device_checks: Arc<DefaultDirectRateLimiter>,
    password_checks: Arc<Semaphore>,
    password_checkers: PasswordCheckers,
    proxies: Arc<TrustedProxies>,
}

impl std::fmt::Debug for Throttles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttles")
            .field(
                "free_password_checks",
                &self.password_checks.available_permits(),
            )
            .finish_non_exhaustive()
    }
}

impl Default for Throttles {
    fn default() -> Self {
        Self::new(ThrottleLimits::default())
    }
}

impl Throttles {
    pub fn new(limits: ThrottleLimits) -> Throttles {
        Throttles {
            logins_by_account: Arc::new(GrowingLimit::new(limits)),
            logins_by_known_browser: Arc::new(GrowingLimit::new(limits)),
            sign_ups_by_email: Arc::new(GrowingLimit::new(limits)),
            resets_by_email: Arc::new(GrowingLimit::new(limits)),
            own_password_checks: Arc::new(GrowingLimit::new(limits)),
            logins_by_address: Arc::new(RateLimiter::keyed(Quota::per_minute(nonzero(
                limits.logins_per_address_per_minute,
            )))),
            calls_by_session: Arc::new(RateLimiter::keyed(
                Quota::per_second(nonzero(limits.calls_per_session_per_second))
                    .allow_burst(nonzero(limits.calls_per_session_burst)),
            )),
            failed_logins: Arc::new(RateLimiter::direct(Quota::per_minute(nonzero(
                limits.failed_logins_per_minute_before_alarm,
            )))),
            alarm: Arc::default(),
            // Spread evenly over the minute, no burst: a flood that finds the budget full waits
            // like everyone else.
            unknown_device_checks: Arc::new(RateLimiter::direct(
                Quota::with_period(
                    Duration::from_secs(60)
                        / nonzero(limits.unknown_device_checks_per_minute_on_alarm).get(),
                )
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)),
            )),
            password_checks: Arc::new(Semaphore::new(Self::password_checks())),
            password_checkers: PasswordCheckers::start(Self::password_checks()),
            proxies: Arc::new(TrustedProxies::default()),
        }
    }

    /// Believes `X-Forwarded-For` from these proxies, so that limits per address count clients,
    /// not the proxy in front of them.
    pub fn trusting(mut self, proxies: TrustedProxies) -> Throttles {
        self.proxies = Arc::new(proxies);
        self
    }

    /// The client's address: the peer's, or the one a trusted proxy says it forwarded for.
    pub fn client_address(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        self.proxies.client(peer, forwarded_for)
    }

    /// How many password checks run at once: all cores but one, so that a flood of logins
    /// always leaves a core to everything else (one on a two-core machine).
    pub fn password_checks() -> usize {
        std::thread::available_parallelism()
            .map(|cores| cores.get().saturating_sub(1))
            .unwrap_or(1)
            .max(1)
    }

    /// Counts a login attempt from `address`, on any account; refused over the address's limit.
    pub fn admit_address(&self, address: Option<IpAddr>) -> Result<(), AppError> {
        match address {
            Some(address) => self
                .logins_by_address
                .check_key(&address)
                .map_err(throttled),
            None => Ok(()),
        }
    }

    /// Counts a login attempt on the account `email` from a browser it does not know; refused
    /// while the account is tried too often. Every stranger shares this limit, so guessing from
    /// many addresses is no faster than from one.
    pub fn admit_account(&self, email: &str) -> Result<(), AppError> {
        self.logins_by_account.check(email.to_lowercase())
    }

    /// Counts a login attempt on `email` from a browser that has logged into it before
    /// (`device` is its known-device token's hash). It has a limit of its own, so strangers
    /// guessing the account never lock its owner out, and the same growing waits, so a stolen
    /// cookie does not buy a thief more guesses than a stranger has.
    pub fn admit_known_browser(&self, email: &str, device: [u8; 32]) -> Result<(), AppError> {
        self.logins_by_known_browser
            .check((email.to_lowercase(), device))
    }

    /// Counts a sign-up with `email`: the same growing waits as logins on one account, so
    /// asking again and again whether an email has an account is slow. Apart from the account's
    /// login limit, so that signing up with someone's email never holds back their logins.
    pub fn admit_sign_up(&self, email: &str) -> Result<(), AppError> {
        self.sign_ups_by_email.check(email.to_lowercase())
    }

    /// Counts a request for a password-reset code for `email`, with the same growing waits, so
    /// nobody can keep a person's phone buzzing (the daily caps on codes hold besides).
    pub fn admit_reset(&self, email: &str) -> Result<(), AppError> {
        self.resets_by_email.check(email.to_lowercase())
    }

    /// Counts a logged-in person's typing of their own password (to change it, or to leave):
    /// the same growing waits as logins on one account, so whoever holds a stolen session gets
    /// no more guesses at the password than a stranger.
    pub fn admit_own_password(&self, account: AccountId) -> Result<(), AppError> {
        self.own_password_checks.check(account)
    }

    /// Admits a login from a browser that has never logged into the account it names. Off alarm
    /// every such login is admitted; on alarm only within the site's small budget, and the rest
    /// are told how long to wait before any password is checked.
    pub fn admit_unknown_device(&self) -> Result<(), AppError> {
        let Some(alarm_ends) = self.alarm_ends() else {
            return Ok(());
        };
        self.unknown_device_checks.check().map_err(|not_until| {
            let budget_wait = not_until.wait_time_from(DefaultClock::default().now());
            // Whichever comes first lets the caller in: a free place in the budget, or the end
            // of the alarm.
            let wait = budget_wait.min(alarm_ends.saturating_duration_since(Instant::now()));
            AppError::LoginsUnderAttack(whole_seconds(wait))
        })
    }

    /// Counts a login whose password check failed; past the site's limit, the alarm goes on (or
    /// stays on) for [`ALARM_LASTS`].
    pub fn count_failed_login(&self) {
        if self.failed_logins.check().is_err() {
            let mut alarm = self
                .alarm
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if alarm.is_none() {
                tracing::warn!("failed logins are flooding in: logins from unknown browsers are rationed for a minute");
            }
            *alarm = Some(Instant::now() + ALARM_LASTS);
        }
    }

    /// Whether failed logins are flooding in, so that logins from unknown browsers are rationed.
    pub fn on_alarm(&self) -> bool {
        self.alarm_ends().is_some()
    }

    /// When the alarm ends, if the site is on alarm.
    fn alarm_ends(&self) -> Option<Instant> {
        let mut alarm = self
            .alarm
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match *alarm {
            Some(ends) if ends > Instant::now() => Some(ends),
            Some(_) => {
                tracing::info!("failed logins are back to normal");
                *alarm = None;
                None
            }
            None => None,
        }
    }

    /// Counts one server-function call of the session (or, without one, the address) `caller`.
    pub fn admit_call(&self, caller: &str) -> Result<(), AppError> {
        self.calls_by_session
            .check_key(&caller.to_owned())
            .map_err(throttled)
    }

    /// Runs `check` (a password hash or verification) on a password-check thread once one is
    /// free.
    pub async fn password_check<T: Send + 'static>(
        &self,
        check: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(
            PASSWORD_QUEUE_WAIT,
            self.password_checks.clone().acquire_owned(),
        )
        .await
        .map_err(|_| AppError::Throttled(PASSWORD_QUEUE_WAIT.as_secs()))?
        .map_err(|_| AppError::Internal)?;
        let (answer_to, answer) = tokio::sync::oneshot::channel();
        self.password_checkers.run(Box::new(move || {
            // The caller may have gone (a closed connection); its answer is then nobody's.
            let _ = answer_to.send(check());
            drop(permit);
        }))?;
        answer.await.map_err(|_| {
            tracing::error!("a password check panicked");
            AppError::Internal
        })
    }

    /// Forgets clients that have been quiet long enough to be back at their full allowance, so the
    /// limiters' memory does not grow with every address ever seen.
    pub fn forget_quiet_clients(&self) {
        self.logins_by_account.retain_recent();
        self.logins_by_known_browser.retain_recent();
        self.sign_ups_by_email.retain_recent();
        self.resets_by_email.retain_recent();
        self.own_password_checks.retain_recent();
        self.logins_by_address.retain_recent();
        self.calls_by_session.retain_recent();
    }
}

/// Attempts on one key (an account, or an account on one browser) in three windows: the
/// minute's limit, then [`ACCOUNT_LOGINS_PER_HOUR`] and [`ACCOUNT_LOGINS_PER_DAY`], so the wait
/// grows as guessing goes on.
struct GrowingLimit<K: std::hash::Hash + Eq + Clone> {
    minute: DefaultKeyedRateLimiter<K>,
    hour: DefaultKeyedRateLimiter<K>,
    day: DefaultKeyedRateLimiter<K>,
}

impl<K: std::hash::Hash + Eq + Clone> GrowingLimit<K> {
    fn new(limits: ThrottleLimits) -> GrowingLimit<K> {
        // A deployment that raises the minute's limit (the browser suite) raises the longer ones
        // in step, so they never bite before it.
        let raised = limits
            .logins_per_account_per_minute
            .max(1)
            .div_ceil(ThrottleLimits::default().logins_per_account_per_minute);
        let per = |count: u32, period: Duration| {
            let count = nonzero(count.saturating_mul(raised));
            Quota::with_period(period / count.get())
                .map(|quota| quota.allow_burst(count))
                .unwrap_or_else(|| Quota::per_second(count))
        };
        GrowingLimit {
            minute: RateLimiter::keyed(Quota::per_minute(nonzero(
                limits.logins_per_account_per_minute,
            ))),
            hour: RateLimiter::keyed(per(ACCOUNT_LOGINS_PER_HOUR, Duration::from_secs(3600))),
            day: RateLimiter::keyed(per(ACCOUNT_LOGINS_PER_DAY, Duration::from_secs(86_400))),
        }
    }

    /// Counts an attempt on `key`; refused with the longest of the windows' waits. Every window
    /// counts the attempt, so the longer ones fill while the minute's wait is served.
    fn check(&self, key: K) -> Result<(), AppError> {
        let now = DefaultClock::default().now();
        let longest_wait = [
            self.minute.check_key(&key),
            self.hour.check_key(&key),
            self.day.check_key(&key),
        ]
        .into_iter()
        .filter_map(Result::err)
        .map(|not_until| not_until.wait_time_from(now))
        .max();
        match longest_wait {
            Some(wait) => Err(AppError::Throttled(whole_seconds(wait))),
            None => Ok(()),
        }
    }

    fn retain_recent(&self) {
        self.minute.retain_recent();
        self.hour.retain_recent();
        self.day.retain_recent();
    }
}

type PasswordCheck = Box<dyn FnOnce() + Send>;

/// Threads that only check passwords, each at [`PASSWORD_CHECK_NICENESS`].
///
/// On the blocking pool a flood of logins kept a core busy at the same priority as the web
/// workers and PostgreSQL, and orders placed during it waited their turn: the login-flood check
/// measured PlaceOrder's p99 at 1.66 times the quiet run. At a lower priority the kernel runs a
/// password check only when nothing else wants the core, so a flood slows the logins (which the
/// queue's three seconds then turn away with 429) instead of the orders.
#[derive(Clone)]
struct PasswordCheckers {
    queue: std::sync::mpsc::Sender<PasswordCheck>,
}

/// Linux's niceness for the password-check threads: ten steps below the default gets about a
/// tenth of a core that is also wanted at the default priority.
const PASSWORD_CHECK_NICENESS: libc::c_int = 10;

impl PasswordCheckers {
    fn start(threads: usize) -> PasswordCheckers {
        let (queue, checks) = std::sync::mpsc::channel::<PasswordCheck>();
        let checks = Arc::new(std::sync::Mutex::new(checks));
        for number in 0..threads {
            let checks = checks.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-check-{number}"))
                .spawn(move || {
                    lower_this_threads_priority();
                    loop {
                        // The lock is held only while waiting for the next check, never while
                        // running one. The queue closes when the last `Throttles` goes.
                        let next = checks.lock().map(|checks| checks.recv());
                        let Ok(Ok(check)) = next else { break };
                        // A check that panics loses its answer (the caller hears Internal), not
                        // the thread.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a password-check thread");
            }
        }
        PasswordCheckers { queue }
    }

    fn run(&self, check: PasswordCheck) -> Result<(), AppError> {
        self.queue.send(check).map_err(|_| {
            tracing::error!("no password-check thread is running");
            AppError::Internal
        })
    }
}

/// Lowers the calling thread's scheduling priority. On Linux a niceness belongs to a thread, and
/// `PRIO_PROCESS` with 0 names the calling one. A refusal only costs the flood protection's edge,
/// so it is logged, not fatal.
fn lower_this_threads_priority() {
    // SAFETY: setpriority reads no memory of ours; it only changes the calling thread's niceness.
    let refused = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, PASSWORD_CHECK_NICENESS) } != 0;
    if refused {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            "password checks run at the normal priority"
        );
    }
}

/// The refusal for a limit that lets the caller in again at `not_until`: whole seconds to wait,
/// at least one, for `Retry-After` and the sentence.
fn throttled(not_until: NotUntil<QuantaInstant>) -> AppError {
    AppError::Throttled(whole_seconds(
        not_until.wait_time_from(DefaultClock::default().now()),
    ))
}

/// A wait as the whole seconds a caller is told (`Retry-After`): rounded up, at least one.
fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// Proxies (load balancers, TLS terminators) whose `X-Forwarded-For` header is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpAddr>);

impl TrustedProxies {
    /// The client behind `peer`: each trusted proxy appends the address it heard from, so the
    /// header is read from the right, past every trusted proxy, to the first address that is
    /// not one. A peer that is no trusted proxy is the client itself, whatever it claims.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.0.contains(&peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for.unwrap_or_default().rsplit(',') {
            let Ok(hop) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = hop;
            if !self.0.contains(&hop) {
                break;
            }
        }
        client
    }
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_takes_five_attempts_then_waits() {
        let throttles = Throttles::default();
        for attempt in 1..=5 {
            assert_eq!(
                throttles.admit_account("Minji@Baedal.test"),
                Ok(()),
                "attempt {attempt}"
            );
        }
        // The same account in other letter case is the same account.
        match throttles.admit_account("minji@baedal.test") {
            Err(AppError::Throttled(seconds)) => assert!((1..=12).contains(&seconds), "{seconds}"),
            other => panic!("the sixth attempt was not throttled: {other:?}"),
        }
        assert_eq!(throttles.admit_account("junho@baedal.test"), Ok(()));
    }

    #[test]
    fn strangers_guessing_an_account_leave_its_known_browsers_their_own_limit() {
        let throttles = Throttles::default();
        let phone = [7; 32];
        for _ in 0..6 {
            let _ = throttles.admit_account("minji@baedal.test");
        }
        assert!(matches!(
            throttles.admit_account("minji@baedal.test"),
            Err(AppError::Throttled(_))
        ));
        for attempt in 1..=5 {
            assert_eq!(
                throttles.admit_known_browser("Minji@baedal.test", phone),
                Ok(()),
                "the owner's attempt {attempt}"
            );
        }
        // The owner's own typos are limited like anyone's, on that browser only.
        assert!(matches!(
            throttles.admit_known_browser("minji@baedal.test", phone),
            Err(AppError::Throttled(_))
        ));
        assert_eq!(
            throttles.admit_known_browser("minji@baedal.test", [8; 32]),
            Ok(())
        );
    }

    #[test]
    fn guessing_on_makes_the_wait_grow() {
        let throttles = Throttles::default();
        let wait = |throttles: &Throttles| match throttles.admit_account("minji@baedal.test") {
            Ok(()) => 0,
            Err(AppError::Throttled(seconds)) => seconds,
            Err(other) => panic!("{other:?}"),
        };
        // Thirty guesses spread over the hour pass one limiter after the other; here they come
        // at once, so count what each is told, the way a patient script would be.
        let mut waits = Vec::new();
        for _ in 0..ACCOUNT_LOGINS_PER_HOUR + 1 {
            waits.push(wait(&throttles));
        }
        assert!(waits[..5].iter().all(|w| *w == 0), "{waits:?}");
        assert!(
            (1..=12).contains(&waits[5]),
            "after five, seconds: {waits:?}"
        );
        // Attempts refused by the minute still count against the hour, so the hour's limit is
        // reached and its wait, minutes, is what the guesser is told.
        let last = *waits.last().expect("waits");
        assert!(
            (60..=120).contains(&last),
            "after thirty, about two minutes: {waits:?}"
        );
    }

    #[test]
    fn only_a_trusted_proxy_may_say_whom_it_forwards() {
        let proxy: IpAddr = [10, 0, 0, 2].into();
        let edge: IpAddr = [10, 0, 0, 1].into();
        let client: IpAddr = [203, 0, 113, 7].into();
        let proxies = TrustedProxies(vec![proxy, edge]);
        // Through both proxies: the client is the first address left of them.
        assert_eq!(
            proxies.client(proxy, Some("198.51.100.9, 203.0.113.7, 10.0.0.1")),
            client
        );
        // A client that forges the header directly is taken at its own address.
        assert_eq!(proxies.client(client, Some("192.0.2.1")), client);
        // A forged leftmost entry does not fool it either: the rightmost untrusted one counts.
        assert_eq!(
            proxies.client(proxy, Some("192.0.2.1, 203.0.113.7")),
            client
        );
        // No header, or garbage: the proxy itself (one key for all, never a free pass).
        assert_eq!(proxies.client(proxy, None), proxy);
        assert_eq!(proxies.client(proxy, Some("not an address")), proxy);
        assert_eq!(
            TrustedProxies::default().client(proxy, Some("203.0.113.7")),
            proxy
        );
    }

    #[test]
    fn one_address_trying_many_accounts_is_throttled_too() {
        let throttles = Throttles::default();
        let address: IpAddr = [203, 0, 113, 7].into();
        for _ in 0..ThrottleLimits::default().logins_per_address_per_minute {
            assert_eq!(throttles.admit_address(Some(address)), Ok(()));
        }
        assert!(matches!(
            throttles.admit_address(Some(address)),
            Err(AppError::Throttled(_))
        ));
        let neighbour: IpAddr = [203, 0, 113, 8].into();
        assert_eq!(throttles.admit_address(Some(neighbour)), Ok(()));
    }

    #[test]
    fn a_flood_of_failures_rations_unknown_browsers_until_it_ends() {
        let throttles = Throttles::new(ThrottleLimits {
            failed_logins_per_minute_before_alarm: 3,
            unknown_device_checks_per_minute_on_alarm: 1,
            ..ThrottleLimits::default()
        });
        // A few typos across the site change nothing.
        for _ in 0..3 {
            assert_eq!(throttles.admit_unknown_device(), Ok(()));
            throttles.count_failed_login();
        }
        assert_eq!(throttles.admit_unknown_device(), Ok(()));
        assert_eq!(throttles.admit_unknown_device(), Ok(()));
        // One more is a flood: the budget lets one unknown browser through a minute.
        throttles.count_failed_login();
        assert_eq!(throttles.admit_unknown_device(), Ok(()));
        match throttles.admit_unknown_device() {
            Err(AppError::LoginsUnderAttack(seconds)) => {
                assert!((1..=60).contains(&seconds), "{seconds}")
            }
            other => panic!("a second unknown browser was not held back: {other:?}"),
        }
        // The alarm ends on its own: the same throttles, a minute later.
        *throttles.alarm.lock().expect("alarm") = Some(Instant::now());
        assert_eq!(throttles.admit_unknown_device(), Ok(()));
    }

    #[tokio::test]
    async fn password_checks_run_off_the_async_workers_a_few_at_a_time() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let throttles = Throttles::default();
        let caller = std::thread::current().id();
        let running = Arc::new(AtomicUsize::new(0));
        let most_at_once = Arc::new(AtomicUsize::new(0));
        let checks = (0..4).map(|_| {
            let (running, most_at_once) = (running.clone(), most_at_once.clone());
            throttles.password_check(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most_at_once.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(30));
                running.fetch_sub(1, Ordering::SeqCst);
                std::thread::current().id()
            })
        });
        for ran_on in futures::future::join_all(checks).await {
            assert_ne!(ran_on.expect("a check runs"), caller);
        }
        assert!(most_at_once.load(Ordering::SeqCst) <= Throttles::password_checks());
    }
}
