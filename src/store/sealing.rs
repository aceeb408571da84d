//! Function environment values in the store: they often hold secrets, so the store never
//! writes them in clear. With the data key from the OS keyring (keystore.rs) each value is
//! sealed (ChaCha20-Poly1305, a random nonce per value); without one only the names are
//! written. Names stay readable either way.
//!
//! On disk an environment entry of the configuration section is `{"name": "API_KEY",
//! "value": "sealed:v1:<base64 of nonce and ciphertext>"}`, or `{"name": "API_KEY"}` when
//! there was no key. Values this process fetched but could not seal are kept in memory
//! only, so a refresh (and what is read back until the app closes) still shows them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rusqlite::{params, Connection};
use serde_json::{Map, Value};

use super::functions::StoredSection;
use super::Store;
use crate::scope::Scope;
use crate::secrets::Secret;

/// The detail section that holds environment variables.
pub(super) const CONFIGURATION_SECTION: &str = "configuration";

/// What a configuration read from the store says (in `environment_error`) when some of its
/// values are not there: saved without a key, or sealed with a key that is gone.
pub const VALUES_NOT_SAVED: &str =
    "The values of these variables are not saved on this computer (no key in the system keyring): refresh to fetch them.";

const SEALED_PREFIX: &str = "sealed:v1:";
const NONCE_BYTES: usize = 12;
const KEY_BYTES: usize = 32;
/// How many functions' unsealed values are kept in memory at most.
const KEPT_FUNCTIONS: usize = 256;
/// Set once the plaintext values an older release saved were removed from the file.
const PLAINTEXT_REMOVED_SETTING: &str = "store.environment_plaintext_removed";

/// The store's 256-bit data key. It never prints, and its bytes are overwritten on drop.
pub struct DataKey([u8; KEY_BYTES]);

impl DataKey {
    /// A fresh random key; `None` if the OS has no random numbers to give.
    pub fn generate() -> Option<Self> {
        <[u8; KEY_BYTES]>::try_generate().ok().map(DataKey)
    }

    /// The key as it is kept in the keyring (base64). `None` unless it is a whole key.
    pub fn from_text(text: &str) -> Option<Self> {
        let mut bytes = BASE64.decode(text.trim()).ok()?;
        let key = <[u8; KEY_BYTES]>::try_from(bytes.as_slice()).ok().map(DataKey);
        bytes.fill(0);
        key
    }

    /// The key as it is kept in the keyring (base64).
    pub fn to_text(&self) -> Secret {
        Secret::new(BASE64.encode(self.0))
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(**redacted**)")
    }
}

impl Drop for DataKey {
    fn drop(&mut self) {
        self.0.fill(0);
        std::hint::black_box(&self.0);
    }
}

/// Seals and opens environment values with the data key, if there is one.
pub struct Sealer {
    cipher: Option<ChaCha20Poly1305>,
}

impl Sealer {
    pub fn new(key: &DataKey) -> Self {
        Sealer { cipher: Some(ChaCha20Poly1305::new(&Key::from(key.0))) }
    }

    /// No key: nothing is sealed, so values are not written.
    pub fn without_key() -> Self {
        Sealer { cipher: None }
    }

    pub fn has_key(&self) -> bool {
        self.cipher.is_some()
    }

    /// `value` sealed for the variable `name` (it opens under that name only), as
    /// `sealed:v1:<base64>`; `None` without a key.
    pub fn seal(&self, name: &str, value: &str) -> Option<String> {
        let cipher = self.cipher.as_ref()?;
        let nonce = Nonce::try_generate().ok()?;
        let ciphertext = cipher.encrypt(&nonce, Payload { msg: value.as_bytes(), aad: name.as_bytes() }).ok()?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Some(format!("{SEALED_PREFIX}{}", BASE64.encode(sealed)))
    }

    /// The value sealed for `name`; `None` without a key, with another key, for another
    /// name, or when the text was altered.
    pub fn unseal(&self, name: &str, sealed: &str) -> Option<String> {
        let cipher = self.cipher.as_ref()?;
        let bytes = BASE64.decode(sealed.strip_prefix(SEALED_PREFIX)?).ok()?;
        if bytes.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce = Nonce::try_from(nonce).ok()?;
        let plain = cipher.decrypt(&nonce, Payload { msg: ciphertext, aad: name.as_bytes() }).ok()?;
        String::from_utf8(plain).ok()
    }

