//! Code deploys and downloads.
//!
//! Deploying zips a folder (or takes a ready .zip), sends it with UpdateFunctionCode and
//! follows LastUpdateStatus until Lambda has applied it. Downloading asks GetFunction for
//! the code's presigned URL, fetches it and extracts it into an empty folder.
//!
//! A folder is zipped deterministically (sorted paths, fixed timestamps, unix modes kept):
//! the same files give the same bytes, so the same CodeSha256. Files are left out by a
//! `.lambdaignore` at the folder's root, a subset of gitignore (see [`IgnoreRules`]).

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_lambda::operation::update_function_code::UpdateFunctionCodeOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{LastUpdateStatus, PackageType, State};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::no_such_function;
use crate::aws::AwsConnection;
use crate::error::FieldError;
use crate::functions::names::{check_function_name, check_function_to_change};
use crate::functions::FunctionDetails;
use crate::pacing::RateLimiter;
use crate::store::Store;
use crate::Error;

/// Lambda's quota for a deployment package sent with the request itself: "50 MB (zipped,
/// for direct upload)" (AWS Lambda quotas, "Deployment package (.zip file archive)
/// size"). GetAccountSettings reports it as CodeSizeZipped = 52,428,800 bytes.
pub const DIRECT_UPLOAD_LIMIT_BYTES: u64 = 50 * 1024 * 1024;
/// Lambda's quota for the unzipped code of a function: "250 MB (unzipped)" (same page;
/// CodeSizeUnzipped = 262,144,000 bytes).
const UNZIPPED_LIMIT_BYTES: u64 = 250 * 1024 * 1024;
/// Zipping stops once the archive passes this: it cannot be uploaded anyway, and a huge
/// folder (a forgotten `node_modules` of gigabytes) is not kept in memory.
const ZIP_ABANDON_BYTES: u64 = 2 * DIRECT_UPLOAD_LIMIT_BYTES;
/// The most a download or an extraction may hold: twice the unzipped quota, so any code
/// Lambda accepted fits, and a response that is not a Lambda package is cut off.
const DOWNLOAD_LIMIT_BYTES: u64 = 2 * UNZIPPED_LIMIT_BYTES;

/// The exclude list at the root of a folder to deploy.
pub const IGNORE_FILE: &str = ".lambdaignore";

/// How often LastUpdateStatus is asked for while an update runs.
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// How long an update may run before the deploy gives up waiting.
const UPDATE_DEADLINE: Duration = Duration::from_secs(10 * 60);
/// How many times a deploy waits for another update (409 ResourceConflictException) and
/// tries again.
const MAX_BUSY_RETRIES: u32 = 3;
/// Progress events of one step are at most this frequent (the last one always goes).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

const MIB: f64 = 1024.0 * 1024.0;

/// A zip ready to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodePackage {
    pub bytes: Vec<u8>,
    /// Files in the archive (directories not counted).
    pub files: u32,
    /// Where it came from: the folder or .zip file, as given.
    pub source: String,
}

/// Where a deploy or a download is. `step` is one of `zipping`, `uploading`, `waiting`
/// (Lambda applies the code), `waiting_busy` (another update runs first), `downloading`,
/// `extracting`, `done`. `done`/`total` are bytes (zipping, uploading, downloading) or
/// files (extracting); while waiting they are seconds waited and 0 (no known end).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeProgress {
    pub step: String,
    /// f64 rather than u64: JavaScript has no 64-bit integers.
    pub done: f64,
    pub total: f64,
    pub message: String,
}

impl CodeProgress {
    fn new(step: &str, done: f64, total: f64, message: impl Into<String>) -> Self {
        CodeProgress { step: step.to_string(), done, total, message: message.into() }
    }
}

/// What a deploy did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeDeployed {
    /// Base64 SHA-256 of the uploaded zip, as Lambda computed it.
    pub code_sha256: Option<String>,
    /// Bytes of the uploaded zip.
    pub code_size: f64,
    /// The version published with the code (only when asked to publish).
    pub version: Option<String>,
    /// The final LastUpdateStatus: `Successful` or `Failed`.
    pub status: String,
    /// Why the update failed, as Lambda says it.
    pub reason: Option<String>,
    /// Files in the uploaded zip.
    pub files: u32,
}

/// What a download wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeDownloaded {
    /// Files written (links included, directories not).
    pub files: u32,
    /// Bytes of the downloaded zip.
    pub bytes: f64,
    /// The folder the code is in.
    pub dir: String,
}

fn field_error(field: &str, message: impl Into<String>) -> Error {
    Error::InvalidFields(vec![FieldError::new(field, message)])
}

