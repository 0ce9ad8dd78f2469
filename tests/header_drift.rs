//! The committed C prototypes are what cbindgen makes of src/ffi/ today, and they agree with
//! libpcap's.
//!
//! cbindgen (configured by cbindgen.toml) reads every `#[no_mangle]` function; each one goes
//! to the generated file of the header that declares it in libpcap (`pcap/pcap.h`,
//! `pcap/bpf.h`, `pcap/namedb.h`), and anything libpcap does not declare is one of our
//! extensions, declared by `pcap/oxpcap.h`. Functions libpcap declares that we do not export
//! yet are declared by hand in `include/pcap/prototypes/pending-*.h`, so programs still
//! compile against our headers. `make header` (`OXPCAP_BLESS=1`) rewrites the generated files
//! and deletes newly exported functions from the pending files. The tests fail when:
//! - a generated file differs from what is committed;
//! - a function is both generated and pending, or declared by neither (every name libpcap
//!   1.10 declares for Linux must stay declared);
//! - a prototype of ours is not compatible with libpcap's own (checked by compiling the
//!   system's declarations against our headers, when the system headers are installed);
//! - the macros (names and replacement lists) or the type names (typedefs, struct/union/enum
//!   tags) our headers define differ from those of the installed libpcap headers;
//! - a header of ours does not compile on its own as C99 or C++11 with warnings as errors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Functions `pcap/bpf.h` declares.
const BPF_H: &[&str] = &["bpf_dump", "bpf_filter", "bpf_image", "bpf_validate"];

/// Functions `pcap/namedb.h` declares.
const NAMEDB_H: &[&str] = &[
    "pcap_ether_aton",
    "pcap_ether_hostton",
    "pcap_nametoaddr",
    "pcap_nametoaddrinfo",
    "pcap_nametoeproto",
    "pcap_nametollc",
    "pcap_nametonetaddr",
    "pcap_nametoport",
    "pcap_nametoportrange",
    "pcap_nametoproto",
    "pcap_next_etherent",
];

/// Functions `pcap/pcap.h` declares on Linux (libpcap 1.10).
const PCAP_H: &[&str] = &[
    "pcap_activate",
    "pcap_breakloop",
    "pcap_bufsize",
    "pcap_can_set_rfmon",
    "pcap_close",
    "pcap_compile",
    "pcap_compile_nopcap",
    "pcap_create",
    "pcap_createsrcstr",
    "pcap_datalink",
    "pcap_datalink_ext",
    "pcap_datalink_name_to_val",
    "pcap_datalink_val_to_description",
    "pcap_datalink_val_to_description_or_dlt",
    "pcap_datalink_val_to_name",
    "pcap_dispatch",
    "pcap_dump",
    "pcap_dump_close",
    "pcap_dump_file",
    "pcap_dump_flush",
    "pcap_dump_fopen",
    "pcap_dump_ftell",
    "pcap_dump_ftell64",
    "pcap_dump_open",
    "pcap_dump_open_append",
    "pcap_file",
    "pcap_fileno",
    "pcap_findalldevs",
    "pcap_findalldevs_ex",
    "pcap_fopen_offline",
    "pcap_fopen_offline_with_tstamp_precision",
    "pcap_free_datalinks",
    "pcap_free_tstamp_types",
    "pcap_freealldevs",
    "pcap_freecode",
    "pcap_get_required_select_timeout",
    "pcap_get_selectable_fd",
    "pcap_get_tstamp_precision",
    "pcap_geterr",
    "pcap_getnonblock",
    "pcap_init",
    "pcap_inject",
    "pcap_is_swapped",
    "pcap_lib_version",
    "pcap_list_datalinks",
    "pcap_list_tstamp_types",
    "pcap_lookupdev",
    "pcap_lookupnet",
    "pcap_loop",
    "pcap_major_version",
    "pcap_minor_version",
    "pcap_next",
    "pcap_next_ex",
    "pcap_offline_filter",
    "pcap_open",
    "pcap_open_dead",
    "pcap_open_dead_with_tstamp_precision",
    "pcap_open_live",
    "pcap_open_offline",
    "pcap_open_offline_with_tstamp_precision",
    "pcap_parsesrcstr",
    "pcap_perror",
    "pcap_remoteact_accept",
    "pcap_remoteact_accept_ex",
    "pcap_remoteact_cleanup",
    "pcap_remoteact_close",
    "pcap_remoteact_list",
    "pcap_sendpacket",
    "pcap_set_buffer_size",
    "pcap_set_datalink",
    "pcap_set_immediate_mode",
    "pcap_set_promisc",
    "pcap_set_protocol_linux",
    "pcap_set_rfmon",
    "pcap_set_snaplen",
    "pcap_set_timeout",
    "pcap_set_tstamp_precision",
    "pcap_set_tstamp_type",
    "pcap_setdirection",
    "pcap_setfilter",
    "pcap_setnonblock",
    "pcap_setsampling",
    "pcap_snapshot",
    "pcap_stats",
    "pcap_statustostr",
    "pcap_strerror",
    "pcap_tstamp_type_name_to_val",
    "pcap_tstamp_type_val_to_description",
    "pcap_tstamp_type_val_to_name",
];

