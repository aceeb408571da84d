//! Opening a web page in the user's default browser.

use lambda_deck::Error;

/// The operating systems whose opener is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Os {
    Linux,
    Mac,
    Windows,
}

const THIS_OS: Os = if cfg!(target_os = "macos") {
    Os::Mac
} else if cfg!(target_os = "windows") {
    Os::Windows
} else {
    Os::Linux
};

/// Hands `url` to the desktop's opener and returns without waiting for the browser. The
/// address is one argument of a program, never text for a shell to parse.
pub fn open(url: &str) -> Result<(), Error> {
    if !url.starts_with("https://") {
        return Err(Error::InvalidInput(format!("Refusing to open a non-https address: {url}")));
    }
    let (program, args) = opener(THIS_OS, url);
    let mut child = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| Error::Configuration(format!("Cannot open the browser ({e}). The address is {url}")))?;
    // Reap the opener in the background so it does not linger as a zombie.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// The program and arguments that open `url`: `xdg-open` (which honours `$BROWSER`),
/// `open`, or on Windows the URL handler called directly — `cmd /C start` would let
/// cmd.exe interpret `&`, `^` and `|` in the address.
fn opener(os: Os, url: &str) -> (&'static str, Vec<String>) {
    match os {
        Os::Linux => ("xdg-open", vec![url.to_string()]),
        Os::Mac => ("open", vec![url.to_string()]),
        Os::Windows => ("rundll32.exe", vec!["url.dll,FileProtocolHandler".to_string(), url.to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_opener_goes_through_a_shell() {
        let url = "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1&x=1#/functions/a%20b";
        for os in [Os::Linux, Os::Mac, Os::Windows] {
            let (program, args) = opener(os, url);
            assert!(!["cmd", "cmd.exe", "sh", "bash", "powershell"].contains(&program), "{os:?} uses {program}");
            assert_eq!(args.last().map(String::as_str), Some(url), "{os:?}: the address is one argument, as is");
        }
    }

    #[test]
    fn only_https_addresses_are_opened() {
        assert_eq!(open("file:///etc/passwd").unwrap_err().code(), lambda_deck::ErrorCode::InvalidInput);
    }
}
