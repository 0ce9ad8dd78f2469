//! PACKET_FANOUT groups, and the `OXPCAP_*` environment that configures live captures of
//! programs that know nothing about oxpcap.
//!
//! A fanout group spreads one interface's packets over several packet sockets (threads or
//! processes): the kernel hands each packet to exactly one member, chosen by the group's mode
//! (flow hash, round robin, CPU, ...). A handle joins a group when `pcap_set_fanout_linux` asked
//! for it, or else when `OXPCAP_FANOUT` does; the variables are read once, at activation:
//!
//! - `OXPCAP_FANOUT=group[:mode[,flag...]]`: join group `group` (0–65535) with `mode` (hash,
//!   lb, cpu, rollover, rnd, qm, cbpf; default hash) and flags (defrag, rollover,
//!   ignore-outgoing).
//! - `OXPCAP_FANOUT_CBPF=n,code jt jf k,...`: the steering program of mode cbpf, in the
//!   `tcpdump -ddd` format; its return value (mod the member count) picks the member.
//! - `OXPCAP_BUFFER_SIZE=bytes[k|m|g]`: the ring size, overriding the program's choice.
//! - `OXPCAP_DEBUG=1`: one line on stderr per decision (ring geometry, group joined).
//! - `OXPCAP_IMMEDIATE_TICK_US=n`: immediate mode's drain tick while traffic is dense (see
//!   [`super::pace`]); shorter means lower latency for more CPU, 0 a wakeup per packet.
//!
//! Guarantees: a value that cannot be parsed fails activation with a message naming the
//! variable; a socket joins its group before it can receive anything on its own (a reject-all
//! filter covers the moment between bind and join), so no packet reaches two members; and
//! [`group_totals`] reads the counters of every member of a group in this process without
//! stealing them from the member's own `pcap_stats`.

use std::os::fd::RawFd;
use std::sync::{Arc, Mutex, Weak};

use super::ring::Geometry;
use super::socket::PacketSocket;
use super::sys;
use crate::bpf::Insn;
use crate::error::{Error, Result};
use crate::handle::CaptureConfig;

/// `setsockopt(SOL_PACKET, ...)` names (<linux/if_packet.h>).
const PACKET_FANOUT: i32 = 18;
const PACKET_FANOUT_DATA: i32 = 22;

/// Fanout modes (the low byte of the kernel's `type_flags`).
pub const MODE_HASH: u16 = 0;
pub const MODE_LB: u16 = 1;
pub const MODE_CPU: u16 = 2;
pub const MODE_ROLLOVER: u16 = 3;
pub const MODE_RND: u16 = 4;
pub const MODE_QM: u16 = 5;
pub const MODE_CBPF: u16 = 6;
pub const MODE_EBPF: u16 = 7;
/// Fanout flags (the high byte).
pub const FLAG_ROLLOVER: u16 = 0x1000;
pub const FLAG_UNIQUEID: u16 = 0x2000;
pub const FLAG_IGNORE_OUTGOING: u16 = 0x4000;
pub const FLAG_DEFRAG: u16 = 0x8000;
const KNOWN_FLAGS: u16 = FLAG_ROLLOVER | FLAG_UNIQUEID | FLAG_IGNORE_OUTGOING | FLAG_DEFRAG;

/// Each mode and flag: its name (as `OXPCAP_FANOUT` spells it) and the first kernel with it.
const MODES: &[(u16, &str, (u32, u32))] = &[
    (MODE_HASH, "hash", (3, 1)),
    (MODE_LB, "lb", (3, 1)),
    (MODE_CPU, "cpu", (3, 1)),
    (MODE_ROLLOVER, "rollover", (3, 10)),
    (MODE_RND, "rnd", (3, 10)),
    (MODE_QM, "qm", (3, 14)),
    (MODE_CBPF, "cbpf", (4, 2)),
];
const FLAGS: &[(u16, &str, (u32, u32))] = &[
    (FLAG_DEFRAG, "defrag", (3, 1)),
    (FLAG_ROLLOVER, "rollover", (3, 10)),
    (FLAG_UNIQUEID, "uniqueid", (4, 4)),
    (FLAG_IGNORE_OUTGOING, "ignore-outgoing", (4, 20)),
];

