//! The per-function library of saved test events, and the drafts that keep whatever the
//! user typed until it is saved. Rules live here; the SQL in `store/events.rs`.
//!
//! Events are the user's own work, not data learned from AWS: "Clear local data" leaves
//! them (store/local_data.rs), and they are removed one by one.

use std::path::Path;
use std::sync::Arc;

pub use super::kind::InvocationKind;
use super::payload::check_payload;
pub use super::types::{EventContent, EventDraft, EventsView, SavedEvent};
use crate::functions::names::{check_function_name, check_qualifier};
use crate::scope::Scope;
use crate::store::{run_blocking, Store};
use crate::{Error, FieldError};

/// The longest event name: the console's limit for shareable events is 25 characters;
/// we allow more locally, bounded so the list stays readable.
pub const MAX_EVENT_NAME_LENGTH: usize = 100;

/// The library of one profile and region, over the store.
#[derive(Debug, Clone)]
pub struct EventLibrary {
    store: Arc<Store>,
    scope: Scope,
}

impl EventLibrary {
    pub fn new(store: Arc<Store>, scope: Scope) -> Self {
        EventLibrary { store, scope }
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub async fn list(&self, function_name: &str) -> Result<Vec<SavedEvent>, Error> {
        let function_name = checked_function(function_name)?;
        self.blocking(move |store, scope| store.list_events(scope, &function_name)).await
    }

    /// The events and drafts of a function, read together.
    pub async fn view(&self, function_name: &str) -> Result<EventsView, Error> {
        let function_name = checked_function(function_name)?;
        self.blocking(move |store, scope| {
            Ok(EventsView {
                events: store.list_events(scope, &function_name)?,
                drafts: store.list_drafts(scope, &function_name)?,
            })
        })
        .await
    }

    pub async fn get(&self, function_name: &str, name: &str) -> Result<SavedEvent, Error> {
        let function_name = checked_function(function_name)?;
        let name = name.to_string();
        self.blocking(move |store, scope| {
            store.load_event(scope, &function_name, &name)?.ok_or_else(|| missing(&function_name, &name))
        })
        .await
    }

    /// Saves a new event. The name must be new for this function; the payload must be
    /// JSON (size is checked at invocation, where the type decides the limit).
    pub async fn create(&self, function_name: &str, name: &str, content: EventContent) -> Result<SavedEvent, Error> {
        let function_name = checked_function(function_name)?;
        let name = check_event_name(name)?;
        check_content(&content)?;
        self.blocking(move |store, scope| {
            if store.load_event(scope, &function_name, &name)?.is_some() {
                return Err(name_taken(&function_name, &name));
            }
            store.insert_event(scope, &function_name, &name, &content)
        })
        .await
    }

    /// Replaces an event's content (and clears its draft).
    pub async fn update(&self, function_name: &str, name: &str, content: EventContent) -> Result<SavedEvent, Error> {
        let function_name = checked_function(function_name)?;
        let name = name.to_string();
        check_content(&content)?;
        self.blocking(move |store, scope| {
            store.update_event(scope, &function_name, &name, &content)?.ok_or_else(|| missing(&function_name, &name))
        })
        .await
    }

    pub async fn rename(&self, function_name: &str, name: &str, new_name: &str) -> Result<SavedEvent, Error> {
        let function_name = checked_function(function_name)?;
        let (name, new_name) = (name.to_string(), check_event_name(new_name)?);
        self.blocking(move |store, scope| {
            if new_name != name && store.load_event(scope, &function_name, &new_name)?.is_some() {
                return Err(name_taken(&function_name, &new_name));
            }
            store.rename_event(scope, &function_name, &name, &new_name)?.ok_or_else(|| missing(&function_name, &name))
        })
        .await
    }

    /// Copies an event under the first free name "NAME copy", "NAME copy 2", …
    pub async fn duplicate(&self, function_name: &str, name: &str) -> Result<SavedEvent, Error> {
        let original = self.get(function_name, name).await?;
        let function_name = original.function_name.clone();
        self.blocking(move |store, scope| {
            let taken: Vec<String> =
                store.list_events(scope, &function_name)?.into_iter().map(|event| event.name).collect();
            let new_name = first_free_name(&format!("{} copy", original.name), &taken);
            let content = EventContent {
                payload: original.payload,
                invocation_kind: original.invocation_kind,
                qualifier: original.qualifier,
            };
            store.insert_event(scope, &function_name, &new_name, &content)
        })
        .await
    }

    pub async fn delete(&self, function_name: &str, name: &str) -> Result<(), Error> {
        let function_name = checked_function(function_name)?;
        let name = name.to_string();
        self.blocking(move |store, scope| {
            if store.delete_event(scope, &function_name, &name)? {
                Ok(())
            } else {
                Err(missing(&function_name, &name))
            }
        })
        .await
    }

    /// Imports a plain JSON file (what `sam local invoke -e` reads) as a new event named
    /// `name`, or after the file when `name` is `None`.
    pub async fn import_file(&self, function_name: &str, path: &Path, name: Option<&str>) -> Result<SavedEvent, Error> {
        let payload = tokio::fs::read_to_string(path)
            .await
            .map_err(|e| Error::InvalidInput(format!("Cannot read {}: {e}", path.display())))?;
        if let Some(problem) = check_payload(&payload, InvocationKind::Request).problem {
            return Err(Error::InvalidInput(format!("{} is not an event: {}", path.display(), problem.describe())));
        }
        let name = match name {
            Some(name) => name.to_string(),
            None => path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "imported".into()),
        };
        let content = EventContent { payload, invocation_kind: InvocationKind::Request, qualifier: None };
        self.create(function_name, &name, content).await
    }

