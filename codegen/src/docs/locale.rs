//! Locale tags: the BCP 47 shape (`sv-SE`, `el-GR`, `zh-Hant-TW`,
//! `es-419`) in its canonical case, as `--locale` takes them and as catalog
//! files are named. A tag that only needs another case or `-` instead of
//! `_` is rejected with the tag to write.

/// Checks that `tag` is a BCP 47 language tag in canonical case: a 2–3
/// letter language, then optionally a 4-letter script, a 2-letter or
/// 3-digit region, and variants. Says what is wrong and what to write.
pub fn check(tag: &str) -> Result<(), String> {
    let canonical = canonical(tag);
    let hint = match &canonical {
        Some(c) if c != tag => format!(" (write `{c}`)"),
        _ => String::new(),
    };
    if canonical.as_deref() == Some(tag) {
        return Ok(());
    }
    Err(format!(
        "`{tag}` is not a locale tag like `sv-SE`, `el-GR` or `zh-Hant-TW` (BCP 47: language, then optional script and region, joined by `-`){hint}"
    ))
}

/// The canonical spelling of `tag` (subtags joined by `-`, language
/// lowercase, script titlecase, region uppercase), if it has the shape.
fn canonical(tag: &str) -> Option<String> {
    let mut subtags = tag.split(['-', '_']);
    let language = subtags.next()?;
    if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = vec![language.to_ascii_lowercase()];
    let mut stage = 0; // 0: script next, 1: region next, 2: variants
    for subtag in subtags {
        let alpha = subtag.chars().all(|c| c.is_ascii_alphabetic());
        let digits = subtag.chars().all(|c| c.is_ascii_digit());
        let alnum = subtag.chars().all(|c| c.is_ascii_alphanumeric());
        if stage == 0 && subtag.len() == 4 && alpha {
            let mut s = subtag.to_ascii_lowercase();
            s[..1].make_ascii_uppercase();
            out.push(s);
            stage = 1;
        } else if stage <= 1 && ((subtag.len() == 2 && alpha) || (subtag.len() == 3 && digits)) {
            out.push(subtag.to_ascii_uppercase());
            stage = 2;
        } else if alnum
            && ((5..=8).contains(&subtag.len())
                || (subtag.len() == 4 && subtag.starts_with(|c: char| c.is_ascii_digit())))
        {
            out.push(subtag.to_ascii_lowercase());
            stage = 2;
        } else {
            return None;
        }
    }
    Some(out.join("-"))
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_bcp47_tags() {
        for tag in [
            "sv-SE",
            "el-GR",
            "zh-Hant-TW",
            "es-419",
            "de",
            "sl-rozaj",
            "sv-FI",
        ] {
            assert_eq!(check(tag), Ok(()), "{tag}");
        }
    }

    #[test]
    fn rejects_other_shapes_with_a_hint() {
        let err = check("sv_SE").unwrap_err();
        assert!(err.contains("(write `sv-SE`)"), "{err}");
        assert!(check("sv-se").unwrap_err().contains("(write `sv-SE`)"));
        assert!(check("zh-hant-tw")
            .unwrap_err()
            .contains("(write `zh-Hant-TW`)"));
        for bad in [
            "", "s", "swedish", "sv-", "sv-SE-", "sv SE", "../sv-SE", "sv-SE\n", "12-SE",
        ] {
            let err = check(bad).unwrap_err();
            assert!(!err.contains("(write"), "{bad:?}: {err}");
        }
    }
}
