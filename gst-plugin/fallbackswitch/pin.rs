//! Empty: a package needs a target; this one only pins gst-plugin-fallbackswitch (Cargo.toml).