/// Functions libpcap marks deprecated, with its messages. Their Rust functions carry
/// `#[deprecated(note = <the message>)]`, which cbindgen turns into `PCAP_DEPRECATED(...)`, so
/// programs get libpcap's warnings from our headers too.
const DEPRECATED: &[(&str, &str)] = &[
    (
        "pcap_compile_nopcap",
        "use pcap_open_dead(), pcap_compile() and pcap_close()",
    ),
    (
        "pcap_lookupdev",
        "use 'pcap_findalldevs' and use the first device",
    ),
    (
        "pcap_nametoaddr",
        "this is not reentrant; use 'pcap_nametoaddrinfo' instead",
    ),
];

/// One public header's share of the prototypes.
struct Group {
    /// The header that declares these functions, as a C program includes it.
    header: &'static str,
    /// The generated file, relative to include/pcap/prototypes/.
    generated: &'static str,
    /// The hand-written file of not-yet-exported functions (None for our extensions).
    pending: Option<&'static str>,
    /// The functions libpcap declares in that header (empty for our extensions).
    declares: &'static [&'static str],
}

static GROUPS: &[Group] = &[
    Group {
        header: "pcap/pcap.h",
        generated: "pcap.h",
        pending: Some("pending-pcap.h"),
        declares: PCAP_H,
    },
    Group {
        header: "pcap/bpf.h",
        generated: "bpf.h",
        pending: Some("pending-bpf.h"),
        declares: BPF_H,
    },
    Group {
        header: "pcap/namedb.h",
        generated: "namedb.h",
        pending: Some("pending-namedb.h"),
        declares: NAMEDB_H,
    },
    Group {
        header: "pcap/oxpcap.h",
        generated: "oxpcap.h",
        pending: None,
        declares: &[],
    },
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn prototypes_dir() -> PathBuf {
    root().join("include/pcap/prototypes")
}

fn config() -> cbindgen::Config {
    cbindgen::Config::from_file(root().join("cbindgen.toml")).expect("cbindgen.toml parses")
}

/// Whether a function is one the library exports: only pcap_*/bpf_* names may be
/// (compat/check-exports.sh); anything else cbindgen reports is a foreign import of the crate
/// (`extern "C" { fn getnetbyname_r(...); }`), which must not be declared.
fn is_exported_name(name: &str) -> bool {
    name.starts_with("pcap_") || name.starts_with("bpf_")
}

/// The names of every function cbindgen finds in the crate, exported and imported.
fn crate_functions() -> BTreeSet<String> {
    let bindings = cbindgen::Builder::new()
        .with_config(config())
        .with_src(root().join("src/lib.rs"))
        .generate()
        .expect("cbindgen reads the crate");
    bindings
        .dynamic_symbols_names()
        .map(str::to_owned)
        .collect()
}

/// The names of the functions the library exports.
fn exported_functions() -> BTreeSet<String> {
    crate_functions()
        .into_iter()
        .filter(|n| is_exported_name(n))
        .collect()
}

/// The group a function's prototype belongs to: libpcap's header for it, else our extensions.
fn group_of(name: &str) -> &'static Group {
    GROUPS
        .iter()
        .find(|g| g.declares.contains(&name))
        .unwrap_or(&GROUPS[GROUPS.len() - 1])
}

