//! Rebuild when the embedded theme or scaffold changes: `include_dir!` does not
//! notice files that are added or removed.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=scaffold");
}
