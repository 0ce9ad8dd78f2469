//! The lexer: filter text -> tokens, with libpcap's token classes.
//!
//! Numbers (decimal, `0x` hex, leading-zero octal) are converted here and report libpcap's
//! overflow and octal-digit errors; dotted IPv4 forms, IPv6 text, MAC addresses, ARCnet `$xx`
//! addresses and names are told apart by their shape. Keywords and named constants
//! (`tcp-syn`, `icmp-echo`, ...) are recognised here too. Runs in one pass, linear in the input.

use super::ast;

/// One token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// A number (also the named constants such as `tcpflags`).
    Num(u32),
    /// A name: host, network, port, protocol names.
    Id(String),
    /// Dotted IPv4 text with 1 to 4 parts (`10`, `10.1`, `10.1.2.3`), kept as text.
    Hid(String),
    /// IPv6 text.
    Hid6(String),
    /// A MAC address, as text.
    Eid(String),
    /// An ARCnet address `$xx`.
    Aid(String),
    Kw(Kw),
    /// Punctuation and operators.
    Op(Op),
    /// Where the scanner failed: placed after the last good token, so that the parser meets
    /// it where libpcap's parser would ask the scanner for its next token.
    LexError,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Colon,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Amp,
    Pipe,
    Caret,
    Shl,
    Shr,
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
    Bang,
    AndAnd,
    OrOr,
}

/// Keywords (everything that is not a name, number or operator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kw {
    Proto(ast::Proto),
    Src,
    Dst,
    Host,
    Net,
    Mask,
    Port,
    Portrange,
    ProtoKw,
    Protochain,
    Gateway,
    Type,
    Subtype,
    Dir,
    Addr1,
    Addr2,
    Addr3,
    Addr4,
    Ra,
    Ta,
    Broadcast,
    Multicast,
    Less,
    Greater,
    Len,
    Inbound,
    Outbound,
    Ifindex,
    Vlan,
    Mpls,
    Pppoed,
    Pppoes,
    Geneve,
    Llc,
    Not,
    And,
    Or,
    /// `byte N op M`
    Byte,
    // ATM
    Lane,
    Metac,
    Bcc,
    Oam,
    Oamf4,
    Oamf4ec,
    Oamf4sc,
    Sc,
    Ilmic,
    Vpi,
    Vci,
    Connectmsg,
    Metaconnect,
    // pflog
    Ifname,
    Rnr,
    Reason,
    Rset,
    Srnr,
    Action,
    // MTP2/MTP3
    Fisu,
    Lssu,
    Msu,
    Hfisu,
    Hlssu,
    Hmsu,
    Sio,
    Opc,
    Dpc,
    Sls,
    Hsio,
    Hopc,
    Hdpc,
    Hsls,
}

