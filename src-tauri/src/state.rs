//! What the desktop shell keeps between commands: the local store, the profiles, the
//! active selection and the running refresh.

use std::sync::Arc;

use lambda_deck::aws::{AwsConnection, ConnectionSummary, ProfileSelection, Scope};
use lambda_deck::keystore::KeyStore;
use lambda_deck::profiles::Profiles;
use lambda_deck::store::Store;
use lambda_deck::Error;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

/// The profile and region the window shows, and their connection once resolved.
#[derive(Default)]
struct Active {
    /// `None`: what the environment selects, as the AWS CLI would (AWS_PROFILE, …).
    profile: Option<String>,
    region: Option<String>,
    connection: Option<AwsConnection>,
}

pub struct AppState {
    store: Arc<Store>,
    profiles: Profiles,
    active: Mutex<Active>,
    /// The function-list refresh in flight, if any.
    refresh: std::sync::Mutex<RunningRefresh>,
}

/// Refreshes are numbered so that a finished one does not forget a newer one's handle.
#[derive(Default)]
struct RunningRefresh {
    generation: u64,
    token: Option<CancellationToken>,
}

/// What a refresh command holds while it runs.
pub struct RefreshHandle {
    generation: u64,
    pub token: CancellationToken,
}

impl AppState {
    /// Opens the local store (a private in-memory one if the file cannot be opened, so the
    /// window still works) and restores the profile the app showed last.
    pub fn open() -> Self {
        let store = Store::open_default().unwrap_or_else(|err| {
            eprintln!("lambda-deck: the local store is unavailable ({err}); nothing will be kept after closing");
            Store::in_memory().expect("an in-memory SQLite store")
        });
        let profiles = Profiles::new(store.clone(), KeyStore::system());
        let profile = profiles.active_profile_name().ok().flatten();
        AppState {
            store,
            profiles,
            active: Mutex::new(Active { profile, ..Active::default() }),
            refresh: std::sync::Mutex::new(RunningRefresh::default()),
        }
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    /// The active profile, region and endpoint, found without the network or the keyring,
    /// so saved data shows even when neither is available.
    pub async fn describe(&self) -> Result<ConnectionSummary, Error> {
        let named = {
            let active = self.active.lock().await;
            if let Some(connection) = &active.connection {
                return Ok(connection.summary().clone());
            }
            active.profile.clone().map(|name| (name, active.region.clone()))
        };
        match named {
            Some((name, region)) => self.profiles.describe(&name, region.as_deref()).await,
            // The environment's selection opens no keyring and makes no call: connect.
            None => Ok(self.connection().await?.summary().clone()),
        }
    }

    /// Where the active selection's saved data lives.
    pub async fn scope(&self) -> Result<Scope, Error> {
        Ok(self.describe().await?.scope())
    }

    /// A cancel handle for a new refresh; a refresh still running is cancelled (one at a time).
    pub fn start_refresh(&self) -> RefreshHandle {
        let mut running = self.running_refresh();
        if let Some(previous) = running.token.take() {
            previous.cancel();
        }
        running.generation += 1;
        let handle = RefreshHandle { generation: running.generation, token: CancellationToken::new() };
        running.token = Some(handle.token.clone());
        handle
    }

    /// Forgets a refresh that ended, unless a newer one has replaced it.
    pub fn finish_refresh(&self, handle: &RefreshHandle) {
        let mut running = self.running_refresh();
        if running.generation == handle.generation {
            running.token = None;
        }
    }

    pub fn cancel_refresh(&self) {
        if let Some(token) = self.running_refresh().token.take() {
            token.cancel();
        }
    }

    fn running_refresh(&self) -> std::sync::MutexGuard<'_, RunningRefresh> {
        self.refresh.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The active connection, resolved once and reused until the selection changes.
    pub async fn connection(&self) -> Result<AwsConnection, Error> {
        let mut active = self.active.lock().await;
        if let Some(connection) = &active.connection {
            return Ok(connection.clone());
        }
        let connection = match &active.profile {
            Some(name) => self.profiles.connect(name, active.region.as_deref()).await?,
            None => {
                let selection = ProfileSelection { region: active.region.clone(), ..ProfileSelection::default() };
                AwsConnection::resolve(&selection).await?
            }
        };
        active.connection = Some(connection.clone());
        Ok(connection)
    }

    /// Switches profile and region (cancelling a refresh of the previous one) without
    /// connecting yet, so the new profile's saved data can show at once; remembered for
    /// the next start.
    pub async fn select(&self, profile: String, region: Option<String>) -> Result<ConnectionSummary, Error> {
        self.cancel_refresh();
        let summary = self.profiles.describe(&profile, region.as_deref()).await?;
        self.profiles.set_active_profile(&profile)?;
        *self.active.lock().await = Active { profile: Some(profile), region, connection: None };
        Ok(summary)
    }

    /// Forgets the resolved connection (after the active profile was edited or removed).
    pub async fn invalidate(&self, removed: Option<&str>) {
        let mut active = self.active.lock().await;
        active.connection = None;
        if removed.is_some() && active.profile.as_deref() == removed {
            active.profile = None;
        }
    }
}