/// Smallest and largest ring `OXPCAP_BUFFER_SIZE` accepts.
const MIN_BUFFER: u64 = 64 << 10;
const MAX_BUFFER: u64 = 1 << 31;

/// A request to join a fanout group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Ignored with [`FLAG_UNIQUEID`] (the kernel picks a free id).
    pub group: u16,
    /// Mode | flags, as the kernel takes them.
    pub type_flags: u16,
    /// Mode cbpf's steering program.
    pub program: Option<Vec<Insn>>,
    /// Where the request came from, for messages ("OXPCAP_FANOUT" or the function name).
    pub origin: &'static str,
}

/// The fanout and environment settings of a handle, part of its [`CaptureConfig`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `pcap_set_fanout_linux`: Some(None) when the program disabled fanout explicitly (the
    /// environment then cannot enable it), Some(Some(request)) when it asked for a group.
    pub api: Option<Option<Request>>,
    /// `pcap_set_fanout_program_linux`.
    pub api_program: Option<Vec<Insn>>,
    /// The group to join at activation, once the environment has been read.
    pub request: Option<Request>,
    /// `OXPCAP_DEBUG`.
    pub debug: bool,
    /// Where the buffer size came from, for the debug log.
    pub buffer_from_env: bool,
    /// `OXPCAP_IMMEDIATE_TICK_US`.
    pub drain_tick_us: Option<u32>,
}

/// The name of a mode, or None for a mode we do not know.
pub fn mode_name(mode: u16) -> Option<&'static str> {
    MODES.iter().find(|m| m.0 == mode).map(|m| m.1)
}

/// Checks a `type_flags` value a program passed: a known mode, known flags.
pub fn check_type_flags(type_flags: u16) -> std::result::Result<(), String> {
    let mode = type_flags & 0xff;
    if mode == MODE_EBPF {
        return Err("fanout mode ebpf is not supported (use cbpf)".into());
    }
    if mode_name(mode).is_none() {
        return Err(format!("unknown fanout mode {mode}"));
    }
    let unknown = type_flags & 0xff00 & !KNOWN_FLAGS;
    if unknown != 0 {
        return Err(format!("unknown fanout flags 0x{unknown:04x}"));
    }
    Ok(())
}

/// Human-readable `type_flags`: "hash,rollover,defrag".
pub fn describe(type_flags: u16) -> String {
    let mut text = mode_name(type_flags & 0xff).unwrap_or("?").to_string();
    for (bit, name, _) in FLAGS {
        if type_flags & bit != 0 {
            text.push(',');
            text.push_str(name);
        }
    }
    text
}

/// Parses `OXPCAP_FANOUT`'s value: `group[:mode[,flag...]]`.
pub fn parse_fanout(value: &str) -> std::result::Result<(u16, u16), String> {
    let (group, rest) = match value.split_once(':') {
        Some((g, r)) => (g, Some(r)),
        None => (value, None),
    };
    let group: u16 = group
        .trim()
        .parse()
        .map_err(|_| format!("group \"{group}\" is not a number from 0 to 65535"))?;
    let mut type_flags = MODE_HASH;
    if let Some(rest) = rest {
        let mut words = rest.split(',').map(str::trim);
        let mode = words.next().unwrap_or("");
        type_flags = match MODES.iter().find(|m| m.1 == mode) {
            Some(m) => m.0,
            None if mode == "ebpf" => return Err("mode ebpf is not supported (use cbpf)".into()),
            None => {
                return Err(format!(
                    "unknown mode \"{mode}\" (hash, lb, cpu, rollover, rnd, qm, cbpf)"
                ))
            }
        };
        for word in words {
            let flag = match FLAGS.iter().find(|f| f.1 == word) {
                Some(f) => f.0,
                None => {
                    return Err(format!(
                        "unknown flag \"{word}\" (defrag, rollover, ignore-outgoing)"
                    ))
                }
            };
            if flag == FLAG_UNIQUEID {
                return Err("flag uniqueid would give every process its own group".into());
            }
            type_flags |= flag;
        }
    }
    Ok((group, type_flags))
}