/// `1.2 MB`, `340.0 KB`, `12 bytes`: sizes in messages.
fn human_size(bytes: u64) -> String {
    if bytes as f64 >= MIB {
        format!("{:.1} MB", bytes as f64 / MIB)
    } else if bytes >= 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

/// Refuses a zip over Lambda's direct-upload quota ([`DIRECT_UPLOAD_LIMIT_BYTES`]).
pub fn check_zipped_size(bytes: u64) -> Result<(), Error> {
    if bytes <= DIRECT_UPLOAD_LIMIT_BYTES {
        return Ok(());
    }
    let limit_mb = DIRECT_UPLOAD_LIMIT_BYTES as f64 / MIB;
    let shown = format!("{:.1}", bytes as f64 / MIB);
    // Just over the limit rounds to "50.0": say it without contradicting the limit.
    let size = if shown == format!("{limit_mb:.1}") {
        format!("just over {limit_mb:.0} MB ({bytes} bytes)")
    } else {
        format!("{shown} MB")
    };
    Err(field_error(
        "path",
        format!(
            "The zipped code is {size}; Lambda accepts at most {limit_mb:.0} MB uploaded directly. Upload it to S3 and deploy from there, or exclude files in {IGNORE_FILE}."
        ),
    ))
}

/// Calls `progress` at most every [`PROGRESS_EVERY`], and always when asked to.
struct Throttle {
    last: Option<std::time::Instant>,
}

impl Throttle {
    fn new() -> Self {
        Throttle { last: None }
    }

    fn due(&mut self) -> bool {
        let now = std::time::Instant::now();
        if self.last.is_some_and(|last| now.duration_since(last) < PROGRESS_EVERY) {
            return false;
        }
        self.last = Some(now);
        true
    }
}

// ---------------------------------------------------------------------------------------
// .lambdaignore
// ---------------------------------------------------------------------------------------

/// The exclude rules of a `.lambdaignore`: a subset of gitignore.
///
/// - blank lines and lines starting with `#` are ignored (`\#` is a literal `#`);
/// - `!pattern` includes again what an earlier pattern excluded (the last match wins; as
///   in git, nothing inside an excluded folder comes back);
/// - a trailing `/` matches folders only (`build/`);
/// - `*` matches any characters but `/`, `?` one character, `[a-z]`/`[!0-9]` one of a set;
/// - `**` as a whole segment matches any number of folders (`**/test`, `a/**/b`, `logs/**`);
/// - a pattern with a `/` at the start or in the middle is anchored at the folder's root;
///   one without matches a name at any depth (`*.pyc`, `node_modules/`).
#[derive(Debug, Clone, Default)]
pub struct IgnoreRules {
    rules: Vec<IgnoreRule>,
}

#[derive(Debug, Clone)]
struct IgnoreRule {
    segments: Vec<Segment>,
    dir_only: bool,
    negated: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// `**`: zero or more path segments.
    AnyDepth,
    Glob(Vec<Token>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(char),
    AnyChar,
    Star,
    Class { negated: bool, ranges: Vec<(char, char)> },
}

impl IgnoreRules {
    /// Parses the text of a `.lambdaignore`.
    pub fn parse(text: &str) -> IgnoreRules {
        let rules = text.lines().filter_map(IgnoreRule::parse).collect();
        IgnoreRules { rules }
    }

    /// Reads `<root>/.lambdaignore`; no file means no rules.
    fn read(root: &Path) -> Result<IgnoreRules, Error> {
        let file = root.join(IGNORE_FILE);
        match fs::read_to_string(&file) {
            Ok(text) => Ok(IgnoreRules::parse(&text)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(IgnoreRules::default()),
            Err(err) => Err(field_error("path", format!("Cannot read {}: {err}.", file.display()))),
        }
    }

    /// Whether `path` (relative to the root, `/`-separated) is left out, itself or
    /// because a folder it is in is.
    pub fn is_excluded(&self, path: &str, is_dir: bool) -> bool {
        let path = path.trim_matches('/');
        let in_excluded_folder = path.match_indices('/').any(|(at, _)| self.excludes_entry(&path[..at], true));
        in_excluded_folder || self.excludes_entry(path, is_dir)
    }

    /// Whether the rules exclude this entry by its own path (its folders not looked at:
    /// the walk never enters an excluded folder).
    fn excludes_entry(&self, path: &str, is_dir: bool) -> bool {
        let parts: Vec<&str> = path.split('/').collect();
        let mut excluded = false;
        for rule in &self.rules {
            if (!rule.dir_only || is_dir) && match_segments(&rule.segments, &parts) {
                excluded = !rule.negated;
            }
        }
        excluded
    }
}

impl IgnoreRule {
    fn parse(line: &str) -> Option<IgnoreRule> {
        let mut pattern = line.trim();
        if pattern.is_empty() || pattern.starts_with('#') {
            return None;
        }
        let negated = pattern.starts_with('!');
        if negated {
            pattern = &pattern[1..];
        }
        let dir_only = pattern.ends_with('/');
        let pattern = pattern.trim_end_matches('/');
        let anchored = pattern.contains('/');
        let pattern = pattern.trim_start_matches('/');
        if pattern.is_empty() {
            return None;
        }
        let mut segments = Vec::new();
        if !anchored {
            segments.push(Segment::AnyDepth);
        }
        for part in pattern.split('/').filter(|p| !p.is_empty()) {
            segments.push(if part == "**" { Segment::AnyDepth } else { Segment::Glob(tokenize(part)) });
        }
        Some(IgnoreRule { segments, dir_only, negated })
    }
}

/// Path segments against pattern segments; a trailing `**` needs at least one segment
/// (`logs/**` is what is inside `logs`, as in git).
fn match_segments(pattern: &[Segment], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((Segment::AnyDepth, [])) => !path.is_empty(),
        Some((Segment::AnyDepth, rest)) => (0..=path.len()).any(|skip| match_segments(rest, &path[skip..])),
        Some((Segment::Glob(tokens), rest)) => match path.split_first() {
            Some((first, others)) => glob_matches(tokens, first) && match_segments(rest, others),
            None => false,
        },
    }
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                tokens.push(Token::Literal(chars[i + 1]));
                i += 2;
                continue;
            }
            '*' => tokens.push(Token::Star),
            '?' => tokens.push(Token::AnyChar),
            '[' => {
                if let Some((class, next)) = parse_class(&chars, i) {
                    tokens.push(class);
                    i = next;
                    continue;
                }
                tokens.push(Token::Literal('['));
            }
            c => tokens.push(Token::Literal(c)),
        }
        i += 1;
    }
    tokens
}

/// `[abc]`, `[a-z]`, `[!0-9]` starting at `chars[open]`; `None` when it never closes
/// (the `[` is then a literal). Returns the class and the index after its `]`.
fn parse_class(chars: &[char], open: usize) -> Option<(Token, usize)> {
    let mut i = open + 1;
    let negated = matches!(chars.get(i), Some('!') | Some('^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    while i < chars.len() {
        let c = chars[i];
        if c == ']' && !first {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        first = false;
        if i + 2 < chars.len() && chars[i + 1] == '-' && chars[i + 2] != ']' {
            ranges.push((c, chars[i + 2]));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
    None
}

/// Wildcard matching of one path segment (`*` never crosses a `/`: segments have none).
fn glob_matches(tokens: &[Token], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the text position it currently swallows up to.
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Token::Star) => {
                backtrack = Some((p, t));
                p += 1;
                continue;
            }
            Some(token) if token_matches(token, text[t]) => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match backtrack {
            Some((star, swallowed)) => {
                p = star + 1;
                t = swallowed + 1;
                backtrack = Some((star, swallowed + 1));
            }
            None => return false,
        }
    }
    tokens[p..].iter().all(|token| *token == Token::Star)
}

fn token_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::AnyChar => true,
        Token::Star => true,
        Token::Class { negated, ranges } => ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated,
    }
}

// ---------------------------------------------------------------------------------------
// Packaging
// ---------------------------------------------------------------------------------------

/// A .zip file or a folder, as [`package_zip_file`] or [`package_folder`].
pub fn package_path(path: &Path, progress: &mut dyn FnMut(CodeProgress)) -> Result<CodePackage, Error> {
    let metadata = existing(path)?;
    if metadata.is_dir() {
        package_folder(path, progress)
    } else {
        package_zip_file(path)
    }
}

/// The path's metadata, or the error at field `path` when there is nothing there.
fn existing(path: &Path) -> Result<fs::Metadata, Error> {
    if path.as_os_str().is_empty() {
        return Err(field_error("path", "Choose a folder or a .zip file to deploy."));
    }
    fs::metadata(path).map_err(|err| {
        if err.kind() == std::io::ErrorKind::NotFound {
            field_error("path", format!("There is no file or folder at {}.", path.display()))
        } else {
            field_error("path", format!("Cannot read {}: {err}.", path.display()))
        }
    })
}

/// A ready .zip, checked to be a readable archive with files, within the upload quota.
pub fn package_zip_file(path: &Path) -> Result<CodePackage, Error> {
    let metadata = existing(path)?;
    if !metadata.is_file() {
        return Err(field_error("path", format!("{} is not a file: choose a .zip file or a folder.", path.display())));
    }
    check_zipped_size(metadata.len())?;
    let bytes = fs::read(path).map_err(|err| field_error("path", format!("Cannot read {}: {err}.", path.display())))?;
    check_zipped_size(bytes.len() as u64)?;
    let unreadable = |detail: String| {
        field_error(
            "path",
            format!("{} is not a readable zip archive ({detail}): choose a .zip file or a folder.", path.display()),
        )
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).map_err(|err| unreadable(err.to_string()))?;
    let mut files = 0u32;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|err| unreadable(err.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        // Reading every entry checks its compressed data and CRC before anything is sent.
        std::io::copy(&mut entry, &mut std::io::sink()).map_err(|err| unreadable(err.to_string()))?;
        files += 1;
    }
    if files == 0 {
        return Err(field_error("path", format!("{} holds no files: there is no code to deploy.", path.display())));
    }
    Ok(CodePackage { bytes, files, source: path.display().to_string() })
}

/// A file of the folder to put in the zip.
#[derive(Debug)]
struct FileToZip {
    /// Relative to the folder, `/`-separated: the name in the zip.
    name: String,
    absolute: PathBuf,
    size: u64,
    mode: u32,
}

