//! Deploying and downloading code against the local AWS through the core: a folder with a
//! `.lambdaignore` deployed and published, invoked, downloaded again; a read-only profile
//! and bad input refused before anything is sent.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use aws_sdk_lambda::primitives::Blob;
use lambda_deck::config::code::{self, CodeProgress};
use lambda_deck::store::Store;
use lambda_deck::{Error, ErrorCode};
use lambda_deck_devtools::demo;
use support::{local_aws, temp_dir, LocalAwsLease};

/// A Python demo function (handler `app.handler`), Active.
async fn create_function(local: &LocalAwsLease, prefix: &str) -> String {
    let lambda = local.lambda();
    let name = demo::seed_bulk_functions(&lambda, prefix, 1).await.unwrap().remove(0);
    demo::wait_until_active(&lambda, &name).await.unwrap();
    name
}

/// A folder of code for `app.handler` that answers with `release`, with a helper module,
/// a data file in a subfolder, an executable, and files its `.lambdaignore` leaves out.
fn code_folder(release: &str) -> PathBuf {
    let dir = temp_dir("code-src");
    let write = |relative: &str, content: &str| {
        let path = dir.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    };
    write(
        "app.py",
        &format!(
            r#"import os
from greeting import greet

RELEASE = "{release}"

def handler(event, context):
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "data", "message.txt")) as f:
        message = f.read().strip()
    return {{"release": RELEASE, "greeting": greet(event.get("name", "world")), "message": message}}
"#
        ),
    );
    write("greeting.py", "def greet(name):\n    return 'hello ' + name\n");
    write("data/message.txt", "from the data folder\n");
    write("bin/tool.sh", "#!/bin/sh\necho tool\n");
    write("notes/draft.txt", "not for deployment\n");
    write("debug.log", "noise\n");
    write(".lambdaignore", "# kept out of the package\nnotes/\n*.log\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir.join("bin/tool.sh"), fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

async fn invoke(local: &LocalAwsLease, name: &str, qualifier: Option<&str>) -> (serde_json::Value, Option<String>) {
    let output = local
        .lambda()
        .invoke()
        .function_name(name)
        .set_qualifier(qualifier.map(str::to_string))
        .payload(Blob::new(r#"{"name": "deck"}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(output.function_error, None, "{output:?}");
    let payload = serde_json::from_slice(output.payload.as_ref().unwrap().as_ref()).unwrap();
    (payload, output.executed_version)
}

async fn code_sha256(local: &LocalAwsLease, name: &str) -> String {
    let configuration = local.lambda().get_function_configuration().function_name(name).send().await.unwrap();
    configuration.code_sha256.unwrap()
}

fn field_errors(err: Error) -> Vec<(String, String)> {
    match err {
        Error::InvalidFields(fields) => fields.into_iter().map(|f| (f.field, f.message)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

#[tokio::test]
async fn a_folder_is_deployed_published_invoked_and_downloaded_again() {
    let local = local_aws().await;
    let name = create_function(&local, "code").await;
    let connection = local.connection();
    let store = Store::in_memory().unwrap();
    let before = code_sha256(&local, &name).await;
    let source = code_folder("v-one");

    let mut events: Vec<CodeProgress> = Vec::new();
    let deployed = code::deploy_code(&connection, &store, &name, &source, true, &mut |p| events.push(p)).await.unwrap();

    assert_eq!(deployed.status, "Successful", "{deployed:?}");
    assert_eq!(deployed.version.as_deref(), Some("1"), "the first published version");
    assert_eq!(deployed.files, 4, "app.py, greeting.py, data/message.txt, bin/tool.sh");
    assert_eq!(deployed.reason, None);
    let sha = deployed.code_sha256.clone().unwrap();
    assert_ne!(sha, before);
    assert_eq!(code_sha256(&local, &name).await, sha);
    let package = code::package_folder(&source, &mut |_| {}).unwrap();
    assert_eq!(deployed.code_size, package.bytes.len() as f64, "the zip is deterministic");
    let mut steps: Vec<&str> = events.iter().map(|e| e.step.as_str()).collect();
    steps.dedup();
    assert_eq!(steps.first(), Some(&"zipping"), "{steps:?}");
    assert!(steps.contains(&"uploading"), "{steps:?}");
    assert_eq!(steps.last(), Some(&"done"), "{steps:?}");
    assert!(events.last().unwrap().message.contains("version 1"), "{events:?}");

    // The new code answers, on $LATEST and on the published version.
    let expected = serde_json::json!({"release": "v-one", "greeting": "hello deck", "message": "from the data folder"});
    assert_eq!(invoke(&local, &name, None).await, (expected.clone(), Some("$LATEST".into())));
    assert_eq!(invoke(&local, &name, Some("1")).await, (expected.clone(), Some("1".into())));

    // Deployed again without publishing: $LATEST changes, version 1 keeps its code.
    let second =
        code::deploy_code(&connection, &store, &name, &code_folder("v-two"), false, &mut |_| {}).await.unwrap();
    assert_eq!((second.status.as_str(), second.version.as_deref()), ("Successful", None));
    assert_eq!(invoke(&local, &name, None).await.0["release"], "v-two");
    assert_eq!(invoke(&local, &name, Some("1")).await.0["release"], "v-one");
    // Published once more: version 2.
    let third =
        code::deploy_code(&connection, &store, &name, &code_folder("v-three"), true, &mut |_| {}).await.unwrap();
    assert_eq!(third.version.as_deref(), Some("2"));
    assert_eq!(invoke(&local, &name, Some("2")).await.0["release"], "v-three");

    // Downloaded into a new folder: the deployed files, without the excluded ones.
    let downloads = temp_dir("code-download");
    let target = downloads.join("code");
    let mut events: Vec<CodeProgress> = Vec::new();
    let downloaded = code::download_code(&connection, &name, &target, &mut |p| events.push(p)).await.unwrap();
    assert_eq!(downloaded.files, 4, "{downloaded:?}");
    assert_eq!(downloaded.dir, target.display().to_string());
    assert!(downloaded.bytes > 0.0);
    assert_eq!(files_under(&target), ["app.py", "bin/tool.sh", "data/message.txt", "greeting.py"]);
    assert!(fs::read_to_string(target.join("app.py")).unwrap().contains("RELEASE = \"v-three\""));
    assert!(!target.join("notes").exists() && !target.join("debug.log").exists());
    assert!(!target.join(".lambdaignore").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(target.join("bin/tool.sh")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755, "the executable stays executable");
    }
    let mut steps: Vec<&str> = events.iter().map(|e| e.step.as_str()).collect();
    steps.dedup();
    assert_eq!(steps, ["downloading", "extracting", "done"]);
    // MiniStack's Code.Location is a presigned-looking URL on its own port,
    // http://localhost:<port>/_ministack/lambda-code/<account>/<region>/<name>?X-Amz-…, that
    // serves the stored zip; messages show its origin only, never the signed query.
    let port = local.aws.port();
    assert_eq!(events[0].message, format!("Downloading the code from http://localhost:{port}"));
    assert!(events.iter().all(|e| !e.message.contains("X-Amz-")), "{events:?}");
    let downloading = events.iter().rfind(|e| e.step == "downloading").unwrap();
    assert_eq!((downloading.done, downloading.total), (downloaded.bytes, downloaded.bytes));

    // The same folder again is not empty any more: refused, nothing overwritten.
    let err = code::download_code(&connection, &name, &target, &mut |_| {}).await.unwrap_err();
    assert_eq!(field_errors(err)[0].0, "dir");

    // A read-only profile may download (a read).
    let read_only = connection.clone().with_read_only(true);
    let again = downloads.join("again");
    assert_eq!(code::download_code(&read_only, &name, &again, &mut |_| {}).await.unwrap().files, 4);

    for dir in [source, downloads] {
        fs::remove_dir_all(dir).unwrap();
    }
}

#[tokio::test]
async fn a_read_only_profile_refuses_to_deploy_and_the_code_stays() {
    let local = local_aws().await;
    let name = create_function(&local, "readonly").await;
    let before = code_sha256(&local, &name).await;
    let source = code_folder("never");
    let read_only = local.connection().with_read_only(true);
    let store = Store::in_memory().unwrap();

    let mut events = Vec::new();
    let err = code::deploy_code(&read_only, &store, &name, &source, true, &mut |p| events.push(p)).await.unwrap_err();

    assert_eq!(err.code(), ErrorCode::ReadOnly, "{err}");
    assert!(events.is_empty(), "nothing was even zipped: {events:?}");
    assert_eq!(code_sha256(&local, &name).await, before);
    let versions = local.lambda().list_versions_by_function().function_name(&name).send().await.unwrap();
    assert_eq!(versions.versions().len(), 1, "only $LATEST: {versions:?}");
    fs::remove_dir_all(source).unwrap();
}

#[tokio::test]
async fn bad_paths_and_missing_functions_are_refused() {
    let local = local_aws().await;
    let name = create_function(&local, "badpath").await;
    let connection = local.connection();
    let store = Store::in_memory().unwrap();
    let before = code_sha256(&local, &name).await;
    let scratch = temp_dir("code-bad");

    let missing = scratch.join("no-such-folder");
    let err = code::deploy_code(&connection, &store, &name, &missing, false, &mut |_| {}).await.unwrap_err();
    let fields = field_errors(err);
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].0, "path");
    assert!(fields[0].1.contains("There is no file or folder at"), "{fields:?}");

    let not_zip = scratch.join("code.zip");
    fs::write(&not_zip, "plain text").unwrap();
    let err = code::deploy_code(&connection, &store, &name, &not_zip, false, &mut |_| {}).await.unwrap_err();
    assert_eq!(field_errors(err)[0].0, "path");
    assert_eq!(code_sha256(&local, &name).await, before, "nothing was sent");

    let source = code_folder("orphan");
    let err =
        code::deploy_code(&connection, &store, "no-such-function", &source, false, &mut |_| {}).await.unwrap_err();
    assert_eq!(
        (err.code(), err.to_string()),
        (ErrorCode::NotFound, "There is no function named \"no-such-function\".".into())
    );
    let err = code::download_code(&connection, "no-such-function", &scratch.join("d"), &mut |_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = code::deploy_code(&connection, &store, "bad name!", &source, false, &mut |_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);

    for dir in [source, scratch] {
        fs::remove_dir_all(dir).unwrap();
    }
}
