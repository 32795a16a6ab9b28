//! Link files read from a directory, on demand.

use intoto_verify::verify::LinkSource;
use std::borrow::Cow;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Reads `name` below `dir` when the verifier asks for it.
pub struct DirLinks {
    dir: PathBuf,
    max_bytes: usize,
}

impl DirLinks {
    /// Links under `dir`; files are read up to `max_bytes + 1` bytes (the parser then
    /// reports an oversized file with its own error).
    pub fn new(dir: &Path, max_bytes: usize) -> Self {
        DirLinks {
            dir: dir.to_path_buf(),
            max_bytes,
        }
    }
}

impl LinkSource for DirLinks {
    fn get(&self, name: &str) -> Option<Cow<'_, [u8]>> {
        let rel = Path::new(name);
        // Step names come from the layout: never let one leave the link directory.
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let file = std::fs::File::open(self.dir.join(rel)).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() {
            return None;
        }
        // Sized up front: a link can be tens of megabytes, and `take` hides the size.
        let expected = usize::try_from(meta.len()).unwrap_or(usize::MAX);
        let mut buf = Vec::with_capacity(expected.min(self.max_bytes.saturating_add(1)));
        file.take(self.max_bytes as u64 + 1)
            .read_to_end(&mut buf)
            .ok()?;
        Some(Cow::Owned(buf))
    }
}
