//! `Digester`: the JS face of the core's streaming [`SelectiveHasher`] (SHA-256, SHA-384
//! and SHA-512 of one byte stream, or the ones asked for, in one pass, in constant memory).
//! The hashing is the core's; this module only copies JS bytes into wasm memory and hands
//! the digests back.

use intoto_verify::digest::{HashAlgorithm, SelectiveHasher};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How many bytes are copied from JS memory into wasm memory at a time, whatever the size
/// of the chunk handed to `update`: a 2 GB `Uint8Array` costs 64 KiB of wasm memory.
const COPY_BLOCK: u32 = 64 * 1024;

/// A streaming hasher: `new Digester()` (SHA-256, SHA-384 and SHA-512) or
/// `new Digester(["sha256"])` (only those named), `.update(bytes)` any number of times,
/// then `.finalize()` for `{sha256, sha384, sha512}` (the ones computed) in hex.
///
/// `update` takes a `Uint8Array` (a Node `Buffer` is one), any other `ArrayBuffer` view,
/// or an `ArrayBuffer`, and copies it into wasm memory in 64 KiB blocks, so memory use is
/// constant however large the chunks or the stream. Anything else, or a call after
/// `finalize`, throws an `Error` whose `code` is `digester-input-invalid` or
/// `digester-finalized`; an algorithm list that is not a non-empty array of `"sha256"`,
/// `"sha384"`, `"sha512"` throws `digester-algorithm-invalid`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Digester {
    state: Option<SelectiveHasher>,
    length: u64,
    buffer: Vec<u8>,
}

#[wasm_bindgen]
impl Digester {
    /// A fresh digester for the algorithms named (`"sha256"`, `"sha384"`, `"sha512"`), or
    /// for all three when `algorithms` is `undefined` or `null`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "DigestAlgorithm[] | null | undefined")]
        algorithms: JsValue,
    ) -> Result<Digester, JsValue> {
        let chosen = if algorithms.is_undefined() || algorithms.is_null() {
            HashAlgorithm::ALL.to_vec()
        } else {
            algorithms_from(&algorithms)?
        };
        Ok(Digester {
            state: Some(SelectiveHasher::new(&chosen)),
            length: 0,
            buffer: Vec::new(),
        })
    }

    /// Feeds the next chunk of the stream.
    pub fn update(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBufferView | ArrayBuffer")]
        chunk: JsValue,
    ) -> Result<(), JsValue> {
        let Some(state) = self.state.as_mut() else {
            return Err(coded_error(
                "digester-finalized",
                "Digester.update called after finalize",
            ));
        };
        let bytes = as_uint8_array(chunk)?;
        let total = bytes.length();
        let mut at = 0u32;
        while at < total {
            let end = total.min(at.saturating_add(COPY_BLOCK));
            let n = (end - at) as usize;
            self.buffer.resize(n, 0);
            bytes.subarray(at, end).copy_to(&mut self.buffer);
            state.update(&self.buffer);
            at = end;
        }
        self.length = state.bytes_hashed();
        Ok(())
    }

    /// The digests of everything fed: `{sha256, sha384, sha512}` (those the digester was
    /// made for), lowercase hex (a DigestSet, so it can be passed as `artifactDigest` as
    /// it is). The digester is finished after this.
    #[wasm_bindgen(unchecked_return_type = "Partial<Digests>")]
    pub fn finalize(&mut self) -> Result<JsValue, JsValue> {
        let Some(state) = self.state.take() else {
            return Err(coded_error(
                "digester-finalized",
                "Digester.finalize called twice",
            ));
        };
        self.buffer = Vec::new();
        let out = js_sys::Object::new();
        for (name, hex) in state.finalize().0 {
            js_sys::Reflect::set(&out, &JsValue::from_str(&name), &JsValue::from_str(&hex))?;
        }
        Ok(out.into())
    }

    /// How many bytes were fed so far.
    #[wasm_bindgen(getter, js_name = bytesHashed)]
    pub fn bytes_hashed(&self) -> f64 {
        self.length as f64
    }
}

/// The algorithms of a constructor argument: a non-empty array of known names.
fn algorithms_from(value: &JsValue) -> Result<Vec<HashAlgorithm>, JsValue> {
    let invalid = || {
        coded_error(
            "digester-algorithm-invalid",
            "Digester takes a non-empty array of \"sha256\", \"sha384\", \"sha512\"",
        )
    };
    let Some(list) = value.dyn_ref::<js_sys::Array>() else {
        return Err(invalid());
    };
    if list.length() == 0 {
        return Err(invalid());
    }
    list.iter()
        .map(|v| {
            v.as_string()
                .and_then(|name| HashAlgorithm::from_name(&name))
                .ok_or_else(invalid)
        })
        .collect()
}

/// The chunk as a `Uint8Array` over the same memory (no copy), or a coded `Error`.
fn as_uint8_array(chunk: JsValue) -> Result<js_sys::Uint8Array, JsValue> {
    if let Some(a) = chunk.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(a.clone());
    }
    if let Some(b) = chunk.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(b));
    }
    if js_sys::ArrayBuffer::is_view(&chunk) {
        let buffer = js_sys::Reflect::get(&chunk, &JsValue::from_str("buffer"))?;
        let offset = js_sys::Reflect::get(&chunk, &JsValue::from_str("byteOffset"))?;
        let length = js_sys::Reflect::get(&chunk, &JsValue::from_str("byteLength"))?;
        if let (Some(offset), Some(length)) = (offset.as_f64(), length.as_f64()) {
            return Ok(js_sys::Uint8Array::new_with_byte_offset_and_length(
                &buffer,
                offset as u32,
                length as u32,
            ));
        }
    }
    Err(coded_error(
        "digester-input-invalid",
        "Digester.update takes a Uint8Array, an ArrayBuffer view or an ArrayBuffer",
    ))
}

/// An `Error` with a stable `code` property.
fn coded_error(code: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("code"), &JsValue::from_str(code));
    e.into()
}
