//! The name tables against the system libpcap 1.10.3, in one process: the system library is
//! loaded with `dlopen(RTLD_LOCAL)` (so its symbols never mix with ours) and asked for every
//! link-type value, timestamp type and status code; `crate::names` must answer the same.
//! Skips, saying why, when the system library is not installed.

use std::ffi::{c_char, c_int, c_void, CStr, CString};

use pcap::names::{dlt, status, tstamp, Named};

const SYSTEM_LIBPCAP: &CStr = c"libpcap.so.0.8";

struct System {
    handle: *mut c_void,
}

impl System {
    fn open() -> Option<System> {
        // SAFETY: dlopen with a valid C string; RTLD_LOCAL keeps its symbols out of ours.
        let handle =
            unsafe { libc::dlopen(SYSTEM_LIBPCAP.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        (!handle.is_null()).then_some(System { handle })
    }

    fn sym(&self, name: &CStr) -> *mut c_void {
        // SAFETY: handle is a live dlopen handle and name a C string.
        let f = unsafe { libc::dlsym(self.handle, name.as_ptr()) };
        assert!(!f.is_null(), "system libpcap lacks {name:?}");
        f
    }

    /// Calls a `const char *f(int)` of the system library.
    fn text_of(&self, name: &CStr, value: i32) -> Option<String> {
        // SAFETY: every function looked up through here has the C type const char *(int).
        let f: extern "C" fn(c_int) -> *const c_char =
            unsafe { std::mem::transmute(self.sym(name)) };
        let p = f(value);
        // SAFETY: libpcap returns NULL or a NUL-terminated string.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }

    /// Calls an `int f(const char *)` of the system library.
    fn value_of(&self, name: &CStr, arg: &[u8]) -> i32 {
        // SAFETY: every function looked up through here has the C type int (const char *).
        let f: extern "C" fn(*const c_char) -> c_int =
            unsafe { std::mem::transmute(self.sym(name)) };
        let arg = CString::new(arg).expect("no NUL in test names");
        f(arg.as_ptr())
    }
}

impl Drop for System {
    fn drop(&mut self) {
        // SAFETY: handle came from dlopen and is closed once.
        unsafe { libc::dlclose(self.handle) };
    }
}

fn system() -> Option<System> {
    let sys = System::open();
    if sys.is_none() {
        eprintln!("skipped: {SYSTEM_LIBPCAP:?} is not installed (apt-get install libpcap0.8)");
    }
    sys
}

#[test]
fn every_link_type_value_has_libpcaps_name_and_description() {
    let Some(sys) = system() else { return };
    let mut named = 0;
    for v in (-5..=70_000).chain([i32::MIN, i32::MAX, 0x0400_0001]) {
        let ours = dlt::by_value(v);
        assert_eq!(
            sys.text_of(c"pcap_datalink_val_to_name", v).as_deref(),
            ours.map(|t| t.name()),
            "name of {v}"
        );
        assert_eq!(
            sys.text_of(c"pcap_datalink_val_to_description", v)
                .as_deref(),
            ours.map(|t| t.description()),
            "description of {v}"
        );
        assert_eq!(
            sys.text_of(c"pcap_datalink_val_to_description_or_dlt", v)
                .as_deref(),
            Some(&*dlt::description_or_dlt(v)),
            "description_or_dlt of {v}"
        );
        named += usize::from(ours.is_some());
    }
    assert_eq!(named, dlt::TABLE.len());
}

/// Every byte 1..=255 in place of every character of every name in `table`: the system's
/// `call` and `ours` accept and refuse the same strings.
fn check_substitutions(
    sys: &System,
    call: &CStr,
    table: &[Named],
    ours: fn(&[u8]) -> Option<&'static Named>,
) {
    for t in table {
        for pos in 0..t.name().len() {
            for b in 1..=255u8 {
                let mut name = t.name().as_bytes().to_vec();
                name[pos] = b;
                let theirs = sys.value_of(call, &name);
                let ours = ours(&name).map_or(-1, |x| x.value);
                assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(&name));
            }
        }
    }
}

#[test]
fn every_byte_substitution_in_every_name_is_judged_alike() {
    let Some(sys) = system() else { return };
    check_substitutions(
        &sys,
        c"pcap_datalink_name_to_val",
        dlt::TABLE,
        dlt::by_name_bytes,
    );
    check_substitutions(
        &sys,
        c"pcap_tstamp_type_name_to_val",
        tstamp::TABLE,
        tstamp::by_name_bytes,
    );
}

#[test]
fn timestamp_types_and_status_codes_match() {
    let Some(sys) = system() else { return };
    for v in -3..=20 {
        let ours = tstamp::by_value(v);
        assert_eq!(
            sys.text_of(c"pcap_tstamp_type_val_to_name", v).as_deref(),
            ours.map(|t| t.name())
        );
        assert_eq!(
            sys.text_of(c"pcap_tstamp_type_val_to_description", v)
                .as_deref(),
            ours.map(|t| t.description())
        );
    }
    for code in (-40..=40).chain([-999_999_999, 999_999_999]) {
        assert_eq!(
            sys.text_of(c"pcap_statustostr", code).as_deref(),
            Some(&*status::describe(code)),
            "status {code}"
        );
    }
}
