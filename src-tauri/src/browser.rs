//! Opening a web page in the user's default browser.

use lambda_deck::Error;

/// Hands `url` to the desktop's opener (`xdg-open` on Linux, which honours `$BROWSER`;
/// `open` on macOS; `start` on Windows) and returns without waiting for the browser.
pub fn open(url: &str) -> Result<(), Error> {
    if !url.starts_with("https://") {
        return Err(Error::InvalidInput(format!("Refusing to open a non-https address: {url}")));
    }
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(target_os = "windows") {
        let mut start = std::process::Command::new("cmd");
        start.args(["/C", "start", ""]);
        start
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = command
        .spawn()
        .map_err(|e| Error::Configuration(format!("Cannot open the browser ({e}). The address is {url}")))?;
    // Reap the opener in the background so it does not linger as a zombie.
    std::thread::spawn(move || child.wait());
    Ok(())
}
