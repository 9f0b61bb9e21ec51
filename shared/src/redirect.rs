//! Where a `next=` parameter may send the browser after a sign-in, a
//! language switch or an upload: only to a path of this site.
//!
//! Browsers are generous with what they take for a path: `//evil.example`,
//! `/\evil.example`, a tab or newline inside `//` (stripped before
//! parsing), `%2F%2Fevil` once decoded by a proxy. So rather than
//! rejecting the bad forms one by one, a target is accepted only when it is
//! made of the characters a path and query of ours contain, starts with one
//! `/`, and its second character is neither `/` nor `\`.

/// The target when it is a same-origin path, `None` otherwise.
pub fn safe_next(next: &str) -> Option<&str> {
    let bytes = next.as_bytes();
    if bytes.first() != Some(&b'/') || bytes.len() > 512 {
        return None;
    }
    if matches!(bytes.get(1), Some(b'/') | Some(b'\\')) {
        return None;
    }
    // Printable ASCII only, without the backslash: no control characters,
    // no whitespace, nothing a browser would strip or reinterpret.
    if !bytes.iter().all(|&b| (0x21..0x7f).contains(&b) && b != b'\\') {
        return None;
    }
    // A percent-encoded slash or backslash could become `//` after one more
    // decoding step (a proxy, a framework); none of our paths needs one.
    let lower = next.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%09") || lower.contains("%0a") || lower.contains("%0d") {
        return None;
    }
    Some(next)
}

/// The target, or `/` when it is not a same-origin path.
pub fn safe_next_or_home(next: Option<&str>) -> &str {
    next.and_then(safe_next).unwrap_or("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Payloads seen in open-redirect reports; none may leave the site.
    pub const HOSTILE: &[&str] = &[
        "//evil.example",
        "///evil.example",
        "////evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
        " /evil",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "/%5C/evil.example",
        "/%5cevil.example",
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0D%0A/evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://evil.example",
        "http://evil.example/",
        "http:evil.example",
        "https:/evil.example",
        "evil.example",
        "//evil.example@sihati.dz",
        "/\u{3000}/evil.example",
        "/\u{0}/evil",
        "/é",
        "",
    ];

    #[test]
    fn no_hostile_target_is_accepted() {
        for p in HOSTILE {
            assert_eq!(safe_next(p), None, "{p:?}");
            assert_eq!(safe_next_or_home(Some(p)), "/", "{p:?}");
        }
    }

    #[test]
    fn paths_of_the_site_are_kept_with_their_query() {
        for p in ["/", "/profile", "/book?specialty=cardiology&wilaya=31", "/care/3f2a?file=ok", "/lang/fr?next=/login"] {
            assert_eq!(safe_next(p), Some(p));
        }
        assert_eq!(safe_next_or_home(None), "/");
    }
}