fn keyword(word: &str) -> Option<Kw> {
    use super::ast::Proto as P;
    use Kw::*;
    Some(match word {
        "dst" => Dst,
        "src" => Src,
        "link" | "ether" | "ppp" | "slip" => Proto(P::Link),
        "fddi" | "tr" | "wlan" => Proto(P::Link),
        "arp" => Proto(P::Arp),
        "rarp" => Proto(P::Rarp),
        "ip" => Proto(P::Ip),
        "sctp" => Proto(P::Sctp),
        "tcp" => Proto(P::Tcp),
        "udp" => Proto(P::Udp),
        "icmp" => Proto(P::Icmp),
        "igmp" => Proto(P::Igmp),
        "igrp" => Proto(P::Igrp),
        "pim" => Proto(P::Pim),
        "vrrp" => Proto(P::Vrrp),
        "carp" => Proto(P::Carp),
        "radio" => Proto(P::Radio),
        "ip6" => Proto(P::Ip6),
        "icmp6" => Proto(P::Icmp6),
        "ah" => Proto(P::Ah),
        "esp" => Proto(P::Esp),
        "atalk" => Proto(P::Atalk),
        "aarp" => Proto(P::Aarp),
        "decnet" => Proto(P::Decnet),
        "lat" => Proto(P::Lat),
        "sca" => Proto(P::Sca),
        "moprc" => Proto(P::Moprc),
        "mopdl" => Proto(P::Mopdl),
        "iso" => Proto(P::Iso),
        "esis" | "es-is" => Proto(P::Esis),
        "isis" | "is-is" => Proto(P::Isis),
        "l1" => Proto(P::IsisL1),
        "l2" => Proto(P::IsisL2),
        "iih" => Proto(P::IsisIih),
        "lsp" => Proto(P::IsisLsp),
        "snp" => Proto(P::IsisSnp),
        "csnp" => Proto(P::IsisCsnp),
        "psnp" => Proto(P::IsisPsnp),
        "clnp" => Proto(P::Clnp),
        "stp" => Proto(P::Stp),
        "ipx" => Proto(P::Ipx),
        "netbeui" => Proto(P::Netbeui),
        "host" => Host,
        "net" => Net,
        "mask" => Mask,
        "port" => Port,
        "portrange" => Portrange,
        "proto" => ProtoKw,
        "protochain" => Protochain,
        "gateway" => Gateway,
        "type" => Type,
        "subtype" => Subtype,
        "direction" | "dir" => Dir,
        "address1" | "addr1" => Addr1,
        "address2" | "addr2" => Addr2,
        "address3" | "addr3" => Addr3,
        "address4" | "addr4" => Addr4,
        "ra" => Ra,
        "ta" => Ta,
        "less" => Less,
        "greater" => Greater,
        "byte" => Byte,
        "broadcast" => Broadcast,
        "multicast" => Multicast,
        "and" => And,
        "or" => Or,
        "not" => Not,
        "len" | "length" => Len,
        "inbound" => Inbound,
        "outbound" => Outbound,
        "ifindex" => Ifindex,
        "vlan" => Vlan,
        "mpls" => Mpls,
        "pppoed" => Pppoed,
        "pppoes" => Pppoes,
        "geneve" => Geneve,
        "lane" => Lane,
        "llc" => Llc,
        "metac" => Metac,
        "bcc" => Bcc,
        "oam" => Oam,
        "oamf4" => Oamf4,
        "oamf4ec" => Oamf4ec,
        "oamf4sc" => Oamf4sc,
        "sc" => Sc,
        "ilmic" => Ilmic,
        "vpi" => Vpi,
        "vci" => Vci,
        "connectmsg" => Connectmsg,
        "metaconnect" => Metaconnect,
        "on" | "ifname" => Ifname,
        "rnr" | "rulenum" => Rnr,
        "reason" => Reason,
        "rset" | "ruleset" => Rset,
        "srnr" | "subrulenum" => Srnr,
        "action" => Action,
        "fisu" => Fisu,
        "lssu" => Lssu,
        "msu" => Msu,
        "hfisu" => Hfisu,
        "hlssu" => Hlssu,
        "hmsu" => Hmsu,
        "sio" => Sio,
        "opc" => Opc,
        "dpc" => Dpc,
        "sls" => Sls,
        "hsio" => Hsio,
        "hopc" => Hopc,
        "hdpc" => Hdpc,
        "hsls" => Hsls,
        _ => return None,
    })
}

/// Named numeric constants of the language.
fn named_constant(word: &str) -> Option<u32> {
    Some(match word {
        "icmptype" => 0,
        "icmpcode" => 1,
        "icmp-echoreply" => 0,
        "icmp-unreach" => 3,
        "icmp-sourcequench" => 4,
        "icmp-redirect" => 5,
        "icmp-echo" => 8,
        "icmp-routeradvert" => 9,
        "icmp-routersolicit" => 10,
        "icmp-timxceed" => 11,
        "icmp-paramprob" => 12,
        "icmp-tstamp" => 13,
        "icmp-tstampreply" => 14,
        "icmp-ireq" => 15,
        "icmp-ireqreply" => 16,
        "icmp-maskreq" => 17,
        "icmp-maskreply" => 18,
        "icmp6type" => 0,
        "icmp6code" => 1,
        "icmp6-destinationunreach" => 1,
        "icmp6-packettoobig" => 2,
        "icmp6-timeexceeded" => 3,
        "icmp6-parameterproblem" => 4,
        "icmp6-echo" => 128,
        "icmp6-echoreply" => 129,
        "icmp6-multicastlistenerquery" => 130,
        "icmp6-multicastlistenerreportv1" => 131,
        "icmp6-multicastlistenerdone" => 132,
        "icmp6-routersolicit" => 133,
        "icmp6-routeradvert" => 134,
        "icmp6-neighborsolicit" => 135,
        "icmp6-neighboradvert" => 136,
        "icmp6-redirect" => 137,
        "icmp6-routerrenum" => 138,
        "icmp6-nodeinformationquery" => 139,
        "icmp6-nodeinformationresponse" => 140,
        "icmp6-ineighbordiscoverysolicit" => 141,
        "icmp6-ineighbordiscoveryadvert" => 142,
        "icmp6-multicastlistenerreportv2" => 143,
        "icmp6-homeagentdiscoveryrequest" => 144,
        "icmp6-homeagentdiscoveryreply" => 145,
        "icmp6-mobileprefixsolicit" => 146,
        "icmp6-mobileprefixadvert" => 147,
        "icmp6-certpathsolicit" => 148,
        "icmp6-certpathadvert" => 149,
        "icmp6-multicastrouteradvert" => 151,
        "icmp6-multicastroutersolicit" => 152,
        "icmp6-multicastrouterterm" => 153,
        "tcpflags" => 13,
        "tcp-fin" => 0x01,
        "tcp-syn" => 0x02,
        "tcp-rst" => 0x04,
        "tcp-push" => 0x08,
        "tcp-ack" => 0x10,
        "tcp-urg" => 0x20,
        "tcp-ece" => 0x40,
        "tcp-cwr" => 0x80,
        _ => return None,
    })
}

