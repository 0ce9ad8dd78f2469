//! What a handle offers beyond its plain settings: the link types and timestamp types a
//! caller may choose from (`pcap_list_datalinks`, `pcap_list_tstamp_types`), switching link
//! type (`pcap_set_datalink`), and its buffer size (`pcap_bufsize`).
//!
//! Measured on libpcap 1.10.3, for dead handles and savefiles alike: the link-type list is
//! the handle's own link type alone, the timestamp-type list is `PCAP_TSTAMP_HOST` alone,
//! setting the current link type succeeds and changes nothing (unless it is negative: those
//! are always refused, even when the handle was opened with one), and any other value fails
//! with "<NAME or DLT n> is not one of the DLTs supported by this device". A dead handle's
//! buffer size is 0. Sources that offer real choices (live interfaces) add their arms here.

use crate::error::{Error, Result};
use crate::handle::Pcap;
use crate::names::{dlt, tstamp};
use crate::source::Source;

impl Pcap {
    /// The link types `pcap_list_datalinks` reports, in libpcap's order.
    pub fn datalinks(&self) -> Result<Vec<i32>> {
        self.check_activated()?;
        match &self.source {
            Source::Dead | Source::Savefile(_) => Ok(vec![self.linktype]),
            // The interface type's choices (EN10MB and DOCSIS on Ethernet, SLL and SLL2 on
            // "any"...), also before activation of a pcap_create'd handle.
            Source::Live(live) => Ok(live.datalinks().to_vec()),
        }
    }

    /// The timestamp types `pcap_list_tstamp_types` reports.
    pub fn tstamp_types(&self) -> Result<Vec<i32>> {
        match self.source {
            // Live interfaces without hardware stamping offer host timestamps only.
            Source::Dead | Source::Live(_) | Source::Savefile(_) => Ok(vec![tstamp::HOST]),
        }
    }

    /// `pcap_set_datalink`: switches to `linktype` if the source offers it.
    pub fn set_datalink(&mut self, linktype: i32) -> Result<()> {
        // Measured: libpcap refuses every negative value, even the handle's own.
        if linktype < 0 {
            return Err(unsupported_datalink(linktype));
        }
        match &mut self.source {
            Source::Dead | Source::Savefile(_) if linktype == self.linktype => Ok(()),
            Source::Dead | Source::Savefile(_) => Err(unsupported_datalink(linktype)),
            Source::Live(live) => {
                if !live.set_datalink(linktype) {
                    return Err(unsupported_datalink(linktype));
                }
                self.linktype = linktype;
                Ok(())
            }
        }
    }

    /// `pcap_bufsize`: the size of the buffer packets are read into.
    pub fn bufsize(&self) -> i32 {
        match &self.source {
            Source::Dead => 0,
            Source::Live(live) => live.buffer_size() as i32,
            Source::Savefile(file) => file.bufsize(),
        }
    }
}

/// libpcap's error for a link type the handle does not offer.
pub fn unsupported_datalink(linktype: i32) -> Error {
    Error::new(format!(
        "{} is not one of the DLTs supported by this device",
        dlt::name_or_dlt(linktype)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handle::Precision;

    #[test]
    fn dead_handle_offers_only_itself() {
        let mut p = Pcap::dead(dlt::EN10MB, 100, Precision::Micro);
        assert_eq!(p.datalinks().unwrap(), vec![dlt::EN10MB]);
        assert_eq!(p.tstamp_types().unwrap(), vec![tstamp::HOST]);
        assert_eq!(p.bufsize(), 0);
        assert!(p.set_datalink(dlt::EN10MB).is_ok());
        let err = p.set_datalink(dlt::IEEE802_11).unwrap_err();
        assert_eq!(
            err.msg,
            "IEEE802_11 is not one of the DLTs supported by this device"
        );
        assert_eq!(p.linktype, dlt::EN10MB);
        let err = Pcap::dead(-7, 0, Precision::Micro)
            .set_datalink(3)
            .unwrap_err();
        assert_eq!(
            err.msg,
            "DLT 3 is not one of the DLTs supported by this device"
        );
        let err = Pcap::dead(-7, 0, Precision::Micro)
            .set_datalink(-7)
            .unwrap_err();
        assert_eq!(
            err.msg,
            "DLT -7 is not one of the DLTs supported by this device"
        );
    }
}