/// cbindgen's output for `group`: every exported function outside it is excluded.
fn generate(group: &Group, all: &BTreeSet<String>) -> String {
    let mut cfg = config();
    cfg.export.exclude = all
        .iter()
        .filter(|n| group_of(n).generated != group.generated)
        .cloned()
        .chain(
            crate_functions()
                .into_iter()
                .filter(|n| !is_exported_name(n)),
        )
        .collect();
    let guard = format!(
        "oxpcap_prototypes_{}",
        group.generated.replace(['.', '-'], "_")
    );
    cfg.include_guard = Some(guard);
    cfg.header = Some(format!(
        "/* Generated by cbindgen from src/ffi/ (cbindgen.toml, tests/header_drift.rs): do not\n \
         * edit; run `make header`. The prototypes of the functions <{}> declares that\n \
         * oxpcap exports. Included by that header, which defines the types they use. */",
        group.header
    ));
    let bindings = cbindgen::Builder::new()
        .with_config(cfg)
        .with_src(root().join("src/lib.rs"))
        .generate()
        .expect("cbindgen generates");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("cbindgen writes UTF-8")
}

/// The declarations in a C header of ours, as (function name, the lines declaring it), and
/// every other line as (None, line). A declaration is a run of lines from one starting with
/// `PCAP_API` or `PCAP_DEPRECATED` to one ending in ';'; its name is the identifier before
/// its first '(' once any deprecation attribute (whose message may hold parentheses) is gone.
fn declarations(text: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let mut decl = String::new();
    for line in text.lines() {
        let t = line.trim();
        if decl.is_empty() && !(t.starts_with("PCAP_API") || t.starts_with("PCAP_DEPRECATED")) {
            out.push((None, format!("{line}\n")));
            continue;
        }
        decl.push_str(line);
        decl.push('\n');
        if t.ends_with(';') {
            // Drop a deprecation attribute, wherever it is: its message may hold parentheses.
            let body = match decl.split_once("PCAP_DEPRECATED(") {
                Some((before, rest)) => {
                    format!(
                        "{before} {}",
                        rest.split_once("\")").map_or(rest, |(_, a)| a)
                    )
                }
                None => decl.clone(),
            };
            let name = body.split('(').next().and_then(|head| {
                head.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .rfind(|w| !w.is_empty())
                    .map(str::to_owned)
            });
            out.push((name, std::mem::take(&mut decl)));
        }
    }
    out
}

/// The function names a C header of ours declares.
fn declared_in(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    declarations(&text)
        .into_iter()
        .filter_map(|(name, _)| name)
        .collect()
}

/// Deletes from a pending file the declarations of functions that are now exported, and the
/// section comments left with nothing under them.
fn drop_exported_from_pending(path: &Path, exported: &BTreeSet<String>) {
    let text = std::fs::read_to_string(path).expect("read a pending file");
    let items: Vec<String> = declarations(&text)
        .into_iter()
        .filter(|(name, _)| !name.as_ref().is_some_and(|n| exported.contains(n)))
        .map(|(_, lines)| lines)
        .collect();
    let mut kept = String::new();
    let mut i = 0;
    while i < items.len() {
        // A comment block after the file's own opening comment...
        if i > 0 && items[i].trim_start().starts_with("/*") {
            let end = (i..items.len())
                .find(|&j| items[j].contains("*/"))
                .unwrap_or(i);
            let next = items.get(end + 1).map_or("", |l| l.trim());
            // ...that heads nothing (a blank line or the end of the file follows) goes.
            if next.is_empty() || next.starts_with("#endif") {
                i = end + 1 + usize::from(next.is_empty() && end + 1 < items.len());
                continue;
            }
        }
        kept.push_str(&items[i]);
        i += 1;
    }
    if kept != text {
        std::fs::write(path, kept).expect("rewrite a pending file");
        eprintln!(
            "header_drift: removed exported functions from {}",
            path.display()
        );
    }
}