/// A token and the byte offset where it starts.
pub type Spanned = (Tok, usize);

/// Splits `text` into tokens. An error (with libpcap's message) ends the list with [`Tok::LexError`]: the tokens
/// before it are returned with it, because libpcap's parser may report an error in an
/// earlier primitive before it asks for the bad token.
pub fn tokenize(text: &str) -> (Vec<Spanned>, Option<String>) {
    let mut out = Vec::new();
    match tokenize_into(text, &mut out) {
        Ok(()) => (out, None),
        Err(e) => {
            out.push((Tok::LexError, text.len()));
            (out, Some(e))
        }
    }
}

fn tokenize_into(text: &str, out: &mut Vec<Spanned>) -> Result<(), String> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        // Two-character operators first.
        let two = if i + 1 < b.len() {
            &b[i..i + 2]
        } else {
            &b[i..i + 1]
        };
        let op2 = match two {
            b">=" => Some(Op::Ge),
            b"<=" => Some(Op::Le),
            b"!=" => Some(Op::Ne),
            b"==" => Some(Op::Eq),
            b"<<" => Some(Op::Shl),
            b">>" => Some(Op::Shr),
            b"&&" => Some(Op::AndAnd),
            b"||" => Some(Op::OrOr),
            _ => None,
        };
        if let Some(op) = op2 {
            out.push((Tok::Op(op), start));
            i += 2;
            continue;
        }
        let op1 = match c {
            b'(' => Some(Op::LParen),
            b')' => Some(Op::RParen),
            b'[' => Some(Op::LBracket),
            b']' => Some(Op::RBracket),
            b':' => Some(Op::Colon),
            b'+' => Some(Op::Plus),
            b'-' => Some(Op::Minus),
            b'*' => Some(Op::Star),
            b'/' => Some(Op::Slash),
            b'%' => Some(Op::Percent),
            b'&' => Some(Op::Amp),
            b'|' => Some(Op::Pipe),
            b'^' => Some(Op::Caret),
            b'>' => Some(Op::Gt),
            b'<' => Some(Op::Lt),
            b'=' => Some(Op::Eq),
            b'!' => Some(Op::Bang),
            _ => None,
        };
        // `\name`: everything up to a blank, `!`, `(` or `)` is a name, taken as it is
        // (keywords, colons, further backslashes included).
        if c == b'\\' {
            let len = b[i + 1..]
                .iter()
                .take_while(|&&ch| !matches!(ch, b' ' | b'!' | b'(' | b')' | b'\n' | b'\t'))
                .count();
            if len == 0 {
                return Err(SYNTAX.to_string());
            }
            let name = &b[i + 1..i + 1 + len];
            out.push((Tok::Id(String::from_utf8_lossy(name).into_owned()), start));
            i += 1 + len;
            continue;
        }
        // A word: the longest run of characters that may appear in names, numbers and
        // addresses; what it is decided by its shape.
        let word_len = b[i..]
            .iter()
            .take_while(|&&ch| {
                ch.is_ascii_alphanumeric() || matches!(ch, b'.' | b'_' | b'-' | b':' | b'$')
            })
            .count();
        if word_len == 0 {
            match op1 {
                Some(op) => {
                    out.push((Tok::Op(op), start));
                    i += 1;
                    continue;
                }
                None => return Err(SYNTAX.to_string()),
            }
        }
        let (tok, used) = classify(&text[i..i + word_len])?;
        match tok {
            Some(t) => {
                out.push((t, start));
                i += used;
            }
            None => match op1 {
                Some(op) => {
                    out.push((Tok::Op(op), start));
                    i += 1;
                }
                None => return Err(SYNTAX.to_string()),
            },
        }
    }
    Ok(())
}