/// Parses a byte count with an optional k/m/g (KiB, MiB, GiB) suffix.
pub fn parse_size(value: &str) -> std::result::Result<u32, String> {
    let value = value.trim();
    let (digits, unit) = match value.char_indices().last() {
        Some((i, c)) if "kKmMgG".contains(c) => {
            let unit = match c.to_ascii_lowercase() {
                'k' => 1u64 << 10,
                'm' => 1 << 20,
                _ => 1 << 30,
            };
            (&value[..i], unit)
        }
        _ => (value, 1),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("\"{value}\" is not a size in bytes (like 64m)"))?;
    let bytes = n.saturating_mul(unit);
    if !(MIN_BUFFER..=MAX_BUFFER).contains(&bytes) {
        return Err(format!("{bytes} bytes is not between 64k and 2g"));
    }
    Ok(bytes.min(u64::from(u32::MAX)) as u32)
}

/// Parses `OXPCAP_DEBUG`: 1 on, 0 or empty off.
pub fn parse_debug(value: &str) -> std::result::Result<bool, String> {
    match value.trim() {
        "1" => Ok(true),
        "0" | "" => Ok(false),
        other => Err(format!("\"{other}\" is neither 0 nor 1")),
    }
}

/// Largest drain tick `OXPCAP_IMMEDIATE_TICK_US` accepts: past this, immediate mode would
/// be slower to deliver than a buffered capture's block timer.
const MAX_DRAIN_TICK_US: u32 = 100_000;

/// Parses `OXPCAP_IMMEDIATE_TICK_US`: microseconds, 0 to `MAX_DRAIN_TICK_US`.
pub fn parse_tick(value: &str) -> std::result::Result<u32, String> {
    match value.trim().parse::<u32>() {
        Ok(us) if us <= MAX_DRAIN_TICK_US => Ok(us),
        _ => Err(format!(
            "expected microseconds from 0 to {MAX_DRAIN_TICK_US}"
        )),
    }
}

/// Parses a classic BPF program in `tcpdump -ddd`'s format: the instruction count, then one
/// "code jt jf k" per instruction, separated by commas (or newlines).
pub fn parse_program(value: &str) -> std::result::Result<Vec<Insn>, String> {
    let mut parts = value
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let count: usize = parts
        .next()
        .and_then(|c| c.parse().ok())
        .ok_or("does not start with the instruction count")?;
    let mut insns = Vec::with_capacity(count.min(4096));
    for (i, part) in parts.enumerate() {
        let fields: Vec<u64> = part
            .split_whitespace()
            .map(str::parse)
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| format!("instruction {} \"{part}\" is not four numbers", i + 1))?;
        match fields[..] {
            [code, jt, jf, k] if code <= 0xffff && jt <= 255 && jf <= 255 && k <= 0xffff_ffff => {
                insns.push(Insn::jump(code as u16, k as u32, jt as u8, jf as u8))
            }
            _ => {
                return Err(format!(
                    "instruction {} \"{part}\" is not code jt jf k",
                    i + 1
                ))
            }
        }
    }
    if insns.len() != count || count == 0 {
        return Err(format!("says {count} instructions but has {}", insns.len()));
    }
    Ok(insns)
}

/// Reads one variable: None when unset, an error naming it when it is not text or `parse`
/// refuses it.
fn read_var<T>(
    name: &str,
    parse: impl FnOnce(&str) -> std::result::Result<T, String>,
) -> Result<Option<T>> {
    let Some(raw) = std::env::var_os(name) else {
        return Ok(None);
    };
    let Some(value) = raw.to_str() else {
        return Err(Error::new(format!("{name}: the value is not valid UTF-8")));
    };
    parse(value)
        .map(Some)
        .map_err(|why| Error::new(format!("{name}=\"{value}\": {why}")))
}

