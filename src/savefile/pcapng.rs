//! pcapng: a Section Header Block, then blocks of `type, length, body, length`. Packets come
//! from Enhanced, Simple and (obsolete) Packet Blocks; Interface Description Blocks say each
//! interface's timestamp resolution and offset; other blocks are skipped.
//!
//! libpcap's rules, kept here: every interface must have the first one's link type and
//! snapshot length; a new section resets the interfaces and must keep the byte order; blocks
//! are bounded by a maximum size derived from the link type; timestamps are converted to the
//! handle's precision with libpcap's integer arithmetic (wrapping as C's does).
//!
//! Blocks are parsed where they lie in the [`Input`] buffer and consumed on the next call.

use std::ops::Range;

use super::input::Input;
use super::{fixup, linktype, read_error, FileInfo};
use crate::error::{Error, Result};
use crate::handle::Precision;
use crate::source::PacketHeader;

const BT_SHB: u32 = 0x0A0D_0D0A;
const BT_IDB: u32 = 1;
const BT_PB: u32 = 2;
const BT_SPB: u32 = 3;
const BT_EPB: u32 = 6;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// Block header (type, length) and trailer (length).
const BLOCK_HEADER: usize = 8;
const BLOCK_TRAILER: usize = 4;
/// The smallest and largest Section Header Block libpcap accepts when opening.
const SHB_MIN: u32 = 28;
const SHB_MAX: u32 = 1024 * 1024;
const INITIAL_MAX_BLOCK: u32 = 16 * 1024 * 1024;
const OPT_ENDOFOPT: u16 = 0;
const IF_TSRESOL: u16 = 9;
const IF_TSOFFSET: u16 = 14;

/// How one interface's timestamps become the handle's.
#[derive(Clone, Copy, Debug)]
struct Interface {
    /// Units per second of the interface's timestamps.
    units: u64,
    /// Seconds added to every timestamp.
    offset: u64,
    scale: FracScale,
}

#[derive(Clone, Copy, Debug)]
enum FracScale {
    Same,
    MulBy(u64),
    DivBy(u64),
    /// Binary resolutions: `frac * wanted / units`, in wrapping 64-bit arithmetic.
    Ratio,
}

/// A pcapng file being read.
pub struct NgReader {
    swapped: bool,
    /// The handle's units per second (10^6 or 10^9).
    wanted_units: u64,
    dlt: i32,
    snapshot: i32,
    max_block: u32,
    interfaces: Vec<Interface>,
    /// Bytes of the previous block still to consume.
    pending: usize,
    /// Whether packets may take the fast path (no pseudo-header fix-up for this link type).
    fast: bool,
}

/// A block read whole: its type and where its body is in the input.
struct Block {
    kind: u32,
    body: Range<usize>,
}

fn too_short(kind: u32) -> Error {
    Error::new(format!(
        "block of type {kind} in pcapng dump file is too short"
    ))
}

impl NgReader {
    #[inline]
    fn u32_at(&self, b: &[u8], at: usize) -> u32 {
        let v = u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        if self.swapped {
            v.swap_bytes()
        } else {
            v
        }
    }

    #[inline]
    fn u16_at(&self, b: &[u8], at: usize) -> u16 {
        let v = u16::from_ne_bytes([b[at], b[at + 1]]);
        if self.swapped {
            v.swap_bytes()
        } else {
            v
        }
    }

