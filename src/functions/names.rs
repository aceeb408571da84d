//! Function names and ARNs as users type them, checked before anything is sent, and the
//! function's address in the AWS web console.

use crate::Error;

/// The longest function name Lambda accepts (the full ARN may be longer).
const MAX_NAME_LENGTH: usize = 64;
/// The longest version or alias qualifier (`my-function:live`).
const MAX_QUALIFIER_LENGTH: usize = 128;
/// The longest value of a FunctionName parameter (a full ARN with a qualifier).
const MAX_REFERENCE_LENGTH: usize = 170;

/// A function named by the user, as Lambda's FunctionName parameter takes it: a name
/// (`my-function`), a partial ARN (`123456789012:function:my-function`) or a full ARN,
/// each optionally with a `:version` or `:alias` qualifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionReference<'a> {
    pub name: &'a str,
    pub qualifier: Option<&'a str>,
}

/// Checks a function name or ARN before any call; the error says what a name may hold.
pub fn check_function_name(reference: &str) -> Result<FunctionReference<'_>, Error> {
    parse(reference).ok_or_else(|| {
        let shown: String = reference.chars().take(80).collect();
        Error::InvalidInput(format!(
            "\"{shown}\" is not a Lambda function name or ARN: a name is 1 to {MAX_NAME_LENGTH} letters, digits, '-' or '_' (e.g. payments-api), optionally followed by :version or :alias."
        ))
    })
}

/// Checks a function named for a change (configuration, code, versions, aliases): those
/// belong to the function itself, so a `:version` or `:alias` qualifier is refused.
pub fn check_function_to_change(reference: &str) -> Result<FunctionReference<'_>, Error> {
    let function = check_function_name(reference)?;
    if let Some(qualifier) = function.qualifier {
        return Err(Error::InvalidInput(format!(
            "Changes are made to the function itself, not to \"{qualifier}\": give the function name without :{qualifier} (publish a version to make one)."
        )));
    }
    Ok(function)
}

/// Checks a version or alias name as a qualifier (`1`, `live`, `$LATEST`); the error
/// says what it may hold.
pub fn check_qualifier(qualifier: &str) -> Result<(), String> {
    // Checked as the qualifier of a reference, by the same rules as a typed `name:qualifier`.
    match parse(&format!("f:{qualifier}")) {
        Some(reference) if reference.qualifier == Some(qualifier) => Ok(()),
        _ => Err(format!("\"{qualifier}\" is not a version or alias name.")),
    }
}

/// The region an ARN names (`arn:aws:lambda:eu-west-1:…` → `eu-west-1`); `None` for a
/// plain name or a reference that is not a valid one.
pub fn arn_region(reference: &str) -> Option<&str> {
    parse(reference)?;
    let rest = reference.strip_prefix("arn:")?;
    rest.split(':').nth(2)
}

fn parse(reference: &str) -> Option<FunctionReference<'_>> {
    if reference.is_empty() || reference.len() > MAX_REFERENCE_LENGTH {
        return None;
    }
    let mut rest = reference;
    // arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]
    if let Some(after_arn) = rest.strip_prefix("arn:") {
        let (partition, after_partition) = after_arn.split_once(':')?;
        let valid_partition =
            partition.starts_with("aws") && partition.chars().all(|c| c.is_ascii_alphabetic() || c == '-');
        rest = after_partition.strip_prefix("lambda:").filter(|_| valid_partition)?;
        let (region, after_region) = rest.split_once(':')?;
        if !is_region_shaped(region) {
            return None;
        }
        rest = after_region;
    }
    // <account>:function:<name>…, or function:<name>…
    if let Some((account, after_account)) = rest.split_once(':') {
        if account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) {
            rest = after_account;
        }
    }
    if let Some(after_function) = rest.strip_prefix("function:") {
        rest = after_function;
    } else if rest.len() != reference.len() {
        // An ARN or an account prefix must be followed by `function:`.
        return None;
    }
    let (name, qualifier) = match rest.split_once(':') {
        Some((name, qualifier)) => (name, Some(qualifier)),
        None => (rest, None),
    };
    let name_ok = !name.is_empty()
        && name.len() <= MAX_NAME_LENGTH
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let qualifier_ok = qualifier.is_none_or(|q| {
        q == "$LATEST"
            || (!q.is_empty()
                && q.len() <= MAX_QUALIFIER_LENGTH
                && q.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
    });
    (name_ok && qualifier_ok).then_some(FunctionReference { name, qualifier })
}