    /// Writes events as plain JSON files `<dir>/<event name>.json`, one per event, and
    /// returns their paths. The payload is written as saved (formatting kept).
    pub async fn export_files(&self, events: &[SavedEvent], dir: &Path) -> Result<Vec<std::path::PathBuf>, Error> {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| Error::InvalidInput(format!("Cannot create {}: {e}", dir.display())))?;
        let mut written = Vec::new();
        for event in events {
            let path = dir.join(format!("{}.json", file_safe(&event.name)));
            let mut text = event.payload.clone();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            tokio::fs::write(&path, text)
                .await
                .map_err(|e| Error::InvalidInput(format!("Cannot write {}: {e}", path.display())))?;
            written.push(path);
        }
        Ok(written)
    }

    /// Writes the named events (all of them when `names` is empty) as plain JSON files in
    /// `dir` as the user typed it (`~/x` is under the home directory); returns the paths.
    pub async fn export(&self, function_name: &str, names: &[String], dir: &str) -> Result<Vec<String>, Error> {
        if dir.trim().is_empty() {
            return Err(Error::InvalidFields(vec![FieldError::new("dir", "Name a folder to export to.")]));
        }
        let mut events = self.list(function_name).await?;
        if !names.is_empty() {
            if let Some(name) = names.iter().find(|name| !events.iter().any(|e| &e.name == *name)) {
                return Err(missing(function_name, name));
            }
            events.retain(|event| names.contains(&event.name));
        }
        let written = self.export_files(&events, &user_path(dir)).await?;
        Ok(written.into_iter().map(|path| path.display().to_string()).collect())
    }

    /// Keeps what the user typed into an event (or a new one, `event_name` `None`).
    pub async fn save_draft(
        &self,
        function_name: &str,
        event_name: Option<&str>,
        draft: EventContent,
    ) -> Result<(), Error> {
        let function_name = checked_function(function_name)?;
        let event_name = event_name.map(str::to_string);
        self.blocking(move |store, scope| store.save_draft(scope, &function_name, event_name.as_deref(), &draft)).await
    }

    /// The drafts of a function's events.
    pub async fn drafts(&self, function_name: &str) -> Result<Vec<EventDraft>, Error> {
        let function_name = checked_function(function_name)?;
        self.blocking(move |store, scope| store.list_drafts(scope, &function_name)).await
    }

    pub async fn discard_draft(&self, function_name: &str, event_name: Option<&str>) -> Result<(), Error> {
        let function_name = checked_function(function_name)?;
        let event_name = event_name.map(str::to_string);
        self.blocking(move |store, scope| store.delete_draft(scope, &function_name, event_name.as_deref())).await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Store, &Scope) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let scope = self.scope.clone();
        run_blocking(&self.store, move |store| work(store, &scope)).await
    }
}