    /// Reads the Section Header Block and the blocks up to the first Interface Description
    /// Block if `magic` starts a pcapng file: Ok(None) means "not this format".
    pub fn open(
        magic: u32,
        input: &mut Input,
        precision: Precision,
    ) -> Result<Option<(NgReader, FileInfo)>> {
        if magic != BT_SHB {
            return Ok(None);
        }
        let got = input.fill(12).map_err(|e| read_error(&e))?;
        if got < 12 {
            return Ok(None);
        }
        let b = input.bytes();
        let bom = u32::from_ne_bytes([b[8], b[9], b[10], b[11]]);
        let swapped = match bom {
            BYTE_ORDER_MAGIC => false,
            m if m == BYTE_ORDER_MAGIC.swap_bytes() => true,
            _ => return Ok(None),
        };
        let mut reader = NgReader {
            swapped,
            wanted_units: precision.units_per_sec() as u64,
            dlt: 0,
            snapshot: 0,
            max_block: INITIAL_MAX_BLOCK,
            interfaces: Vec::new(),
            pending: 0,
            fast: false,
        };
        let total = reader.u32_at(b, 4);
        if !(SHB_MIN..=SHB_MAX).contains(&total) {
            return Err(Error::new(format!(
                "Section Header Block in pcapng dump file has invalid length {SHB_MIN} < _{total}_ < {SHB_MAX} (BT_SHB_INSANE_MAX)"
            )));
        }
        input.consume(12);
        let rest = total as usize - 12;
        let got = input.fill(rest).map_err(|e| read_error(&e))?;
        if got < rest {
            return Err(Error::new(format!(
                "truncated pcapng dump file; tried to read {rest} bytes, only got {got}"
            )));
        }
        let b = input.bytes();
        let (major, minor) = (reader.u16_at(b, 0), reader.u16_at(b, 2));
        input.consume(rest);
        if !(major == 1 && (minor == 0 || minor == 2)) {
            return Err(Error::new(format!(
                "unsupported pcapng savefile version {major}.{minor}"
            )));
        }
        // Skip to the first interface; its link type and snapshot length are the file's.
        let (linktype, file_snaplen) = loop {
            let Some(block) = reader.read_block(input)? else {
                return Err(Error::new(
                    "the capture file has no Interface Description Blocks",
                ));
            };
            match block.kind {
                BT_IDB => {
                    let body = &input.bytes()[block.body];
                    if body.len() < 8 {
                        return Err(too_short(BT_IDB));
                    }
                    let fixed = (reader.u16_at(body, 0), reader.u32_at(body, 4));
                    reader.add_interface(&body[8..])?;
                    break fixed;
                }
                BT_EPB | BT_SPB | BT_PB => return Err(Error::new(
                    "the capture file has a packet block before any Interface Description Blocks",
                )),
                _ => {}
            }
        };
        reader.dlt = linktype::linktype_to_dlt(linktype as u32);
        reader.snapshot = linktype::effective_snaplen(file_snaplen, reader.dlt);
        let max_for_snaplen = max_block_for_snaplen(linktype::max_snaplen_for_dlt(reader.dlt));
        reader.max_block = reader.max_block.max(max_for_snaplen);
        reader.fast = !fixup::applies(reader.dlt);
        let info = FileInfo {
            dlt: reader.dlt,
            linktype_ext: 0,
            snaplen: reader.snapshot,
            version_major: major as i32,
            version_minor: minor as i32,
            swapped,
        };
        Ok(Some((reader, info)))
    }

    /// `pcap_bufsize`: libpcap 1.10.3 reads pcapng blocks into a buffer of its own and
    /// reports its initial 2048 bytes throughout (measured).
    pub fn bufsize(&self) -> i32 {
        2048
    }

    /// Reads one whole block; None at a clean end of file. The block's bytes stay in the
    /// input until the next call.
    fn read_block(&mut self, input: &mut Input) -> Result<Option<Block>> {
        input.consume(std::mem::take(&mut self.pending));
        let got = input.fill(BLOCK_HEADER).map_err(|e| read_error(&e))?;
        if got < BLOCK_HEADER {
            if got == 0 {
                return Ok(None);
            }
            input.consume(got);
            return Err(Error::new(format!(
                "truncated pcapng dump file; tried to read {BLOCK_HEADER} bytes, only got {got}"
            )));
        }
        let b = input.bytes();
        let kind = self.u32_at(b, 0);
        let total = self.u32_at(b, 4);
        let min = (BLOCK_HEADER + BLOCK_TRAILER) as u32;
        let invalid = if total < min {
            Some(format!(
                "block in pcapng dump file has a length of {total} < {min}"
            ))
        } else if total % 4 != 0 {
            Some(format!(
                "block in pcapng dump file has a length of {total} that is not a multiple of 4"
            ))
        } else if total > self.max_block {
            Some(format!(
                "pcapng block size {total} > maximum {}",
                self.max_block
            ))
        } else {
            None
        };
        if let Some(message) = invalid {
            input.consume(BLOCK_HEADER);
            return Err(Error::new(message));
        }
        let rest = total as usize - BLOCK_HEADER;
        // The header stays unconsumed until the whole block is in, so that a read that
        // would block (see `Input::never_block`) can be retried from the block's start.
        let got = input
            .fill(total as usize)
            .map_err(|e| read_error(&e))?
            .saturating_sub(BLOCK_HEADER);
        input.consume(BLOCK_HEADER);
        if got < rest {
            input.consume(got);
            return Err(Error::new(format!(
                "truncated pcapng dump file; tried to read {rest} bytes, only got {got}"
            )));
        }
        self.pending = rest;
        let body_len = rest - BLOCK_TRAILER;
        if self.u32_at(input.bytes(), body_len) != total {
            return Err(Error::new(
                "block total length in header and trailer don't match",
            ));
        }
        Ok(Some(Block {
            kind,
            body: 0..body_len,
        }))
    }

