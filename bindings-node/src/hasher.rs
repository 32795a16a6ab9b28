//! `Hasher`: the core's streaming [`digest::Hasher`] (SHA-256, SHA-384 and SHA-512 in one
//! pass, constant memory) as a JavaScript class.
//!
//! Like `crypto.Hash`, `update` returns the hasher (so calls chain) and `digest` can be
//! called once: afterwards `update` and `digest` throw an `Error` with `code`
//! `ERR_CRYPTO_HASH_FINALIZED`.
// `deny`, not `forbid`: the #[napi] class glue allows unsafe code for itself; the
// hand-written code here has none.
#![deny(unsafe_code)]

use crate::errors::{type_name, ArgError};
use intoto_verify::digest;
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, This, Uint8ArraySlice, Unknown};
use napi::{Env, Error, JsError, JsValue, Result, ValueType};
use napi_derive::napi;

/// Streaming SHA-256, SHA-384 and SHA-512 of one byte stream, in one pass and constant
/// memory (the core's `digest::Hasher`). Feed it chunks with `update`, then call `digest`.
/// `digestFile(path)` and `digestStream(readable)` stream a file or a stream through it.
#[napi]
pub struct Hasher {
    inner: Option<digest::Hasher>,
    length: u64,
}

fn finalized(env: &Env) -> Error {
    let js = JsError::from(Error::new(
        "ERR_CRYPTO_HASH_FINALIZED",
        "Hasher: digest() was already called".to_owned(),
    ))
    .into_unknown(*env);
    Error::from(js)
}

#[napi]
impl Hasher {
    /// A hasher that has seen no bytes.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Hasher {
        Hasher {
            inner: Some(digest::Hasher::new()),
            length: 0,
        }
    }

    /// Feeds the next chunk: a `Buffer` or any `Uint8Array` (read in place, not copied), or
    /// a string (hashed as UTF-8). Returns the hasher.
    #[napi(ts_args_type = "data: Uint8Array | string", ts_return_type = "this")]
    pub fn update<'env>(
        &mut self,
        env: &'env Env,
        this: This<'env>,
        data: Unknown<'env>,
    ) -> Result<Object<'env>> {
        let Some(inner) = self.inner.as_mut() else {
            return Err(finalized(env));
        };
        let bad = || {
            ArgError::Type(format!(
                "data must be a Buffer, a Uint8Array or a string, got {}",
                type_name(&data)
            ))
            .into_napi(env)
        };
        match data.get_type()? {
            ValueType::String => inner.update(String::from_unknown(data)?.as_bytes()),
            ValueType::Object if data.is_typedarray()? => {
                let slice = Uint8ArraySlice::from_unknown(data).map_err(|_| bad())?;
                inner.update(slice.as_ref());
            }
            _ => return Err(bad()),
        }
        self.length = inner.bytes_hashed();
        Ok(this.object)
    }

    /// Bytes fed so far.
    #[napi(getter)]
    pub fn length(&self) -> f64 {
        self.length as f64
    }

    /// The digests of everything fed, in lowercase hex, and the number of bytes hashed:
    /// `{ sha256, sha384, sha512, length }`. Can be called once.
    #[napi(ts_return_type = "Digests")]
    pub fn digest<'env>(&mut self, env: &'env Env) -> Result<Object<'env>> {
        let Some(inner) = self.inner.take() else {
            return Err(finalized(env));
        };
        digests_object(env, &inner.finalize())
    }
}

/// `{ sha256, sha384, sha512, length }` with `length` a number (exact below 2^53 bytes).
pub fn digests_object<'env>(env: &'env Env, d: &digest::Digests) -> Result<Object<'env>> {
    let mut obj = Object::new(env)?;
    obj.set_named_property("sha256", d.sha256.as_str())?;
    obj.set_named_property("sha384", d.sha384.as_str())?;
    obj.set_named_property("sha512", d.sha512.as_str())?;
    obj.set_named_property("length", d.length as f64)?;
    Ok(obj)
}
