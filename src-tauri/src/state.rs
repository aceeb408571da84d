//! What the desktop shell keeps between commands: the profiles (and through them the
//! store), one session per window, and the running streams. Each window shows its own
//! profile and region: a tail window keeps its session while the main window switches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use lambda_deck::aws::ConnectionSummary;
use lambda_deck::keystore::KeyStore;
use lambda_deck::preferences::{Appearance, Preferences};
use lambda_deck::profiles::{Profiles, ACTIVE_PROFILE_SETTING};
use lambda_deck::session::{Session, SessionChoice};
use lambda_deck::store::sealing::Sealer;
use lambda_deck::store::Store;
use lambda_deck::Error;

use crate::streams::StreamRegistry;
use crate::tails::TailWindows;
use crate::windows::MAIN_WINDOW;

pub struct AppState {
    profiles: Profiles,
    sessions: Mutex<Sessions>,
    streams: StreamRegistry,
    tails: TailWindows,
    /// The appearance saved when the app started (each page's first paint uses it).
    startup_appearance: Appearance,
}

struct Sessions {
    by_window: HashMap<String, Arc<Session>>,
    /// What a window without a session of its own starts on: the profile the main window
    /// showed last (restored from the store at start-up).
    default_choice: SessionChoice,
    /// The newest switch asked for per window: an older one still resolving loses.
    latest_switch: HashMap<String, u64>,
    switches: u64,
}

/// What happened to a profile in Settings, for the windows showing it.
#[derive(Debug, Clone, Copy)]
pub enum ProfileChange<'a> {
    /// Added or edited, maybe renamed from `from`.
    Saved {
        from: Option<&'a str>,
        to: &'a str,
    },
    Removed(&'a str),
}

impl AppState {
    /// Opens the local store (moving an unreadable one aside, or falling back to memory;
    /// the store's notice says which) and the profile the app showed last. Runs once,
    /// before the async runtime, so it may read the store directly.
    pub fn open() -> Self {
        let store = match Store::default_path() {
            Ok(path) => Store::open_or_recover(&path),
            Err(err) => Store::unavailable(&err),
        };
        if let Some(notice) = store.notice() {
            eprintln!("lambda-deck: {}", notice.message);
        }
        let last_profile = store.setting(ACTIVE_PROFILE_SETTING).ok().flatten();
        let startup_appearance = Preferences::load(&store).map(|p| p.appearance).unwrap_or_default();
        let profiles = Profiles::new(store, KeyStore::system());
        seal_environment_values(&profiles);
        Self::new(profiles, last_profile, startup_appearance)
    }

    fn new(profiles: Profiles, last_profile: Option<String>, startup_appearance: Appearance) -> Self {
        AppState {
            startup_appearance,
            profiles,
            sessions: Mutex::new(Sessions {
                by_window: HashMap::new(),
                default_choice: SessionChoice { profile: last_profile, ..SessionChoice::default() },
                latest_switch: HashMap::new(),
                switches: 0,
            }),
            streams: StreamRegistry::default(),
            tails: TailWindows::default(),
        }
    }

    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    pub fn streams(&self) -> &StreamRegistry {
        &self.streams
    }

    pub fn tails(&self) -> &TailWindows {
        &self.tails
    }

    pub fn startup_appearance(&self) -> Appearance {
        self.startup_appearance
    }

    /// The window's session, started on the default choice the first time it is asked for.
    pub fn session(&self, window: &str) -> Result<Arc<Session>, Error> {
        let mut sessions = self.sessions();
        if let Some(session) = sessions.by_window.get(window) {
            return Ok(session.clone());
        }
        let session = Arc::new(Session::new(self.profiles.clone(), sessions.default_choice.clone())?);
        sessions.by_window.insert(window.to_string(), session.clone());
        Ok(session)
    }