/// The settings activation uses: `config` with the `OXPCAP_*` variables applied (the buffer
/// size override, the group to join, the debug flag). A group asked for by the program wins
/// over `OXPCAP_FANOUT`, but a bad value fails either way.
pub fn with_environment(config: &CaptureConfig) -> Result<CaptureConfig> {
    let mut config = config.clone();
    let debug = read_var("OXPCAP_DEBUG", parse_debug)?.unwrap_or(false);
    let buffer = read_var("OXPCAP_BUFFER_SIZE", parse_size)?;
    let fanout = read_var("OXPCAP_FANOUT", parse_fanout)?;
    let program = read_var("OXPCAP_FANOUT_CBPF", parse_program)?;
    let drain_tick = read_var("OXPCAP_IMMEDIATE_TICK_US", parse_tick)?;
    if let Some(bytes) = buffer {
        config.buffer_size = bytes.min(i32::MAX as u32) as i32;
        config.fanout.buffer_from_env = true;
    }
    let options = &mut config.fanout;
    options.debug = debug;
    options.drain_tick_us = drain_tick;
    options.request = match (&options.api, fanout) {
        (Some(api), _) => api.clone().map(|mut request| {
            request.program = options.api_program.clone();
            request
        }),
        (None, Some((group, type_flags))) => Some(Request {
            group,
            type_flags,
            program: program.clone(),
            origin: "OXPCAP_FANOUT",
        }),
        (None, None) => None,
    };
    if let Some(request) = &options.request {
        if request.type_flags & 0xff == MODE_CBPF && request.program.is_none() {
            let how = if request.origin == "OXPCAP_FANOUT" {
                "OXPCAP_FANOUT_CBPF"
            } else {
                "pcap_set_fanout_program_linux"
            };
            return Err(Error::new(format!(
                "{}: mode cbpf needs a steering program ({how})",
                request.origin
            )));
        }
    }
    if debug && options.api.is_some() && fanout.is_some() {
        log("OXPCAP_FANOUT ignored: the program chose its fanout itself");
    }
    Ok(config)
}

fn log(line: &str) {
    eprintln!("oxpcap: {line}");
}

/// The running kernel's (major, minor) version, if it can be read.
fn kernel_version() -> Option<(u32, u32)> {
    // SAFETY: utsname is plain bytes; uname fills it.
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: uts is a valid, writable utsname.
    if unsafe { libc::uname(&mut uts) } != 0 {
        return None;
    }
    let release: String = uts
        .release
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8 as char)
        .collect();
    let mut numbers = release
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok());
    Some((numbers.next()?, numbers.next()?))
}

/// The first mode or flag of `type_flags` that `kernel` predates, with the version it needs.
pub fn missing_feature(type_flags: u16, kernel: (u32, u32)) -> Option<(&'static str, (u32, u32))> {
    let mode = MODES.iter().find(|m| m.0 == type_flags & 0xff)?;
    if kernel < mode.2 {
        return Some((mode.1, mode.2));
    }
    FLAGS
        .iter()
        .find(|f| type_flags & f.0 != 0 && kernel < f.2)
        .map(|f| (f.1, f.2))
}

/// Before `bind`: a socket about to join a group must not receive anything on its own, or a
/// packet could reach it and another member too.
pub fn before_bind(socket: &PacketSocket, config: &CaptureConfig) -> Result<()> {
    if config.fanout.request.is_some() {
        let reject_all = [Insn::stmt(crate::bpf::insn::BPF_RET, 0)];
        socket
            .attach_filter(&reject_all)
            .map_err(|e| Error::os("setsockopt (SO_ATTACH_FILTER)", &e))?;
    }
    Ok(())
}