/// Checks an event name: 1 to 100 characters, letters, digits, spaces, `-`, `_`, `.`;
/// the error is for the `name` field.
pub fn check_event_name(name: &str) -> Result<String, Error> {
    let trimmed = name.trim();
    let message = if trimmed.is_empty() {
        Some("Give the event a name.".to_string())
    } else if trimmed.chars().count() > MAX_EVENT_NAME_LENGTH {
        Some(format!("An event name is at most {MAX_EVENT_NAME_LENGTH} characters."))
    } else if !trimmed.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')) {
        Some("An event name may hold letters, digits, spaces, '-', '_' and '.'.".to_string())
    } else {
        None
    };
    match message {
        Some(message) => Err(Error::InvalidFields(vec![FieldError::new("name", message)])),
        None => Ok(trimmed.to_string()),
    }
}

fn check_content(content: &EventContent) -> Result<(), Error> {
    if let Some(problem) = check_payload(&content.payload, InvocationKind::Request).problem {
        return Err(Error::InvalidFields(vec![FieldError::new("payload", problem.describe())]));
    }
    if let Some(qualifier) = &content.qualifier {
        check_qualifier(qualifier)
            .map_err(|message| Error::InvalidFields(vec![FieldError::new("qualifier", message)]))?;
    }
    Ok(())
}

/// A path as the user typed it: `~/x` is under the home directory.
pub fn user_path(text: &str) -> std::path::PathBuf {
    match (text.trim().strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => std::path::PathBuf::from(text.trim()),
    }
}

fn checked_function(function_name: &str) -> Result<String, Error> {
    Ok(check_function_name(function_name)?.name.to_string())
}

fn name_taken(function_name: &str, name: &str) -> Error {
    Error::InvalidFields(vec![FieldError::new(
        "name",
        format!("{function_name} already has an event named \"{name}\"."),
    )])
}

fn missing(function_name: &str, name: &str) -> Error {
    Error::NotFound(format!("{function_name} has no saved event named \"{name}\"."))
}

fn first_free_name(base: &str, taken: &[String]) -> String {
    let base: String = base.chars().take(MAX_EVENT_NAME_LENGTH - 4).collect();
    if !taken.iter().any(|t| t == &base) {
        return base;
    }
    (2..).map(|n| format!("{base} {n}")).find(|candidate| !taken.contains(candidate)).unwrap_or(base)
}