    pub fn is_sealed(text: &str) -> bool {
        text.starts_with(SEALED_PREFIX)
    }
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer").field("has_key", &self.has_key()).finish()
    }
}

/// The store's part: its sealer (none until the key arrives from the keyring) and the
/// values it could not seal, in memory only, per function and fetch.
pub(super) struct Sealing {
    sealer: RwLock<Arc<Sealer>>,
    kept: Mutex<HashMap<(Scope, String), KeptValues>>,
}

struct KeptValues {
    fetched_at: String,
    values: HashMap<String, Secret>,
}

impl Default for Sealing {
    fn default() -> Self {
        Sealing { sealer: RwLock::new(Arc::new(Sealer::without_key())), kept: Mutex::new(HashMap::new()) }
    }
}

impl fmt::Debug for Sealing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealing").field("sealer", &self.sealer()).finish_non_exhaustive()
    }
}

impl Sealing {
    pub(super) fn sealer(&self) -> Arc<Sealer> {
        self.sealer.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<(Scope, String), KeptValues>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The body of `section` as it is written to disk: environment values sealed, or left
    /// out (and kept in memory) without a key. Other sections are written as they are.
    pub(super) fn body_to_write<'a>(
        &self,
        scope: &Scope,
        function_name: &str,
        section: &'a StoredSection,
    ) -> Cow<'a, str> {
        if section.section != CONFIGURATION_SECTION {
            return Cow::Borrowed(&section.body);
        }
        let Some((body, unsealed)) = seal_environment(&self.sealer(), &section.body) else {
            return Cow::Borrowed(&section.body);
        };
        let key = (scope.clone(), function_name.to_string());
        let mut kept = self.kept();
        if unsealed.is_empty() {
            kept.remove(&key);
        } else {
            if kept.len() >= KEPT_FUNCTIONS && !kept.contains_key(&key) {
                if let Some(other) = kept.keys().next().cloned() {
                    kept.remove(&other);
                }
            }
            kept.insert(key, KeptValues { fetched_at: section.fetched_at.clone(), values: unsealed });
        }
        Cow::Owned(body)
    }

    /// The body of `section` as read from disk, with its environment values opened (or
    /// taken from memory when this process fetched them); values that are in neither are
    /// empty and the section says so.
    pub(super) fn open_saved(&self, scope: &Scope, function_name: &str, section: &mut StoredSection) {
        if section.section != CONFIGURATION_SECTION {
            return;
        }
        let kept = self.kept();
        let kept = kept
            .get(&(scope.clone(), function_name.to_string()))
            .filter(|k| k.fetched_at == section.fetched_at)
            .map(|k| &k.values);
        if let Some(body) = open_environment(&self.sealer(), &section.body, kept) {
            section.body = body;
        }
    }
}

impl Store {
    /// From now on environment values are sealed with `sealer`'s key (or, without one, not
    /// written). Values saved before, without a key, stay unsaved until the next refresh.
    pub fn set_sealer(&self, sealer: Sealer) {
        *self.sealing.sealer.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(sealer);
    }

    /// Whether environment values are being saved (sealed) now.
    pub fn seals_environment_values(&self) -> bool {
        self.sealing.sealer().has_key()
    }
}

/// The environment entries of a configuration body, if it has any.
fn environment_entries(body: &mut Value) -> Option<&mut Vec<Value>> {
    body.get_mut("environment")?.as_array_mut().filter(|entries| !entries.is_empty())
}

/// `body` with every environment value sealed, or left out when it cannot be, and the
/// values left out. `None` when the body has no environment to change.
fn seal_environment(sealer: &Sealer, body: &str) -> Option<(String, HashMap<String, Secret>)> {
    let mut parsed: Value = serde_json::from_str(body).ok()?;
    let entries = environment_entries(&mut parsed)?;
    let mut unsealed = HashMap::new();
    for entry in entries.iter_mut() {
        let Value::Object(fields) = entry else { continue };
        let name = fields.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let mut rebuilt = Map::new();
        for (field, value) in std::mem::take(fields) {
            if field != "value" {
                rebuilt.insert(field, value);
                continue;
            }
            // The value is never written as it is: sealed, or not at all.
            let Value::String(value) = value else { continue };
            match sealer.seal(&name, &value) {
                Some(sealed) => {
                    rebuilt.insert(field, Value::String(sealed));
                }
                None => {
                    unsealed.insert(name.clone(), Secret::new(value));
                }
            }
        }
        *fields = rebuilt;
    }
    Some((parsed.to_string(), unsealed))
}