/// Zips `dir` (see the module doc): files in sorted order, names relative with `/`, unix
/// modes kept, without what `.lambdaignore` excludes, `.lambdaignore` itself and `.git`.
/// Links are followed.
pub fn package_folder(dir: &Path, progress: &mut dyn FnMut(CodeProgress)) -> Result<CodePackage, Error> {
    let metadata = existing(dir)?;
    if !metadata.is_dir() {
        return Err(field_error("path", format!("{} is not a folder.", dir.display())));
    }
    let rules = IgnoreRules::read(dir)?;
    let mut walk = Walk { rules: &rules, files: Vec::new(), excluded: 0, ancestors: Vec::new() };
    walk.folder(dir, "")?;
    let Walk { files, excluded, .. } = walk;
    if files.is_empty() {
        let why = if excluded > 0 { format!(" once {IGNORE_FILE} is applied") } else { String::new() };
        return Err(field_error("path", format!("{} has no files to deploy{why}.", dir.display())));
    }
    let total: u64 = files.iter().map(|f| f.size).sum();
    let shown_dir = dir.display().to_string();
    progress(CodeProgress::new("zipping", 0.0, total as f64, format!("Zipping {} files of {shown_dir}", files.len())));

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let internal = |err: zip::result::ZipError| Error::Internal(format!("zipping {shown_dir}: {err}"));
    let mut throttle = Throttle::new();
    let mut done = 0u64;
    for file in &files {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            // Fixed times (1980-01-01, the zip epoch): the same files give the same bytes.
            .last_modified_time(zip::DateTime::default())
            .system(zip::System::Unix)
            .unix_permissions(file.mode)
            .large_file(file.size >= u64::from(u32::MAX));
        zip.start_file(file.name.as_str(), options).map_err(internal)?;
        let mut source = fs::File::open(&file.absolute)
            .map_err(|err| field_error("path", format!("Cannot read {}: {err}.", file.absolute.display())))?;
        std::io::copy(&mut source, &mut zip)
            .map_err(|err| field_error("path", format!("Cannot read {}: {err}.", file.absolute.display())))?;
        done += file.size;
        let zipped = zip.get_ref().map_or(0, |cursor| cursor.get_ref().len() as u64);
        if zipped > ZIP_ABANDON_BYTES {
            return Err(field_error(
                "path",
                format!(
                    "The zipped code is over {} MB (zipping stopped there); Lambda accepts at most {} MB uploaded directly. Upload it to S3 and deploy from there, or exclude files in {IGNORE_FILE}.",
                    ZIP_ABANDON_BYTES as f64 / MIB,
                    DIRECT_UPLOAD_LIMIT_BYTES as f64 / MIB
                ),
            ));
        }
        if throttle.due() {
            progress(CodeProgress::new("zipping", done as f64, total as f64, format!("Zipping {}", file.name)));
        }
    }
    let bytes = zip.finish().map_err(internal)?.into_inner();
    check_zipped_size(bytes.len() as u64)?;
    let excluded_note = if excluded > 0 { format!(", {excluded} left out") } else { String::new() };
    progress(CodeProgress::new(
        "zipping",
        total as f64,
        total as f64,
        format!("Zipped {} files ({}{excluded_note})", files.len(), human_size(bytes.len() as u64)),
    ));
    Ok(CodePackage { bytes, files: files.len() as u32, source: shown_dir })
}

/// The folder walk: sorted, pruned by the rules, links followed (a link back to a folder
/// being walked is refused, not followed forever).
struct Walk<'a> {
    rules: &'a IgnoreRules,
    files: Vec<FileToZip>,
    excluded: u32,
    ancestors: Vec<PathBuf>,
}

impl Walk<'_> {
    fn folder(&mut self, absolute: &Path, relative: &str) -> Result<(), Error> {
        let cannot_read =
            |err: std::io::Error| field_error("path", format!("Cannot read {}: {err}.", absolute.display()));
        let canonical = fs::canonicalize(absolute).map_err(cannot_read)?;
        if self.ancestors.contains(&canonical) {
            return Err(field_error(
                "path",
                format!(
                    "{} links back to a folder that contains it: remove the link or exclude it in {IGNORE_FILE}.",
                    absolute.display()
                ),
            ));
        }
        self.ancestors.push(canonical);
        let mut entries = Vec::new();
        for entry in fs::read_dir(absolute).map_err(cannot_read)? {
            let entry = entry.map_err(cannot_read)?;
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                return Err(field_error(
                    "path",
                    format!(
                        "{} has a name that is not UTF-8: rename it or exclude it in {IGNORE_FILE}.",
                        path.display()
                    ),
                ));
            };
            entries.push((name, path));
        }
        entries.sort();
        for (name, path) in entries {
            let name_in_zip = if relative.is_empty() { name.clone() } else { format!("{relative}/{name}") };
            if (relative.is_empty() && name == IGNORE_FILE) || name == ".git" {
                self.excluded += 1;
                continue;
            }
            // Follows links: a linked file is zipped with its content.
            let metadata = fs::metadata(&path).map_err(|err| {
                field_error(
                    "path",
                    format!("Cannot read {}: {err}. Fix it or exclude it in {IGNORE_FILE}.", path.display()),
                )
            })?;
            if self.rules.excludes_entry(&name_in_zip, metadata.is_dir()) {
                self.excluded += 1;
                continue;
            }
            if metadata.is_dir() {
                self.folder(&path, &name_in_zip)?;
            } else if metadata.is_file() {
                self.files.push(FileToZip {
                    name: name_in_zip,
                    absolute: path,
                    size: metadata.len(),
                    mode: zip_mode(&metadata),
                });
            }
            // Sockets, pipes and devices are not code: left out.
        }
        self.ancestors.pop();
        Ok(())
    }
}

/// The file's permission bits, readable by all: Lambda runs the code as another user and
/// needs read permission on every file ("Lambda requires global read permissions on
/// code files", Lambda developer guide, deployment package permissions).
#[cfg(unix)]
fn zip_mode(metadata: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    (metadata.permissions().mode() & 0o777) | 0o444
}

#[cfg(not(unix))]
fn zip_mode(_metadata: &fs::Metadata) -> u32 {
    0o644
}

// ---------------------------------------------------------------------------------------
// The Lambda calls
// ---------------------------------------------------------------------------------------

/// What the calls of a deploy or a download go through.
struct LambdaCalls {
    client: aws_sdk_lambda::Client,
    limiter: Arc<RateLimiter>,
    endpoint: String,
    poll_interval: Duration,
    deadline: Duration,
}

impl LambdaCalls {
    fn of(connection: &AwsConnection) -> Self {
        LambdaCalls {
            client: connection.lambda(),
            limiter: RateLimiter::for_scope(&connection.scope()),
            endpoint: connection.endpoint_label(),
            poll_interval: POLL_INTERVAL,
            deadline: UPDATE_DEADLINE,
        }
    }
}

/// Runs `work` on the blocking pool, forwarding its progress to `progress` as it comes.
async fn run_blocking<T, F>(work: F, progress: &mut (dyn FnMut(CodeProgress) + Send)) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce(&mut dyn FnMut(CodeProgress)) -> Result<T, Error> + Send + 'static,
{
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::task::spawn_blocking(move || {
        work(&mut |event| {
            let _ = sender.send(event);
        })
    });
    // The channel closes when the work is over (its sender is dropped with it).
    while let Some(event) = receiver.recv().await {
        progress(event);
    }
    task.await.map_err(|err| Error::Internal(format!("the background task stopped: {err}")))?
}

