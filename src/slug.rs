//! Slugs: the path segment a name or file is published under.

/// `Russia–China relations` → `russia-china-relations`; `Си Цзиньпин` →
/// `si-tszinpin` when transliterating, `си-цзиньпин` when not. Always a safe
/// single path segment: only letters, digits and single hyphens.
pub fn slugify(text: &str, transliterate: bool) -> String {
    let ascii;
    let source = if transliterate {
        ascii = deunicode::deunicode(text);
        ascii.as_str()
    } else {
        text
    };
    let mut slug = String::with_capacity(source.len());
    for c in source.chars() {
        if c == '\'' || c == '’' {
            // "Putin's" → "putins", "Tszin'pin" → "tszinpin"
            continue;
        }
        if c.is_alphanumeric() && (!transliterate || c.is_ascii()) {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// A slug an editor wrote by hand must be one safe path segment.
pub fn check_written(slug: &str) -> Result<(), String> {
    if slug.is_empty() {
        return Err("the slug is empty".into());
    }
    if slug.contains("..") {
        return Err(format!(
            "the slug '{slug}' contains '..': use letters, digits and hyphens"
        ));
    }
    if slug.starts_with('.') {
        // Hidden, and `.briefing…` names are the build's own marks and
        // folders, which a build removes or refuses to write over.
        return Err(format!(
            "the slug '{slug}' starts with '.': a hidden name, and those starting with .briefing are the build's own; start it with a letter or digit"
        ));
    }
    if let Some(error) = too_long(slug) {
        return Err(error);
    }
    if let Some(c) = slug.chars().find(|c| {
        matches!(c, '/' | '\\' | '\0' | '?' | '#' | '%') || c.is_control() || c.is_whitespace()
    }) {
        let shown = if c.is_control() {
            format!("U+{:04X}", c as u32)
        } else {
            c.to_string()
        };
        return Err(format!(
            "the slug '{}' contains '{shown}': use letters, digits and hyphens",
            slug.escape_debug()
        ));
    }
    Ok(())
}

/// Past what one folder name can hold on every common file system.
pub const MAX_SLUG_BYTES: usize = 255;

/// Why `slug` cannot be a folder's name, if it is too long for one.
pub fn too_long(slug: &str) -> Option<String> {
    (slug.len() > MAX_SLUG_BYTES).then(|| {
        format!(
            "the slug '{}…' is {} bytes long: a folder name holds at most {MAX_SLUG_BYTES}; make it shorter",
            slug.chars().take(40).collect::<String>(),
            slug.len()
        )
    })
}

/// A file name `2025-09-02-putin-xi-talks` gives the slug `putin-xi-talks`:
/// the date prefix orders files in the editor but does not belong in the URL.
pub fn strip_date_prefix(stem: &str) -> &str {
    let b = stem.as_bytes();
    let dated = b.len() > 11
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b[10] == b'-' || b[10] == b'_');
    if dated {
        &stem[11..]
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_by_default() {
        assert_eq!(
            slugify("Russia–China relations", true),
            "russia-china-relations"
        );
        assert_eq!(slugify("Си Цзиньпин", true), "si-tszinpin");
        assert_eq!(slugify("  Xi  Jinping!! ", true), "xi-jinping");
        assert_eq!(slugify("नरेन्द्र मोदी", true), "nrendr-modii");
        assert_eq!(slugify("习近平", true), "xi-jin-ping");
    }

    #[test]
    fn slugs_keep_letters_when_asked() {
        assert_eq!(slugify("Си Цзиньпин", false), "си-цзиньпин");
    }

    #[test]
    fn written_slugs_must_be_one_segment() {
        assert!(check_written("putin-xi").is_ok());
        for bad in [
            "a/b",
            "..",
            "a\\b",
            "a\0b",
            "",
            "a b",
            ".",
            ".briefing-new",
            ".hidden",
        ] {
            assert!(check_written(bad).is_err(), "{bad:?}");
        }
        assert!(check_written(&"a".repeat(255)).is_ok());
        let long = check_written(&"é".repeat(128)).unwrap_err();
        assert!(long.contains("is 256 bytes long"), "{long}");
        assert!(check_written(".").unwrap_err().contains("starts with '.'"));
    }

    #[test]
    fn date_prefix_is_dropped() {
        assert_eq!(strip_date_prefix("2025-09-02-putin-xi"), "putin-xi");
        assert_eq!(strip_date_prefix("putin-xi"), "putin-xi");
        assert_eq!(strip_date_prefix("2025-09-02"), "2025-09-02");
    }
}
