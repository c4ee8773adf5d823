use whatlang::{Detector, Lang};

/// Identifies the language of `text` among `allowed` (ISO 639-1 codes). Returns `None`
/// when the text is too short or unlike any of them.
pub fn detect_language(text: &str, allowed: &[&'static str]) -> Option<&'static str> {
    let langs: Vec<Lang> = allowed.iter().filter_map(|c| to_whatlang(c)).collect();
    if langs.is_empty() {
        return None;
    }
    let sample = sample(text, 4096);
    let detector = Detector::with_allowlist(langs);
    let info = detector.detect(sample)?;
    let code = from_whatlang(info.lang())?;
    allowed.iter().copied().find(|c| *c == code)
}

/// The first `max` bytes of `text`, cut on a char boundary.
fn sample(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Languages the detector can name (ISO 639-1, whatlang's language), whether or not
/// sitrep has a pack for them: an article in one without a pack gets a diagnostic that
/// names it. (Language codes, not words: the one table of codes in the analysis crates.)
const CODES: &[(&str, Lang)] = &[
    ("ar", Lang::Ara),
    ("de", Lang::Deu),
    ("en", Lang::Eng),
    ("es", Lang::Spa),
    ("fr", Lang::Fra),
    ("it", Lang::Ita),
    ("pt", Lang::Por),
    ("ru", Lang::Rus),
    ("tr", Lang::Tur),
    ("uk", Lang::Ukr),
];

/// Every code [`detect_language`] may return.
pub fn identifiable() -> impl Iterator<Item = &'static str> {
    CODES.iter().map(|c| c.0)
}

fn to_whatlang(code: &str) -> Option<Lang> {
    CODES.iter().find(|c| c.0 == code).map(|c| c.1)
}

fn from_whatlang(l: Lang) -> Option<&'static str> {
    CODES.iter().find(|c| c.1 == l).map(|c| c.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_french_and_english() {
        let all = ["fr", "en", "es", "ar"];
        assert_eq!(
            detect_language("Le ministère arménien de la Défense a déclaré que les combats avaient cessé.", &all),
            Some("fr")
        );
        assert_eq!(
            detect_language("The Armenian defence ministry said at least 49 soldiers were killed.", &all),
            Some("en")
        );
        assert_eq!(detect_language("", &all), None);
    }
}
