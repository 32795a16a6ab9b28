//! The `intoto-verify` command line, as a library function.
