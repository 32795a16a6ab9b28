//! `Hasher` and `Digests`: the core's streaming SHA-256/384/512 hasher for Python.
//!
//! `bytes` chunks are hashed in place; other bytes-like objects (`bytearray`,
//! `memoryview`, `array`, `mmap`, ...) are copied out in blocks of [`BLOCK`] bytes, so a
//! chunk of any size costs at most one block of memory. The GIL is released while a
//! chunk (or block) of at least [`DETACH_AT`] bytes is hashed, so other threads run
//! meanwhile; smaller chunks are hashed with it held (releasing costs more than they do).

use intoto_verify::digest::Hasher as CoreHasher;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyMemoryView, PySlice, PyString};

/// Largest block copied out of a bytes-like object that is not `bytes`.
const BLOCK: usize = 1 << 20;
/// Chunks at least this long are hashed without the GIL.
const DETACH_AT: usize = 16 * 1024;

/// SHA-256, SHA-384 and SHA-512 of one byte stream, in one pass and constant memory.
///
/// ``Hasher()``, then ``update(chunk)`` any number of times with chunks of any size,
/// then ``finalize()`` for the :class:`Digests`. A hasher is finalized once; ``update``
/// or ``finalize`` after that raise ``ValueError``. Use one hasher per thread.
#[pyclass(module = "intoto_verify", name = "Hasher")]
pub struct Hasher {
    state: Option<CoreHasher>,
}

fn hash_bytes(py: Python<'_>, state: &mut CoreHasher, bytes: &[u8]) {
    if bytes.len() >= DETACH_AT {
        py.detach(|| state.update(bytes));
    } else {
        state.update(bytes);
    }
}

#[pymethods]
impl Hasher {
    /// A hasher that has seen no bytes.
    #[new]
    fn new() -> Hasher {
        Hasher {
            state: Some(CoreHasher::new()),
        }
    }

    /// Feeds the next chunk: ``bytes`` or any other bytes-like object (``bytearray``,
    /// ``memoryview``, ...), of any size, including empty.
    fn update(&mut self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let state = self
            .state
            .as_mut()
            .ok_or_else(|| PyValueError::new_err("Hasher.update called after finalize"))?;
        if let Ok(b) = data.cast::<PyBytes>() {
            hash_bytes(py, state, b.as_bytes());
            return Ok(());
        }
        if data.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "Hasher.update: a str must be encoded to bytes first",
            ));
        }
        let mut view = PyMemoryView::from(data).map_err(|_| {
            PyTypeError::new_err(format!(
                "Hasher.update: expected a bytes-like object, not {}",
                data.get_type()
                    .qualname()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|_| "?".into())
            ))
        })?;
        let flat = view.getattr("ndim")?.extract::<usize>()? == 1
            && view.getattr("itemsize")?.extract::<usize>()? == 1;
        if !flat {
            // One byte per item; raises TypeError for a view that is not C-contiguous.
            view = view
                .call_method1("cast", ("B",))?
                .cast_into::<PyMemoryView>()?;
        }
        let result = (|| -> PyResult<()> {
            let len = view.len()?;
            let mut start = 0;
            while start < len {
                let end = len.min(start + BLOCK);
                let slice = PySlice::new(py, start as isize, end as isize, 1);
                let block = view.get_item(slice)?.call_method0("tobytes")?;
                hash_bytes(py, state, block.cast::<PyBytes>()?.as_bytes());
                start = end;
            }
            Ok(())
        })();
        // Release the export now, so a bytearray can be resized again at once.
        view.call_method0("release")?;
        result
    }

    /// How many bytes were fed so far.
    #[getter]
    fn length(&self) -> PyResult<u64> {
        self.state
            .as_ref()
            .map(CoreHasher::bytes_hashed)
            .ok_or_else(|| PyValueError::new_err("the Hasher was finalized"))
    }

    /// The digests of everything fed. The hasher cannot be used afterwards.
    fn finalize(&mut self) -> PyResult<Digests> {
        let state = self
            .state
            .take()
            .ok_or_else(|| PyValueError::new_err("Hasher.finalize called twice"))?;
        let d = state.finalize();
        Ok(Digests {
            sha256: d.sha256,
            sha384: d.sha384,
            sha512: d.sha512,
            length: d.length,
        })
    }

    fn __repr__(&self) -> String {
        match &self.state {
            Some(s) => format!("<intoto_verify.Hasher length={}>", s.bytes_hashed()),
            None => "<intoto_verify.Hasher finalized>".to_owned(),
        }
    }
}

/// The digests a :class:`Hasher` computed: lowercase hex ``sha256``, ``sha384``,
/// ``sha512``, and the ``length`` hashed. Pass it as ``artifact_digest`` to
/// ``verify_attestation``.
#[pyclass(module = "intoto_verify", name = "Digests", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digests {
    /// SHA-256, 64 hex characters.
    sha256: String,
    /// SHA-384, 96 hex characters.
    sha384: String,
    /// SHA-512, 128 hex characters.
    sha512: String,
    /// Bytes hashed.
    length: u64,
}

#[pymethods]
impl Digests {
    #[new]
    fn new(sha256: String, sha384: String, sha512: String, length: u64) -> Digests {
        Digests {
            sha256,
            sha384,
            sha512,
            length,
        }
    }

    /// The constructor's arguments, so that pickle (and multiprocessing) can copy it.
    fn __getnewargs__(&self) -> (String, String, String, u64) {
        (
            self.sha256.clone(),
            self.sha384.clone(),
            self.sha512.clone(),
            self.length,
        )
    }

    /// ``{"sha256": ..., "sha384": ..., "sha512": ...}``: an in-toto DigestSet.
    fn to_digest_set<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("sha256", &self.sha256)?;
        d.set_item("sha384", &self.sha384)?;
        d.set_item("sha512", &self.sha512)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "Digests(sha256={:?}, sha384={:?}, sha512={:?}, length={})",
            self.sha256, self.sha384, self.sha512, self.length
        )
    }
}