    /// Records an interface from an IDB's options (the bytes after its fixed part).
    fn add_interface(&mut self, mut options: &[u8]) -> Result<()> {
        let mut resolution: Option<(u64, bool)> = None;
        let mut offset: Option<u64> = None;
        while options.len() >= 4 {
            let code = self.u16_at(options, 0);
            let len = self.u16_at(options, 2);
            options = &options[4..];
            if code == OPT_ENDOFOPT {
                break;
            }
            let padded = (len as usize).next_multiple_of(4);
            if options.len() < padded {
                return Err(too_short(BT_IDB));
            }
            let value = &options[..len as usize];
            options = &options[padded..];
            match code {
                IF_TSRESOL => {
                    if len != 1 {
                        return Err(Error::new(format!(
                            "Interface Description Block has if_tsresol option with length {len} != 1"
                        )));
                    }
                    if resolution.is_some() {
                        return Err(Error::new(
                            "Interface Description Block has more than one if_tsresol option",
                        ));
                    }
                    resolution = Some(decode_tsresol(value[0])?);
                }
                IF_TSOFFSET => {
                    if len != 8 {
                        return Err(Error::new(format!(
                            "Interface Description Block has if_tsoffset option with length {len} != 8"
                        )));
                    }
                    if offset.is_some() {
                        return Err(Error::new(
                            "Interface Description Block has more than one if_tsoffset option",
                        ));
                    }
                    let raw = u64::from_ne_bytes(value.try_into().expect("8 bytes"));
                    offset = Some(if self.swapped { raw.swap_bytes() } else { raw });
                }
                _ => {}
            }
        }
        let (units, binary) = resolution.unwrap_or((1_000_000, false));
        let wanted = self.wanted_units;
        let scale = if units == wanted {
            FracScale::Same
        } else if binary {
            FracScale::Ratio
        } else if units > wanted {
            FracScale::DivBy(units / wanted)
        } else {
            FracScale::MulBy(wanted / units)
        };
        self.interfaces.push(Interface {
            units,
            offset: offset.unwrap_or(0),
            scale,
        });
        Ok(())
    }

    /// The common case: a whole, valid Enhanced Packet Block on a known interface is
    /// buffered. None sends the caller to [`NgReader::next`], which re-reads the same bytes
    /// with every check (the conditions here are exactly "next would find no error").
    #[inline(always)]
    pub fn next_fast(&mut self, input: &mut Input) -> Option<(PacketHeader, Range<usize>)> {
        input.consume(std::mem::take(&mut self.pending));
        if !self.fast {
            return None;
        }
        let b = input.bytes();
        let head = b.get(..28)?;
        let swapped = self.swapped;
        let field = |at: usize| {
            let v = u32::from_ne_bytes(head[at..at + 4].try_into().expect("4 bytes"));
            if swapped {
                v.swap_bytes()
            } else {
                v
            }
        };
        let total = field(4);
        if field(0) != BT_EPB || total < 32 || total % 4 != 0 || total > self.max_block {
            return None;
        }
        let caplen = field(20);
        if b.len() < total as usize || caplen > self.snapshot as u32 || caplen > total - 32 {
            return None;
        }
        if self.u32_at(b, total as usize - 4) != total {
            return None;
        }
        let interface = *self.interfaces.get(field(8) as usize)?;
        let (ts_sec, ts_frac) =
            self.timestamp(&interface, ((field(12) as u64) << 32) | field(16) as u64);
        self.pending = total as usize;
        let header = PacketHeader {
            ts_sec,
            ts_frac,
            caplen,
            len: field(24),
        };
        Some((header, 28..28 + caplen as usize))
    }

    /// The next packet: its header and where its bytes are in `input.bytes()`; None at the
    /// end of the file.
    pub fn next(&mut self, input: &mut Input) -> Result<Option<(PacketHeader, Range<usize>)>> {
        loop {
            let Some(block) = self.read_block(input)? else {
                return Ok(None);
            };
            let start = block.body.start;
            let body = &input.bytes()[block.body.clone()];
            // (interface, timestamp, caplen, len, offset of the data in the body)
            let (iface, ts, caplen, len, data_at) = match block.kind {
                BT_EPB => {
                    if body.len() < 20 {
                        return Err(too_short(BT_EPB));
                    }
                    let ts = ((self.u32_at(body, 4) as u64) << 32) | self.u32_at(body, 8) as u64;
                    let (caplen, len) = (self.u32_at(body, 12), self.u32_at(body, 16));
                    (self.u32_at(body, 0), ts, caplen, len, 20)
                }
                BT_SPB => {
                    if body.len() < 4 {
                        return Err(too_short(BT_SPB));
                    }
                    let len = self.u32_at(body, 0);
                    (0, 0, len.min(self.snapshot as u32), len, 4)
                }
                BT_PB => {
                    if body.len() < 20 {
                        return Err(too_short(BT_PB));
                    }
                    let ts = ((self.u32_at(body, 4) as u64) << 32) | self.u32_at(body, 8) as u64;
                    let (caplen, len) = (self.u32_at(body, 12), self.u32_at(body, 16));
                    (self.u16_at(body, 0) as u32, ts, caplen, len, 20)
                }
                BT_SHB => {
                    self.new_section(body)?;
                    continue;
                }
                BT_IDB => {
                    self.another_interface(body)?;
                    continue;
                }
                _ => continue,
            };
            let Some(&interface) = self.interfaces.get(iface as usize) else {
                return Err(Error::new(format!(
                    "a packet arrived on interface {iface}, but there's no Interface Description Block for that interface"
                )));
            };
            if caplen > self.snapshot as u32 {
                return Err(Error::new(format!(
                    "invalid packet capture length {caplen}, bigger than snaplen of {}",
                    self.snapshot
                )));
            }
            if body.len() - data_at < caplen as usize {
                return Err(too_short(block.kind));
            }
            let (ts_sec, ts_frac) = self.timestamp(&interface, ts);
            let mut header = PacketHeader {
                ts_sec,
                ts_frac,
                caplen,
                len,
            };
            let data = start + data_at..start + data_at + caplen as usize;
            fixup::after_read(
                self.dlt,
                self.swapped,
                &mut header,
                &mut input.bytes_mut()[data.clone()],
            );
            return Ok(Some((header, data)));
        }
    }

