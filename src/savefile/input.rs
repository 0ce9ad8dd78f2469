//! The one bulk-read buffer every savefile reader parses in place.
//!
//! Bytes come from a file descriptor with large `read()`s into a reused, page-aligned buffer;
//! readers look at [`Input::bytes`], parse records where they lie, hand out slices of them and
//! [`Input::consume`] what they used. A record that straddles the end of the buffer is moved
//! once to its start. The buffer only grows for a record larger than itself, never beyond what
//! the caller asks for (readers bound that by libpcap's limits), and only as fast as bytes
//! actually arrive, so a lying length field in a short file cannot make us allocate much.
//!
//! A caller's `FILE*` is read through its descriptor once its stdio buffer is empty (glibc:
//! the read pointers say so); bytes stdio already buffered are taken through `fread` first, so
//! nothing the caller's stream read ahead is skipped.
//!
//! Once [`Input::never_block`] is on, a read from a descriptor that could block (a pipe, a
//! socket, a terminal: anything but a regular file) first asks `poll` whether bytes are
//! there, and fails with `WouldBlock` instead of blocking; [`Input::blocked_on`] then names
//! the descriptor to wait for. The packet loops wait for it themselves, outside the panic
//! boundary, so that a thread cancelled while a savefile read waits unwinds cleanly. Readers
//! keep every record read restartable: nothing is consumed until the whole record is in.

use std::alloc::{self, Layout};
use std::io;
use std::os::fd::RawFd;

/// The buffer size: measured fastest on these machines (see bench/savefile).
pub const DEFAULT_CAPACITY: usize = 256 * 1024;
const ALIGN: usize = 4096;

/// A page-aligned byte buffer.
struct AlignedBuf {
    ptr: std::ptr::NonNull<u8>,
    cap: usize,
}

impl AlignedBuf {
    fn new(cap: usize) -> AlignedBuf {
        let cap = cap.max(ALIGN).next_multiple_of(ALIGN);
        let layout = Layout::from_size_align(cap, ALIGN).expect("buffer layout");
        // SAFETY: the layout has a non-zero size.
        let raw = unsafe { alloc::alloc_zeroed(layout) };
        let Some(ptr) = std::ptr::NonNull::new(raw) else {
            alloc::handle_alloc_error(layout)
        };
        AlignedBuf { ptr, cap }
    }

    fn as_slice(&self) -> &[u8] {
        // SAFETY: ptr owns cap initialised (zeroed, then written) bytes.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.cap) }
    }

    fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as above, and &mut self makes this the only view.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.cap) }
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        let layout = Layout::from_size_align(self.cap, ALIGN).expect("buffer layout");
        // SAFETY: allocated in `new` with this very layout.
        unsafe { alloc::dealloc(self.ptr.as_ptr(), layout) }
    }
}

/// Where the bytes come from.
pub enum Backend {
    /// A descriptor we read directly.
    Fd(RawFd),
    /// A caller's stream: its buffered bytes first, then its descriptor when that is safe.
    Stdio(*mut libc::FILE),
}

/// The buffered input of one savefile.
pub struct Input {
    buf: AlignedBuf,
    /// Unconsumed bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    backend: Backend,
    /// Reads that would block fail with `WouldBlock` (see the module doc).
    never_block: bool,
    /// The descriptor the last read would have blocked on.
    blocked_on: Option<RawFd>,
    /// Whether the descriptor read so far can block (None: not looked at yet).
    fd_can_block: Option<bool>,
}

impl Input {
    pub fn new(backend: Backend) -> Input {
        Input::with_capacity(backend, DEFAULT_CAPACITY)
    }

    pub fn with_capacity(backend: Backend, capacity: usize) -> Input {
        Input {
            buf: AlignedBuf::new(capacity),
            start: 0,
            end: 0,
            backend,
            never_block: false,
            blocked_on: None,
            fd_can_block: None,
        }
    }

    /// From now on, reads that would block fail with `WouldBlock` instead.
    pub fn never_block(&mut self) {
        self.never_block = true;
    }

    /// The descriptor the last fill would have blocked on, if it stopped for that; cleared by
    /// asking.
    pub fn blocked_on(&mut self) -> Option<RawFd> {
        self.blocked_on.take()
    }

    /// Whether the last fill stopped because it would have blocked (not cleared by asking).
    pub fn is_blocked(&self) -> bool {
        self.blocked_on.is_some()
    }

