// The default theme is compiled into the binary (include_dir!), which does
// not tell Cargo to rebuild when a template changes: this does.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
