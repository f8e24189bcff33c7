//! `cargo xtask`: placeholder until the build commands land.
fn main() {}