    /// A new window (a tail) starts on the profile and region `from` shows now, and keeps
    /// them when `from` switches later.
    pub fn share_session(&self, from: &str, window: &str) -> Result<(), Error> {
        let session = self.session(from)?;
        self.sessions().by_window.insert(window.to_string(), session);
        Ok(())
    }

    /// Switches a window to another profile and region, without connecting, so its saved
    /// data can show at once. What the window was running is cancelled. The main window's
    /// profile is remembered for the next start. When switches of one window overlap, the
    /// last one asked for wins; the others end as `cancelled`.
    pub async fn select(&self, window: &str, choice: SessionChoice) -> Result<ConnectionSummary, Error> {
        let ticket = {
            let mut sessions = self.sessions();
            sessions.switches += 1;
            let ticket = sessions.switches;
            sessions.latest_switch.insert(window.to_string(), ticket);
            ticket
        };
        let session = Arc::new(Session::new(self.profiles.clone(), choice.clone())?);
        let summary = session.describe().await?;
        if !self.is_latest_switch(window, ticket) {
            return Err(Error::Cancelled);
        }
        if let (MAIN_WINDOW, Some(profile)) = (window, &choice.profile) {
            self.profiles.set_active_profile(profile).await?;
        }
        let mut sessions = self.sessions();
        if sessions.latest_switch.get(window) != Some(&ticket) {
            return Err(Error::Cancelled);
        }
        self.streams.cancel_window(window);
        sessions.by_window.insert(window.to_string(), session);
        if window == MAIN_WINDOW {
            sessions.default_choice = choice;
        }
        Ok(summary)
    }

    /// Switches a window to another region, keeping its profile (also "the environment's",
    /// which has no name to select it by).
    pub async fn select_region(&self, window: &str, region: String) -> Result<ConnectionSummary, Error> {
        let current = self.session(window)?.choice().clone();
        self.select(window, SessionChoice { region: Some(region), ..current }).await
    }

    /// After a profile was saved or removed: every window resolves its profile again on
    /// its next call, under its new name when it was renamed; windows on a removed profile
    /// fall back to the environment's.
    pub fn profiles_changed(&self, change: ProfileChange<'_>) {
        let follow = |choice: &mut SessionChoice| match change {
            ProfileChange::Saved { from: Some(from), to } if choice.profile.as_deref() == Some(from) => {
                choice.profile = Some(to.to_string());
            }
            ProfileChange::Removed(name) if choice.profile.as_deref() == Some(name) => choice.profile = None,
            _ => {}
        };
        let mut sessions = self.sessions();
        let mut renewed = HashMap::new();
        for (window, session) in &sessions.by_window {
            let mut choice = session.choice().clone();
            follow(&mut choice);
            if let Ok(fresh) = Session::new(self.profiles.clone(), choice) {
                renewed.insert(window.clone(), Arc::new(fresh));
            }
        }
        sessions.by_window = renewed;
        follow(&mut sessions.default_choice);
    }

    fn is_latest_switch(&self, window: &str, ticket: u64) -> bool {
        self.sessions().latest_switch.get(window) == Some(&ticket)
    }