/// Zips `path` (a folder or a .zip), uploads it as the code of `function_name` and waits
/// until Lambda has applied it; `publish` publishes a version of it too. A write: refused
/// on a read-only profile before anything is read or sent.
pub async fn deploy_code(
    connection: &AwsConnection,
    store: &Arc<Store>,
    function_name: &str,
    path: &Path,
    publish: bool,
    progress: &mut (dyn FnMut(CodeProgress) + Send),
) -> Result<CodeDeployed, Error> {
    connection.check_writable()?;
    check_function_to_change(function_name)?;
    let owned_path = path.to_path_buf();
    let package = run_blocking(move |progress| package_path(&owned_path, progress), progress).await?;
    let deployed = deploy_package(&LambdaCalls::of(connection), function_name, package, publish, progress).await?;
    // The saved details and list row show the new code's size and hash. A failed refresh
    // only leaves the older saved copy: the deploy itself is done.
    let _ = FunctionDetails::refresh(connection, store, function_name, &CancellationToken::new()).await;
    Ok(deployed)
}

/// UpdateFunctionCode with the zip (waiting out another update, at most
/// [`MAX_BUSY_RETRIES`] times), then LastUpdateStatus until the update is over.
async fn deploy_package(
    calls: &LambdaCalls,
    function_name: &str,
    package: CodePackage,
    publish: bool,
    progress: &mut (dyn FnMut(CodeProgress) + Send),
) -> Result<CodeDeployed, Error> {
    let total = package.bytes.len() as f64;
    let size = human_size(package.bytes.len() as u64);
    let mut busy_retries = 0;
    let output: UpdateFunctionCodeOutput = loop {
        progress(CodeProgress::new("uploading", 0.0, total, format!("Uploading {size} to {function_name}")));
        calls.limiter.acquire().await;
        let sent = calls
            .client
            .update_function_code()
            .function_name(function_name)
            .zip_file(Blob::new(package.bytes.clone()))
            .publish(publish)
            .send()
            .await;
        let err = match sent {
            Ok(output) => break output,
            Err(err) => err,
        };
        match err.as_service_error() {
            Some(e) if e.is_resource_not_found_exception() => return Err(no_such_function(function_name)),
            // 409 "An update is in progress for resource: <arn>" (aws-facts.md): let the
            // running update finish, then send ours.
            Some(e) if e.is_resource_conflict_exception() => {
                if busy_retries == MAX_BUSY_RETRIES {
                    return Err(Error::Service(format!(
                        "\"{function_name}\" was still busy with other updates after {MAX_BUSY_RETRIES} waits: nothing was deployed. Retry in a moment."
                    )));
                }
                busy_retries += 1;
                progress(CodeProgress::new(
                    "waiting_busy",
                    0.0,
                    0.0,
                    format!(
                        "Another update of {function_name} is in progress: waiting for it to finish before deploying"
                    ),
                ));
                wait_for_update(calls, function_name, Waiting::Busy, progress).await?;
            }
            _ => return Err(Error::from_sdk(err, &calls.endpoint)),
        }
    };
    progress(CodeProgress::new("uploading", total, total, format!("Uploaded {size} to {function_name}")));

    let settled = wait_for_update(calls, function_name, Waiting::Ours, progress).await?;
    let status = settled.status.clone().unwrap_or_else(|| "Successful".to_string());
    let version = if publish { output.version.clone() } else { None };
    let deployed = CodeDeployed {
        code_sha256: output.code_sha256.clone().or(settled.code_sha256),
        code_size: if output.code_size > 0 { output.code_size } else { settled.code_size } as f64,
        version,
        status,
        reason: settled.reason,
        files: package.files,
    };
    let message = match (&deployed.status[..], &deployed.version) {
        ("Failed", _) => {
            format!("Lambda could not apply the new code: {}", deployed.reason.as_deref().unwrap_or("no reason given"))
        }
        (_, Some(version)) => format!("Deployed {} files to {function_name} as version {version}", deployed.files),
        (_, None) => format!("Deployed {} files to {function_name}", deployed.files),
    };
    progress(CodeProgress::new("done", total, total, message));
    Ok(deployed)
}

/// Whose update is being waited for (the wording and the step differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waiting {
    /// The deploy's own update.
    Ours,
    /// Another update that refused ours with 409.
    Busy,
}

/// The function's configuration once no update runs.
#[derive(Debug)]
struct Settled {
    status: Option<String>,
    reason: Option<String>,
    code_sha256: Option<String>,
    code_size: i64,
}

/// Polls GetFunctionConfiguration (paced) until LastUpdateStatus is no longer InProgress
/// and the function is not Pending, for at most `calls.deadline`.
async fn wait_for_update(
    calls: &LambdaCalls,
    function_name: &str,
    waiting: Waiting,
    progress: &mut (dyn FnMut(CodeProgress) + Send),
) -> Result<Settled, Error> {
    let started = Instant::now();
    loop {
        calls.limiter.acquire().await;
        let configuration =
            calls.client.get_function_configuration().function_name(function_name).send().await.map_err(
                |err| match err.as_service_error() {
                    Some(e) if e.is_resource_not_found_exception() => no_such_function(function_name),
                    _ => Error::from_sdk(err, &calls.endpoint),
                },
            )?;
        let updating = configuration.last_update_status == Some(LastUpdateStatus::InProgress);
        let pending = configuration.state == Some(State::Pending);
        if !updating && !pending {
            return Ok(Settled {
                status: configuration.last_update_status.as_ref().map(|s| s.as_str().to_string()),
                reason: configuration.last_update_status_reason.filter(|r| !r.is_empty()),
                code_sha256: configuration.code_sha256,
                code_size: configuration.code_size,
            });
        }
        let waited = started.elapsed();
        if waited >= calls.deadline {
            let minutes = calls.deadline.as_secs() / 60;
            return Err(Error::Service(match waiting {
                Waiting::Ours => format!(
                    "The code was uploaded, but Lambda has not finished updating \"{function_name}\" after {minutes} minutes (LastUpdateStatus is still InProgress). Check the function in a moment: the update may still complete."
                ),
                Waiting::Busy => format!(
                    "Another update of \"{function_name}\" has not finished after {minutes} minutes: nothing was deployed. Retry once it is over."
                ),
            }));
        }
        let (step, message) = match waiting {
            Waiting::Ours => ("waiting", format!("Lambda is applying the new code of {function_name}")),
            Waiting::Busy => ("waiting_busy", format!("Waiting for another update of {function_name} to finish")),
        };
        progress(CodeProgress::new(step, waited.as_secs_f64().floor(), 0.0, message));
        tokio::time::sleep(calls.poll_interval).await;
    }
}

/// Downloads the code of `function_name` (a `name:qualifier` downloads that version's)
/// and extracts it into `dir`, which must be empty or new. A read: allowed on a
/// read-only profile.
pub async fn download_code(
    connection: &AwsConnection,
    function_name: &str,
    dir: &Path,
    progress: &mut (dyn FnMut(CodeProgress) + Send),
) -> Result<CodeDownloaded, Error> {
    check_function_name(function_name)?;
    check_target_dir(dir)?;
    let location = code_location(&LambdaCalls::of(connection), function_name).await?;
    let dir = dir.to_path_buf();
    run_blocking(
        move |progress| {
            let bytes = fetch(&location, progress)?;
            let files = extract(&bytes, &dir, progress)?;
            progress(CodeProgress::new(
                "done",
                f64::from(files),
                f64::from(files),
                format!("Extracted {files} files into {}", dir.display()),
            ));
            Ok(CodeDownloaded { files, bytes: bytes.len() as f64, dir: dir.display().to_string() })
        },
        progress,
    )
    .await
}

