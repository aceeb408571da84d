//! What the desktop shell keeps between commands: the profiles and the active selection.

use lambda_deck::aws::{AwsConnection, ConnectionSummary, ProfileSelection};
use lambda_deck::keystore::KeyStore;
use lambda_deck::profiles::Profiles;
use lambda_deck::store::Store;
use lambda_deck::Error;
use tokio::sync::Mutex;

/// The profile and region the window shows, and their connection once resolved.
#[derive(Default)]
struct Active {
    /// `None`: what the environment selects, as the AWS CLI would (AWS_PROFILE, …).
    profile: Option<String>,
    region: Option<String>,
    connection: Option<AwsConnection>,
}

pub struct AppState {
    profiles: Profiles,
    active: Mutex<Active>,
}

impl AppState {
    /// Opens the local store (a private in-memory one if the file cannot be opened, so the
    /// window still works) and restores the profile the app showed last.
    pub fn open() -> Self {
        let store = Store::open_default().unwrap_or_else(|err| {
            eprintln!("lambda-deck: the local store is unavailable ({err}); nothing will be kept after closing");
            Store::in_memory().expect("an in-memory SQLite store")
        });
        let profiles = Profiles::new(store, KeyStore::system());
        let profile = profiles.active_profile_name().ok().flatten();
        AppState { profiles, active: Mutex::new(Active { profile, ..Active::default() }) }
    }

    pub fn profiles(&self) -> &Profiles {
        &self.profiles
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

    /// Switches profile and region; remembered for the next start.
    pub async fn select(&self, profile: String, region: Option<String>) -> Result<ConnectionSummary, Error> {
        let connection = self.profiles.connect(&profile, region.as_deref()).await?;
        self.profiles.set_active_profile(&profile)?;
        let mut active = self.active.lock().await;
        *active = Active { profile: Some(profile), region, connection: Some(connection.clone()) };
        Ok(connection.summary().clone())
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
