//! Structured packets for the differential test: the corpus has few real packets for many
//! link types, so these are built field by field (IPv4 with options and fragments, IPv6 with
//! extension headers, TCP/UDP/SCTP/ICMP/ICMPv6/IGMP/PIM, ARP/RARP, 802.1Q/QinQ, MPLS,
//! PPPoE, LLC/SNAP) and wrapped in each link layer's header; truncated and mutated copies
//! are added by [`variants`].

/// A network-layer payload with its Ethernet type.
struct L3 {
    ethertype: u16,
    bytes: Vec<u8>,
}

fn ipv4(
    proto: u8,
    src: [u8; 4],
    dst: [u8; 4],
    frag: u16,
    options: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let ihl = 5 + options.len() / 4;
    let total = ihl * 4 + payload.len();
    let mut v = vec![
        0x40 | ihl as u8,
        0,
        (total >> 8) as u8,
        total as u8,
        0x12,
        0x34,
    ];
    v.extend_from_slice(&frag.to_be_bytes());
    v.extend_from_slice(&[64, proto, 0, 0]);
    v.extend_from_slice(&src);
    v.extend_from_slice(&dst);
    v.extend_from_slice(options);
    v.extend_from_slice(payload);
    v
}

fn ipv6(next: u8, src: [u8; 16], dst: [u8; 16], payload: &[u8]) -> Vec<u8> {
    let mut v = vec![
        0x60,
        0,
        0,
        0,
        (payload.len() >> 8) as u8,
        payload.len() as u8,
        next,
        64,
    ];
    v.extend_from_slice(&src);
    v.extend_from_slice(&dst);
    v.extend_from_slice(payload);
    v
}

fn ports(sport: u16, dport: u16, rest: usize) -> Vec<u8> {
    let mut v = sport.to_be_bytes().to_vec();
    v.extend_from_slice(&dport.to_be_bytes());
    v.resize(v.len() + rest, 0x02);
    v
}

fn arp(op: u16, spa: [u8; 4], tpa: [u8; 4]) -> Vec<u8> {
    let mut v = vec![0, 1, 8, 0, 6, 4];
    v.extend_from_slice(&op.to_be_bytes());
    v.extend_from_slice(&[0xaa, 0, 4, 0, 0x14, 0x0e]);
    v.extend_from_slice(&spa);
    v.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    v.extend_from_slice(&tpa);
    v
}