/// The parser's message for anything it cannot make sense of.
pub const SYNTAX: &str = "can't parse filter expression: syntax error";

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// Decides what a maximal word is; returns the token and how many bytes it used, or None
/// when the first character is an operator (`-`, `:`).
fn classify(word: &str) -> Result<(Option<Tok>, usize), String> {
    let b = word.as_bytes();
    // ARCnet address: `$` and one or two hex digits... libpcap takes `$` followed by hex.
    if b[0] == b'$' {
        let n = b[1..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
        if n == 0 {
            return Err(SYNTAX.to_string());
        }
        return Ok((Some(Tok::Aid(word[..1 + n].to_string())), 1 + n));
    }
    if b[0] == b'-' || b[0] == b':' && !word.starts_with("::") {
        return Ok((None, 0));
    }
    if word.contains(':') {
        return classify_colon(word);
    }
    if let Some(mac) = mac_dotted_or_dashed(word) {
        return Ok((Some(Tok::Eid(mac)), word.len()));
    }
    // Words starting with a digit: numbers, dotted quads, MAC without separators, or names.
    let alnum_run = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'.')
        .count();
    let first = &word[..alnum_run];
    // Twelve hex digits are a MAC address, even all decimal digits (the scanner's MAC rule
    // comes before its number rule).
    if first.len() == 12
        && is_hex(first)
        && b.get(12).map_or(true, |c| {
            !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        })
    {
        return Ok((Some(Tok::Eid(first.to_string())), 12));
    }
    if b[0].is_ascii_digit() {
        if first.bytes().all(|c| c.is_ascii_digit() || c == b'.')
            && !first.ends_with('.')
            && !first.contains("..")
        {
            // Decimal/octal number or dotted IPv4 text; must not be followed by name chars.
            let rest = &b[first.len()..];
            if rest.first().map_or(true, |c| {
                !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
            }) {
                if first.contains('.') {
                    if first.split('.').count() <= 4 {
                        return Ok((Some(Tok::Hid(first.to_string())), first.len()));
                    }
                } else {
                    return Ok((Some(Tok::Num(parse_number(first)?)), first.len()));
                }
            }
        }
        if let Some(hex) = first
            .strip_prefix("0x")
            .or_else(|| first.strip_prefix("0X"))
        {
            if is_hex(hex) && !hex.contains('.') {
                let rest = &b[first.len()..];
                if rest.first().map_or(true, |c| {
                    !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
                }) {
                    return Ok((Some(Tok::Num(parse_number(first)?)), first.len()));
                }
            }
        }
        if first.len() == 12 && is_hex(first) && b.len() == 12 {
            return Ok((Some(Tok::Eid(first.to_string())), 12));
        }
    }
    // A name: a letter or digit, then letters, digits and `.-_`, not ending in `-` or `_`.
    if !(b[0].is_ascii_alphanumeric() || b[0] == b'.') {
        return Ok((None, 0));
    }
    let mut n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
        .count();
    while n > 1 && matches!(b[n - 1], b'-' | b'_') {
        n -= 1;
    }
    let name = &word[..n];
    if b[0] == b'.' {
        return Ok((None, 0));
    }
    if name.bytes().all(|c| c.is_ascii_digit()) {
        return Ok((Some(Tok::Num(parse_number(name)?)), n));
    }
    if name.len() == 12 && is_hex(name) && n == b.len() {
        return Ok((Some(Tok::Eid(name.to_string())), n));
    }
    if let Some(k) = keyword(name) {
        return Ok((Some(Tok::Kw(k)), n));
    }
    if let Some(v) = named_constant(name) {
        return Ok((Some(Tok::Num(v)), n));
    }
    if b[0].is_ascii_digit() && name.bytes().all(|c| c.is_ascii_hexdigit()) && name.len() == 12 {
        return Ok((Some(Tok::Eid(name.to_string())), n));
    }
    Ok((Some(Tok::Id(name.to_string())), n))
}

/// `xx.xx.xx.xx.xx.xx`, `xx-xx-xx-xx-xx-xx` or `xxxx.xxxx.xxxx`.
fn mac_dotted_or_dashed(word: &str) -> Option<String> {
    for sep in ['.', '-'] {
        let parts: Vec<&str> = word.split(sep).collect();
        if parts.len() == 6
            && parts
                .iter()
                .all(|p| (1..=2).contains(&p.len()) && is_hex(p))
        {
            return Some(word.to_string());
        }
        if sep == '.' && parts.len() == 3 && parts.iter().all(|p| p.len() == 4 && is_hex(p)) {
            return Some(word.to_string());
        }
    }
    None
}

