//! Reading ethers-format text (`pcap_next_etherent`) and parsing a MAC address the way
//! `pcap_ether_aton` does. Both follow libpcap 1.10.3's observed behaviour, including its
//! tolerance of odd input, because callers see the bytes it produces.
//!
//! An ethers entry, as measured: leading blanks (space, tab, CR) and empty lines are
//! skipped; a line whose first other character is not a hex digit (a `#` comment, say) is
//! dropped; the address is up to six groups of one or two hex digits joined by `:`, ended by
//! a blank or a newline; after it, the name is the next run of non-blank bytes (it may start
//! on the next line when the address ends the line), keeping at most 121 bytes, and the rest
//! of its line is dropped. A line that breaks these rules is dropped. Reaching the end of the
//! input before a name has ended gives no entry; once a blank or newline has ended the name,
//! the entry counts even if the rest of its line runs to the end of the input.

/// An entry read from an ethers stream: the address and the NUL-terminated name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EtherEntry {
    pub addr: [u8; 6],
    pub name: [u8; 122],
}

/// The blanks that separate fields (measured: space, tab and carriage return; not form feed
/// or vertical tab, and a newline ends the line instead).
fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r')
}

/// A hex digit's value; other characters get the value libpcap's conversion gives them
/// (measured: anything not a digit or `a`-`f` is treated as an upper-case letter).
fn hex_value(c: u8) -> i32 {
    match c {
        b'0'..=b'9' => i32::from(c - b'0'),
        b'a'..=b'f' => i32::from(c - b'a') + 10,
        _ => i32::from(c) - i32::from(b'A') + 10,
    }
}

/// Drops the rest of the current line; None at end of input.
fn skip_line(next_byte: &mut impl FnMut() -> Option<u8>) -> Option<()> {
    while next_byte()? != b'\n' {}
    Some(())
}

/// Reads past blanks; the first other byte, None at end of input.
fn skip_blanks(next_byte: &mut impl FnMut() -> Option<u8>) -> Option<u8> {
    loop {
        let c = next_byte()?;
        if !is_blank(c) {
            return Some(c);
        }
    }
}

/// Reads the next entry from `next_byte` (None = end of input).
pub fn next_entry(mut next_byte: impl FnMut() -> Option<u8>) -> Option<EtherEntry> {
    loop {
        let mut entry = EtherEntry {
            addr: [0; 6],
            name: [0; 122],
        };
        let c = skip_blanks(&mut next_byte)?;
        if c == b'\n' {
            continue;
        }
        if !c.is_ascii_hexdigit() {
            skip_line(&mut next_byte)?;
            continue;
        }
        let mut cur = Some(c);
        for slot in entry.addr.iter_mut() {
            let Some(first) = cur.filter(u8::is_ascii_hexdigit) else {
                break;
            };
            let mut value = hex_value(first);
            cur = next_byte();
            if let Some(second) = cur.filter(u8::is_ascii_hexdigit) {
                value = (value << 4) | hex_value(second);
                cur = next_byte();
            }
            *slot = value as u8;
            if cur != Some(b':') {
                break;
            }
            cur = next_byte();
        }
        let after_addr = cur?;
        if !is_blank(after_addr) && after_addr != b'\n' {
            skip_line(&mut next_byte)?;
            continue;
        }
        // The byte that ended the address is not looked at again: a name may follow on the
        // next line, but a line break after blanks ends the entry without a name.
        let mut c = skip_blanks(&mut next_byte)?;
        if c == b'\n' {
            continue;
        }
        let mut len = 0;
        while !is_blank(c) && c != b'\n' {
            if len < entry.name.len() - 1 {
                entry.name[len] = c;
                len += 1;
            }
            c = next_byte()?;
        }
        if c != b'\n' {
            // The rest of the line may run to the end of the input: the entry still counts.
            let _ = skip_line(&mut next_byte);
        }
        return Some(entry);
    }
}

/// `pcap_ether_aton`: six bytes, each one or two characters, a single `:`, `.` or `-`
/// between them skipped. Bytes the text does not reach stay zero.
pub fn ether_aton(text: &[u8]) -> [u8; 6] {
    let mut out = [0u8; 6];
    let mut i = 0;
    for slot in out.iter_mut() {
        if i < text.len() && matches!(text[i], b':' | b'.' | b'-') {
            i += 1;
        }
        let Some(&first) = text.get(i) else {
            break;
        };
        i += 1;
        let mut value = hex_value(first);
        if let Some(&second) = text.get(i).filter(|c| c.is_ascii_hexdigit()) {
            value = value.wrapping_shl(4) | hex_value(second);
            i += 1;
        }
        *slot = value as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> Vec<([u8; 6], String)> {
        let mut bytes = text.bytes();
        let mut out = Vec::new();
        while let Some(e) = next_entry(|| bytes.next()) {
            let n = e.name.iter().position(|&b| b == 0).unwrap();
            out.push((e.addr, String::from_utf8_lossy(&e.name[..n]).into_owned()));
        }
        out
    }

    #[test]
    fn entries_comments_and_bad_lines() {
        let got =
            read_all("# c\n\n0:1:2:3:4:5 a # x\nbad line\n1-2-3-4-5-6 d\n0a:b:c:d:e:f\nname\nlast");
        assert_eq!(
            got,
            vec![
                ([0, 1, 2, 3, 4, 5], "a".into()),
                ([10, 11, 12, 13, 14, 15], "name".into())
            ]
        );
    }

    #[test]
    fn aton_forms() {
        assert_eq!(
            ether_aton(b"00:11:22:33:44:55"),
            [0, 0x11, 0x22, 0x33, 0x44, 0x55]
        );
        assert_eq!(
            ether_aton(b"001122334455"),
            [0, 0x11, 0x22, 0x33, 0x44, 0x55]
        );
        assert_eq!(
            ether_aton(b"00::11:22:33:44:55"),
            [0, 0x31, 1, 0x22, 0x33, 0x44]
        );
        assert_eq!(ether_aton(b"abc:1:2:3:4:5"), [0xab, 0x0c, 1, 2, 3, 4]);
    }
}
