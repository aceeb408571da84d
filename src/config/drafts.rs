//! Drafts: an edit kept with the revision it started from — made offline, or left
//! before applying — and applied later through the same diff and conflict path. No
//! network call here; the store seals environment values (store/config.rs).

use std::sync::Arc;

use super::types::{ConfigDraft, ConfigEdit};
use crate::functions::names::check_function_to_change;
use crate::scope::Scope;
use crate::store::{run_blocking, Store};
use crate::Error;

pub async fn save(store: &Arc<Store>, scope: &Scope, edit: ConfigEdit) -> Result<ConfigDraft, Error> {
    check_function_to_change(&edit.function_name)?;
    let scope = scope.clone();
    run_blocking(store, move |store| store.save_config_draft(&scope, &edit)).await
}

pub async fn load(store: &Arc<Store>, scope: &Scope, function_name: &str) -> Result<Option<ConfigDraft>, Error> {
    let (scope, function_name) = (scope.clone(), function_name.to_string());
    run_blocking(store, move |store| store.config_draft(&scope, &function_name)).await
}

pub async fn discard(store: &Arc<Store>, scope: &Scope, function_name: &str) -> Result<(), Error> {
    let (scope, function_name) = (scope.clone(), function_name.to_string());
    run_blocking(store, move |store| store.discard_config_draft(&scope, &function_name)).await
}
