//! `Pcap`, the object behind a `pcap_t`: its settings (link type, snapshot length, timestamp
//! precision), where its packets come from ([`Source`]), the filter applied to them in user
//! space, and the signals another thread or a signal handler may raise while it runs.
//!
//! A `Pcap` is used by one thread at a time, like libpcap's `pcap_t`; only [`LoopSignals`] is
//! shared, because `pcap_breakloop` may be called from anywhere.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use crate::bpf::Program;
use crate::error::{status, Error, Result};
use crate::source::stage::Stage;
use crate::source::Source;

/// Timestamp precision of the headers a handle delivers (`PCAP_TSTAMP_PRECISION_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    Micro = 0,
    Nano = 1,
}

impl Precision {
    /// The precision named by libpcap's integer constant, if it is one.
    pub fn from_raw(value: i32) -> Option<Precision> {
        match value {
            0 => Some(Precision::Micro),
            1 => Some(Precision::Nano),
            _ => None,
        }
    }

    /// Sub-second units per second at this precision.
    pub fn units_per_sec(self) -> u32 {
        match self {
            Precision::Micro => 1_000_000,
            Precision::Nano => 1_000_000_000,
        }
    }
}

/// What may be signalled to a running loop from another thread or a signal handler.
#[derive(Debug, Default)]
pub struct LoopSignals {
    break_requested: AtomicBool,
    /// A live handle's eventfd, polled together with its socket so that a break wakes a
    /// blocked wait at once. Set once at activation, read lock-free (signal-safe).
    wakeup: OnceLock<OwnedFd>,
}

impl LoopSignals {
    /// Asks the loop to stop (pcap_breakloop). Async-signal-safe: one atomic store.
    pub fn request_break(&self) {
        // Release: whatever the caller did before breaking is visible to the loop that sees it.
        self.break_requested.store(true, Ordering::Release);
        if let Some(fd) = self.wakeup.get() {
            let one: u64 = 1;
            // SAFETY: write(2) of 8 bytes from a local to an eventfd; async-signal-safe. A
            // full counter (EAGAIN) already means "wake up", so the result is not needed.
            unsafe { libc::write(fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
        }
    }

    /// Creates the wake-up eventfd (once; later calls keep the first).
    pub fn enable_wakeup(&self) -> Result<()> {
        if self.wakeup.get().is_some() {
            return Ok(());
        }
        // SAFETY: plain eventfd(2) call.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(Error::os("eventfd", &std::io::Error::last_os_error()));
        }
        // SAFETY: fd is fresh and owned by nobody else.
        let _ = self.wakeup.set(unsafe { OwnedFd::from_raw_fd(fd) });
        Ok(())
    }

    /// The wake-up eventfd, if the handle has one.
    pub fn wake_fd(&self) -> Option<RawFd> {
        self.wakeup.get().map(AsRawFd::as_raw_fd)
    }

    /// Empties the wake-up eventfd (after a wait saw it readable, or a break was consumed).
    pub fn drain_wakeup(&self) {
        if let Some(fd) = self.wakeup.get() {
            let mut count: u64 = 0;
            // SAFETY: read(2) of 8 bytes into a local from a non-blocking eventfd.
            unsafe { libc::read(fd.as_raw_fd(), (&mut count as *mut u64).cast(), 8) };
        }
    }

    /// Whether a break is pending, without consuming it.
    pub fn break_pending(&self) -> bool {
        self.break_requested.load(Ordering::Acquire)
    }

    /// Consumes a pending break: true if there was one.
    pub fn take_break(&self) -> bool {
        let was = self.break_requested.swap(false, Ordering::AcqRel);
        if was {
            self.drain_wakeup();
        }
        was
    }
}

/// The settings of a handle made by `pcap_create`, applied by `pcap_activate`.
#[derive(Clone, Debug, Default)]
pub struct CaptureConfig {
    /// The interface; None (or "any") captures on all of them.
    pub device: Option<String>,
    pub snaplen: i32,
    pub promisc: bool,
    pub rfmon: bool,
    pub timeout_ms: i32,
    pub buffer_size: i32,
    pub immediate: bool,
    pub tstamp_type: i32,
    pub nonblock: bool,
    /// `pcap_set_protocol_linux` (host order; 0: all).
    pub protocol: i32,
    /// Fanout group and `OXPCAP_*` settings (`pcap_set_fanout_linux`, the environment).
    pub fanout: crate::capture::linux::fanout::Options,
}

/// The message of every call that needs an activated handle.
pub const NOT_ACTIVATED_MSG: &str = "This handle hasn't been activated yet";
/// The message of every setter called on an activated handle (libpcap's double space).
pub const ACTIVATED_MSG: &str = "can't perform  operation on activated capture";

/// One capture handle.
pub struct Pcap {
    /// The DLT_ value `pcap_datalink` reports.
    pub linktype: i32,
    /// The extension bits of the link-type field alone (a savefile's FCS length, the top
    /// six bits), for `pcap_datalink_ext`; libpcap reports 0 for dead handles (measured).
    pub linktype_ext: i32,
    /// The snapshot length `pcap_snapshot` reports.
    pub snaplen: i32,
    /// The precision of delivered timestamps.
    pub precision: Precision,
    /// Where packets come from.
    pub source: Source,
    /// The filter applied in user space (always for files; for live captures only when the
    /// kernel refused the program).
    pub filter: Option<Program>,
    /// Shared with whoever may call `pcap_breakloop`.
    pub signals: Arc<LoopSignals>,
    /// `pcap_create`'s settings (unused by dead and savefile handles).
    pub config: CaptureConfig,
    /// False between `pcap_create` and a successful `pcap_activate`.
    pub activated: bool,
    /// Packets ready for delivery (see [`crate::source::stage`]).
    pub stage: Stage,
}

impl Pcap {
    /// A handle that captures nothing: `pcap_open_dead`.
    pub fn dead(linktype: i32, snaplen: i32, precision: Precision) -> Pcap {
        Pcap {
            linktype,
            linktype_ext: 0,
            snaplen,
            precision,
            source: Source::Dead,
            filter: None,
            signals: Arc::new(LoopSignals::default()),
            config: CaptureConfig::default(),
            activated: true,
            stage: Stage::default(),
        }
    }