/// An event name as a file name: separators and control characters replaced.
fn file_safe(name: &str) -> String {
    name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> EventLibrary {
        EventLibrary::new(Store::in_memory().unwrap(), Scope { profile: "p".into(), region: "eu-west-1".into() })
    }

    fn content(payload: &str) -> EventContent {
        EventContent { payload: payload.into(), invocation_kind: InvocationKind::Request, qualifier: None }
    }

    fn field_error(err: Error) -> (String, String) {
        match err {
            Error::InvalidFields(fields) => (fields[0].field.clone(), fields[0].message.clone()),
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn events_are_created_listed_renamed_duplicated_and_deleted() {
        let library = library();
        library.create("orders-api", "happy path", content("{\"a\": 1}")).await.unwrap();
        library.create("orders-api", "bad input", content("{}")).await.unwrap();
        library.create("other", "happy path", content("{}")).await.unwrap();
        let names: Vec<_> = library.list("orders-api").await.unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["bad input", "happy path"]);

        let renamed = library.rename("orders-api", "happy path", "ok").await.unwrap();
        assert_eq!((renamed.name.as_str(), renamed.payload.as_str()), ("ok", "{\"a\": 1}"));
        let copy = library.duplicate("orders-api", "ok").await.unwrap();
        assert_eq!(copy.name, "ok copy");
        assert_eq!(library.duplicate("orders-api", "ok").await.unwrap().name, "ok copy 2");

        library.delete("orders-api", "ok").await.unwrap();
        assert_eq!(library.delete("orders-api", "ok").await.unwrap_err().code(), crate::ErrorCode::NotFound);
        let names: Vec<_> = library.list("orders-api").await.unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["bad input", "ok copy", "ok copy 2"]);
        assert_eq!(library.list("other").await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn names_are_unique_per_function_with_the_error_at_the_field() {
        let library = library();
        library.create("f", "one", content("{}")).await.unwrap();
        let (field, message) = field_error(library.create("f", " one ", content("{}")).await.unwrap_err());
        assert_eq!((field.as_str(), message.as_str()), ("name", "f already has an event named \"one\"."));
        library.create("f", "two", content("{}")).await.unwrap();
        let (field, _) = field_error(library.rename("f", "two", "one").await.unwrap_err());
        assert_eq!(field, "name");
        assert_eq!(field_error(library.create("f", "", content("{}")).await.unwrap_err()).0, "name");
        assert_eq!(field_error(library.create("f", "a/b", content("{}")).await.unwrap_err()).0, "name");
    }

    #[tokio::test]
    async fn invalid_json_and_qualifiers_are_refused_at_their_fields_and_nothing_is_saved() {
        let library = library();
        let (field, message) = field_error(library.create("f", "e", content("{\n  \"a\": }")).await.unwrap_err());
        assert_eq!(field, "payload");
        assert!(message.ends_with("(line 2, column 8)"), "{message}");
        let bad_qualifier = EventContent { qualifier: Some("no spaces".into()), ..content("{}") };
        assert_eq!(field_error(library.create("f", "e", bad_qualifier).await.unwrap_err()).0, "qualifier");
        assert!(library.list("f").await.unwrap().is_empty());
        assert_eq!(library.list("not a function!").await.unwrap_err().code(), crate::ErrorCode::InvalidInput);
    }

    #[tokio::test]
    async fn updates_keep_the_creation_time_and_clear_the_draft() {
        let library = library();
        let created = library.create("f", "e", content("{}")).await.unwrap();
        let typed = EventContent {
            qualifier: Some("live".into()),
            invocation_kind: InvocationKind::Event,
            ..content("{\"typed\": tru")
        };
        library.save_draft("f", Some("e"), typed).await.unwrap();
        library.save_draft("f", None, content("{\"new\": 1}")).await.unwrap();
        let kept = library.drafts("f").await.unwrap();
        let typed_draft = kept.iter().find(|d| d.event_name.as_deref() == Some("e")).unwrap();
        assert_eq!(
            (typed_draft.invocation_kind, typed_draft.qualifier.as_deref()),
            (InvocationKind::Event, Some("live"))
        );
        assert_eq!(library.drafts("f").await.unwrap().len(), 2);
        let updated = library.update("f", "e", content("{\"b\": 2}")).await.unwrap();
        assert_eq!(updated.created_at, created.created_at);
        assert_eq!(updated.payload, "{\"b\": 2}");
        let drafts = library.drafts("f").await.unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!((drafts[0].event_name.as_deref(), drafts[0].payload.as_str()), (None, "{\"new\": 1}"));
        library.discard_draft("f", None).await.unwrap();
        assert!(library.drafts("f").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn events_round_trip_through_plain_json_files() {
        let library = library();
        let dir = std::env::temp_dir().join(format!("ldeck-events-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        library.create("f", "s3 put", content("{\n  \"Records\": []\n}")).await.unwrap();
        let events = library.list("f").await.unwrap();
        let paths = library.export_files(&events, &dir).await.unwrap();
        assert_eq!(paths, [dir.join("s3 put.json")]);
        assert_eq!(std::fs::read_to_string(&paths[0]).unwrap(), "{\n  \"Records\": []\n}\n");

        let imported = library.import_file("g", &paths[0], None).await.unwrap();
        assert_eq!((imported.name.as_str(), imported.function_name.as_str()), ("s3 put", "g"));
        std::fs::write(dir.join("broken.json"), "{\"a\": [1,}").unwrap();
        let err = library.import_file("g", &dir.join("broken.json"), None).await.unwrap_err();
        assert!(err.to_string().contains("broken.json is not an event: Not valid JSON"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