/// With `OXPCAP_BLESS=1`, rewrites the generated files that differ and deletes the functions
/// now exported from the pending files, once, before any test looks at them (the tests run
/// in parallel and all read these files).
fn bless_if_asked() {
    static BLESSED: OnceLock<()> = OnceLock::new();
    BLESSED.get_or_init(|| {
        if std::env::var("OXPCAP_BLESS").as_deref() != Ok("1") {
            return;
        }
        let all = exported_functions();
        for group in GROUPS {
            let path = prototypes_dir().join(group.generated);
            let fresh = generate(group, &all);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(fresh.as_str()) {
                std::fs::write(&path, &fresh).expect("write the generated header");
                eprintln!("header_drift: rewrote {}", path.display());
            }
            if let Some(pending) = group.pending {
                drop_exported_from_pending(&prototypes_dir().join(pending), &all);
            }
        }
    });
}

#[test]
fn generated_prototypes_match_committed_files() {
    bless_if_asked();
    let all = exported_functions();
    let mut drifted = Vec::new();
    for group in GROUPS {
        let path = prototypes_dir().join(group.generated);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if generate(group, &all) != committed {
            drifted.push(path.display().to_string());
        }
    }
    assert!(
        drifted.is_empty(),
        "generated prototypes differ from the committed {drifted:?}; run `make header` and \
         commit the result"
    );
}