/// GetFunction's presigned URL of the code; a container image has none.
async fn code_location(calls: &LambdaCalls, function_name: &str) -> Result<String, Error> {
    calls.limiter.acquire().await;
    let output = calls.client.get_function().function_name(function_name).send().await.map_err(|err| {
        match err.as_service_error() {
            Some(e) if e.is_resource_not_found_exception() => no_such_function(function_name),
            _ => Error::from_sdk(err, &calls.endpoint),
        }
    })?;
    let is_image = output.configuration.as_ref().and_then(|c| c.package_type.as_ref()) == Some(&PackageType::Image);
    if is_image {
        let image = output.code.as_ref().and_then(|c| c.image_uri.as_deref()).unwrap_or("its container image");
        return Err(Error::InvalidInput(format!(
            "\"{function_name}\" is deployed as a container image ({image}): there is no .zip to download. Pull the image from ECR instead."
        )));
    }
    output.code.and_then(|code| code.location).filter(|location| !location.is_empty()).ok_or_else(|| {
        Error::Service(format!("GetFunction gave no download location for the code of \"{function_name}\"."))
    })
}

/// `dir` must be a new folder or an empty one: nothing is overwritten.
fn check_target_dir(dir: &Path) -> Result<(), Error> {
    if dir.as_os_str().is_empty() {
        return Err(field_error("dir", "Choose a folder to download the code into."));
    }
    match fs::metadata(dir) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(field_error("dir", format!("Cannot read {}: {err}.", dir.display()))),
        Ok(metadata) if !metadata.is_dir() => {
            Err(field_error("dir", format!("{} is a file: choose an empty or new folder.", dir.display())))
        }
        Ok(_) => {
            let mut entries = fs::read_dir(dir)
                .map_err(|err| field_error("dir", format!("Cannot read {}: {err}.", dir.display())))?;
            if entries.next().is_some() {
                Err(field_error(
                    "dir",
                    format!(
                        "{} is not empty: choose an empty or new folder, so that no file is overwritten.",
                        dir.display()
                    ),
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// `scheme://host[:port]` of a URL: what a message may show of a presigned URL (its
/// query string is a credential).
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{host}")
}

/// HTTP GET of the presigned URL, reporting the bytes received.
fn fetch(location: &str, progress: &mut dyn FnMut(CodeProgress)) -> Result<Vec<u8>, Error> {
    let origin = origin_of(location);
    // A message never shows the query string: it holds the link's signature.
    let network =
        |detail: String| Error::Network { endpoint: origin.clone(), detail: detail.replace(location, &origin) };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .timeout_recv_body(Some(Duration::from_secs(30 * 60)))
        .http_status_as_error(false)
        .build()
        .into();
    progress(CodeProgress::new("downloading", 0.0, 0.0, format!("Downloading the code from {origin}")));
    let response = agent.get(location).call().map_err(|err| network(err.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::Service(format!(
            "Downloading the code from {origin} answered HTTP {}. The download link is valid for a few minutes only: retry.",
            status.as_u16()
        )));
    }
    let expected = response.body().content_length();
    if expected.is_some_and(|length| length > DOWNLOAD_LIMIT_BYTES) {
        return Err(too_large_download());
    }
    let total = expected.unwrap_or(0) as f64;
    let mut reader = response.into_body().into_reader();
    let mut bytes = Vec::with_capacity(expected.unwrap_or(0) as usize);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut throttle = Throttle::new();
    loop {
        let read = reader.read(&mut chunk).map_err(|err| network(format!("the download broke off: {err}")))?;
        if read == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..read]);
        if bytes.len() as u64 > DOWNLOAD_LIMIT_BYTES {
            return Err(too_large_download());
        }
        if throttle.due() {
            let message = format!("Downloaded {}", human_size(bytes.len() as u64));
            progress(CodeProgress::new("downloading", bytes.len() as f64, total, message));
        }
    }
    let received = bytes.len() as f64;
    progress(CodeProgress::new(
        "downloading",
        received,
        received,
        format!("Downloaded {}", human_size(bytes.len() as u64)),
    ));
    Ok(bytes)
}

fn too_large_download() -> Error {
    Error::Service(format!(
        "The code download is over {} MB, more than any Lambda package: stopped.",
        DOWNLOAD_LIMIT_BYTES as f64 / MIB
    ))
}

/// One entry of the archive, checked, to write.
#[derive(Debug)]
enum Planned {
    Folder(PathBuf),
    File { index: usize, path: PathBuf, mode: Option<u32> },
    Link { index: usize, path: PathBuf, name: String },
}

/// Extracts the zip into `dir` (created; it was checked empty or new). Every name is
/// checked before anything is written: an absolute path or a `..` that leaves the
/// folder refuses the whole archive. Links are made last, and only those that point
/// inside the folder, so no file is ever written through one. On failure, a folder this
/// call created is removed again.
fn extract(bytes: &[u8], dir: &Path, progress: &mut dyn FnMut(CodeProgress)) -> Result<u32, Error> {
    let unreadable =
        |detail: String| Error::Service(format!("The downloaded code is not a readable zip archive ({detail})."));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|err| unreadable(err.to_string()))?;
    let mut plan = Vec::new();
    let mut unzipped = 0u64;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|err| unreadable(err.to_string()))?;
        let name = entry.name().map_err(|err| unreadable(err.to_string()))?.into_owned();
        let unsafe_name = || {
            Error::Service(format!(
                "The downloaded code holds an entry that would be written outside the folder (\"{name}\"): nothing was extracted."
            ))
        };
        let relative = safe_relative_path(&name).filter(|_| entry.enclosed_name().is_some()).ok_or_else(unsafe_name)?;
        unzipped += entry.size();
        if unzipped > DOWNLOAD_LIMIT_BYTES {
            return Err(Error::Service(format!(
                "The downloaded code unzips to over {} MB, more than any Lambda package: nothing was extracted.",
                DOWNLOAD_LIMIT_BYTES as f64 / MIB
            )));
        }
        if entry.is_dir() {
            plan.push(Planned::Folder(relative));
        } else if entry.is_symlink() {
            plan.push(Planned::Link { index, path: relative, name });
        } else {
            plan.push(Planned::File { index, path: relative, mode: entry.unix_mode() });
        }
    }
    let total = plan.iter().filter(|p| !matches!(p, Planned::Folder(_))).count() as u32;

    let created = !dir.exists();
    fs::create_dir_all(dir).map_err(|err| field_error("dir", format!("Cannot create {}: {err}.", dir.display())))?;
    let result = write_planned(&mut archive, &plan, dir, total, progress);
    if result.is_err() && created {
        let _ = fs::remove_dir_all(dir);
    }
    result
}

fn write_planned(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    plan: &[Planned],
    dir: &Path,
    total: u32,
    progress: &mut dyn FnMut(CodeProgress),
) -> Result<u32, Error> {
    let cannot_write =
        |path: &Path, err: std::io::Error| field_error("dir", format!("Cannot write {}: {err}.", path.display()));
    let unreadable =
        |err: String| Error::Service(format!("The downloaded code is not a readable zip archive ({err})."));
    let mut written = 0u32;
    let mut throttle = Throttle::new();
    progress(CodeProgress::new("extracting", 0.0, f64::from(total), format!("Extracting into {}", dir.display())));
    // Folders and files first ...
    for planned in plan {
        match planned {
            Planned::Folder(relative) => {
                let path = dir.join(relative);
                fs::create_dir_all(&path).map_err(|err| cannot_write(&path, err))?;
            }
            Planned::File { index, path: relative, mode } => {
                let path = dir.join(relative);
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|err| cannot_write(parent, err))?;
                }
                let mut entry = archive.by_index(*index).map_err(|err| unreadable(err.to_string()))?;
                // create_new: a name twice in the archive is not written over.
                let mut file = fs::File::create_new(&path).map_err(|err| cannot_write(&path, err))?;
                std::io::copy(&mut entry, &mut file)
                    .map_err(|err| unreadable(format!("{}: {err}", relative.display())))?;
                file.flush().map_err(|err| cannot_write(&path, err))?;
                set_mode(&path, *mode).map_err(|err| cannot_write(&path, err))?;
                written += 1;
                if throttle.due() {
                    let message = format!("Extracted {}", relative.display());
                    progress(CodeProgress::new("extracting", f64::from(written), f64::from(total), message));
                }
            }
            Planned::Link { .. } => {}
        }
    }
    // ... links last, so nothing is written through one.
    for planned in plan {
        if let Planned::Link { index, path: relative, name } = planned {
            let mut entry = archive.by_index(*index).map_err(|err| unreadable(err.to_string()))?;
            let mut target = String::new();
            entry.read_to_string(&mut target).map_err(|err| unreadable(format!("{name}: {err}")))?;
            if !link_stays_inside(name, &target) {
                return Err(Error::Service(format!(
                    "The downloaded code holds a link that points outside the folder (\"{name}\" → \"{target}\"): extraction stopped."
                )));
            }
            // A link made earlier must not carry this one elsewhere: `l -> .` then
            // `l/m -> ..` would put `m` (and what it points at) outside the folder.
            if passes_through_link(dir, relative) {
                return Err(Error::Service(format!(
                    "The downloaded code holds a link inside another link (\"{name}\"): extraction stopped."
                )));
            }
            let path = dir.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|err| cannot_write(parent, err))?;
            }
            make_link(&target, &path).map_err(|err| cannot_write(&path, err))?;
            written += 1;
        }
    }
    progress(CodeProgress::new("extracting", f64::from(written), f64::from(total), "Extracted"));
    Ok(written)
}

