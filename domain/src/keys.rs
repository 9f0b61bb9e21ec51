//! One way to sign with a server key: the key is first derived for one
//! purpose (`context`), so a tag made for one thing — an appointment link,
//! a verification code, a refresh successor, an access-log row, an anchor
//! line, a second-factor ticket — can never pass for another made with the
//! same key. And one way to compare secrets.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// An HMAC-SHA-256 under `key` derived for `context`, ready for `update`.
pub(crate) fn keyed_mac(key: &[u8], context: &[u8]) -> Hmac<Sha256> {
    let mut derive = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    derive.update(context);
    Hmac::<Sha256>::new_from_slice(&derive.finalize().into_bytes()).expect("any key length")
}

/// Lower-case hex, as every stored hash and tag is written.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal without telling, by its timing, how much of it was: for codes,
/// tags and hashes compared with what a client sent.
pub(crate) fn same(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> bool {
    constant_time_eq::constant_time_eq(a.as_ref(), b.as_ref())
}