/// After `bind`: logs the ring's geometry (with `OXPCAP_DEBUG`) and joins the group asked
/// for, if any; the membership leaves the group's registry when dropped.
pub fn join(
    socket: &PacketSocket,
    config: &CaptureConfig,
    device: Option<&str>,
    geometry: &Geometry,
) -> Result<Option<Membership>> {
    let options = &config.fanout;
    let name = device.unwrap_or("any");
    if options.debug {
        log(&format!(
            "{name}: ring {} blocks of {} KiB ({} KiB{}), frames of {} bytes, block timeout {} ms",
            geometry.block_count,
            geometry.block_size >> 10,
            (u64::from(geometry.block_count) * u64::from(geometry.block_size)) >> 10,
            if options.buffer_from_env {
                ", from OXPCAP_BUFFER_SIZE"
            } else {
                ""
            },
            geometry.frame_size,
            geometry.retire_ms,
        ));
    }
    let Some(request) = &options.request else {
        return Ok(None);
    };
    let origin = request.origin;
    if let Some(kernel) = kernel_version() {
        if let Some((what, need)) = missing_feature(request.type_flags, kernel) {
            return Err(Error::new(format!(
                "{origin}: this kernel ({}.{}) lacks fanout {what} (needs {}.{})",
                kernel.0, kernel.1, need.0, need.1
            )));
        }
    }
    let unique = request.type_flags & FLAG_UNIQUEID != 0;
    let id = if unique { 0 } else { request.group };
    let arg: u32 = u32::from(id) | u32::from(request.type_flags) << 16;
    if let Err(e) = sys::setsockopt(socket.fd(), libc::SOL_PACKET, PACKET_FANOUT, &arg) {
        let why = match e.raw_os_error() {
            Some(libc::EINVAL) => {
                format!("group {id} exists with another mode, flags, interface or protocol")
            }
            Some(libc::ENOSPC) => format!("group {id} is full"),
            _ => crate::names::strerror(e.raw_os_error().unwrap_or(libc::EIO)),
        };
        return Err(Error::new(format!(
            "{origin}: can't join fanout group {id} ({}): {why}",
            describe(request.type_flags)
        )));
    }
    if let Some(program) = &request.program {
        let prog = libc::sock_fprog {
            len: program.len() as u16,
            filter: program.as_ptr() as *mut libc::sock_filter,
        };
        sys::setsockopt(socket.fd(), libc::SOL_PACKET, PACKET_FANOUT_DATA, &prog).map_err(|e| {
            Error::os(
                &format!("{origin}: the kernel refused the cbpf program"),
                &e,
            )
        })?;
    }
    // The kernel's view: id | mode << 16 | flags << 24 (the unique id it picked, if any).
    let joined: u32 = sys::getsockopt(socket.fd(), libc::SOL_PACKET, PACKET_FANOUT)
        .map_err(|e| Error::os("getsockopt (PACKET_FANOUT)", &e))?;
    let group = joined as u16;
    // In the group now: packets fanned out to this member may come in.
    socket.detach_filter();
    if options.debug {
        log(&format!(
            "{name}: joined fanout group {group} ({}), asked by {origin}",
            describe(request.type_flags)
        ));
    }
    Ok(Some(Membership::register(socket.raw_fd(), group)))
}

/// Counters of one member, shared with [`group_totals`] readers in other threads.
#[derive(Debug)]
struct MemberCounters {
    /// The member's socket; None once its handle is closing.
    fd: Option<RawFd>,
    received: u64,
    dropped: u64,
    /// What the member's own `pcap_stats` has already taken.
    taken_received: u64,
    taken_dropped: u64,
}

impl MemberCounters {
    /// Adds what the kernel counted since the last read (it resets its counters on reads).
    fn collect(&mut self) -> std::io::Result<()> {
        if let Some(fd) = self.fd {
            // SAFETY: the fd stays open while it is Some: the handle clears it (under this
            // lock) before closing its socket.
            let socket = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
            let (packets, drops): (u32, u32) = {
                let st: [u32; 3] =
                    sys::getsockopt(socket, libc::SOL_PACKET, sys::PACKET_STATISTICS)?;
                (st[0], st[1])
            };
            self.received += u64::from(packets);
            self.dropped += u64::from(drops);
        }
        Ok(())
    }
}

#[derive(Debug)]
struct Member {
    /// The network namespace and group id: ids are per namespace.
    key: (u64, u16),
    counters: Mutex<MemberCounters>,
}

/// The members of every group in this process.
static MEMBERS: Mutex<Vec<Weak<Member>>> = Mutex::new(Vec::new());

/// A handle's place in a fanout group. Must be dropped before the socket closes (it is
/// declared before the socket in `Live`).
#[derive(Debug)]
pub struct Membership {
    member: Arc<Member>,
    group: u16,
}

/// The inode of the calling thread's network namespace (0 if unknown).
fn netns_inode() -> u64 {
    std::fs::metadata("/proc/thread-self/ns/net").map_or(0, |m| {
        use std::os::unix::fs::MetadataExt;
        m.ino()
    })
}