    /// The unconsumed bytes read so far.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        &self.buf.as_slice()[self.start..self.end]
    }

    /// The unconsumed bytes, writable (readers fix up pseudo-headers in place).
    #[inline]
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        let (s, e) = (self.start, self.end);
        &mut self.buf.as_mut_slice()[s..e]
    }

    /// How many unconsumed bytes are buffered.
    #[inline]
    pub fn available(&self) -> usize {
        self.end - self.start
    }

    /// Marks `n` buffered bytes as used.
    #[inline]
    pub fn consume(&mut self, n: usize) {
        debug_assert!(n <= self.available());
        self.start += n.min(self.available());
    }

    /// Makes at least `need` bytes available unless the input ends first. Returns how many
    /// are available (fewer than `need` only at the end of the input).
    #[inline]
    pub fn fill(&mut self, need: usize) -> io::Result<usize> {
        if self.available() >= need {
            return Ok(self.available());
        }
        self.fill_slow(need)
    }

    #[cold]
    fn fill_slow(&mut self, need: usize) -> io::Result<usize> {
        if self.start + need > self.buf.cap {
            // Move the partial record to the front: once per buffer, not per packet.
            let (s, e) = (self.start, self.end);
            self.buf.as_mut_slice().copy_within(s..e, 0);
            self.end -= s;
            self.start = 0;
        }
        while self.available() < need {
            if self.end == self.buf.cap {
                self.grow(need);
            }
            let end = self.end;
            let n = self.read_into(end)?;
            if n == 0 {
                break;
            }
            self.end += n;
        }
        Ok(self.available())
    }

    /// Doubles the buffer (capped at `need`): a record bigger than the buffer only costs
    /// memory in proportion to the bytes that really arrived.
    fn grow(&mut self, need: usize) {
        let new_cap = (self.buf.cap * 2).min(need.next_multiple_of(ALIGN));
        let mut bigger = AlignedBuf::new(new_cap);
        let live = self.start..self.end;
        bigger.as_mut_slice()[..live.len()].copy_from_slice(&self.buf.as_slice()[live.clone()]);
        self.end = live.len();
        self.start = 0;
        self.buf = bigger;
    }

    /// One read into `buf[at..cap]`; 0 at the end of the input.
    fn read_into(&mut self, at: usize) -> io::Result<usize> {
        let cap = self.buf.cap;
        let dest = &mut self.buf.as_mut_slice()[at..cap];
        loop {
            let n = match self.backend {
                Backend::Fd(fd) => {
                    if self.never_block {
                        let can_block = *self.fd_can_block.get_or_insert_with(|| can_block(fd));
                        if can_block && !readable(fd) {
                            self.blocked_on = Some(fd);
                            return Err(io::ErrorKind::WouldBlock.into());
                        }
                    }
                    read_fd(fd, dest)
                }
                Backend::Stdio(fp) => {
                    if stdio_buffer_is_empty(fp) {
                        // SAFETY: fp is the live stream this input was made from.
                        let fd = unsafe { libc::fileno(fp) };
                        if fd >= 0 {
                            self.backend = Backend::Fd(fd);
                            continue;
                        }
                    }
                    read_stdio(fp, dest)
                }
            };
            match n {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }
}

/// Whether a read from `fd` can block: anything but a regular file (or a descriptor we cannot
/// look at, to be safe).
fn can_block(fd: RawFd) -> bool {
    // SAFETY: stat is plain data; fstat fills it or fails.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: st is a valid, writable stat.
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return true;
    }
    st.st_mode & libc::S_IFMT != libc::S_IFREG
}

/// Whether a read from `fd` would return at once (bytes, end of input or an error).
fn readable(fd: RawFd) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd; a zero timeout never blocks.
    let n = unsafe { libc::poll(&mut pfd, 1, 0) };
    // A failed poll (EINTR, ...) says nothing: let the read find out.
    n != 0
}

