//! Static keys in the OS keyring (Secret Service on Linux), one entry per profile, and
//! the local store's data key (store/sealing.rs), in an entry of its own.
//!
//! Every keyring call blocks (D-Bus round trips, maybe an unlock prompt), so each runs
//! under `spawn_blocking`. Keyring errors are mapped to three plain states and are never
//! formatted with `{:?}`: keyring-core's `BadEncoding` would print the secret's bytes.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};
use tokio::sync::OnceCell;

use crate::secrets::{Secret, StaticKeys};
use crate::store::sealing::DataKey;
use crate::Error;

/// The keyring "service" under which every Lambda Deck entry is filed.
pub const SERVICE: &str = "lambda-deck";

/// The entry (user) of the local store's data key. A profile's entry is named after the
/// profile, and a profile name has only letters, digits, spaces, '.', '_' and '-'
/// (profiles/validation.rs): no profile can take this one (':').
pub const DATA_KEY_ENTRY: &str = "lambda-deck:store-data-key";

/// Where static keys live. Cheap to clone; connects to the keyring on first use, so
/// commands that need no key never touch it.
#[derive(Clone)]
pub struct KeyStore {
    store: Arc<OnceCell<Option<Arc<CredentialStore>>>>,
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyStore")
    }
}

impl KeyStore {
    /// The system keyring (the Secret Service on the session bus). When there is none,
    /// every call says "No system keyring is available".
    pub fn system() -> Self {
        KeyStore { store: Arc::new(OnceCell::new()) }
    }

    /// A specific store (keyring-core's mock store in tests).
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        KeyStore { store: Arc::new(OnceCell::new_with(Some(Some(store)))) }
    }

    async fn credential_store(&self) -> Option<Arc<CredentialStore>> {
        self.store
            .get_or_init(|| async {
                tokio::task::spawn_blocking(|| {
                    zbus_secret_service_keyring_store::Store::new().ok().map(|s| s as Arc<CredentialStore>)
                })
                .await
                .ok()
                .flatten()
            })
            .await
            .clone()
    }

    /// Saves the keys of `profile`, replacing what was there.
    pub async fn save(&self, profile: &str, keys: &StaticKeys) -> Result<(), Error> {
        let encoded = encode(keys);
        self.with_entry(profile, move |entry| entry.set_password(encoded.expose())).await
    }

    /// The keys of `profile`; `Error::KeysMissing` when the entry is gone.
    pub async fn load(&self, profile: &str) -> Result<StaticKeys, Error> {
        let profile_name = profile.to_string();
        let stored = self.with_entry(profile, |entry| entry.get_password().map(Secret::new)).await?;
        decode(&stored).ok_or(Error::KeysMissing(profile_name))
    }

    /// Removes the keys of `profile`; a missing entry is not an error.
    pub async fn delete(&self, profile: &str) -> Result<(), Error> {
        match self.with_entry(profile, |entry| entry.delete_credential()).await {
            Err(Error::KeysMissing(_)) => Ok(()),
            other => other,
        }
    }

    /// The local store's data key, created and saved the first time (or when the entry no
    /// longer holds a whole key). Fails when the keyring is unavailable or locked: the store
    /// then keeps environment variable names only.
    pub async fn data_key(&self) -> Result<DataKey, Error> {
        let read = || self.with_entry(DATA_KEY_ENTRY, |entry| entry.get_password().map(Secret::new));
        match read().await {
            Ok(text) => {
                if let Some(key) = DataKey::from_text(text.expose()) {
                    return Ok(key);
                }
            }
            Err(Error::KeysMissing(_)) => {}
            Err(err) => return Err(err),
        }
        let fresh = DataKey::generate().ok_or_else(|| Error::Internal("no random numbers for a new key".into()))?;
        let text = fresh.to_text();
        self.with_entry(DATA_KEY_ENTRY, move |entry| entry.set_password(text.expose())).await?;
        // The app and `ldeck` may both have made one just now: the keyring's copy wins.
        let saved = read().await.map_err(|_| Error::Internal("the keyring lost the new store key".into()))?;
        DataKey::from_text(saved.expose())
            .ok_or_else(|| Error::Internal("the keyring altered the new store key".into()))
    }

    async fn with_entry<T: Send + 'static>(
        &self,
        profile: &str,
        call: impl FnOnce(&Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<T, Error> {
        let Some(store) = self.credential_store().await else { return Err(Error::KeyringUnavailable) };
        let profile = profile.to_string();
        tokio::task::spawn_blocking(move || {
            let entry = store.build(SERVICE, &profile, None).map_err(|e| map_keyring_error(e, &profile))?;
            call(&entry).map_err(|e| map_keyring_error(e, &profile))
        })
        .await
        .map_err(|e| Error::Internal(format!("keyring task failed: {e}")))?
    }
}

