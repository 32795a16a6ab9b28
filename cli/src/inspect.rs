//! Running inspections the way in-toto 3.1.0 does: the command in the working directory,
//! with every regular file of that directory recorded (sha256) before and after.
//!
//! Recording follows `in_toto.runlib.record_artifacts_as_dict(["."])`: names relative to
//! the directory with `/` separators, symlinked files and directories followed, broken
//! links and special files skipped, and the default exclude patterns `*.link*`, `.git`,
//! `*.pyc`, `*~` applied to every path component (gitignore style). Unlike the reference,
//! the inspection's link is not written to the working directory.

use intoto_verify::model::{Artifacts, DigestSet};
use intoto_verify::pattern::Pattern;
use intoto_verify::verify::{InspectionRequest, InspectionResult, InspectionRunner};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXCLUDES: [&str; 4] = ["*.link*", ".git", "*.pyc", "*~"];

/// Runs inspection commands in a directory.
pub struct CommandRunner {
    dir: PathBuf,
    timeout: Duration,
    excludes: Vec<Pattern>,
}

impl CommandRunner {
    /// Runs in `dir`, killing commands after `timeout`.
    pub fn new(dir: PathBuf, timeout: Duration) -> Self {
        CommandRunner {
            dir,
            timeout,
            excludes: EXCLUDES
                .iter()
                .filter_map(|p| Pattern::new(p).ok())
                .collect(),
        }
    }

    fn excluded(&self, component: &str) -> bool {
        self.excludes.iter().any(|p| p.matches(component))
    }

    /// Every regular file below the directory, hashed.
    pub fn record(&self) -> Result<Artifacts, String> {
        let mut out = Vec::new();
        let mut seen_dirs = Vec::new();
        self.walk(&self.dir, "", &mut out, &mut seen_dirs, 0)?;
        Ok(out.into_iter().collect())
    }

    fn walk(
        &self,
        dir: &Path,
        prefix: &str,
        out: &mut Vec<(String, DigestSet)>,
        seen: &mut Vec<PathBuf>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > 64 {
            return Ok(());
        }
        // Symlinked directories are followed; guard against loops.
        if let Ok(real) = std::fs::canonicalize(dir) {
            if seen.contains(&real) {
                return Ok(());
            }
            seen.push(real);
        }
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().replace('\\', "/");
            if self.excluded(&name) {
                continue;
            }
            let path = entry.path();
            let rel = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let Ok(meta) = std::fs::metadata(&path) else {
                continue; // broken symlink
            };
            if meta.is_dir() {
                self.walk(&path, &rel, out, seen, depth + 1)?;
            } else if meta.is_file() {
                let digest = hash_file(&path)?;
                out.push((rel, DigestSet::from([("sha256".to_owned(), digest)])));
            }
        }
        if let Ok(real) = std::fs::canonicalize(dir) {
            seen.retain(|p| *p != real);
        }
        Ok(())
    }
}

fn hash_file(path: &Path) -> Result<String, String> {
    let mut f =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or(&[]));
    }
    Ok(hex::encode(h.finalize()))
}

impl InspectionRunner for CommandRunner {
    fn run(&mut self, request: &InspectionRequest<'_>) -> Result<InspectionResult, String> {
        let Some((program, args)) = request.run.split_first() else {
            return Err(format!(
                "inspection {:?} has no command to run",
                request.name
            ));
        };
        let materials = self.record()?;
        let mut child = Command::new(program)
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("inspection {:?}: cannot run {program:?}: {e}", request.name))?;
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if start.elapsed() >= self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "inspection {:?} did not finish within {:?}",
                        request.name, self.timeout
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(format!("inspection {:?}: {e}", request.name)),
            }
        };
        let products = self.record()?;
        Ok(InspectionResult {
            return_value: i64::from(status.code().unwrap_or(-1)),
            materials,
            products,
        })
    }
}
