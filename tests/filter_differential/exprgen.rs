//! A grammar-based generator of random filter expressions for the bounded differential
//! fuzz run: primitives with and without qualifiers, inherited ids after `and`/`or`,
//! arithmetic with every operator, nesting and negation, plus occasional token-level damage
//! (a dropped or duplicated token) so that error paths are compared too. Deterministic
//! (xorshift seeded by the caller).

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const PROTOS: &[&str] = &[
    "ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp", "icmp", "icmp6", "igmp", "pim", "vrrp", "ah",
    "esp", "ether", "link", "decnet", "atalk", "iso", "stp", "ipx", "netbeui", "isis", "clnp",
    "l1", "lsp",
];
const DIRS: &[&str] = &["src", "dst", "src or dst", "src and dst", "addr1", "ta"];
const HOSTS: &[&str] = &[
    "10.20.30.40",
    "1.2.3.4",
    "10",
    "10.1",
    "192.168.243.1",
    "::1",
    "fe80::1",
    "1:2:3:4:5:6",
    "aa:00:04:00:14:0e",
    "localhost",
    "nosuchhost.invalid",
    "1.2.3.256",
    "$21",
];
const NETS: &[&str] = &[
    "10.0.0.0/8",
    "10.20.30.0 mask 255.255.255.0",
    "192.168",
    "fe80::/16",
    "1.2.3.4/24",
    "10",
];
const PORTS: &[&str] = &[
    "80",
    "53",
    "domain",
    "ftp-data",
    "70000",
    "nosuchport",
    "1-1024",
    "smtp-smtp",
];
const LOADS: &[&str] = &[
    "ip", "ip6", "tcp", "udp", "icmp", "link", "ether", "arp", "icmp6", "radio", "iso", "sctp",
    "igmp", "pim", "vrrp", "rarp", "decnet", "atalk",
];
const OPS: &[&str] = &["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"];
const RELS: &[&str] = &["=", "==", "!=", ">", ">=", "<", "<="];
const OTHERS: &[&str] = &[
    "broadcast",
    "multicast",
    "ip broadcast",
    "ip multicast",
    "ip6 multicast",
    "vlan",
    "vlan 10",
    "mpls",
    "mpls 100",
    "pppoed",
    "pppoes",
    "pppoes 5",
    "less 100",
    "greater 60",
    "inbound",
    "outbound",
    "llc",
    "llc i",
    "type data",
    "dir tods",
    "fisu",
    "vpi 1",
    "reason match",
    "ifname eth0",
    "geneve",
    "tcp[tcpflags] & tcp-syn != 0",
    "icmp[icmptype] = icmp-echo",
    "byte 8 = 5",
    "gateway foo",
    "ip6 protochain 17",
    "ip protochain 6",
    "decnet host 17.1024",
    "decnet net 1.2",
    "portrange 20-21",
    "portrange ftp-ssh",
    "action synproxy-drop",
    "mpls and ip",
    "mpls 100 and ip6",
    "vlan and mpls",
];

fn arith(r: &mut Rng, depth: u32) -> String {
    match if depth > 2 { r.below(3) } else { r.below(7) } {
        0 => r.below(300).to_string(),
        1 => format!("0x{:x}", r.below(65536)),
        2 => "len".to_string(),
        3 => {
            let size = [1, 2, 4, 3][r.below(4)];
            // Often a small index, so the load lands inside the packets.
            let index = if r.below(2) == 0 {
                r.below(48).to_string()
            } else {
                arith(r, depth + 1)
            };
            if r.below(2) == 0 {
                format!("{}[{index}]", r.pick(LOADS))
            } else {
                format!("{}[{index}:{size}]", r.pick(LOADS))
            }
        }
        4 => format!("-{}", arith(r, depth + 1)),
        5 => format!("({})", arith(r, depth + 1)),
        _ => format!(
            "{} {} {}",
            arith(r, depth + 1),
            r.pick(OPS),
            arith(r, depth + 1)
        ),
    }
}

fn primitive(r: &mut Rng) -> String {
    let mut s = String::new();
    if r.below(2) == 0 {
        s.push_str(r.pick(PROTOS));
        s.push(' ');
    }
    if r.below(3) == 0 {
        s.push_str(r.pick(DIRS));
        s.push(' ');
    }
    match r.below(9) {
        0 | 1 => {
            if r.below(2) == 0 {
                s.push_str("host ");
            }
            s.push_str(r.pick(HOSTS));
        }
        2 => {
            s.push_str("net ");
            s.push_str(r.pick(NETS));
        }
        3 => {
            s.push_str(if r.below(3) == 0 {
                "portrange "
            } else {
                "port "
            });
            s.push_str(r.pick(PORTS));
        }
        4 => {
            s.push_str(if r.below(3) == 0 {
                "protochain "
            } else {
                "proto "
            });
            s.push_str(["6", "17", "tcp", "\\udp", "nosuch", "300"][r.below(6)]);
        }
        5 => return format!("{} {} {}", arith(r, 0), r.pick(RELS), arith(r, 0)),
        6 => return r.pick(OTHERS).to_string(),
        7 => return r.pick(PROTOS).to_string(),
        _ => {
            s.push_str(r.pick(HOSTS));
        }
    }
    s
}

fn expr(r: &mut Rng, depth: u32) -> String {
    let mut s = term(r, depth);
    let n = r.below(if depth > 2 { 2 } else { 4 });
    for _ in 0..n {
        s.push_str(if r.below(2) == 0 { " and " } else { " or " });
        // A bare id inheriting the previous qualifiers, or a full term.
        if r.below(4) == 0 {
            s.push_str(r.pick(&[HOSTS, PORTS].concat()));
        } else {
            s.push_str(&term(r, depth));
        }
    }
    s
}

fn term(r: &mut Rng, depth: u32) -> String {
    match r.below(6) {
        0 => format!("not {}", term(r, depth + 1)),
        1 if depth < 4 => format!("({})", expr(r, depth + 1)),
        _ => primitive(r),
    }
}

/// One random expression; about one in eight is damaged at the token level.
pub fn expression(r: &mut Rng) -> String {
    let e = expr(r, 0);
    if r.below(8) != 0 {
        return e;
    }
    let mut toks: Vec<&str> = e.split(' ').collect();
    if toks.is_empty() {
        return e;
    }
    let i = r.below(toks.len());
    if r.below(2) == 0 {
        toks.remove(i);
    } else {
        let t = toks[i];
        toks.insert(i, t);
    }
    toks.join(" ")
}
