//! Saved test events: the per-function library (kept in the local store, any number per
//! function), the checks a payload passes before it is sent, templates, and the
//! console's shareable events (EventBridge Schemas).

pub mod kind;
pub mod library;
pub mod payload;
pub mod sharing;
pub mod templates;
pub mod types;

pub use library::{EventDraft, EventLibrary, InvocationKind, SavedEvent};
pub use payload::{check_payload, PayloadCheck, PayloadProblem};

use std::sync::Arc;

use crate::aws::AwsConnection;
use crate::store::{run_blocking, Store};

/// The account templates are filled with when none can be learned (the example account
/// of AWS's documentation): templates are examples, and work offline.
const EXAMPLE_ACCOUNT: &str = "123456789012";

/// What a template is filled with for this function: its region, and its account from
/// its saved ARN — or, when it has none saved, from STS, else the example account.
pub async fn template_context(
    store: &Arc<Store>,
    connection: &AwsConnection,
    function_name: &str,
) -> templates::TemplateContext {
    let (scope, name) = (connection.scope(), function_name.to_string());
    let arn = run_blocking(store, move |store| store.function_arn(&scope, &name)).await.ok().flatten();
    // arn:aws:lambda:<region>:<account>:function:<name>
    let account = match arn.as_deref().and_then(|arn| arn.split(':').nth(4)).filter(|a| !a.is_empty()) {
        Some(account) => account.to_string(),
        // Bounded: offline, the example account beats waiting for the network to time out.
        None => match tokio::time::timeout(std::time::Duration::from_secs(3), connection.caller_identity()).await {
            Ok(Ok(identity)) if !identity.account.is_empty() => identity.account,
            _ => EXAMPLE_ACCOUNT.to_string(),
        },
    };
    templates::TemplateContext {
        region: connection.scope().region,
        account,
        now: std::time::SystemTime::now(),
        function_name: function_name.to_string(),
    }
}