/// The three states a user can act on. Only variant names are used, never the payloads.
fn map_keyring_error(err: keyring_core::Error, profile: &str) -> Error {
    match err {
        keyring_core::Error::NoEntry => Error::KeysMissing(profile.to_string()),
        keyring_core::Error::NoStorageAccess(_) => Error::KeyringLocked,
        keyring_core::Error::PlatformFailure(_) | keyring_core::Error::NoDefaultStore => Error::KeyringUnavailable,
        keyring_core::Error::BadEncoding(_) | keyring_core::Error::BadDataFormat(..) => {
            Error::KeysMissing(profile.to_string())
        }
        _ => Error::Internal("the keyring refused the request".to_string()),
    }
}

/// One keyring entry holds the whole key set: `id\nsecret[\ntoken]`. Key ids, secrets and
/// tokens never contain a newline.
fn encode(keys: &StaticKeys) -> Secret {
    let mut text = format!("{}\n{}", keys.access_key_id, keys.secret_access_key.expose());
    if let Some(token) = &keys.session_token {
        text.push('\n');
        text.push_str(token.expose());
    }
    Secret::new(text)
}

fn decode(stored: &Secret) -> Option<StaticKeys> {
    let mut parts = stored.expose().split('\n');
    let access_key_id = parts.next().filter(|p| !p.is_empty())?.to_string();
    let secret_access_key = Secret::new(parts.next().filter(|p| !p.is_empty())?);
    let session_token = parts.next().filter(|p| !p.is_empty()).map(Secret::new);
    Some(StaticKeys { access_key_id, secret_access_key, session_token })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use keyring_core::mock;

    fn keys(token: Option<&str>) -> StaticKeys {
        StaticKeys {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            session_token: token.map(Secret::new),
        }
    }

    fn mock_keystore() -> (KeyStore, Arc<mock::Store>) {
        let store = mock::Store::new().unwrap();
        (KeyStore::with_store(store.clone()), store)
    }

    /// Makes the next call on `profile`'s mock entry fail with `err`.
    fn inject(store: &Arc<mock::Store>, profile: &str, err: keyring_core::Error) {
        let entry = keyring_core::api::CredentialStoreApi::build(store.as_ref(), SERVICE, profile, None).unwrap();
        let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(err);
    }

    #[tokio::test]
    async fn keys_round_trip_with_and_without_token() {
        let (keystore, _) = mock_keystore();
        keystore.save("work", &keys(Some("token-1"))).await.unwrap();
        keystore.save("play", &keys(None)).await.unwrap();

        let work = keystore.load("work").await.unwrap();
        let play = keystore.load("play").await.unwrap();

        assert_eq!(work.access_key_id, "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(work.secret_access_key.expose(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assert_eq!(work.session_token.as_ref().map(Secret::expose), Some("token-1"));
        assert!(play.session_token.is_none());
    }

    #[tokio::test]
    async fn delete_removes_the_entry_and_is_idempotent() {
        let (keystore, _) = mock_keystore();
        keystore.save("work", &keys(None)).await.unwrap();
        keystore.delete("work").await.unwrap();
        keystore.delete("work").await.unwrap();
        let err = keystore.load("work").await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeysMissing);
        assert_eq!(err.to_string(), "The keys of profile \"work\" are not in the keyring: enter them again.");
    }

    #[tokio::test]
    async fn a_locked_keyring_says_so() {
        let (keystore, store) = mock_keystore();
        keystore.save("work", &keys(None)).await.unwrap();
        inject(&store, "work", keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::other("locked"))));
        let err = keystore.load("work").await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeyringLocked);
        assert!(err.to_string().starts_with("The keyring is locked"), "{err}");
        // The failure was one call: a retry after unlocking works.
        assert!(keystore.load("work").await.is_ok());
    }

    #[tokio::test]
    async fn a_platform_failure_means_no_keyring() {
        let (keystore, store) = mock_keystore();
        inject(&store, "work", keyring_core::Error::PlatformFailure(Box::new(std::io::Error::other("no dbus"))));
        let err = keystore.save("work", &keys(None)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeyringUnavailable);
        assert!(err.to_string().starts_with("No system keyring is available"), "{err}");
    }

    #[tokio::test]
    async fn bad_encoding_never_leaks_the_bytes() {
        let (keystore, store) = mock_keystore();
        inject(&store, "work", keyring_core::Error::BadEncoding(b"super-secret-bytes".to_vec()));
        let err = keystore.load("work").await.unwrap_err();
        let shown = format!("{err} {err:?} {}", err.to_payload().message);
        assert!(!shown.contains("super-secret-bytes"), "{shown}");
        assert_eq!(err.code(), ErrorCode::KeysMissing);
    }

    #[tokio::test]
    async fn without_a_keyring_every_call_says_so() {
        let keystore = KeyStore { store: Arc::new(OnceCell::new_with(Some(None))) };
        let err = keystore.load("any").await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeyringUnavailable);
    }
}