/// Whether any folder on the way from `dir` to `relative` is a link (one this extraction
/// made): only real folders may lead to an entry.
fn passes_through_link(dir: &Path, relative: &Path) -> bool {
    let mut path = dir.to_path_buf();
    let parents: Vec<_> = relative.parent().map(|p| p.components().collect()).unwrap_or_default();
    parents.into_iter().any(|part| {
        path.push(part);
        fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink())
    })
}

/// The entry's name as a relative path, or `None` when it is absolute, holds a `..`, a
/// NUL or a drive prefix, or is empty.
fn safe_relative_path(name: &str) -> Option<PathBuf> {
    if name.contains('\0') || name.starts_with('/') || name.starts_with('\\') || name.contains(':') {
        return None;
    }
    let mut path = PathBuf::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part if part.split('\\').any(|p| p == "..") => return None,
            part => path.push(part),
        }
    }
    (!path.as_os_str().is_empty()).then_some(path)
}

/// Whether a link at `link` (a `/`-separated name in the archive) to `target` resolves
/// inside the folder. Only leading `..` are accepted, and no more of them than the link
/// has parent folders: the link then climbs real folders this extraction made (links are
/// made last) and descends by names, each of which is itself such a link or a real entry,
/// so no chain of links leaves the folder either.
fn link_stays_inside(link: &str, target: &str) -> bool {
    if target.is_empty() || target.starts_with('/') || target.contains(['\0', '\\', ':']) {
        return false;
    }
    let depth = link.trim_matches('/').split('/').filter(|p| !p.is_empty() && *p != ".").count().saturating_sub(1);
    let mut climbs = 0;
    let mut descended = false;
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." if descended => return false,
            ".." => climbs += 1,
            _ => descended = true,
        }
    }
    climbs <= depth
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: Option<u32>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match mode {
        // Permission bits only (no setuid and the like), and the owner may read and write.
        Some(mode) => fs::set_permissions(path, fs::Permissions::from_mode((mode & 0o777) | 0o600)),
        None => Ok(()),
    }
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: Option<u32>) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn make_link(target: &str, path: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, path)
}

