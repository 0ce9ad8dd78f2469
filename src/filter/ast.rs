//! The syntax tree of one primitive, with its qualifiers already inherited.
//!
//! libpcap generates code for each primitive as soon as the parser has read it, and the
//! boolean structure (`and`, `or`, `not`) only combines the results; the parser therefore
//! hands each finished [`Prim`] to a [`super::parse::Sink`] in reading order, and the sink
//! decides what to build (code, or a tree for tests).

/// The protocol qualifier (`ip`, `tcp`, `ether`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Proto {
    Default,
    Link,
    Ip,
    Arp,
    Rarp,
    Sctp,
    Tcp,
    Udp,
    Icmp,
    Igmp,
    Igrp,
    Pim,
    Vrrp,
    Carp,
    Atalk,
    Aarp,
    Decnet,
    Lat,
    Sca,
    Moprc,
    Mopdl,
    Ip6,
    Icmp6,
    Ah,
    Esp,
    Iso,
    Esis,
    Isis,
    IsisL1,
    IsisL2,
    IsisIih,
    IsisLsp,
    IsisSnp,
    IsisCsnp,
    IsisPsnp,
    Clnp,
    Stp,
    Ipx,
    Netbeui,
    Radio,
    /// The qualifier state after a primitive that has none to pass on (`tcp`, `len > 1`):
    /// a bare id that would inherit it is an error.
    Undef,
}

/// The direction qualifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    Default,
    Src,
    Dst,
    /// `src or dst`
    Or,
    /// `src and dst`
    And,
    Addr1,
    Addr2,
    Addr3,
    Addr4,
    Ra,
    Ta,
    Undef,
}

/// The address-kind qualifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddrKind {
    Default,
    Host,
    Net,
    Port,
    Gateway,
    Proto,
    Protochain,
    Portrange,
    Undef,
}

/// The three qualifiers an id is read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Qual {
    pub proto: Proto,
    pub dir: Dir,
    pub addr: AddrKind,
}

impl Qual {
    pub const DEFAULT: Qual = Qual {
        proto: Proto::Default,
        dir: Dir::Default,
        addr: AddrKind::Default,
    };
    /// What a primitive without qualifiers passes on to a following bare id.
    pub const ERR: Qual = Qual {
        proto: Proto::Undef,
        dir: Dir::Undef,
        addr: AddrKind::Undef,
    };
}

/// The value part of `host x`, `net y/16`, `port 80`...
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Id {
    /// A name (host, network, port, protocol...).
    Name(String),
    /// A number.
    Num(u32),
    /// Dotted IPv4 text with 1 to 4 parts.
    Hid(String),
    /// `a.b.c.d/len`
    HidLen(String, u32),
    /// `a.b.c.d mask m.m.m.m`
    HidMask(String, String),
    Hid6(String),
    Hid6Len(String, u32),
    /// A MAC address as written.
    Eid(String),
    /// An ARCnet address `$xx`.
    Aid(String),
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

/// Comparison operators: the three BPF has, and their negations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelOp {
    Gt,
    Ge,
    Eq,
    Le,
    Lt,
    Ne,
}

/// An arithmetic expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arith {
    Num(u32),
    Len,
    /// `proto[index : size]`
    Load {
        proto: Proto,
        index: Box<Arith>,
        size: u32,
    },
    Neg(Box<Arith>),
    Bin(ArithOp, Box<Arith>, Box<Arith>),
}

/// One primitive of the language, qualifiers resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prim {
    /// `[proto] [dir] [kind] id`
    Id {
        q: Qual,
        id: Id,
    },
    /// A protocol name alone: `tcp`, `ip6`, `l1`...
    Proto(Proto),
    Relation {
        op: RelOp,
        lhs: Arith,
        rhs: Arith,
    },
    Broadcast(Proto),
    Multicast(Proto),
    Less(u32),
    Greater(u32),
    Inbound,
    Outbound,
    Ifindex(u32),
    Vlan(Option<u32>),
    Mpls(Option<u32>),
    Pppoed,
    Pppoes(Option<u32>),
    Geneve(Option<u32>),
    PfIfname(String),
    PfRuleset(String),
    PfRulenum(u32),
    PfSubrulenum(u32),
    PfReason(NumOrName),
    PfAction(String),
    /// `type t [subtype s]`, `subtype s` (802.11), with the protocol qualifier before it.
    WlanType {
        ty: NumOrName,
        subtype: Option<NumOrName>,
    },
    WlanSubtype(NumOrName),
    WlanDir(NumOrName),
    /// `llc`, `llc i|s|u|rnr|...`
    Llc(Option<String>),
    /// `byte index op value` with op one of `= < > & |`.
    Byte {
        index: u32,
        op: char,
        value: u32,
    },
    Atm(AtmKw),
    AtmField {
        field: AtmField,
        cond: Vec<(RelOp, u32)>,
    },
    Mtp2(MtpType),
    Mtp3Field {
        field: Mtp3Field,
        cond: Vec<(RelOp, u32)>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumOrName {
    Num(u32),
    Name(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtmKw {
    Lane,
    Metac,
    Bcc,
    Oamf4ec,
    Oamf4sc,
    Sc,
    Ilmic,
    Oam,
    Oamf4,
    Connectmsg,
    Metaconnect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtmField {
    Vpi,
    Vci,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MtpType {
    Fisu,
    Lssu,
    Msu,
    Hfisu,
    Hlssu,
    Hmsu,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mtp3Field {
    Sio,
    Opc,
    Dpc,
    Sls,
    Hsio,
    Hopc,
    Hdpc,
    Hsls,
}