    /// A handle for `device` that captures once activated: `pcap_create`.
    pub fn created(device: Option<String>) -> Pcap {
        Pcap {
            linktype: 0,
            linktype_ext: 0,
            snaplen: 0,
            precision: Precision::Micro,
            source: Source::Dead,
            filter: None,
            signals: Arc::new(LoopSignals::default()),
            config: CaptureConfig {
                device,
                timeout_ms: 0,
                ..CaptureConfig::default()
            },
            activated: false,
            stage: Stage::default(),
        }
    }

    /// Fails with libpcap's PCAP_ERROR_NOT_ACTIVATED unless the handle is activated.
    pub fn check_activated(&self) -> Result<()> {
        if self.activated {
            Ok(())
        } else {
            Err(Error::with_status(status::NOT_ACTIVATED, NOT_ACTIVATED_MSG))
        }
    }

    /// The settings, for a setter: fails with PCAP_ERROR_ACTIVATED once activated.
    pub fn config_mut(&mut self) -> Result<&mut CaptureConfig> {
        if self.activated {
            Err(Error::with_status(status::ACTIVATED, ACTIVATED_MSG))
        } else {
            Ok(&mut self.config)
        }
    }

    /// `pcap_setfilter`: libpcap's checks in its order (activated, not dead, `bpf_validate`),
    /// then the program becomes the handle's user-space filter; a live handle also offers it
    /// to the kernel, which then filters instead (measured: libpcap answers a dead handle
    /// with -1 and the text below, an unvalidated program with "BPF program is not valid").
    pub fn set_filter(&mut self, program: Program) -> Result<()> {
        self.check_activated()?;
        let kind = self.source.kind();
        if kind == crate::source::SourceKind::Dead {
            return Err(Error::new(
                "A filter cannot be set on a pcap_open_dead pcap_t",
            ));
        }
        if !program.is_valid() {
            return Err(Error::new("BPF program is not valid"));
        }
        if kind == crate::source::SourceKind::Live {
            self.set_live_filter(&program);
        }
        self.filter = Some(program);
        Ok(())
    }
}
