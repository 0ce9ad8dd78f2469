//! Gives the shared object libpcap's SONAME so that programs linked against it record
//! `libpcap.so.1`, as they do with libpcap built from source.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpcap.so.1");
    println!("cargo:rerun-if-changed=build.rs");
}