/// `us-east-1`, `us-gov-west-1`, `ap-southeast-7`: two letters, words, one digit.
fn is_region_shaped(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().take(parts.len() - 1).all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].len() == 1
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
}

/// The function's page in the AWS web console. Both parts are percent-encoded: the URL
/// is handed to the desktop's opener and must mean exactly this page.
pub fn console_url(region: &str, function_name: &str) -> Result<String, Error> {
    let function = check_function_name(function_name)?;
    if !is_region_shaped(region) {
        return Err(Error::InvalidInput(format!("\"{region}\" is not an AWS region (e.g. eu-west-1).")));
    }
    let region = percent_encode(region);
    let name = percent_encode(function.name);
    Ok(format!("https://{region}.console.aws.amazon.com/lambda/home?region={region}#/functions/{name}"))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arn_names_its_region_and_a_name_none() {
        assert_eq!(arn_region("arn:aws:lambda:eu-west-1:123456789012:function:orders:live"), Some("eu-west-1"));
        assert_eq!(arn_region("orders"), None);
        assert_eq!(arn_region("123456789012:function:orders"), None);
        assert_eq!(arn_region("arn:aws:lambda:eu-west-1:123456789012:function:bad name"), None);
    }

    #[test]
    fn a_change_names_the_function_itself_not_a_version_or_alias() {
        assert_eq!(check_function_to_change("orders").unwrap().name, "orders");
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:orders";
        assert_eq!(check_function_to_change(arn).unwrap().name, "orders");
        let err = check_function_to_change("orders:live").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Changes are made to the function itself, not to \"live\": give the function name without :live (publish a version to make one)."
        );
    }
    use crate::ErrorCode;

    #[test]
    fn names_partial_and_full_arns_are_accepted() {
        let cases = [
            ("payments-api", "payments-api", None),
            ("payments_api.v2", "payments_api.v2", None),
            ("payments-api:live", "payments-api", Some("live")),
            ("payments-api:$LATEST", "payments-api", Some("$LATEST")),
            ("123456789012:function:payments-api", "payments-api", None),
            ("arn:aws:lambda:eu-west-1:123456789012:function:payments-api", "payments-api", None),
            ("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:7", "f", Some("7")),
            ("arn:aws-cn:lambda:cn-north-1:123456789012:function:f", "f", None),
        ];
        for (reference, name, qualifier) in cases {
            let parsed = check_function_name(reference).unwrap_or_else(|e| panic!("{reference}: {e}"));
            assert_eq!((parsed.name, parsed.qualifier), (name, qualifier), "{reference}");
        }
    }

    #[test]
    fn typos_are_refused_with_what_a_name_may_hold() {
        let long = "a".repeat(65);
        for bad in [
            "",
            "payments api",
            "payments/api",
            "payments-api:",
            "payments-api:v 1",
            long.as_str(),
            "arn:aws:s3:::bucket",
            "arn:aws:lambda:eu-west-1:123456789012:layer:x",
            "123456789012:payments-api",
            "arn:aws:lambda:moon:123456789012:function:f",
            "f'; rm -rf ~",
        ] {
            let err = check_function_name(bad).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{bad:?}");
            assert!(err.to_string().contains("is not a Lambda function name or ARN"), "{err}");
        }
    }

    #[test]
    fn the_console_link_names_the_region_and_function() {
        assert_eq!(
            console_url("eu-west-1", "payments-api").unwrap(),
            "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/payments-api"
        );
        // An ARN opens the function's page, by name.
        assert_eq!(
            console_url("eu-west-1", "arn:aws:lambda:eu-west-1:123456789012:function:orders:live").unwrap(),
            "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/orders"
        );
    }

    #[test]
    fn the_console_link_refuses_what_could_change_the_address() {
        for (region, name) in
            [("eu-west-1", "x#/evil"), ("eu-west-1", "a b"), ("evil.com/", "f"), ("eu-west-1&x=1", "f")]
        {
            assert_eq!(console_url(region, name).unwrap_err().code(), ErrorCode::InvalidInput, "{region} {name}");
        }
        assert_eq!(percent_encode("a b#c/d%"), "a%20b%23c%2Fd%25");
    }
}
