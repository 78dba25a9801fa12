//! One canonical spelling of an agent id, so that the rate limit and the audit trail cannot
//! be split by writing the same agent differently.

use crate::Error;
use crate::issuer::MAX_AGENT_ID_LEN;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// The canonical form of an agent id: the form the issuer's rate limit counts and the audit
/// trail records.
///
/// Steps: refuse control, format, surrogate, private-use and unassigned characters and line
/// or paragraph separators (NUL, zero-width space, bidi overrides and the like) with
/// [`Error::InvalidAgentId`]; Unicode NFKC (full-width letters become ASCII, ligatures split);
/// Unicode lowercase; NFKC again; surrounding whitespace removed and every inner run of
/// whitespace made one space. The result must have 1 to [`MAX_AGENT_ID_LEN`] bytes
/// ([`Error::AuditFieldLength`] otherwise). Idempotent: a canonical id is its own canonical
/// form. `Agent-7`, ` agent-7 ` and `ａｇｅｎｔ－７` are all `agent-7`.
pub fn canonical_agent_id(agent_id: &str) -> Result<String, Error> {
    canonical_agent_id_cow(agent_id).map(Cow::into_owned)
}

/// [`canonical_agent_id`], borrowing `agent_id` when it is canonical already (the issuance hot
/// path: no allocation for the usual lowercase ASCII id, and no call into the normalisation).
#[inline]
pub(crate) fn canonical_agent_id_cow(agent_id: &str) -> Result<Cow<'_, str>, Error> {
    if !agent_id.is_empty()
        && agent_id.len() <= MAX_AGENT_ID_LEN
        && agent_id
            .bytes()
            .all(|byte| matches!(byte, b'!'..=b'@' | b'['..=b'~'))
    {
        // Printable ASCII without spaces or capitals (`!`..=`@` and `[`..=`~`): canonical as
        // it is (NFKC leaves ASCII alone), in one pass and without a copy.
        return Ok(Cow::Borrowed(agent_id));
    }
    normalised_agent_id(agent_id).map(Cow::Owned)
}

/// The canonical form of an id that is not canonical ASCII already.
fn normalised_agent_id(agent_id: &str) -> Result<String, Error> {
    if agent_id.len() > 4 * MAX_AGENT_ID_LEN {
        // Far too long whatever normalisation does; refused before any work.
        return Err(Error::AuditFieldLength {
            field: "agent id",
            len: agent_id.len(),
            max: MAX_AGENT_ID_LEN,
        });
    }
    if agent_id.bytes().all(|byte| byte.is_ascii_graphic()) && !agent_id.is_empty() {
        // Printable ASCII without spaces: NFKC leaves it as it is, lowercase is ASCII's.
        if agent_id.len() > MAX_AGENT_ID_LEN {
            return Err(Error::AuditFieldLength {
                field: "agent id",
                len: agent_id.len(),
                max: MAX_AGENT_ID_LEN,
            });
        }
        return Ok(agent_id.to_ascii_lowercase());
    }
    if let Some((position, character)) = agent_id.chars().enumerate().find(|&(_, c)| refused(c)) {
        return Err(Error::InvalidAgentId {
            character: u32::from(character),
            position,
        });
    }
    let folded: String = agent_id
        .nfkc()
        .flat_map(char::to_lowercase)
        .nfkc()
        .collect();
    let mut canonical = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !canonical.is_empty() {
            canonical.push(' ');
        }
        canonical.push_str(word);
    }
    if canonical.is_empty() || canonical.len() > MAX_AGENT_ID_LEN {
        return Err(Error::AuditFieldLength {
            field: "agent id",
            len: canonical.len(),
            max: MAX_AGENT_ID_LEN,
        });
    }
    Ok(canonical)
}

/// Characters no agent id may hold: the "Other" categories (control, format, surrogate,
/// private use, unassigned) and line or paragraph separators.
fn refused(character: char) -> bool {
    character.general_category_group() == GeneralCategoryGroup::Other
        || matches!(
            character.general_category(),
            GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator
        )
}

#[cfg(test)]
mod tests {
    use super::canonical_agent_id;
    use crate::Error;

    #[test]
    fn spellings_of_one_agent_share_one_form() {
        for spelling in [
            "agent-7",
            "Agent-7",
            "AGENT-7",
            " agent-7",
            "agent-7 ",
            "\u{a0}agent-7",
            "\u{3000}agent-7",
            "ａｇｅｎｔ－７",
            "Ａgent-7",
        ] {
            assert_eq!(
                canonical_agent_id(spelling).unwrap(),
                "agent-7",
                "{spelling:?}"
            );
        }
        assert_eq!(canonical_agent_id("Jane   Doe").unwrap(), "jane doe");
        assert_eq!(canonical_agent_id("ﬁona").unwrap(), "fiona");
    }

    #[test]
    fn control_and_format_characters_are_refused_with_their_position() {
        for (spelling, character, position) in [
            ("agent-7\u{200b}", 0x200b, 7),
            ("agent-7\0", 0, 7),
            ("\u{feff}agent-7", 0xfeff, 0),
            ("age\u{202e}nt", 0x202e, 3),
            ("agent\u{2028}7", 0x2028, 5),
            ("agent\u{e000}", 0xe000, 5),
            ("a\u{7f}", 0x7f, 1),
        ] {
            assert_eq!(
                canonical_agent_id(spelling),
                Err(Error::InvalidAgentId {
                    character,
                    position
                }),
                "{spelling:?}"
            );
        }
    }

    /// The issuance hot path borrows an id that is canonical already, and gives every other id
    /// the same form the full normalisation gives (every printable ASCII byte tried).
    #[test]
    fn canonical_ascii_ids_are_borrowed_and_the_rest_normalised_as_before() {
        use super::canonical_agent_id_cow;
        use std::borrow::Cow;
        let longest = "x".repeat(128);
        for id in [
            "agent-7",
            "a",
            "!@[`{~",
            "jane.doe@example",
            longest.as_str(),
        ] {
            assert!(
                matches!(canonical_agent_id_cow(id), Ok(Cow::Borrowed(borrowed)) if borrowed == id),
                "{id:?}"
            );
        }
        for byte in 0x21u8..=0x7e {
            let id = format!("agent{}", char::from(byte));
            let expected = id.to_ascii_lowercase();
            assert_eq!(canonical_agent_id_cow(&id).unwrap(), expected, "{id:?}");
            assert_eq!(
                matches!(canonical_agent_id_cow(&id), Ok(Cow::Borrowed(_))),
                !byte.is_ascii_uppercase(),
                "{id:?}"
            );
        }
        assert_eq!(canonical_agent_id_cow("Agent 7").unwrap(), "agent 7");
    }

    #[test]
    fn empty_and_long_ids_are_refused() {
        for (spelling, len) in [("", 0), ("   ", 0), (&*"x".repeat(129), 129)] {
            assert_eq!(
                canonical_agent_id(spelling),
                Err(Error::AuditFieldLength {
                    field: "agent id",
                    len,
                    max: 128
                })
            );
        }
    }

    #[test]
    fn canonical_form_is_idempotent() {
        for spelling in ["Ǆemal", "ΣΊΣΥΦΟΣ", "İstanbul", "ＡＢＣ　ｄｅｆ", "Straße"]
        {
            let once = canonical_agent_id(spelling).unwrap();
            assert_eq!(canonical_agent_id(&once).unwrap(), once, "{spelling:?}");
        }
    }
}