fn read_fd(fd: RawFd, dest: &mut [u8]) -> io::Result<usize> {
    // SAFETY: dest is a writable buffer of dest.len() bytes.
    let n = unsafe { libc::read(fd, dest.as_mut_ptr().cast(), dest.len()) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// Reads what stdio holds (or, when we cannot tell, a large block) through `fread`.
fn read_stdio(fp: *mut libc::FILE, dest: &mut [u8]) -> io::Result<usize> {
    let want = stdio_buffered(fp).map_or(dest.len(), |n| n.clamp(1, dest.len()));
    // SAFETY: fp is a live stream; dest has room for `want` bytes.
    let n = unsafe { libc::fread(dest.as_mut_ptr().cast(), 1, want, fp) };
    // SAFETY: as above.
    if n == 0 && unsafe { libc::ferror(fp) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n)
}

/// The start of glibc's `struct _IO_FILE` (public in <bits/types/struct_FILE.h>, stable ABI).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[repr(C)]
struct GlibcFileHead {
    flags: libc::c_int,
    read_ptr: *mut libc::c_char,
    read_end: *mut libc::c_char,
}

/// `_IO_IN_BACKUP`: the stream is reading `ungetc` push-back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const IO_IN_BACKUP: libc::c_int = 0x100;

/// Bytes the stream has buffered, when the C library lets us know.
fn stdio_buffered(fp: *mut libc::FILE) -> Option<usize> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: glibc's FILE starts with this layout; the stream is live and not in use by
        // another thread (a pcap_t is used by one thread at a time).
        let head = unsafe { &*(fp as *const GlibcFileHead) };
        Some((head.read_end as usize).saturating_sub(head.read_ptr as usize))
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = fp;
        None
    }
}

/// Whether reading the descriptor directly would skip nothing the stream holds.
fn stdio_buffer_is_empty(fp: *mut libc::FILE) -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: as in stdio_buffered.
        let head = unsafe { &*(fp as *const GlibcFileHead) };
        head.flags & IO_IN_BACKUP == 0 && stdio_buffered(fp) == Some(0)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = fp;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsRawFd;

    #[test]
    fn straddling_records_and_growth() {
        let mut f = tempfile();
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        f.write_all(&data).unwrap();
        let fd = f.as_raw_fd();
        // SAFETY: fd is open.
        unsafe { libc::lseek(fd, 0, libc::SEEK_SET) };
        let mut input = Input::with_capacity(Backend::Fd(fd), 4096);
        let mut seen = Vec::new();
        for chunk in [1000usize, 3000, 5000, 20_000, 1, 70_999] {
            assert_eq!(input.fill(chunk).unwrap().min(chunk), chunk);
            seen.extend_from_slice(&input.bytes()[..chunk]);
            input.consume(chunk);
        }
        assert_eq!(seen, data);
        assert_eq!(input.fill(1).unwrap(), 0);
    }

    #[test]
    fn a_dry_pipe_would_block_and_keeps_what_came() {
        let mut fds = [0; 2];
        // SAFETY: fds has room for the two descriptors.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let (read_end, write_end) = (fds[0], fds[1]);
        let write = |bytes: &[u8]| {
            // SAFETY: write_end is open; bytes is readable.
            let n = unsafe { libc::write(write_end, bytes.as_ptr().cast(), bytes.len()) };
            assert_eq!(n, bytes.len() as isize);
        };
        let mut input = Input::with_capacity(Backend::Fd(read_end), 4096);
        input.never_block();
        write(b"abc");
        let err = input.fill(5).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(input.blocked_on(), Some(read_end));
        assert_eq!(input.blocked_on(), None, "cleared by asking");
        assert_eq!(input.bytes(), b"abc", "what came is kept");
        write(b"de");
        assert_eq!(input.fill(5).unwrap(), 5);
        assert_eq!(input.bytes(), b"abcde");
        input.consume(5);
        // SAFETY: closing our own descriptor: the end of the input, not a block.
        unsafe { libc::close(write_end) };
        assert_eq!(input.fill(1).unwrap(), 0);
        // SAFETY: as above.
        unsafe { libc::close(read_end) };
    }

    #[test]
    fn a_regular_file_is_never_polled() {
        let mut f = tempfile();
        f.write_all(b"xyz").unwrap();
        let fd = f.as_raw_fd();
        // SAFETY: fd is open.
        unsafe { libc::lseek(fd, 0, libc::SEEK_SET) };
        let mut input = Input::with_capacity(Backend::Fd(fd), 4096);
        input.never_block();
        assert_eq!(input.fill(10).unwrap(), 3);
        assert_eq!(input.fd_can_block, Some(false));
    }

    fn tempfile() -> std::fs::File {
        let path = std::env::temp_dir().join(format!("oxpcap-input-{}", std::process::id()));
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        f
    }
}
