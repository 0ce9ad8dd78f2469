//! The `Pcap` operations that only make sense for live handles (activation, direction,
//! non-blocking mode, statistics, sending), and the live side of the ones every handle has
//! (link-type lists, `pcap_set_datalink`, filters). Kept here so `handle.rs` stays small.

use crate::capture::linux::{Direction, Live};
use crate::error::{status, Error, Result};
use crate::handle::Pcap;
use crate::source::Source;

/// What `pcap_stats` reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub received: u32,
    pub dropped: u32,
    pub if_dropped: u32,
}

impl Pcap {
    fn live(&mut self) -> Option<&mut Live> {
        match &mut self.source {
            Source::Live(live) => Some(live),
            _ => None,
        }
    }

    /// `pcap_activate`: opens the capture; Ok carries 0 or a warning status, with its text
    /// for the error buffer.
    pub fn activate(&mut self) -> Result<(i32, Option<String>)> {
        if self.activated {
            return Err(Error::with_status(
                status::ACTIVATED,
                crate::handle::ACTIVATED_MSG,
            ));
        }
        let activated = Live::activate(&self.config, self.precision, &self.signals)?;
        self.linktype = activated.linktype;
        self.linktype_ext = 0;
        self.snaplen = activated.snaplen;
        self.source = Source::Live(Box::new(activated.live));
        self.activated = true;
        let mut result = (0, None);
        if let Some((st, text)) = activated.warning {
            result = (st, Some(text));
        }
        if self.config.tstamp_type != 0 && result.0 == 0 {
            // Only host timestamps exist on interfaces without hardware stamping.
            result.0 = status::WARNING_TSTAMP_TYPE_NOTSUP;
        }
        Ok(result)
    }

    /// The fault that ended a live capture for good, if any.
    pub fn live_fault(&mut self) -> Option<Error> {
        self.live().and_then(|l| l.fault().cloned())
    }

    /// `pcap_setdirection` (0: in and out, 1: in, 2: out).
    pub fn set_direction(&mut self, direction: i32) -> Result<()> {
        self.check_activated()?;
        let direction = match direction {
            0 => Direction::InOut,
            1 => Direction::In,
            2 => Direction::Out,
            _ => return Err(Error::new("Invalid direction")),
        };
        if matches!(self.source, Source::Savefile(_)) {
            return Err(Error::new(
                "Setting direction is not supported on savefiles",
            ));
        }
        match self.live() {
            Some(live) => {
                live.set_direction(direction);
                Ok(())
            }
            None => Err(Error::new(
                "Setting direction is not supported on this device",
            )),
        }
    }

    /// `pcap_getnonblock`.
    pub fn nonblock(&mut self) -> Result<bool> {
        self.check_activated()?;
        Ok(self.live().is_some_and(|l| l.nonblock()))
    }

    /// `pcap_setnonblock`: before activation it is remembered for `pcap_activate`.
    pub fn set_nonblock(&mut self, nonblock: bool) -> Result<()> {
        if !self.activated {
            self.config.nonblock = nonblock;
            return Ok(());
        }
        if matches!(self.source, Source::Savefile(_)) {
            return Err(Error::new("Savefiles cannot be put into non-blocking mode"));
        }
        if let Some(live) = self.live() {
            live.set_nonblock(nonblock);
        }
        Ok(())
    }

    /// The descriptor `pcap_fileno`/`pcap_get_selectable_fd` return, if the handle has one.
    pub fn live_fd(&mut self) -> Result<Option<i32>> {
        self.check_activated()?;
        Ok(self.live().map(|l| l.fd()))
    }

    /// `pcap_stats` for a live handle; None for other handles.
    pub fn live_stats(&mut self) -> Result<Option<Stats>> {
        self.check_activated()?;
        if matches!(self.source, Source::Savefile(_)) {
            return Err(Error::new("Statistics aren't available from savefiles"));
        }
        let Some(live) = self.live() else {
            return Ok(None);
        };
        let (received, dropped, if_dropped) = live.stats()?;
        Ok(Some(Stats {
            received,
            dropped,
            if_dropped,
        }))
    }

    /// `pcap_inject`.
    pub fn inject(&mut self, bytes: &[u8]) -> Result<usize> {
        self.check_activated()?;
        if matches!(self.source, Source::Savefile(_)) {
            return Err(Error::new("Sending packets isn't supported on savefiles"));
        }
        match self.live() {
            Some(live) => live.inject(bytes),
            None => Err(Error::new(
                "Packets can't be sent on a pcap_open_dead pcap_t",
            )),
        }
    }

    /// The live part of `pcap_setfilter`: puts the program in the kernel when the kernel
    /// takes it (then no user-space filter is needed) and drops what the old filter queued.
    /// Returns true when the kernel filters.
    pub fn set_live_filter(&mut self, program: &crate::bpf::Program) -> bool {
        // The ring's queued packets are let go of: the staged ones point into them.
        self.stage.clear();
        match self.live() {
            Some(live) => live.set_kernel_filter(program),
            None => false,
        }
    }
}