/// Words with a colon. Like libpcap's scanner, the longest match at the front wins among a
/// MAC address (six groups of one or two hex digits), IPv6 text (its dotted-quad tail may
/// hold numbers above 255: the address is then refused as bogus), and "one or two hex
/// digits and colons" repeated (refused as a bogus MAC address); IPv6 wins a tie. Nothing
/// matching, the colon is an operator after a number or a name (`tcp[len:2]`).
fn classify_colon(word: &str) -> Result<(Option<Tok>, usize), String> {
    let mac = mac_colon_len(word).unwrap_or(0);
    let (v6, v6_valid) = v6_prefix(word).unwrap_or((0, false));
    let bogus = bogus_mac_len(word).unwrap_or(0);
    let best = mac.max(v6).max(bogus);
    if best > 0 {
        if best == v6 {
            let text = &word[..v6];
            if !v6_valid {
                return Err(format!("bogus IPv6 address {text}"));
            }
            return Ok((Some(Tok::Hid6(text.to_string())), v6));
        }
        if best == mac {
            return Ok((Some(Tok::Eid(word[..mac].to_string())), mac));
        }
        return Err(format!("bogus ethernet address {}", &word[..bogus]));
    }
    match word.find(':') {
        Some(0) | None => Ok((None, 0)),
        Some(i) if word.as_bytes()[0].is_ascii_alphanumeric() => classify(&word[..i]),
        Some(_) => Err(SYNTAX.to_string()),
    }
}

/// One or two hex digits at `i`: how many.
fn hex_group(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .take(2)
        .take_while(|c| c.is_ascii_hexdigit())
        .count()
}

/// `B:B:B:B:B:B` at the front (B one or two hex digits).
fn mac_colon_len(word: &str) -> Option<usize> {
    let b = word.as_bytes();
    let mut i = 0;
    for n in 0..6 {
        let g = hex_group(b, i);
        if g == 0 {
            return None;
        }
        i += g;
        if n < 5 {
            if b.get(i) != Some(&b':') {
                return None;
            }
            i += 1;
        }
    }
    Some(i)
}

/// `B:+(B:+)+` at the front: hex groups of one or two digits, each followed by colons.
fn bogus_mac_len(word: &str) -> Option<usize> {
    let b = word.as_bytes();
    let (mut i, mut reps) = (0, 0);
    loop {
        let g = hex_group(b, i);
        let colons = b[i + g..].iter().take_while(|&&c| c == b':').count();
        if g == 0 || colons == 0 {
            break;
        }
        i += g + colons;
        reps += 1;
    }
    (reps >= 2).then_some(i)
}

/// The longest IPv6 text at the front, and whether it is a valid address (its dotted-quad
/// tail may be shaped right but hold a number above 255).
fn v6_prefix(word: &str) -> Option<(usize, bool)> {
    let n = word
        .bytes()
        .take_while(|c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.'))
        .count();
    let b = word.as_bytes();
    (1..=n)
        .rev()
        .filter(|&e| e == n || !b[e].is_ascii_hexdigit())
        .find_map(|e| v6_shape(&word[..e]).map(|valid| (e, valid)))
}

fn v6_shape(text: &str) -> Option<bool> {
    if !text.contains(':') {
        return None;
    }
    if text.parse::<std::net::Ipv6Addr>().is_ok() {
        return Some(true);
    }
    let (head, quad) = text.rsplit_once(':')?;
    let parts: Vec<&str> = quad.split('.').collect();
    let digits = |p: &&str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
    if parts.len() == 4 && parts.iter().all(digits) {
        let zeroed = format!("{head}:0.0.0.0");
        if zeroed.parse::<std::net::Ipv6Addr>().is_ok() {
            return Some(false);
        }
    }
    None
}

/// A decimal, `0x` hex or leading-zero octal number, with libpcap's errors.
pub fn parse_number(text: &str) -> Result<u32, String> {
    let (digits, radix) =
        if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (h, 16)
        } else if text.len() > 1 && text.starts_with('0') {
            (&text[1..], 8)
        } else {
            (text, 10)
        };
    let mut v: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix).ok_or_else(|| {
            if radix == 8 {
                format!("number {text} contains non-octal digit")
            } else {
                SYNTAX.to_string()
            }
        })?;
        v = v * radix as u64 + d as u64;
        if v > u32::MAX as u64 {
            return Err(format!("number {text} overflows 32 bits"));
        }
    }
    Ok(v as u32)
}