#[test]
fn every_libpcap_function_is_declared_exactly_once() {
    bless_if_asked();
    let all = exported_functions();
    let mut problems = Vec::new();
    for group in GROUPS {
        let Some(pending_file) = group.pending else {
            continue;
        };
        let pending = declared_in(&prototypes_dir().join(pending_file));
        let generated_text =
            std::fs::read_to_string(prototypes_dir().join(group.generated)).unwrap_or_default();
        for name in group.declares {
            let generated = all.contains(*name);
            let is_pending = pending.contains(*name);
            if let Some((_, note)) = DEPRECATED.iter().find(|(n, _)| n == name) {
                let attribute = format!("PCAP_DEPRECATED({note:?})");
                let deprecated_here = declarations(&generated_text)
                    .iter()
                    .any(|(n, text)| n.as_deref() == Some(*name) && text.contains(&attribute));
                if generated && !deprecated_here {
                    problems.push(format!(
                        "{name} is deprecated in libpcap: give its Rust function \
                         #[deprecated(note = {note:?})] and run `make header`"
                    ));
                }
            }
            if generated && is_pending {
                problems.push(format!(
                    "{name} is exported now: delete it from include/pcap/prototypes/{pending_file} \
                     (`make header` does)"
                ));
            }
            if !generated && !is_pending {
                problems.push(format!(
                    "{name} (libpcap declares it in <{}>) is declared by none of our headers",
                    group.header
                ));
            }
        }
        for name in &pending {
            if !group.declares.contains(&name.as_str()) {
                problems.push(format!(
                    "{name} in {pending_file} is not a function <{}> declares",
                    group.header
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Compiles libpcap's own declarations (from the installed system headers) after ours: any
/// prototype of ours that disagrees with libpcap's is a "conflicting types" error.
#[test]
fn prototypes_are_compatible_with_libpcaps() {
    bless_if_asked();
    let system = Path::new("/usr/include/pcap/pcap.h");
    if !system.exists() {
        eprintln!("skipped: the system libpcap headers (libpcap-dev) are not installed");
        return;
    }
    let work = std::env::temp_dir().join(format!("oxpcap-header-drift-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let probe = work.join("system.c");
    std::fs::write(
        &probe,
        "#include <pcap.h>\n#include <pcap-namedb.h>\n#include <pcap/bpf.h>\n",
    )
    .unwrap();
    let pre = Command::new("cc")
        .args(["-E", "-P"])
        .arg(&probe)
        .output()
        .expect("run cc -E");
    assert!(pre.status.success(), "cc -E failed on the system headers");
    let text = String::from_utf8_lossy(&pre.stdout).replace('\n', " ");
    let mut declarations = Vec::new();
    for chunk in text.split(';') {
        let chunk = chunk.trim();
        let is_function = chunk.contains("extern")
            && (chunk.starts_with("extern") || chunk.starts_with("__attribute__"))
            && (chunk.contains("pcap_") || chunk.contains("bpf_"))
            && chunk.ends_with(')');
        if is_function {
            declarations.push(format!("{chunk};"));
        }
    }
    assert!(
        declarations.len() > 90,
        "found only {} libpcap declarations",
        declarations.len()
    );
    let check = work.join("check.c");
    std::fs::write(
        &check,
        format!(
            "#include <pcap.h>\n#include <pcap-namedb.h>\n#include <pcap/oxpcap.h>\n{}\n\
             int main(void) {{ return 0; }}\n",
            declarations.join("\n")
        ),
    )
    .unwrap();
    let out = Command::new("cc")
        .args([
            "-fsyntax-only",
            "-Wall",
            "-Werror",
            "-Wno-deprecated-declarations",
        ])
        .arg("-I")
        .arg(root().join("include"))
        .arg(&check)
        .output()
        .expect("run cc");
    let _ = std::fs::remove_dir_all(&work);
    assert!(
        out.status.success(),
        "our prototypes disagree with libpcap's:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every public header of ours compiles on its own (no prerequisite includes), as strict
/// C99 and as C++11, with every warning an error, including -Wredundant-decls (each function
/// is declared exactly once) and -Wstrict-prototypes. (libpcap's own bpf.h and namedb.h need
/// other headers first; ours do not, which is compatible in the direction that matters.)
#[test]
fn every_header_compiles_alone_in_c_and_cxx() {
    bless_if_asked();
    let include = root().join("include");
    let mut headers = Vec::new();
    for dir in [include.clone(), include.join("pcap")] {
        for entry in std::fs::read_dir(&dir).expect("include/ exists") {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "h") {
                headers.push(path.strip_prefix(&include).unwrap().display().to_string());
            }
        }
    }
    headers.sort();
    assert!(
        headers.len() >= 19,
        "only {} headers: {headers:?}",
        headers.len()
    );
    let work = std::env::temp_dir().join(format!("oxpcap-header-alone-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let compilers: [(&str, &str, &[&str]); 2] = [
        (
            "cc",
            "c",
            &[
                "-std=c99",
                "-D_DEFAULT_SOURCE",
                "-Wstrict-prototypes",
                "-Wredundant-decls",
            ],
        ),
        ("c++", "cc", &["-std=c++11", "-Wredundant-decls"]),
    ];
    let mut failures = Vec::new();
    for (compiler, ext, flags) in compilers {
        if Command::new(compiler).arg("--version").output().is_err() {
            eprintln!("skipped {compiler}: not installed");
            continue;
        }
        for header in &headers {
            let src = work.join(format!("alone.{ext}"));
            std::fs::write(&src, format!("#include <{header}>\nint oxpcap_probe;\n")).unwrap();
            let out = Command::new(compiler)
                .args(flags)
                .args(["-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"])
                .arg("-I")
                .arg(&include)
                .arg(&src)
                .output()
                .expect("run the compiler");
            if !out.status.success() {
                failures.push(format!(
                    "{compiler} <{header}>:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every macro libpcap's headers define, ours define with an identical replacement list (as
/// `cc -dM` prints them: same tokens, same spacing between them), and we define no others
/// but our own include guards. Identical definitions also mean a program that mixes ours
/// with other headers defining the same BPF macros gets no "redefined" warnings.
#[test]
fn macros_are_libpcaps() {
    bless_if_asked();
    if !Path::new("/usr/include/pcap/pcap.h").exists() {
        eprintln!("skipped: the system libpcap headers (libpcap-dev) are not installed");
        return;
    }
    let work = std::env::temp_dir().join(format!("oxpcap-header-macros-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let public = [
        "pcap.h",
        "pcap-bpf.h",
        "pcap-namedb.h",
        "pcap/sll.h",
        "pcap/vlan.h",
        "pcap/usb.h",
        "pcap/nflog.h",
        "pcap/ipnet.h",
        "pcap/can_socketcan.h",
        "pcap/bluetooth.h",
    ];
    let all = work.join("all.c");
    let includes: String = public.iter().map(|h| format!("#include <{h}>\n")).collect();
    std::fs::write(&all, includes).unwrap();
    // What the system headers the pcap headers include define on their own.
    let base = work.join("base.c");
    std::fs::write(
        &base,
        [
            "sys/types.h",
            "sys/time.h",
            "sys/socket.h",
            "netdb.h",
            "netinet/in.h",
        ]
        .iter()
        .chain(&["arpa/inet.h", "stdio.h", "inttypes.h"])
        .map(|h| format!("#include <{h}>\n"))
        .collect::<String>(),
    )
    .unwrap();
    let macros = |src: &Path, ours: bool| -> BTreeSet<String> {
        let mut cmd = Command::new("cc");
        cmd.args(["-dM", "-E"]);
        if ours {
            cmd.arg("-I").arg(root().join("include"));
        }
        let out = cmd.arg(src).output().expect("run cc -dM");
        assert!(out.status.success(), "cc -dM -E {} failed", src.display());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    };
    let base = macros(&base, false);
    let theirs: BTreeSet<String> = macros(&all, false).difference(&base).cloned().collect();
    let ours: BTreeSet<String> = macros(&all, true)
        .difference(&base)
        .filter(|m| !m.starts_with("#define oxpcap_"))
        .cloned()
        .collect();
    let _ = std::fs::remove_dir_all(&work);
    assert!(
        theirs.len() > 400,
        "found only {} libpcap macros",
        theirs.len()
    );
    let missing: Vec<_> = theirs.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "macro definitions differ from libpcap's:\n  libpcap only: {missing:#?}\n  ours only: {extra:#?}"
    );
}

/// The type names libpcap's headers declare (every typedef, and every struct, union and
/// enum tag) that the C library's own headers do not: ours declare the same set.
#[test]
fn type_names_are_libpcaps() {
    bless_if_asked();
    if !Path::new("/usr/include/pcap/pcap.h").exists() {
        eprintln!("skipped: the system libpcap headers (libpcap-dev) are not installed");
        return;
    }
    let work = std::env::temp_dir().join(format!("oxpcap-header-types-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let all = work.join("all.c");
    std::fs::write(
        &all,
        "#include <pcap.h>\n#include <pcap-namedb.h>\n#include <pcap/sll.h>\n\
         #include <pcap/vlan.h>\n#include <pcap/usb.h>\n#include <pcap/nflog.h>\n\
         #include <pcap/ipnet.h>\n#include <pcap/can_socketcan.h>\n#include <pcap/bluetooth.h>\n",
    )
    .unwrap();
    let types = |ours: bool| -> BTreeSet<String> {
        let mut cmd = Command::new("cc");
        cmd.args(["-E", "-P"]);
        if ours {
            cmd.arg("-I").arg(root().join("include"));
        }
        let out = cmd.arg(&all).output().expect("run cc -E");
        assert!(out.status.success(), "cc -E failed");
        declared_types(&String::from_utf8_lossy(&out.stdout))
    };
    let (theirs, ours) = (types(false), types(true));
    let _ = std::fs::remove_dir_all(&work);
    assert!(theirs.contains("pcap_t") && theirs.contains("struct pcap_pkthdr"));
    let missing: Vec<_> = theirs.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "type names differ from libpcap's:\n  libpcap only: {missing:?}\n  ours only: {extra:?}"
    );
}

/// Typedef names and `struct`/`union`/`enum` tags declared in preprocessed C text. A rough
/// reader of top-level statements, good enough for header text.
fn declared_types(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> Option<String> {
        let s: String = s
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!s.is_empty()).then_some(s)
    };
    let mut names = BTreeSet::new();
    for kind in ["struct", "union", "enum"] {
        for piece in text.split(kind).skip(1) {
            // A tag follows the keyword directly (not for an anonymous `struct {`).
            if piece.starts_with(char::is_whitespace) {
                if let Some(tag) = ident(piece) {
                    names.insert(format!("{kind} {tag}"));
                }
            }
        }
    }
    let mut depth = 0usize;
    let mut statement = String::new();
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                let s = statement.trim();
                if let Some(rest) = s.strip_prefix("typedef") {
                    let name = match rest.split_once("(*") {
                        Some((_, after)) => ident(after),
                        None => rest
                            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .find(|w| !w.is_empty())
                            .map(str::to_owned),
                    };
                    names.extend(name);
                }
                statement.clear();
                continue;
            }
            _ => {}
        }
        if depth == 0 && c != '}' {
            statement.push(c);
        }
    }
    names
}
