//! What the site needs to know about a locale tag: the language's own name
//! (the switcher shows each language in itself) and the writing direction.

/// Languages by primary subtag, each named in itself.
const ENDONYMS: &[(&str, &str)] = &[
    ("ar", "العربية"),
    ("bg", "Български"),
    ("ca", "Català"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("es", "Español"),
    ("et", "Eesti"),
    ("eu", "Euskara"),
    ("fa", "فارسی"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("gl", "Galego"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("hr", "Hrvatski"),
    ("hu", "Magyar"),
    ("id", "Bahasa Indonesia"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("lt", "Lietuvių"),
    ("lv", "Latviešu"),
    ("ms", "Bahasa Melayu"),
    ("nb", "Norsk bokmål"),
    ("nl", "Nederlands"),
    ("nn", "Norsk nynorsk"),
    ("no", "Norsk"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("sk", "Slovenčina"),
    ("sl", "Slovenščina"),
    ("sr", "Српски"),
    ("sv", "Svenska"),
    ("th", "ไทย"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("ur", "اردو"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
];

/// Primary subtags of languages written right to left.
const RIGHT_TO_LEFT: &[&str] = &[
    "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "syr", "ug", "ur", "yi",
];

fn subtags(tag: &str) -> impl Iterator<Item = &str> {
    tag.split(['-', '_'])
}

/// The language's name in itself (`Svenska` for `sv-SE`), with the tag
/// when another of `tags` has the same language (`Português (pt-BR)`); the
/// tag itself for a language not in the table.
pub fn name(tag: &str, tags: &[&str]) -> String {
    let primary = subtags(tag).next().unwrap_or(tag).to_ascii_lowercase();
    let Some((_, endonym)) = ENDONYMS.iter().find(|(code, _)| *code == primary) else {
        return tag.to_owned();
    };
    let shared = tags.iter().filter(|t| {
        subtags(t)
            .next()
            .is_some_and(|p| p.eq_ignore_ascii_case(&primary))
    });
    if shared.count() > 1 {
        format!("{endonym} ({tag})")
    } else {
        (*endonym).to_owned()
    }
}

/// `rtl` or `ltr`: a script subtag decides (`Arab`, `Hebr`, … right to
/// left; any other left to right), else the language.
pub fn direction(tag: &str) -> &'static str {
    let mut parts = subtags(tag);
    let primary = parts.next().unwrap_or("").to_ascii_lowercase();
    let script = parts.find(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_alphabetic()));
    let rtl = match script {
        Some(s) => ["arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"]
            .contains(&s.to_ascii_lowercase().as_str()),
        None => RIGHT_TO_LEFT.contains(&primary.as_str()),
    };
    if rtl {
        "rtl"
    } else {
        "ltr"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_directions() {
        let tags = ["en-US", "sv-SE", "pt-BR", "pt-PT", "xx-YY"];
        assert_eq!(name("sv-SE", &tags), "Svenska");
        assert_eq!(name("pt-BR", &tags), "Português (pt-BR)");
        assert_eq!(name("xx-YY", &tags), "xx-YY");
        assert_eq!(direction("ar-EG"), "rtl");
        assert_eq!(direction("he-IL"), "rtl");
        assert_eq!(direction("az-Arab-IR"), "rtl");
        assert_eq!(direction("uz-Latn-UZ"), "ltr");
        assert_eq!(direction("sv-SE"), "ltr");
    }
}