    /// libpcap's conversion: whole seconds plus offset, the fraction rescaled.
    #[inline(always)]
    fn timestamp(&self, iface: &Interface, ts: u64) -> (i64, i64) {
        // Constant divisors for the usual resolutions: a multiply instead of a division.
        let (sec, frac) = match iface.units {
            1_000_000 => (ts / 1_000_000, ts % 1_000_000),
            1_000_000_000 => (ts / 1_000_000_000, ts % 1_000_000_000),
            units => (ts / units, ts % units),
        };
        let sec = sec.wrapping_add(iface.offset);
        let frac = match iface.scale {
            FracScale::Same => frac,
            FracScale::MulBy(k) => frac.wrapping_mul(k),
            FracScale::DivBy(k) => frac / k,
            FracScale::Ratio => frac.wrapping_mul(self.wanted_units) / iface.units,
        };
        (sec as i64, frac as i64)
    }

    /// A Section Header Block after the first: same byte order, version 1, fresh interfaces.
    fn new_section(&mut self, body: &[u8]) -> Result<()> {
        if body.len() < 16 {
            return Err(too_short(BT_SHB));
        }
        let bom = self.u32_at(body, 0);
        if bom == BYTE_ORDER_MAGIC.swap_bytes() {
            return Err(Error::new(
                "the file has sections with different byte orders",
            ));
        }
        if bom != BYTE_ORDER_MAGIC {
            return Err(Error::new(
                "the file has a section with a bad byte order magic field",
            ));
        }
        let major = self.u16_at(body, 4);
        if major != 1 {
            return Err(Error::new(format!(
                "unknown pcapng savefile major version number {major}"
            )));
        }
        self.interfaces.clear();
        Ok(())
    }

    /// An Interface Description Block after the first: must match the file's link type and
    /// snapshot length. libpcap compares the block's raw LINKTYPE_ value with the handle's
    /// DLT_ value, so renumbered link types fail here too; we keep that.
    fn another_interface(&mut self, body: &[u8]) -> Result<()> {
        if body.len() < 8 {
            return Err(too_short(BT_IDB));
        }
        let linktype = self.u16_at(body, 0);
        let snaplen = self.u32_at(body, 4);
        if linktype as i32 != self.dlt {
            return Err(Error::new(format!(
                "an interface has a type {linktype} different from the type of the first interface"
            )));
        }
        if linktype::effective_snaplen(snaplen, self.dlt) != self.snapshot {
            return Err(Error::new(format!(
                "an interface has a snapshot length {snaplen} different from the snapshot length of the first interface"
            )));
        }
        self.add_interface(&body[8..])
    }
}

/// An if_tsresol value as (units per second, whether binary).
fn decode_tsresol(v: u8) -> Result<(u64, bool)> {
    let exp = (v & 0x7f) as u32;
    if v & 0x80 != 0 {
        if exp > 63 {
            return Err(Error::new(format!(
                "Interface Description Block if_tsresol option resolution 2^-{exp} is too high"
            )));
        }
        Ok((1u64 << exp, true))
    } else {
        if exp > 19 {
            return Err(Error::new(format!(
                "Interface Description Block if_tsresol option resolution 10^-{exp} is too high"
            )));
        }
        Ok((10u64.pow(exp), false))
    }
}

/// libpcap's largest block for a given maximum packet: headers, the packet, and 128 KiB of
/// options.
fn max_block_for_snaplen(max_snaplen: u32) -> u32 {
    (BLOCK_HEADER as u32 + 20 + BLOCK_TRAILER as u32) + max_snaplen + 131_072
}
