//! Immediate mode's adaptive wake-ups, a user-space NAPI: while packets are sparse the reader
//! sleeps until the kernel wakes it for each one (latency as libpcap's); once the measured
//! rate passes [`DENSE_ENTER_PPS`] it instead drains the frame ring once per drain tick, one
//! wakeup for many packets, until the rate falls below [`DENSE_LEAVE_PPS`].
//!
//! The tick is a `timerfd`, not a `poll` timeout: those are whole milliseconds, and the kernel
//! stretches them by the thread's timer slack (50 µs by default); a timerfd fires on time. Its length trades CPU for latency — every wakeup
//! costs a fixed amount of CPU (measured by `bench/live/wake_cost.c`) — so it can be chosen
//! with `OXPCAP_IMMEDIATE_TICK_US` (0: never drain on a tick, wake for every packet as
//! libpcap does).
//!
//! Guarantees: the timer is armed only for a wait that is about to happen, and its
//! expirations are consumed after it, so a stale expiration never shortens a later wait by
//! more than one spurious (cheap, non-blocking) drain.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

/// Rate (packets/s) above which the reader switches to the drain tick.
pub const DENSE_ENTER_PPS: f64 = 40_000.0;
/// Rate below which it goes back to a wakeup per packet.
pub const DENSE_LEAVE_PPS: f64 = 20_000.0;
/// The default drain tick. At 450 kpps it keeps the reader's CPU at about a fifth of
/// libpcap's, whose immediate mode wakes up for every few packets (see docs/bench.md).
pub const DEFAULT_TICK_US: u32 = 250;
/// How long a rate measurement window lasts.
const RATE_WINDOW: Duration = Duration::from_millis(5);

/// The rate estimate behind immediate mode's choice of wake-up, and the drain timer.
pub struct Pace {
    dense: bool,
    window_start: Instant,
    window_taken: u64,
    /// None: no drain tick (wake per packet whatever the rate).
    tick: Option<Duration>,
    /// Made the first time traffic turns dense; None before, or if the kernel refused one
    /// (the wait then falls back on a `poll` timeout: a millisecond).
    timer: Option<OwnedFd>,
    timer_failed: bool,
    /// `OXPCAP_DEBUG`: a line on stderr at each switch between sparse and dense.
    debug: bool,
}

impl Pace {
    /// `tick_us`: the drain tick (0: none); `debug`: log each switch.
    pub fn new(tick_us: u32, debug: bool) -> Pace {
        Pace {
            dense: false,
            window_start: Instant::now(),
            window_taken: 0,
            tick: (tick_us > 0).then(|| Duration::from_micros(u64::from(tick_us))),
            timer: None,
            timer_failed: false,
            debug,
        }
    }

    /// Updates the state from the packets taken so far, `now`; true while dense.
    pub fn update(&mut self, taken: u64, now: Instant) -> bool {
        if self.tick.is_none() {
            return false;
        }
        let elapsed = now.saturating_duration_since(self.window_start);
        if elapsed >= RATE_WINDOW {
            let rate = (taken - self.window_taken) as f64 / elapsed.as_secs_f64();
            let threshold = if self.dense {
                DENSE_LEAVE_PPS
            } else {
                DENSE_ENTER_PPS
            };
            let dense = rate > threshold;
            if dense != self.dense && self.debug {
                if dense {
                    eprintln!(
                        "oxpcap: immediate mode: {rate:.0} packets/s, draining every {} us",
                        self.tick().as_micros()
                    );
                } else {
                    eprintln!("oxpcap: immediate mode: {rate:.0} packets/s, a wakeup per packet");
                }
            }
            self.dense = dense;
            self.window_start = now;
            self.window_taken = taken;
        }
        self.dense
    }

    /// The drain tick, for a wait while dense.
    pub fn tick(&self) -> Duration {
        self.tick
            .unwrap_or(Duration::from_micros(u64::from(DEFAULT_TICK_US)))
    }

    /// Arms the drain timer for one tick and returns its descriptor for the wait; None when
    /// no timerfd can be had (the caller then uses the tick as a `poll` timeout).
    pub fn arm(&mut self) -> Option<RawFd> {
        let tick = self.tick();
        let fd = self.timer_fd()?;
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                tv_sec: tick.as_secs() as libc::time_t,
                tv_nsec: tick.subsec_nanos() as libc::c_long,
            },
        };
        // SAFETY: fd is our open timerfd; spec is a valid itimerspec; the old value is not
        // asked for.
        let rc = unsafe { libc::timerfd_settime(fd, 0, &spec, std::ptr::null_mut()) };
        (rc == 0).then_some(fd)
    }

    /// Consumes the timer's expirations after a wait in which it was readable.
    pub fn clear(&mut self) {
        let Some(fd) = self.timer.as_ref().map(AsRawFd::as_raw_fd) else {
            return;
        };
        let mut expirations = [0u8; 8];
        // SAFETY: fd is our open, non-blocking timerfd; the buffer has the 8 bytes a timerfd
        // read needs. A failed read (nothing expired) leaves nothing to consume.
        let _ = unsafe { libc::read(fd, expirations.as_mut_ptr().cast(), expirations.len()) };
    }

    /// The drain timer's descriptor, made on first use.
    fn timer_fd(&mut self) -> Option<RawFd> {
        if self.timer.is_none() && !self.timer_failed {
            // SAFETY: plain syscall; the result is checked before use.
            let fd = unsafe {
                libc::timerfd_create(
                    libc::CLOCK_MONOTONIC,
                    libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
                )
            };
            if fd < 0 {
                self.timer_failed = true;
            } else {
                // SAFETY: fd was just created and is owned by nothing else.
                self.timer = Some(unsafe { OwnedFd::from_raw_fd(fd) });
            }
        }
        self.timer.as_ref().map(AsRawFd::as_raw_fd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_tick_never_turns_dense() {
        let mut pace = Pace::new(0, false);
        std::thread::sleep(RATE_WINDOW);
        assert!(!pace.update(1_000_000, Instant::now()));
    }

    #[test]
    fn a_high_rate_turns_dense_and_a_low_one_back() {
        let mut pace = Pace::new(DEFAULT_TICK_US, false);
        std::thread::sleep(RATE_WINDOW);
        assert!(pace.update(1_000_000, Instant::now()));
        std::thread::sleep(RATE_WINDOW);
        assert!(!pace.update(1_000_001, Instant::now()));
    }

    #[test]
    fn the_timer_fires_after_one_tick() {
        let mut pace = Pace::new(300, false);
        // The clock is read before arming, so the tick is at least this far from it.
        let start = Instant::now();
        let fd = pace.arm().expect("timerfd");
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, 1000) };
        assert_eq!(rc, 1);
        assert!(start.elapsed() >= Duration::from_micros(300));
        pace.clear();
        pfd.revents = 0;
        // SAFETY: as above; cleared, it is no longer readable.
        assert_eq!(unsafe { libc::poll(&mut pfd, 1, 0) }, 0);
    }
}
