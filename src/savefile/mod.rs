//! Savefiles: reading pcap and pcapng, writing pcap.
//!
//! A [`Savefile`] reads records where they lie in one bulk-read buffer ([`input`]) and hands
//! out slices of it: no copy and no allocation per packet. It recognises the format by the
//! first four bytes ([`pcap`], then [`pcapng`]), reports the file's properties in a
//! [`FileInfo`], converts timestamps to the handle's precision as libpcap does, and applies
//! the user-space filter itself so that rejected records cost no trip through the caller.
//! [`writer`] produces the bytes libpcap's `pcap_dump*` calls produce.

mod batch;
pub mod fixup;
pub mod input;
pub mod linktype;
pub mod pcap;
pub mod pcapng;
pub mod writer;

use std::ops::Range;

use crate::bpf::Program;
use crate::error::{Error, Result};
use crate::handle::{Pcap, Precision};
use crate::source::{PacketHeader, Poll, Source};
use input::{Backend, Input};

/// What a savefile's headers say, as libpcap reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileInfo {
    /// `pcap_datalink`.
    pub dlt: i32,
    /// `pcap_datalink_ext`'s extra bits (FCS length).
    pub linktype_ext: i32,
    /// `pcap_snapshot`.
    pub snaplen: i32,
    pub version_major: i32,
    pub version_minor: i32,
    /// `pcap_is_swapped`.
    pub swapped: bool,
}

/// How a pcap record's sub-second field becomes the handle's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    None,
    MicroToNano,
    NanoToMicro,
}

impl Scale {
    /// libpcap scales the signed field in C `long` arithmetic (so negative values of damaged
    /// files stay negative, and division truncates toward zero).
    #[inline]
    pub fn apply(self, frac: i64) -> i64 {
        match self {
            Scale::None => frac,
            Scale::MicroToNano => frac.wrapping_mul(1000),
            Scale::NanoToMicro => frac / 1000,
        }
    }
}

/// libpcap's message for a failed read.
pub fn read_error(err: &std::io::Error) -> Error {
    Error::os("error reading dump file", err)
}

enum Format {
    Pcap(pcap::PcapReader),
    Ng(pcapng::NgReader),
}

/// An open savefile.
pub struct Savefile {
    input: Input,
    format: Format,
    stream: *mut libc::FILE,
    closes_stream: bool,
    pub info: FileInfo,
}

impl Savefile {
    /// Reads the file headers from `stream`. On failure the stream is left open for the
    /// caller; on success it is closed with the savefile when `closes_stream` is set (libpcap
    /// closes every stream but stdin).
    ///
    /// # Safety
    /// `stream` is a live readable stream that stays valid until the savefile is dropped.
    pub unsafe fn open(
        stream: *mut libc::FILE,
        closes_stream: bool,
        precision: Precision,
    ) -> Result<Savefile> {
        // SAFETY: forwarded from the caller.
        unsafe {
            Savefile::open_with_buffer(stream, closes_stream, precision, input::DEFAULT_CAPACITY)
        }
    }

    /// [`Savefile::open`] with a read buffer of `capacity` bytes (rounded up to a page): the
    /// fuzz targets and benchmarks use it to make records straddle buffer ends often.
    ///
    /// # Safety
    /// As [`Savefile::open`].
    pub unsafe fn open_with_buffer(
        stream: *mut libc::FILE,
        closes_stream: bool,
        precision: Precision,
        capacity: usize,
    ) -> Result<Savefile> {
        let mut input = Input::with_capacity(Backend::Stdio(stream), capacity);
        let got = input.fill(4).map_err(|e| read_error(&e))?;
        if got < 4 {
            return Err(Error::new(format!(
                "truncated dump file; tried to read 4 file header bytes, only got {got}"
            )));
        }
        let b = input.bytes();
        let magic = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
        let (format, info) =
            if let Some((r, info)) = pcap::PcapReader::open(magic, &mut input, precision)? {
                (Format::Pcap(r), info)
            } else if let Some((r, info)) = pcapng::NgReader::open(magic, &mut input, precision)? {
                (Format::Ng(r), info)
            } else {
                return Err(Error::new("unknown file format"));
            };
        Ok(Savefile {
            input,
            format,
            stream,
            closes_stream,
            info,
        })
    }

    /// A handle reading this savefile at `precision`.
    /// Its reads never block inside the core: the packet loops wait themselves (see
    /// [`Savefile::wait_instead_of_blocking`]).
    pub fn into_pcap(mut self, precision: Precision) -> Pcap {
        self.wait_instead_of_blocking();
        let info = self.info;
        let mut pcap = Pcap::dead(info.dlt, info.snaplen, precision);
        pcap.linktype_ext = info.linktype_ext;
        pcap.source = Source::Savefile(Box::new(self));
        pcap
    }

    /// The caller-visible stream (`pcap_file`).
    pub fn stream(&self) -> *mut libc::FILE {
        self.stream
    }

    /// `pcap_bufsize`: what libpcap's record buffer would measure at this point.
    pub fn bufsize(&self) -> i32 {
        match &self.format {
            Format::Pcap(r) => r.bufsize(),
            Format::Ng(r) => r.bufsize(),
        }
    }

    /// The next record that passes `filter`, or `Poll::Eof`.
    #[inline(always)]
    pub fn next_packet(&mut self, filter: Option<&Program>) -> Result<Poll<'_>> {
        // The fast paths return straight from here: merged with the checked path's result,
        // the header would take a detour through memory that costs more than the parsing
        // (measured: 0.83x of a bare record walk merged, 0.98x like this).
        if filter.is_none() {
            let fast = match &mut self.format {
                Format::Pcap(r) => r.next_fast(&mut self.input),
                Format::Ng(r) => r.next_fast(&mut self.input),
            };
            if let Some((header, range)) = fast {
                return Ok(Poll::Packet(header, &self.input.bytes()[range]));
            }
        }
        let (header, range) = loop {
            let record = match self.next_record() {
                Ok(record) => record,
                // A read that would block (only once `wait_instead_of_blocking`): the caller
                // waits for `blocked_on` and asks again; the record is read from its start.
                Err(_) if self.input.is_blocked() => return Ok(Poll::Idle),
                Err(err) => return Err(err),
            };
            let Some((header, range)) = record else {
                return Ok(Poll::Eof);
            };
            match filter {
                Some(f) if f.run(&self.input.bytes()[range.clone()], header.len) == 0 => {}
                _ => break (header, range),
            }
        };
        Ok(Poll::Packet(header, &self.input.bytes()[range]))
    }

    /// Reads that would block fail (and are retried after a wait) instead of blocking: the
    /// packet loops call this for savefiles they read, see [`input::Input::never_block`].
    pub fn wait_instead_of_blocking(&mut self) {
        self.input.never_block();
    }

    /// The descriptor the last read stopped on because it would have blocked; cleared by
    /// asking.
    pub fn blocked_on(&mut self) -> Option<std::os::fd::RawFd> {
        self.input.blocked_on()
    }

    #[inline(always)]
    fn next_record(&mut self) -> Result<Option<(PacketHeader, Range<usize>)>> {
        match &mut self.format {
            Format::Pcap(r) => r.next(&mut self.input),
            Format::Ng(r) => r.next(&mut self.input),
        }
    }
}

impl Drop for Savefile {
    fn drop(&mut self) {
        if self.closes_stream {
            // SAFETY: the stream was handed to us live, and nobody closes it but us.
            unsafe { libc::fclose(self.stream) };
        }
    }
}
