//! # intoto-verify
//!
//! A verifier for in-toto supply-chain metadata that does no I/O: layouts, links, DSSE
//! envelopes and keys arrive as bytes, the current time arrives as an argument, and the
//! answer is a report that explains itself.
//!
//! The modules are small and named for what they decide:
//!
//! * [`json`]: strict JSON parsing (duplicate keys, depth and size limits);
//! * [`canonical`]: securesystemslib canonical JSON;
//! * [`keys`]: public keys (PEM, DER, securesystemslib key objects), keyids, fingerprints;
//! * [`signature`]: signature verification for every securesystemslib scheme;
//! * [`dsse`]: DSSE envelopes, PAE and threshold verification;
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod canonical;
pub mod dsse;
pub mod json;
pub mod keys;
pub mod signature;
