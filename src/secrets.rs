//! Secret values: kept in Rust, never serialized, never printed.

use std::fmt;

/// A secret string (a secret access key, a session token). It has no `Serialize`, its
/// `Debug` and `Display` print a placeholder, and its memory is overwritten on drop.
/// Read it only where it is handed to the SDK or the keyring: [`Secret::expose`].
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Every caller is a place where the secret leaves this type:
    /// keep them few (the keyring write, the SDK credentials).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Clone for Secret {
    fn clone(&self) -> Self {
        Secret(self.0.clone())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**redacted**)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Best effort: overwrite the bytes before the allocation is freed.
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.fill(0);
        std::hint::black_box(&bytes);
    }
}

/// Static AWS keys as typed by the user. The key id is not secret (AWS shows it in the
/// console); the UI still only ever sees its last four characters.
#[derive(Clone)]
pub struct StaticKeys {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
}

impl fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticKeys")
            .field("access_key_id", &key_id_hint(&self.access_key_id))
            .field("secret_access_key", &self.secret_access_key)
            .field("has_session_token", &self.session_token.is_some())
            .finish()
    }
}

/// `…WXYZ`: the last four characters of a key id, as the AWS console shows it.
pub fn key_id_hint(access_key_id: &str) -> String {
    let chars: Vec<char> = access_key_id.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let keys = StaticKeys {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            session_token: Some(Secret::new("session-token-value")),
        };
        let printed = format!("{keys:?} {:?}", keys.secret_access_key);
        assert!(!printed.contains("wJalrXUtnFEMI"), "{printed}");
        assert!(!printed.contains("session-token-value"), "{printed}");
        assert!(!printed.contains("AKIAIOSFODNN7EXAMPLE"), "{printed}");
        assert!(printed.contains("…MPLE"), "{printed}");
    }

    #[test]
    fn key_id_hint_keeps_the_last_four() {
        assert_eq!(key_id_hint("AKIAIOSFODNN7EXAMPLE"), "…MPLE");
        assert_eq!(key_id_hint("abc"), "…abc");
    }
}
