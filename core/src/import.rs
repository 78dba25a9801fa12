//! Importing otpauth:// URIs in bulk, one per line, with a verdict for every line.

use crate::error::Error;
use crate::otpauth::OtpAuthUri;

/// What became of one line of an import.
#[derive(Debug)]
pub struct ImportedLine {
    /// The line's number, counting from 1 (blank and comment lines count too).
    pub line: usize,
    /// The parsed account, or why the line was refused.
    pub result: Result<OtpAuthUri, Error>,
}

/// Parses one otpauth:// URI per line (see [`OtpAuthUri::parse`] for what is accepted).
///
/// Whitespace around a line is ignored; blank lines and lines whose first non-blank
/// character is `#` are skipped and get no entry. Every other line gets one entry, in order,
/// so a refused line never hides the ones after it. Parameters the format does not define are
/// ignored (they are listed in each account's `extra_parameters`).
pub fn import_otpauth_lines<'a, I>(lines: I) -> Vec<ImportedLine>
where
    I: IntoIterator<Item = &'a str>,
{
    lines
        .into_iter()
        .enumerate()
        .filter_map(|(index, line)| {
            let line_text = line.trim();
            (!line_text.is_empty() && !line_text.starts_with('#')).then(|| ImportedLine {
                line: index + 1,
                result: OtpAuthUri::parse(line_text),
            })
        })
        .collect()
}

/// [`import_otpauth_lines`] over the lines of `text` (`\n` or `\r\n` line ends), after a
/// leading byte order mark (which some editors write at the start of a text file).
pub fn import_otpauth(text: &str) -> Vec<ImportedLine> {
    import_otpauth_lines(text.strip_prefix('\u{feff}').unwrap_or(text).lines())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn every_line_gets_a_verdict_in_order() {
        let text = "# exported accounts\r\n\
            otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&tags=a&tags=b\r\n\
            \r\n\
            otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXP\n\
            \t otpauth://hotp/:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3 \n";
        let lines = import_otpauth(text);
        assert_eq!(
            lines.iter().map(|line| line.line).collect::<Vec<_>>(),
            [2, 4, 5]
        );
        let alice = lines[0].result.as_ref().unwrap();
        assert_eq!(alice.account, "alice");
        assert_eq!(alice.extra_parameters.len(), 2);
        let refused = lines[1].result.as_ref().unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::InvalidSecretLength);
        let carol = lines[2].result.as_ref().unwrap();
        assert_eq!(carol.issuer, None);
        assert_eq!(carol.account, "carol");
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_skipped() {
        let uri = "otpauth://totp/:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        let lines = import_otpauth(&format!("\u{feff}{uri}\r\n{uri}"));
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|line| line.result.is_ok()), "{lines:?}");
        // Elsewhere it is no part of a URI.
        let inside = import_otpauth(&format!("{uri}\n\u{feff}{uri}"));
        assert!(inside[1].result.is_err());
    }
}