/// `body` with every environment value opened: unsealed, else taken from `kept`, else
/// empty (and the section says values are missing). A value an older release saved in
/// clear is passed on. `None` when the body has no environment to change.
fn open_environment(sealer: &Sealer, body: &str, kept: Option<&HashMap<String, Secret>>) -> Option<String> {
    let mut parsed: Value = serde_json::from_str(body).ok()?;
    let entries = environment_entries(&mut parsed)?;
    let mut missing = false;
    for entry in entries.iter_mut() {
        let Value::Object(fields) = entry else { continue };
        let name = fields.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let value = match fields.get("value").and_then(Value::as_str) {
            Some(plain) if !Sealer::is_sealed(plain) => continue,
            Some(sealed) => sealer.unseal(&name, sealed),
            None => None,
        };
        let value = value.or_else(|| kept.and_then(|kept| kept.get(&name)).map(|v| v.expose().to_string()));
        missing |= value.is_none();
        fields.insert("value".to_string(), Value::String(value.unwrap_or_default()));
    }
    if missing {
        if let Some(error @ Value::Null) = parsed.get_mut("environment_error") {
            *error = Value::String(VALUES_NOT_SAVED.to_string());
        }
    }
    Some(parsed.to_string())
}

/// Removes, once per store file, the environment values an older release saved in clear
/// (a refresh fetches them again). Runs when the store opens, on its connection.
pub(super) fn remove_plaintext_values(connection: &mut Connection) -> rusqlite::Result<()> {
    let done: Option<String> = rusqlite::OptionalExtension::optional(connection.query_row(
        "SELECT value FROM settings WHERE key = ?1",
        [PLAINTEXT_REMOVED_SETTING],
        |row| row.get(0),
    ))?;
    if done.is_some() {
        return Ok(());
    }
    // Overwritten rows must not linger in the file's free space: zeroed while rewriting.
    let secure_delete: i64 = connection.query_row("PRAGMA secure_delete", [], |row| row.get(0))?;
    connection.execute_batch("PRAGMA secure_delete = ON;")?;
    let rewritten = strip_plaintext_rows(connection);
    let previous = match secure_delete {
        0 => "OFF",
        2 => "FAST",
        _ => "ON",
    };
    connection.execute_batch(&format!("PRAGMA secure_delete = {previous};"))?;
    if rewritten? > 0 {
        // Nor in the write-ahead log.
        connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

/// Leaves out every environment value of the saved configurations; how many were rewritten.
fn strip_plaintext_rows(connection: &mut Connection) -> rusqlite::Result<usize> {
    let without_key = Sealer::without_key();
    let tx = connection.transaction()?;
    let rows = tx
        .prepare(
            "SELECT profile, region, function_name, body FROM function_detail_sections
             WHERE section = ?1 AND body LIKE '%\"value\"%'",
        )?
        .query_map([CONFIGURATION_SECTION], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?
        .collect::<rusqlite::Result<Vec<(String, String, String, String)>>>()?;
    let mut rewritten = 0;
    for (profile, region, function_name, body) in rows {
        let Some((stripped, _)) = seal_environment(&without_key, &body) else { continue };
        tx.execute(
            "UPDATE function_detail_sections SET body = ?5
             WHERE profile = ?1 AND region = ?2 AND function_name = ?3 AND section = ?4",
            params![profile, region, function_name, CONFIGURATION_SECTION, stripped],
        )?;
        rewritten += 1;
    }
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [PLAINTEXT_REMOVED_SETTING],
    )?;
    tx.commit()?;
    Ok(rewritten)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer() -> Sealer {
        Sealer::new(&DataKey::generate().unwrap())
    }

    #[test]
    fn a_value_round_trips_and_is_never_in_the_sealed_text() {
        let sealer = sealer();
        let sealed = sealer.seal("API_KEY", "planted-secret-7f3a9c").unwrap();
        assert!(sealed.starts_with("sealed:v1:"), "{sealed}");
        assert!(!sealed.contains("planted-secret"), "{sealed}");
        assert_eq!(sealer.unseal("API_KEY", &sealed).as_deref(), Some("planted-secret-7f3a9c"));
        assert_eq!(sealer.unseal("API_KEY", &sealer.seal("API_KEY", "").unwrap()).as_deref(), Some(""));
        // A fresh nonce each time: the same value never seals the same way twice.
        assert_ne!(sealer.seal("API_KEY", "same").unwrap(), sealer.seal("API_KEY", "same").unwrap());
    }

    #[test]
    fn an_altered_value_does_not_open() {
        let sealer = sealer();
        let sealed = sealer.seal("API_KEY", "planted-secret-7f3a9c").unwrap();
        let mut bytes = BASE64.decode(sealed.strip_prefix(SEALED_PREFIX).unwrap()).unwrap();
        for index in [0, NONCE_BYTES, bytes.len() - 1] {
            bytes[index] ^= 1;
            let tampered = format!("{SEALED_PREFIX}{}", BASE64.encode(&bytes));
            assert_eq!(sealer.unseal("API_KEY", &tampered), None, "byte {index} flipped");
            bytes[index] ^= 1;
        }
        assert_eq!(sealer.unseal("API_KEY", &sealed[..sealed.len() - 4]), None, "truncated");
        assert_eq!(sealer.unseal("API_KEY", "sealed:v1:AAAA"), None, "too short");
        assert_eq!(sealer.unseal("API_KEY", "planted-secret-7f3a9c"), None, "not sealed");
        assert_eq!(sealer.unseal("OTHER_NAME", &sealed), None, "sealed for another variable");
    }

    #[test]
    fn another_key_or_no_key_opens_nothing() {
        let sealed = sealer().seal("API_KEY", "planted-secret-7f3a9c").unwrap();
        assert_eq!(sealer().unseal("API_KEY", &sealed), None);
        assert_eq!(Sealer::without_key().unseal("API_KEY", &sealed), None);
        assert_eq!(Sealer::without_key().seal("API_KEY", "planted-secret-7f3a9c"), None);
    }

    #[test]
    fn a_key_survives_its_keyring_text_and_never_prints() {
        let key = DataKey::generate().unwrap();
        let text = key.to_text();
        let again = DataKey::from_text(text.expose()).unwrap();
        let sealed = Sealer::new(&key).seal("A", "v").unwrap();
        assert_eq!(Sealer::new(&again).unseal("A", &sealed).as_deref(), Some("v"));
        assert!(DataKey::from_text("c2hvcnQ=").is_none(), "a short key is refused");
        assert!(DataKey::from_text("not base64!").is_none());
        let printed = format!("{key:?} {:?} {text:?}", Sealer::new(&key));
        assert!(!printed.contains(text.expose()), "{printed}");
        assert_eq!(printed, "DataKey(**redacted**) Sealer { has_key: true } Secret(**redacted**)");
    }

    #[test]
    fn a_body_is_sealed_entry_by_entry_and_keeps_its_other_fields() {
        let sealer = sealer();
        let body = r#"{"fetched_at":"t","environment":[{"name":"A","value":"planted-secret-7f3a9c"},{"name":"B","value":""}],"environment_error":null,"role":"r"}"#;

        let (sealed, unsealed) = seal_environment(&sealer, body).unwrap();
        assert!(!sealed.contains("planted-secret"), "{sealed}");
        assert!(unsealed.is_empty());
        let opened = open_environment(&sealer, &sealed, None).unwrap();
        assert_eq!(opened, body);

        let (stripped, unsealed) = seal_environment(&Sealer::without_key(), body).unwrap();
        assert_eq!(
            stripped,
            r#"{"fetched_at":"t","environment":[{"name":"A"},{"name":"B"}],"environment_error":null,"role":"r"}"#
        );
        assert_eq!(unsealed.get("A").map(Secret::expose), Some("planted-secret-7f3a9c"));
        let opened: Value = serde_json::from_str(&open_environment(&sealer, &stripped, None).unwrap()).unwrap();
        assert_eq!(opened["environment"][0], serde_json::json!({"name": "A", "value": ""}));
        assert_eq!(opened["environment_error"], VALUES_NOT_SAVED);
        let opened = open_environment(&sealer, &stripped, Some(&unsealed)).unwrap();
        assert_eq!(opened, body, "values kept in memory fill in");

        assert!(seal_environment(&sealer, "{}").is_none());
        assert!(seal_environment(&sealer, r#"{"environment":[]}"#).is_none());
        assert!(seal_environment(&sealer, "not json").is_none());
    }

    #[test]
    fn lambdas_own_environment_error_is_kept() {
        let body = r#"{"environment":[{"name":"A"}],"environment_error":"KMSAccessDenied: no"}"#;
        let opened: Value = serde_json::from_str(&open_environment(&sealer(), body, None).unwrap()).unwrap();
        assert_eq!(opened["environment_error"], "KMSAccessDenied: no");
    }
}
