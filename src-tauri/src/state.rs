//! What the desktop shell keeps between commands.

use lambda_deck::aws::{AwsConnection, ProfileSelection};
use lambda_deck::Error;
use tokio::sync::Mutex;

/// The active profile selection and, once resolved, its connection.
pub struct AppState {
    selection: ProfileSelection,
    connection: Mutex<Option<AwsConnection>>,
}

impl AppState {
    /// The app starts on what the environment selects, as the AWS CLI would
    /// (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws files).
    pub fn from_environment() -> Self {
        AppState { selection: ProfileSelection::default(), connection: Mutex::new(None) }
    }

    /// The resolved connection, resolved once and reused.
    pub async fn connection(&self) -> Result<AwsConnection, Error> {
        let mut cached = self.connection.lock().await;
        if let Some(connection) = cached.as_ref() {
            return Ok(connection.clone());
        }
        let connection = AwsConnection::resolve(&self.selection).await?;
        *cached = Some(connection.clone());
        Ok(connection)
    }
}