const V6A: [u8; 16] = [
    0xfd, 0, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80,
];
const V6B: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const V6M: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// Network-layer packets covering the primitives of the language.
fn network_layer() -> Vec<L3> {
    let mut out = Vec::new();
    let addrs: [[u8; 4]; 6] = [
        [10, 20, 30, 40],
        [192, 168, 243, 1],
        [1, 2, 3, 4],
        [10, 0, 0, 1],
        [224, 0, 0, 5],
        [255, 255, 255, 255],
    ];
    let port_list = [20u16, 25, 53, 80, 443, 6081, 1, 5];
    for (i, &src) in addrs.iter().enumerate() {
        let dst = addrs[(i + 1) % addrs.len()];
        for (j, &proto) in [6u8, 17, 132, 1, 2, 103, 112, 51, 50, 9, 58]
            .iter()
            .enumerate()
        {
            let p = port_list[(i + j) % port_list.len()];
            let payload = ports(p, port_list[(i + j + 3) % port_list.len()], 20);
            out.push(L3 {
                ethertype: 0x0800,
                bytes: ipv4(proto, src, dst, 0, &[], &payload),
            });
        }
        // Options and fragments.
        out.push(L3 {
            ethertype: 0x0800,
            bytes: ipv4(6, src, dst, 0, &[1, 1, 1, 0], &ports(80, 25, 20)),
        });
        out.push(L3 {
            ethertype: 0x0800,
            bytes: ipv4(17, src, dst, 0x0010, &[], &ports(53, 53, 8)),
        });
        out.push(L3 {
            ethertype: 0x0800,
            bytes: ipv4(6, src, dst, 0x2000, &[], &ports(80, 80, 20)),
        });
        out.push(L3 {
            ethertype: 0x0806,
            bytes: arp(1, src, dst),
        });
        out.push(L3 {
            ethertype: 0x8035,
            bytes: arp(3, src, dst),
        });
    }
    for (k, (s, d)) in [(V6A, V6B), (V6B, V6M), (V6M, V6A)].iter().enumerate() {
        for (j, &next) in [6u8, 17, 132, 58, 103, 51, 50].iter().enumerate() {
            let p = port_list[(k + j) % port_list.len()];
            out.push(L3 {
                ethertype: 0x86dd,
                bytes: ipv6(next, *s, *d, &ports(p, 80, 20)),
            });
        }
        // Fragment header then TCP; hop-by-hop then UDP.
        let mut frag = vec![6, 0, 0, 0, 0, 0, 0, 1];
        frag.extend(ports(80, 443, 20));
        out.push(L3 {
            ethertype: 0x86dd,
            bytes: ipv6(44, *s, *d, &frag),
        });
        let mut hbh = vec![17, 0, 1, 4, 0, 0, 0, 0];
        hbh.extend(ports(53, 53, 8));
        out.push(L3 {
            ethertype: 0x86dd,
            bytes: ipv6(0, *s, *d, &hbh),
        });
        // Header chains for `protochain`: hop-by-hop, destination options (16 bytes),
        // routing, fragment, TCP; destination options, AH, UDP; hop-by-hop then "no next
        // header". (No chain makes libpcap's AH step cycle: it would loop forever.)
        let mut chain = vec![60, 0, 1, 4, 0, 0, 0, 0];
        chain.extend_from_slice(&[43, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        chain.extend_from_slice(&[44, 0, 0, 0, 0, 0, 0, 0]);
        chain.extend_from_slice(&[6, 0, 0, 0, 0, 0, 0, 7]);
        chain.extend(ports(80, 443, 20));
        out.push(L3 {
            ethertype: 0x86dd,
            bytes: ipv6(0, *s, *d, &chain),
        });
        let mut ah = vec![51, 0, 1, 4, 0, 0, 0, 0];
        ah.extend_from_slice(&[17, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 9]);
        ah.extend_from_slice(&[0; 12]);
        ah.extend(ports(53, 5, 8));
        out.push(L3 {
            ethertype: 0x86dd,
            bytes: ipv6(60, *s, *d, &ah),
        });
        // AH first, then destination options, then TCP: the walk goes on after the AH,
        // from the offset libpcap's AH step computes.
        let mut ah = vec![60, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 9];
        ah.extend_from_slice(&[0; 12]);
        ah.extend_from_slice(&[6, 0, 0, 0, 0, 0, 0, 0]);
        ah.extend(ports(22, 80, 20));
        out.push(L3 {
            ethertype: 0x86dd,
            bytes: ipv6(51, *s, *d, &ah),
        });
        let mut none = vec![59, 0, 1, 4, 0, 0, 0, 0];
        none.extend(ports(6, 6, 8));
        out.push(L3 {
            ethertype: 0x86dd,
            bytes: ipv6(0, *s, *d, &none),
        });
    }
    // IPv4 with AH before TCP and UDP.
    for next in [6u8, 17] {
        let mut ah = vec![next, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 3];
        ah.extend_from_slice(&[0; 12]);
        ah.extend(ports(80, 22, 20));
        out.push(L3 {
            ethertype: 0x0800,
            bytes: ipv4(51, [10, 0, 0, 1], [1, 2, 3, 4], 0, &[], &ah),
        });
    }
    out
}

fn ether(dst: [u8; 6], src: [u8; 6], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = dst.to_vec();
    v.extend_from_slice(&src);
    v.extend_from_slice(&ethertype.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

const MAC_A: [u8; 6] = [0xaa, 0, 4, 0, 0x14, 0x0e];
const MAC_B: [u8; 6] = [1, 2, 3, 4, 5, 6];
const MAC_BC: [u8; 6] = [0xff; 6];
const MAC_MC: [u8; 6] = [1, 0, 0x5e, 0, 0, 5];

/// Ethernet frames, including VLAN, QinQ, MPLS, PPPoE and 802.3/LLC frames.
fn ethernet() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let l3 = network_layer();
    let macs = [
        (MAC_A, MAC_B),
        (MAC_B, MAC_A),
        (MAC_BC, MAC_A),
        (MAC_MC, MAC_B),
    ];
    for (i, p) in l3.iter().enumerate() {
        let (d, s) = macs[i % macs.len()];
        out.push(ether(d, s, p.ethertype, &p.bytes));
        match i % 5 {
            0 => {
                let mut tag = vec![0, 10];
                tag.extend_from_slice(&p.ethertype.to_be_bytes());
                tag.extend_from_slice(&p.bytes);
                out.push(ether(d, s, 0x8100, &tag));
            }
            1 => {
                let mut tag = vec![0, 1, 0x81, 0, 0, 2];
                tag.extend_from_slice(&p.ethertype.to_be_bytes());
                tag.extend_from_slice(&p.bytes);
                out.push(ether(d, s, 0x88a8, &tag));
            }
            2 => {
                let mut m = vec![0, 0, 0x51, 64];
                m.extend_from_slice(&p.bytes);
                out.push(ether(d, s, 0x8847, &m));
                let mut m2 = vec![0, 0, 0x30, 64, 0, 0, 0x51, 64];
                m2.extend_from_slice(&p.bytes);
                out.push(ether(d, s, 0x8847, &m2));
            }
            3 => {
                let ppp = if p.ethertype == 0x86dd { 0x57u8 } else { 0x21 };
                let mut s6 = vec![0x11, 0, 0, 5, 0, 0, 0, ppp];
                s6.extend_from_slice(&p.bytes);
                out.push(ether(d, s, 0x8864, &s6));
            }
            _ => {}
        }
    }
    // 802.3 with LLC: STP, ISO, NetBEUI, IPX, SNAP AppleTalk.
    for llc in [
        vec![0x42u8, 0x42, 3, 0, 0, 0, 0],
        vec![0xfe, 0xfe, 3, 0x81, 0, 0],
        vec![0xf0, 0xf0, 3, 0, 0],
        vec![0xe0, 0xe0, 3, 0xff, 0xff],
        vec![0xaa, 0xaa, 3, 8, 0, 7, 0x80, 0x9b, 0, 0],
        vec![0xaa, 0xaa, 3, 0, 0, 0, 0x81, 0x37, 0, 0],
        vec![0xff, 0xff, 0, 0],
    ] {
        out.push(ether(MAC_A, MAC_B, llc.len() as u16, &llc));
    }
    for t in [
        0x6003u16, 0x809b, 0x80f3, 0x8137, 0x6004, 0x6007, 0x6001, 0x6002, 0x8863,
    ] {
        out.push(ether(MAC_B, MAC_A, t, &[0u8; 30]));
    }
    out
}

/// Structured packets for a link type (empty for types without a generator yet).
pub fn packets_for(dlt: i32) -> Vec<Vec<u8>> {
    let l3 = network_layer();
    match dlt {
        1 => ethernet(),
        // Linux cooked v1 / v2
        113 => l3
            .iter()
            .map(|p| {
                let mut v = vec![0, (p.bytes.len() % 5) as u8, 0, 1, 0, 6];
                v.extend_from_slice(&MAC_A);
                v.extend_from_slice(&[0, 0]);
                v.extend_from_slice(&p.ethertype.to_be_bytes());
                v.extend_from_slice(&p.bytes);
                v
            })
            .collect(),
        276 => l3
            .iter()
            .map(|p| {
                let mut v = p.ethertype.to_be_bytes().to_vec();
                v.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 1, 6, (p.bytes.len() % 5) as u8]);
                v.extend_from_slice(&MAC_A);
                v.extend_from_slice(&[0, 0]);
                v.extend_from_slice(&p.bytes);
                v
            })
            .collect(),
        0 | 108 => l3
            .iter()
            .map(|p| {
                let af: u32 = match p.ethertype {
                    0x0800 => 2,
                    0x86dd => 10,
                    _ => 7,
                };
                let mut v = if dlt == 0 {
                    af.to_le_bytes().to_vec()
                } else {
                    af.to_be_bytes().to_vec()
                };
                v.extend_from_slice(&p.bytes);
                v
            })
            .collect(),
        12 | 14 | 228 | 229 => l3.iter().map(|p| p.bytes.clone()).collect(),
        9 | 50 | 104 => l3
            .iter()
            .map(|p| {
                let proto: u16 = match (dlt, p.ethertype) {
                    (104, t) => t,
                    (_, 0x0800) => 0x21,
                    (_, 0x86dd) => 0x57,
                    (_, t) => t,
                };
                let mut v = vec![0xff, 3];
                v.extend_from_slice(&proto.to_be_bytes());
                v.extend_from_slice(&p.bytes);
                v
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Truncated and mutated copies of `pkts` (deterministic).
pub fn variants(pkts: &[Vec<u8>], budget: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (i, p) in pkts.iter().enumerate() {
        if out.len() >= budget {
            break;
        }
        if p.is_empty() {
            continue;
        }
        // A truncation somewhere in the headers.
        let cut = (next() as usize) % p.len().min(80);
        out.push(p[..cut].to_vec());
        // A mutated byte in the first 64.
        let mut m = p.clone();
        let at = (next() as usize) % p.len().min(64);
        m[at] ^= 1 << (next() % 8);
        out.push(m);
        if i % 3 == 0 {
            let mut m = p.clone();
            let at = (next() as usize) % p.len().min(64);
            m[at] = next() as u8;
            out.push(m);
        }
    }
    out
}
