//! What the desktop shell keeps between commands: the profiles (and through them the
//! store), one session per window, and the running streams. Each window shows its own profile and region: a tail window keeps its
//! session while the main window switches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use lambda_deck::aws::ConnectionSummary;
use lambda_deck::keystore::KeyStore;
use lambda_deck::profiles::{Profiles, ACTIVE_PROFILE_SETTING};
use lambda_deck::session::{Session, SessionChoice};
use lambda_deck::store::Store;
use lambda_deck::Error;

use crate::streams::StreamRegistry;
use crate::windows::MAIN_WINDOW;

pub struct AppState {
    profiles: Profiles,
    sessions: Mutex<Sessions>,
    streams: StreamRegistry,
}

struct Sessions {
    by_window: HashMap<String, Arc<Session>>,
    /// What a window without a session of its own starts on: the profile the main window
    /// showed last (restored from the store at start-up).
    default_choice: SessionChoice,
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
        AppState {
            profiles: Profiles::new(store, KeyStore::system()),
            sessions: Mutex::new(Sessions {
                by_window: HashMap::new(),
                default_choice: SessionChoice { profile: last_profile, ..SessionChoice::default() },
            }),
            streams: StreamRegistry::default(),
        }
    }

    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    pub fn streams(&self) -> &StreamRegistry {
        &self.streams
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

    /// Switches a window to another profile and region, without connecting, so its saved
    /// data can show at once. What the window was running is cancelled. The main window's
    /// profile is remembered for the next start.
    pub async fn select(&self, window: &str, choice: SessionChoice) -> Result<ConnectionSummary, Error> {
        let session = Arc::new(Session::new(self.profiles.clone(), choice.clone())?);
        let summary = session.describe().await?;
        self.streams.cancel_window(window);
        {
            let mut sessions = self.sessions();
            sessions.by_window.insert(window.to_string(), session);
            if window == MAIN_WINDOW {
                sessions.default_choice = choice.clone();
            }
        }
        if let (MAIN_WINDOW, Some(profile)) = (window, &choice.profile) {
            self.profiles.set_active_profile(profile).await?;
        }
        Ok(summary)
    }

    /// After a profile was saved or removed: every window resolves its profile again on
    /// its next call; windows on a removed profile fall back to the environment's.
    pub fn profiles_changed(&self, removed: Option<&str>) {
        let mut sessions = self.sessions();
        let mut renewed = HashMap::new();
        for (window, session) in &sessions.by_window {
            let mut choice = session.choice().clone();
            if removed.is_some() && choice.profile.as_deref() == removed {
                choice.profile = None;
            }
            if let Ok(fresh) = Session::new(self.profiles.clone(), choice) {
                renewed.insert(window.clone(), Arc::new(fresh));
            }
        }
        sessions.by_window = renewed;
        if removed.is_some() && sessions.default_choice.profile.as_deref() == removed {
            sessions.default_choice.profile = None;
        }
    }

    /// A window closed: everything it started stops at once, and its session goes.
    pub fn forget_window(&self, window: &str) {
        self.streams.cancel_window(window);
        self.sessions().by_window.remove(window);
    }

    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