impl Membership {
    fn register(fd: RawFd, group: u16) -> Membership {
        let member = Arc::new(Member {
            key: (netns_inode(), group),
            counters: Mutex::new(MemberCounters {
                fd: Some(fd),
                received: 0,
                dropped: 0,
                taken_received: 0,
                taken_dropped: 0,
            }),
        });
        let mut members = MEMBERS.lock().unwrap_or_else(|e| e.into_inner());
        members.retain(|m| m.strong_count() > 0);
        members.push(Arc::downgrade(&member));
        Membership { member, group }
    }

    /// The group id (the kernel's choice with the unique-id flag).
    pub fn group(&self) -> u16 {
        self.group
    }

    /// The member's own `pcap_stats` counters since its previous call: (received, dropped).
    pub fn take_stats(&self) -> std::io::Result<(u32, u32)> {
        let mut c = self
            .member
            .counters
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        c.collect()?;
        let received = c.received - c.taken_received;
        let dropped = c.dropped - c.taken_dropped;
        c.taken_received = c.received;
        c.taken_dropped = c.dropped;
        Ok((received as u32, dropped as u32))
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        let mut c = self
            .member
            .counters
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        c.fd = None;
    }
}

/// The totals of `membership`'s group over the members open in this process: (members,
/// received, dropped), each member's counters counted since it joined.
pub fn group_totals(membership: &Membership) -> Result<(u32, u64, u64)> {
    let key = membership.member.key;
    let members: Vec<Arc<Member>> = MEMBERS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .filter(|m| m.key == key)
        .collect();
    let (mut count, mut received, mut dropped) = (0u32, 0u64, 0u64);
    for member in members {
        let mut c = member.counters.lock().unwrap_or_else(|e| e.into_inner());
        if c.fd.is_none() {
            continue;
        }
        c.collect()
            .map_err(|e| Error::os("failed to get statistics from socket", &e))?;
        count += 1;
        received += c.received;
        dropped += c.dropped;
    }
    Ok((count, received, dropped))
}

/// The handle-level fanout calls behind `pcap_set_fanout_linux` and friends.
impl crate::handle::Pcap {
    /// `pcap_set_fanout_linux`: join group `group` with `type_flags` at activation
    /// (`enable` false: join none, whatever `OXPCAP_FANOUT` says).
    pub fn set_fanout(&mut self, enable: bool, type_flags: u16, group: u16) -> Result<()> {
        let config = self.config_mut()?;
        if !enable {
            config.fanout.api = Some(None);
            return Ok(());
        }
        check_type_flags(type_flags)
            .map_err(|why| Error::new(format!("pcap_set_fanout_linux: {why}")))?;
        config.fanout.api = Some(Some(Request {
            group,
            type_flags,
            program: None,
            origin: "pcap_set_fanout_linux",
        }));
        Ok(())
    }

    /// `pcap_set_fanout_program_linux`: mode cbpf's steering program (None: forget it).
    pub fn set_fanout_program(&mut self, program: Option<Vec<Insn>>) -> Result<()> {
        if program
            .as_ref()
            .is_some_and(|p| p.is_empty() || p.len() > 4096)
        {
            return Err(Error::new(
                "pcap_set_fanout_program_linux: a program has 1 to 4096 instructions",
            ));
        }
        self.config_mut()?.fanout.api_program = program;
        Ok(())
    }

    fn membership(&mut self) -> Result<&mut super::Live> {
        self.check_activated()?;
        match &mut self.source {
            crate::source::Source::Live(live) if live.fanout.is_some() => Ok(live),
            _ => Err(Error::new("This handle is not in a fanout group")),
        }
    }

    /// The group an activated handle joined (the kernel's pick with the unique-id flag).
    pub fn fanout_group(&mut self) -> Result<u16> {
        let live = self.membership()?;
        Ok(live.fanout.as_ref().map_or(0, Membership::group))
    }