/// Without unix links, the link is written as a file holding its target (as unzip does).
#[cfg(not(unix))]
fn make_link(target: &str, path: &Path) -> std::io::Result<()> {
    fs::File::create_new(path)?.write_all(target.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use aws_sdk_lambda::operation::get_function::{GetFunctionError, GetFunctionOutput};
    use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
    use aws_sdk_lambda::operation::update_function_code::UpdateFunctionCodeError;
    use aws_sdk_lambda::types::error::{ResourceConflictException, ResourceNotFoundException};
    use aws_sdk_lambda::types::{FunctionCodeLocation, FunctionConfiguration};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    /// A fresh folder under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(label: &str) -> Self {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            let dir = std::env::temp_dir().join(format!("lambda-deck-code-{label}-{}-{nanos}", std::process::id()));
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn write(&self, relative: &str, content: &str) -> PathBuf {
            let path = self.0.join(relative);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, content).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn field_errors(err: Error) -> Vec<(String, String)> {
        match err {
            Error::InvalidFields(fields) => fields.into_iter().map(|f| (f.field, f.message)).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    fn names_in(bytes: &[u8]) -> Vec<String> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        archive.file_names().map(|n| n.unwrap().into_owned()).collect()
    }

    #[test]
    fn ignore_patterns_follow_the_gitignore_subset() {
        let rules = IgnoreRules::parse(
            "# comment\n\n*.pyc\nnode_modules/\n/build\ndocs/*.md\n**/fixtures\nlogs/**\ncache/**/tmp\n\\#notes\ndata?.csv\n[Tt]emp*\n!keep.pyc\n  spaced.txt  \n",
        );
        let cases = [
            ("app.pyc", false, true),
            ("lib/deep/x.pyc", false, true),
            ("keep.pyc", false, false), // negated later
            ("lib/keep.pyc", false, false),
            ("app.py", false, false),
            ("node_modules", true, true),
            ("a/node_modules", true, true),
            ("node_modules", false, false), // a file: `node_modules/` matches folders only
            ("a/node_modules/x.js", false, true),
            ("build", true, true),
            ("build", false, true),
            ("src/build", true, false), // anchored at the root
            ("docs/readme.md", false, true),
            ("docs/api/readme.md", false, false), // `*` stays in one segment
            ("readme.md", false, false),
            ("fixtures", true, true),
            ("a/b/fixtures", true, true),
            ("a/b/fixtures/x.json", false, true),
            ("logs", true, false), // `logs/**` is what is inside
            ("logs/a/b.txt", false, true),
            ("cache/tmp", true, true),
            ("cache/x/y/tmp", true, true),
            ("x/cache/tmp", true, false),
            ("#notes", false, true),
            ("comment", false, false),
            ("data1.csv", false, true),
            ("data12.csv", false, false),
            ("Temp.txt", false, true),
            ("temporary", true, true),
            ("stemp", false, false),
            ("spaced.txt", false, true),
        ];
        for (path, is_dir, excluded) in cases {
            assert_eq!(rules.is_excluded(path, is_dir), excluded, "{path} (dir: {is_dir})");
        }
    }

    #[test]
    fn glob_corner_cases() {
        let matches = |pattern: &str, text: &str| glob_matches(&tokenize(pattern), text);
        assert!(matches("*", ""));
        assert!(matches("*", "anything"));
        assert!(matches("a*b*c", "aXbYbZc"));
        assert!(!matches("a*b*c", "aXbYbZ"));
        assert!(matches("*.tar.gz", "x.tar.gz"));
        assert!(!matches("?", ""));
        assert!(matches("[!a-c]x", "dx"));
        assert!(!matches("[!a-c]x", "bx"));
        assert!(matches("[]]", "]"));
        assert!(matches("[a", "[a"), "an unclosed class is literal");
        assert!(matches("\\*", "*"));
        assert!(!matches("\\*", "x"));
        // Empty and comment-only files have no rules.
        assert!(!IgnoreRules::parse("\n# only\n/\n").is_excluded("x", false));
    }

    #[test]
    fn a_folder_is_zipped_deterministically_without_the_excluded_files_and_with_modes() {
        let dir = TempDir::new("zip");
        dir.write("app.py", "def handler(e, c):\n    return 1\n");
        dir.write("lib/util.py", "X = 1\n");
        dir.write("lib/__pycache__/util.cpython-312.pyc", "compiled");
        let tool = dir.write("bin/run.sh", "#!/bin/sh\necho hi\n");
        let private = dir.write("config.json", "{}");
        dir.write("tests/test_app.py", "def test(): pass\n");
        dir.write("secret.env", "TOKEN=x");
        dir.write(".git/config", "[core]");
        dir.write(".lambdaignore", "# dev only\ntests/\n*.env\n__pycache__/\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&tool, fs::Permissions::from_mode(0o755)).unwrap();
            fs::set_permissions(&private, fs::Permissions::from_mode(0o600)).unwrap();
            fs::set_permissions(dir.0.join("app.py"), fs::Permissions::from_mode(0o644)).unwrap();
        }
        let _ = (&tool, &private);

        let mut events = Vec::new();
        let first = package_folder(&dir.0, &mut |p| events.push(p)).unwrap();
        let second = package_folder(&dir.0, &mut |_| {}).unwrap();

        assert_eq!(first.bytes, second.bytes, "the same files give the same bytes");
        assert_eq!(first.files, 4);
        assert_eq!(first.source, dir.0.display().to_string());
        assert_eq!(names_in(&first.bytes), ["app.py", "bin/run.sh", "config.json", "lib/util.py"]);
        assert!(events.iter().all(|e| e.step == "zipping"), "{events:?}");
        let last = events.last().unwrap();
        assert_eq!(last.done, last.total);
        assert!(last.message.contains("4 files") && last.message.contains("left out"), "{last:?}");

        let mut archive = zip::ZipArchive::new(Cursor::new(&first.bytes)).unwrap();
        let mut entry = archive.by_name("lib/util.py").unwrap();
        assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        assert_eq!(text, "X = 1\n");
        drop(entry);
        #[cfg(unix)]
        {
            let mode = |archive: &mut zip::ZipArchive<Cursor<&Vec<u8>>>, name: &str| {
                archive.by_name(name).unwrap().unix_mode().unwrap() & 0o777
            };
            assert_eq!(mode(&mut archive, "bin/run.sh"), 0o755, "executables stay executable");
            assert_eq!(mode(&mut archive, "app.py"), 0o644);
            assert_eq!(mode(&mut archive, "config.json"), 0o644, "readable by the runtime's user");
        }

        // The zip reads back as a package of its own.
        let zip_path = dir.0.join("tests/package.zip");
        fs::write(&zip_path, &first.bytes).unwrap();
        let from_file = package_path(&zip_path, &mut |_| {}).unwrap();
        assert_eq!((from_file.files, from_file.bytes.len()), (4, first.bytes.len()));
    }

    #[test]
    fn missing_empty_and_unreadable_paths_are_refused_at_the_path_field() {
        let dir = TempDir::new("paths");
        let missing = dir.0.join("nope");
        for err in [
            package_path(&missing, &mut |_| {}).unwrap_err(),
            package_folder(&missing, &mut |_| {}).unwrap_err(),
            package_zip_file(&missing).unwrap_err(),
        ] {
            let fields = field_errors(err);
            assert_eq!(fields.len(), 1);
            assert_eq!(fields[0].0, "path");
            assert!(fields[0].1.starts_with("There is no file or folder at"), "{fields:?}");
        }

        let empty = dir.0.join("empty");
        fs::create_dir_all(&empty).unwrap();
        let fields = field_errors(package_path(&empty, &mut |_| {}).unwrap_err());
        assert_eq!(fields[0].0, "path");
        assert!(fields[0].1.contains("has no files to deploy"), "{fields:?}");

        let all_excluded = TempDir::new("excluded");
        all_excluded.write("a.txt", "a");
        all_excluded.write(".lambdaignore", "*.txt\n");
        let fields = field_errors(package_path(&all_excluded.0, &mut |_| {}).unwrap_err());
        assert!(fields[0].1.contains("once .lambdaignore is applied"), "{fields:?}");

        let not_zip = dir.write("code.zip", "not a zip");
        let fields = field_errors(package_path(&not_zip, &mut |_| {}).unwrap_err());
        assert_eq!(fields[0].0, "path");
        assert!(fields[0].1.contains("is not a readable zip archive"), "{fields:?}");
    }

    #[test]
    fn the_direct_upload_limit_is_50_mb_inclusive() {
        assert!(check_zipped_size(0).is_ok());
        assert!(check_zipped_size(52_428_800).is_ok());
        let fields = field_errors(check_zipped_size(52_428_801).unwrap_err());
        assert_eq!(fields[0].0, "path");
        assert!(fields[0].1.starts_with("The zipped code is just over 50 MB (52428801 bytes);"), "{fields:?}");
        let fields = field_errors(check_zipped_size((63.2 * MIB) as u64).unwrap_err());
        assert_eq!(
            fields[0].1,
            "The zipped code is 63.2 MB; Lambda accepts at most 50 MB uploaded directly. Upload it to S3 and deploy from there, or exclude files in .lambdaignore."
        );
    }

    fn zip_of(entries: &[(&str, &str, Option<u32>)], links: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content, mode) in entries {
            let mut options = zip::write::SimpleFileOptions::default();
            if let Some(mode) = mode {
                options = options.unix_permissions(*mode);
            }
            zip.start_file(*name, options).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        for (name, target) in links {
            zip.add_symlink(*name, *target, zip::write::SimpleFileOptions::default()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn extraction_writes_files_modes_and_inner_links() {
        let dir = TempDir::new("extract");
        let target = dir.0.join("code");
        let bytes = zip_of(
            &[
                ("app.py", "print(1)", Some(0o644)),
                ("bin/tool", "#!/bin/sh", Some(0o755)),
                ("node_modules/pkg/cli.js", "x", None),
            ],
            &[("node_modules/.bin/cli", "../pkg/cli.js")],
        );
        let mut events = Vec::new();
        let files = extract(&bytes, &target, &mut |p| events.push(p)).unwrap();
        assert_eq!(files, 4);
        assert_eq!(fs::read_to_string(target.join("app.py")).unwrap(), "print(1)");
        assert_eq!(events.last().unwrap().done, 4.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(target.join("bin/tool")).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o755);
            assert_eq!(fs::read_to_string(target.join("node_modules/.bin/cli")).unwrap(), "x");
        }
    }

    #[test]
    fn extraction_refuses_names_and_links_that_leave_the_folder() {
        let dir = TempDir::new("slip");
        for (entries, links) in [
            (vec![("../evil.txt", "x", None)], vec![]),
            (vec![("ok.txt", "x", None), ("a/../../evil.txt", "x", None)], vec![]),
            (vec![("/etc/evil", "x", None)], vec![]),
            (vec![("ok.txt", "x", None)], vec![("escape", "/etc")]),
            (vec![("ok.txt", "x", None)], vec![("up", "../outside")]),
            (vec![("ok.txt", "x", None)], vec![("x/s1", ".."), ("t", "x/s1/..")]),
        ] {
            let target = dir.0.join("code");
            let bytes = zip_of(&entries, &links);
            let err = extract(&bytes, &target, &mut |_| {}).unwrap_err();
            assert!(err.to_string().contains("outside the folder"), "{entries:?} {links:?}: {err}");
            assert!(!target.exists(), "a folder the extraction made is removed again");
            assert!(!dir.0.join("evil.txt").exists() && !dir.0.join("outside").exists());
        }
        // A chain where each link alone stays inside: `l/m` would be made through `l`.
        let target = dir.0.join("code");
        let bytes = zip_of(&[("ok.txt", "x", None)], &[("l", "."), ("l/m", ".."), ("l/m/x", "ok.txt")]);
        let err = extract(&bytes, &target, &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("a link inside another link"), "{err}");
        assert!(!target.exists() && !dir.0.join("m").exists() && !dir.0.join("x").exists());
        assert!(link_stays_inside("x/s1", ".."));
        assert!(link_stays_inside("a/b/c", "../../d/e"));
        assert!(!link_stays_inside("a/b", "../../d"));
        assert!(!link_stays_inside("a", "b/../c"));
    }

    #[test]
    fn the_download_folder_must_be_new_or_empty() {
        let dir = TempDir::new("target");
        assert!(check_target_dir(&dir.0.join("new")).is_ok());
        let empty = dir.0.join("empty");
        fs::create_dir_all(&empty).unwrap();
        assert!(check_target_dir(&empty).is_ok());
        let file = dir.write("full/a.txt", "a");
        let fields = field_errors(check_target_dir(&dir.0.join("full")).unwrap_err());
        assert_eq!(fields[0].0, "dir");
        assert!(fields[0].1.contains("is not empty"), "{fields:?}");
        assert_eq!(field_errors(check_target_dir(&file).unwrap_err())[0].0, "dir");
        assert_eq!(origin_of("https://b.s3.amazonaws.com/k?X-Amz-Signature=s"), "https://b.s3.amazonaws.com");
        assert_eq!(origin_of("http://localhost:4566/_ministack/lambda-code/x"), "http://localhost:4566");
    }

    fn mocked(client: aws_sdk_lambda::Client) -> LambdaCalls {
        LambdaCalls {
            client,
            limiter: Arc::new(RateLimiter::new(1000.0, 1000.0)),
            endpoint: "test".into(),
            poll_interval: POLL_INTERVAL,
            deadline: UPDATE_DEADLINE,
        }
    }

    fn package() -> CodePackage {
        CodePackage { bytes: b"PK-zip".to_vec(), files: 2, source: "code".into() }
    }

    fn configuration(status: LastUpdateStatus) -> GetFunctionConfigurationOutput {
        GetFunctionConfigurationOutput::builder()
            .state(State::Active)
            .last_update_status(status)
            .code_sha256("sha")
            .code_size(6)
            .build()
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_function_is_waited_for_then_the_code_is_sent_and_followed() {
        let update = mock!(aws_sdk_lambda::Client::update_function_code)
            .match_requests(|r| r.publish() == Some(true) && r.zip_file().is_some())
            .sequence()
            .error(|| {
                UpdateFunctionCodeError::ResourceConflictException(
                    ResourceConflictException::builder().message("An update is in progress for resource: arn").build(),
                )
            })
            .output(|| UpdateFunctionCodeOutput::builder().version("7").code_sha256("new-sha").code_size(6).build())
            .build();
        let poll = mock!(aws_sdk_lambda::Client::get_function_configuration)
            .sequence()
            .output(|| configuration(LastUpdateStatus::InProgress))
            .output(|| configuration(LastUpdateStatus::Successful)) // the other update is over
            .output(|| configuration(LastUpdateStatus::InProgress))
            .times(2)
            .output(|| configuration(LastUpdateStatus::Successful))
            .build();
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&update, &poll]);
        let mut steps = Vec::new();
        let deployed =
            deploy_package(&mocked(client), "orders", package(), true, &mut |p| steps.push(p.step)).await.unwrap();
        assert_eq!(
            deployed,
            CodeDeployed {
                code_sha256: Some("new-sha".into()),
                code_size: 6.0,
                version: Some("7".into()),
                status: "Successful".into(),
                reason: None,
                files: 2,
            }
        );
        assert_eq!((update.num_calls(), poll.num_calls()), (2, 5));
        steps.dedup();
        assert_eq!(steps, ["uploading", "waiting_busy", "uploading", "waiting", "done"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_update_is_reported_with_its_reason() {
        let update = mock!(aws_sdk_lambda::Client::update_function_code)
            .then_output(|| UpdateFunctionCodeOutput::builder().version("$LATEST").code_size(6).build());
        let poll = mock!(aws_sdk_lambda::Client::get_function_configuration).then_output(|| {
            GetFunctionConfigurationOutput::builder()
                .state(State::Active)
                .last_update_status(LastUpdateStatus::Failed)
                .last_update_status_reason("Unzipped size must be smaller than 262144000 bytes")
                .build()
        });
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&update, &poll]);
        let deployed = deploy_package(&mocked(client), "orders", package(), false, &mut |_| {}).await.unwrap();
        assert_eq!(deployed.status, "Failed");
        assert_eq!(deployed.version, None, "no version without publishing");
        assert_eq!(deployed.reason.as_deref(), Some("Unzipped size must be smaller than 262144000 bytes"));
    }

    #[tokio::test(start_paused = true)]
    async fn an_update_that_never_ends_is_given_up_after_ten_minutes() {
        let update = mock!(aws_sdk_lambda::Client::update_function_code)
            .then_output(|| UpdateFunctionCodeOutput::builder().build());
        let poll = mock!(aws_sdk_lambda::Client::get_function_configuration)
            .then_output(|| configuration(LastUpdateStatus::InProgress));
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&update, &poll]);
        let started = Instant::now();
        let err = deploy_package(&mocked(client), "orders", package(), false, &mut |_| {}).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Service);
        assert!(err.to_string().contains("has not finished updating \"orders\" after 10 minutes"), "{err}");
        let waited = started.elapsed();
        assert!(waited >= UPDATE_DEADLINE && waited < UPDATE_DEADLINE + Duration::from_secs(2), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_function_that_stays_busy_is_not_retried_forever() {
        let update = mock!(aws_sdk_lambda::Client::update_function_code).then_error(|| {
            UpdateFunctionCodeError::ResourceConflictException(ResourceConflictException::builder().build())
        });
        let poll = mock!(aws_sdk_lambda::Client::get_function_configuration)
            .then_output(|| configuration(LastUpdateStatus::Successful));
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&update, &poll]);
        let err = deploy_package(&mocked(client), "orders", package(), false, &mut |_| {}).await.unwrap_err();
        assert!(err.to_string().contains("still busy"), "{err}");
        assert_eq!(update.num_calls(), 1 + MAX_BUSY_RETRIES as usize);
    }

    #[tokio::test]
    async fn a_missing_function_is_named() {
        let update = mock!(aws_sdk_lambda::Client::update_function_code).then_error(|| {
            UpdateFunctionCodeError::ResourceNotFoundException(ResourceNotFoundException::builder().build())
        });
        let get = mock!(aws_sdk_lambda::Client::get_function)
            .then_error(|| GetFunctionError::ResourceNotFoundException(ResourceNotFoundException::builder().build()));
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&update, &get]);
        let calls = mocked(client);
        let err = deploy_package(&calls, "gone", package(), false, &mut |_| {}).await.unwrap_err();
        assert_eq!((err.code(), err.to_string()), (ErrorCode::NotFound, "There is no function named \"gone\".".into()));
        let err = code_location(&calls, "gone").await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound);
    }

    #[tokio::test]
    async fn a_container_image_has_no_zip_to_download() {
        let get = mock!(aws_sdk_lambda::Client::get_function).then_output(|| {
            GetFunctionOutput::builder()
                .configuration(FunctionConfiguration::builder().package_type(PackageType::Image).build())
                .code(
                    FunctionCodeLocation::builder()
                        .repository_type("ECR")
                        .image_uri("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1")
                        .build(),
                )
                .build()
        });
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&get]);
        let err = code_location(&mocked(client), "img").await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("container image") && err.to_string().contains("no .zip"), "{err}");
    }
}
