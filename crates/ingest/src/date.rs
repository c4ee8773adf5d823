//! Publication dates: finding them in names and normalising them to `YYYY-MM-DD`.

/// Whether the calendar has this day (years 1000 to 9999).
pub(crate) fn valid_ymd(y: u32, m: u32, d: u32) -> bool {
    if !(1000..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    d <= days
}

fn fmt(y: u32, m: u32, d: u32) -> Option<String> {
    valid_ymd(y, m, d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 4 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `YYYY?MM?DD` at the start of `b` with `?` one of `-`, `/`, `.` (the same twice).
fn iso_prefix(b: &[u8]) -> Option<String> {
    if b.len() < 10 || b.get(10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let sep = b[4];
    if !matches!(sep, b'-' | b'/' | b'.') || b[7] != sep {
        return None;
    }
    fmt(num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?)
}

/// The first valid `YYYY-MM-DD` in a file name that is not part of a longer number.
pub(crate) fn date_in_name(name: &str) -> Option<String> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        if i > 0 && b[i - 1].is_ascii_digit() || b[i + 4] != b'-' {
            return None;
        }
        iso_prefix(&b[i..])
    })
}

/// A date as found in metadata normalised to `YYYY-MM-DD`: ISO 8601 (`2022-09-13`,
/// `2022-09-13T08:00:00+02:00`, `2022/09/13`, `20220913`), RFC 2822 (`Tue, 13 Sep 2022
/// 08:00:00 GMT`), `13 September 2022`, `September 13, 2022` (English or French month
/// names). The date is taken as written (no time-zone shift). `None` if there is none or
/// it is not a real day.
pub(crate) fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    if let Some(d) = iso_prefix(b) {
        return Some(d);
    }
    if b.len() >= 8 && b[..8].iter().all(u8::is_ascii_digit) && (b.len() == 8 || b[8] == b'T') {
        return fmt(num(&b[0..4])?, num(&b[4..6])?, num(&b[6..8])?);
    }
    // Words: a day, a month name and a year among the first few. The day comes before
    // the year unless the year comes first; with two month names ("mar. 13 sept.": a
    // French weekday that reads as March), the last one wins.
    let mut day = None;
    let mut months = Vec::new();
    let mut year = None;
    for (i, word) in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(8).enumerate() {
        if let Some(n) = num(word.as_bytes()) {
            if word.len() == 4 && year.is_none() {
                year = Some((i, n));
            } else if word.len() <= 2 && day.is_none() && year.is_none_or(|(at, _)| at == 0) {
                day = Some(n);
            }
        } else {
            if let Some((sitrep_core::DateWord::Month, m)) = sitrep_lexicon::calendar_word(word) {
                months.push(m);
            }
        }
    }
    fmt(year?.1, *months.last()?, day?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(date_in_name("armenia-azerbaijan-2022-09-13.txt").as_deref(), Some("2022-09-13"));
        assert_eq!(date_in_name("2021-02-29-x.txt"), None);
        assert_eq!(date_in_name("12022-09-13.txt"), None);
        assert_eq!(date_in_name("x-2022-9-13.txt"), None);
        assert_eq!(date_in_name("a-2022-13-01-b-2020-02-29.txt").as_deref(), Some("2020-02-29"));
        assert_eq!(date_in_name("é2022-01-05").as_deref(), Some("2022-01-05"));
        assert_eq!(date_in_name("2022"), None);
    }

    #[test]
    fn metadata_dates() {
        let n = |s: &str| normalize_date(s);
        assert_eq!(n("2022-09-13").as_deref(), Some("2022-09-13"));
        assert_eq!(n(" 2022-09-13T23:10:00-05:00").as_deref(), Some("2022-09-13"));
        assert_eq!(n("2022/09/13").as_deref(), Some("2022-09-13"));
        assert_eq!(n("20220913").as_deref(), Some("2022-09-13"));
        assert_eq!(n("20220913T101010Z").as_deref(), Some("2022-09-13"));
        assert_eq!(n("Tue, 13 Sep 2022 08:00:00 GMT").as_deref(), Some("2022-09-13"));
        assert_eq!(n("September 13, 2022").as_deref(), Some("2022-09-13"));
        assert_eq!(n("13 septembre 2022").as_deref(), Some("2022-09-13"));
        assert_eq!(n("mar. 13 sept. 2022").as_deref(), Some("2022-09-13"));
        assert_eq!(n("2022 September 13").as_deref(), Some("2022-09-13"));
        assert_eq!(n("Sep 2022 08:00"), None);
        assert_eq!(n("2022-02-30"), None);
        assert_eq!(n("yesterday"), None);
        assert_eq!(n(""), None);
        assert_eq!(n("2022-09-1"), None);
    }
}
