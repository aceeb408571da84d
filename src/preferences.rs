//! The user's preferences that are not about AWS: the appearance (light, dark, or the
//! OS setting) and the command palette's recent picks. Kept in the store's settings.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::store::{run_blocking, Store};
use crate::Error;

const APPEARANCE_SETTING: &str = "appearance";
const RECENT_PICKS_SETTING: &str = "palette_recent_picks";
/// How many recent palette picks are remembered.
pub const MAX_RECENT_PICKS: usize = 20;
/// The longest palette item id accepted (a function ARN with a tab fits easily).
const MAX_PICK_LENGTH: usize = 300;

/// Light, dark, or whatever the OS says (followed live).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Appearance {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preferences {
    pub appearance: Appearance,
    /// Palette item ids, most recent first.
    pub recent_picks: Vec<String>,
}

impl Preferences {
    /// The saved preferences; a value that no longer reads falls back to its default.
    pub fn load(store: &Store) -> Result<Self, Error> {
        let appearance =
            store.setting(APPEARANCE_SETTING)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
        let recent_picks =
            store.setting(RECENT_PICKS_SETTING)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
        Ok(Preferences { appearance, recent_picks })
    }

    pub async fn load_saved(store: &Arc<Store>) -> Result<Self, Error> {
        run_blocking(store, Self::load).await
    }

    pub async fn set_appearance(store: &Arc<Store>, appearance: Appearance) -> Result<Self, Error> {
        run_blocking(store, move |store| {
            store.set_setting(APPEARANCE_SETTING, Some(&to_json(&appearance)?))?;
            Self::load(store)
        })
        .await
    }

    /// Puts a palette pick first among the recent ones (once), keeping the newest
    /// [`MAX_RECENT_PICKS`].
    pub async fn record_pick(store: &Arc<Store>, id: String) -> Result<Self, Error> {
        if id.trim().is_empty() || id.len() > MAX_PICK_LENGTH {
            return Err(Error::InvalidInput(format!(
                "A palette pick is 1 to {MAX_PICK_LENGTH} characters (got {}).",
                id.len()
            )));
        }
        run_blocking(store, move |store| {
            let mut picks = Self::load(store)?.recent_picks;
            picks.retain(|p| p != &id);
            picks.insert(0, id);
            picks.truncate(MAX_RECENT_PICKS);
            store.set_setting(RECENT_PICKS_SETTING, Some(&to_json(&picks)?))?;
            Self::load(store)
        })
        .await
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::Internal(format!("saving a preference: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[tokio::test]
    async fn appearance_defaults_to_the_os_and_is_kept() {
        let store = Store::in_memory().unwrap();
        assert_eq!(Preferences::load_saved(&store).await.unwrap().appearance, Appearance::System);
        Preferences::set_appearance(&store, Appearance::Dark).await.unwrap();
        assert_eq!(Preferences::load_saved(&store).await.unwrap().appearance, Appearance::Dark);
    }

    #[tokio::test]
    async fn recent_picks_put_the_newest_first_once_and_stay_bounded() {
        let store = Store::in_memory().unwrap();
        for i in 0..25 {
            Preferences::record_pick(&store, format!("function:f{i}")).await.unwrap();
        }
        let picks = Preferences::record_pick(&store, "function:f20".into()).await.unwrap().recent_picks;
        assert_eq!(picks.len(), MAX_RECENT_PICKS);
        assert_eq!(&picks[..3], ["function:f20", "function:f24", "function:f23"]);
        assert_eq!(picks.iter().filter(|p| *p == "function:f20").count(), 1);
    }

    #[tokio::test]
    async fn an_unreadable_value_falls_back_and_a_bad_pick_is_refused() {
        let store = Store::in_memory().unwrap();
        store.set_setting(APPEARANCE_SETTING, Some("\"sepia\"")).unwrap();
        assert_eq!(Preferences::load(&store).unwrap().appearance, Appearance::System);
        let err = Preferences::record_pick(&store, " ".into()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
    }
}