    /// A window closed: everything it started stops at once, and its session (and a tail
    /// window's lines) go.
    pub fn forget_window(&self, window: &str) {
        self.streams.cancel_window(window);
        self.tails.remove(window);
        let mut sessions = self.sessions();
        sessions.by_window.remove(window);
        sessions.latest_switch.remove(window);
    }

    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The store seals function environment values with its key from the keyring. The keyring
/// may be slow or wait on its unlock prompt, so the key is fetched off the start-up path;
/// until it arrives (or when there is no keyring) details are saved without their values.
fn seal_environment_values(profiles: &Profiles) {
    let (store, keystore) = (profiles.store().clone(), profiles.keystore().clone());
    tauri::async_runtime::spawn(async move {
        match keystore.data_key().await {
            Ok(key) => store.set_sealer(Sealer::new(&key)),
            Err(err) => eprintln!("lambda-deck: environment values will not be saved on this computer: {err}"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_deck::profiles::{CredentialSource, ProfileInput};
    use lambda_deck::ErrorCode;

    async fn state_with_profiles(names: &[&str]) -> AppState {
        let profiles =
            Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()));
        for name in names {
            profiles
                .add(ProfileInput {
                    name: name.to_string(),
                    region: "eu-west-1".into(),
                    endpoint_url: Some("http://127.0.0.1:9".into()),
                    source: CredentialSource::Keyring,
                    aws_cli_profile: None,
                    access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
                    secret_access_key: Some("not-a-real-secret".into()),
                    session_token: None,
                })
                .await
                .unwrap();
        }
        AppState::new(profiles, Some(names[0].to_string()), Appearance::System)
    }

    fn choice(profile: &str, region: Option<&str>) -> SessionChoice {
        SessionChoice { profile: Some(profile.into()), region: region.map(str::to_string), endpoint_url: None }
    }

    #[tokio::test]
    async fn of_two_overlapping_switches_of_a_window_the_last_asked_for_wins() {
        let state = state_with_profiles(&["work", "play"]).await;
        let (first, second) =
            tokio::join!(state.select("main", choice("work", None)), state.select("main", choice("play", None)));
        assert_eq!(first.unwrap_err().code(), ErrorCode::Cancelled);
        assert_eq!(second.unwrap().profile, "play");
        assert_eq!(state.session("main").unwrap().choice().profile.as_deref(), Some("play"));
    }

    #[tokio::test]
    async fn each_window_keeps_its_own_profile_and_region() {
        let state = state_with_profiles(&["work", "play"]).await;
        state.select("tail-1", choice("play", Some("us-east-1"))).await.unwrap();
        state.select("main", choice("work", None)).await.unwrap();
        state.select_region("main", "ap-southeast-2".into()).await.unwrap();
        let (main, tail) = (state.session("main").unwrap(), state.session("tail-1").unwrap());
        assert_eq!(
            main.scope().await.unwrap(),
            lambda_deck::Scope { profile: "work".into(), region: "ap-southeast-2".into() }
        );
        assert_eq!(
            tail.scope().await.unwrap(),
            lambda_deck::Scope { profile: "play".into(), region: "us-east-1".into() }
        );
        state.share_session("tail-1", "tail-2").unwrap();
        state.select("tail-1", choice("work", None)).await.unwrap();
        assert_eq!(
            state.session("tail-2").unwrap().choice().profile.as_deref(),
            Some("play"),
            "a shared session stays when its opener switches"
        );
        state.forget_window("tail-1");
        assert_eq!(
            state.session("tail-1").unwrap().choice().profile.as_deref(),
            Some("work"),
            "a new window starts on the main window's"
        );
    }

    #[tokio::test]
    async fn a_window_follows_its_profile_when_it_is_renamed_or_removed() {
        let state = state_with_profiles(&["work", "play"]).await;
        state.select("main", choice("work", Some("us-east-1"))).await.unwrap();
        state.select("tail-1", choice("play", None)).await.unwrap();

        state.profiles_changed(ProfileChange::Saved { from: Some("work"), to: "office" });
        state.profiles_changed(ProfileChange::Removed("play"));

        let main = state.session("main").unwrap().choice().clone();
        assert_eq!((main.profile.as_deref(), main.region.as_deref()), (Some("office"), Some("us-east-1")));
        assert_eq!(state.session("tail-1").unwrap().choice().profile, None, "the environment's");
    }

    #[tokio::test]
    async fn a_mistyped_region_leaves_the_window_as_it_was() {
        let state = state_with_profiles(&["work"]).await;
        state.select("main", choice("work", None)).await.unwrap();
        let err = state.select_region("main", "eu-wset-1".into()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(state.session("main").unwrap().choice().region, None);
    }
}