    /// The group's totals over this process's members: (members, received, dropped by the
    /// kernel, dropped by the interface).
    pub fn fanout_totals(&mut self) -> Result<(u32, u64, u64, u32)> {
        let live = self.membership()?;
        let (_, _, if_dropped) = live.stats()?;
        let Some(member) = live.fanout.as_ref() else {
            return Err(Error::new("This handle is not in a fanout group"));
        };
        let (members, received, dropped) = group_totals(member)?;
        Ok((members, received, dropped, if_dropped))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fanout_values_parse() {
        assert_eq!(parse_fanout("7"), Ok((7, MODE_HASH)));
        assert_eq!(parse_fanout("7:lb"), Ok((7, MODE_LB)));
        assert_eq!(
            parse_fanout("65535:hash,rollover,defrag"),
            Ok((65535, MODE_HASH | FLAG_ROLLOVER | FLAG_DEFRAG))
        );
        assert_eq!(
            parse_fanout("1:cpu,ignore-outgoing"),
            Ok((1, MODE_CPU | FLAG_IGNORE_OUTGOING))
        );
        assert_eq!(parse_fanout("3:rollover"), Ok((3, MODE_ROLLOVER)));
    }

    #[test]
    fn bad_fanout_values_say_why() {
        let err = |v| parse_fanout(v).unwrap_err();
        assert!(err("x").contains("not a number from 0 to 65535"));
        assert!(err("65536").contains("not a number"));
        assert!(err("").contains("not a number"));
        assert!(err("7:hsah").contains("unknown mode \"hsah\""));
        assert!(err("7:ebpf").contains("not supported"));
        assert!(err("7:hash,defarg").contains("unknown flag \"defarg\""));
        assert!(err("7:hash,uniqueid").contains("its own group"));
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("64k"), Ok(65536));
        assert_eq!(parse_size("32M"), Ok(32 << 20));
        assert_eq!(parse_size("2g"), Ok(1 << 31));
        assert!(parse_size("1k").unwrap_err().contains("between 64k and 2g"));
        assert!(parse_size("3g").unwrap_err().contains("between"));
        assert!(parse_size("12x").unwrap_err().contains("not a size"));
        assert!(parse_size("lots").unwrap_err().contains("not a size"));
    }

    #[test]
    fn debug_values_parse() {
        assert_eq!(parse_debug("1"), Ok(true));
        assert_eq!(parse_debug("0"), Ok(false));
        assert_eq!(parse_debug(""), Ok(false));
        assert!(parse_debug("yes").is_err());
    }

    #[test]
    fn drain_ticks_parse_within_bounds() {
        assert_eq!(parse_tick("50"), Ok(50));
        assert_eq!(parse_tick(" 0 "), Ok(0));
        assert_eq!(parse_tick("100000"), Ok(100_000));
        assert!(parse_tick("100001").is_err());
        assert!(parse_tick("-5").is_err());
        assert!(parse_tick("fast").is_err());
    }

    #[test]
    fn programs_parse_in_tcpdump_ddd_format() {
        let p = parse_program("2,48 0 0 9,22 0 0 0").unwrap();
        assert_eq!(p, vec![Insn::stmt(48, 9), Insn::stmt(22, 0)]);
        assert!(parse_program("3,6 0 0 0").is_err());
        assert!(parse_program("1,6 0 0").is_err());
        assert!(parse_program("1,6 0 300 0").is_err());
        assert!(parse_program("").is_err());
    }

    #[test]
    fn old_kernels_lack_newer_modes_and_flags() {
        assert_eq!(missing_feature(MODE_HASH, (3, 1)), None);
        assert_eq!(missing_feature(MODE_QM, (3, 13)), Some(("qm", (3, 14))));
        assert_eq!(missing_feature(MODE_CBPF, (4, 1)), Some(("cbpf", (4, 2))));
        assert_eq!(
            missing_feature(MODE_LB | FLAG_IGNORE_OUTGOING, (4, 19)),
            Some(("ignore-outgoing", (4, 20)))
        );
        assert_eq!(
            missing_feature(MODE_LB | FLAG_IGNORE_OUTGOING, (6, 1)),
            None
        );
    }

    #[test]
    fn type_flags_from_programs_are_checked() {
        assert!(check_type_flags(MODE_HASH | FLAG_DEFRAG).is_ok());
        assert!(check_type_flags(9)
            .unwrap_err()
            .contains("unknown fanout mode 9"));
        assert!(check_type_flags(MODE_EBPF).unwrap_err().contains("ebpf"));
        assert!(check_type_flags(MODE_LB | 0x0100)
            .unwrap_err()
            .contains("0x0100"));
        assert_eq!(describe(MODE_HASH | FLAG_ROLLOVER), "hash,rollover");
    }
}
