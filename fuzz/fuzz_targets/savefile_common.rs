// Shared by the savefile fuzz targets: the input becomes a file behind a real descriptor
// (memfd), opened through a FILE* as pcap_fopen_offline would, with a one-page read buffer so
// records straddle buffer ends; every record is read at both precisions. Any panic, crash or
// out-of-bounds access is a finding; errors are expected.

use pcap::handle::Precision;
use pcap::savefile::Savefile;
use pcap::source::Poll;

fn stream_of(data: &[u8]) -> *mut libc::FILE {
    // SAFETY: plain syscalls on a descriptor we own; fdopen takes it over.
    unsafe {
        let fd = libc::memfd_create(c"fuzz".as_ptr(), 0);
        assert!(fd >= 0);
        let mut off = 0;
        while off < data.len() {
            let n = libc::write(fd, data[off..].as_ptr().cast(), data.len() - off);
            assert!(n > 0);
            off += n as usize;
        }
        libc::lseek(fd, 0, libc::SEEK_SET);
        let fp = libc::fdopen(fd, c"rb".as_ptr());
        assert!(!fp.is_null());
        fp
    }
}

pub fn read_everything(data: &[u8]) {
    let mut counts = [0usize; 2];
    for (i, precision) in [Precision::Micro, Precision::Nano].into_iter().enumerate() {
        let fp = stream_of(data);
        // SAFETY: fp is a fresh stream; the savefile closes it, or we do on failure.
        let opened = unsafe { Savefile::open_with_buffer(fp, true, precision, 4096) };
        let mut sf = match opened {
            Ok(sf) => sf,
            Err(_) => {
                // SAFETY: a failed open leaves the stream to us.
                unsafe { libc::fclose(fp) };
                return;
            }
        };
        // A record is at least a header's worth of input, so this bounds the loop.
        for _ in 0..=data.len() {
            match sf.next_packet(None) {
                Ok(Poll::Packet(h, bytes)) => {
                    assert_eq!(h.caplen as usize, bytes.len());
                    counts[i] += 1;
                }
                _ => break,
            }
        }
    }
    assert_eq!(counts[0], counts[1], "precision changed the records read");
}
