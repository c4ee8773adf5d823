//! Temporal expressions.
//!
//! Finds absolute dates ("13 septembre 2022", "September 13, 2022", "2022-09-13",
//! "13/09/2022"), months and years ("en 2020", "in May 2021", "depuis 1994"), weekdays and
//! relative expressions ("mardi matin", "hier soir", "last week", "l'an dernier") and
//! durations ("six semaines" → `P6W`), and normalizes them to TimeML-style values.
//!
//! Relative expressions are resolved against the publication date given as input: a
//! weekday is the latest such day not after publication. Without a publication date they
//! keep `value: None` — never the clock. Pure function: no I/O, no clock.

mod civil;

pub use civil::{Ymd, days_in_month};
use sitrep_core::{
    DateKind, DateMention, DateWord, NumberMention, Precision, Setting, Suffix, Text, TokenKind, Word as W,
};
use sitrep_lexicon::{Index, LangPack};

/// Finds every temporal expression in `text`. `numbers` are the number mentions of the
/// same text (for durations); `published` resolves relative dates.
pub fn find_dates(
    ix: &Index<'_>,
    pack: &'static LangPack,
    numbers: &[NumberMention],
    published: Option<Ymd>,
) -> Vec<DateMention> {
    let text = ix.text();
    let sc = Scanner { ix, text, pack, numbers, published };
    let mut out = Vec::new();
    for s in &text.sentences {
        let mut i = s.toks.start;
        while i < s.toks.end {
            match sc.at(i, s.toks.end) {
                Some(m) => {
                    i = m.toks.end.max(i + 1);
                    out.push(m);
                }
                None => i += 1,
            }
        }
    }
    out
}

struct Scanner<'i, 't> {
    ix: &'i Index<'t>,
    text: &'t Text<'t>,
    pack: &'static LangPack,
    numbers: &'i [NumberMention],
    published: Option<Ymd>,
}

/// A date word from the pack: `(end token, kind, value)`.
type Word = (usize, DateWord, &'static str);

impl Scanner<'_, '_> {
    /// The number mention starting at token `i` (numbers are sorted by position).
    fn number_at(&self, i: usize) -> Option<&NumberMention> {
        self.numbers.binary_search_by_key(&i, |n| n.toks.start).ok().map(|k| &self.numbers[k])
    }

    fn word(&self, i: usize, limit: usize) -> Option<Word> {
        if i >= limit {
            return None;
        }
        let m = self.ix.longest_at(&self.pack.dates, i, limit)?;
        let row = self.pack.dates.rows_of(&m).next()?;
        let dates = &self.pack.dates;
        Some((m.toks.end, DateWord::parse(dates.get(row, "kind")?)?, dates.get(row, "value").unwrap_or("")))
    }

    fn word_of(&self, i: usize, limit: usize, kind: DateWord) -> Option<(usize, &'static str)> {
        self.word(i, limit).filter(|w| w.1 == kind).map(|w| (w.0, w.2))
    }

    fn day_num(&self, i: usize, limit: usize) -> Option<u32> {
        if i >= limit {
            return None;
        }
        let t = self.text.tok(i);
        let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
        let rest = &t[digits.len()..];
        if digits.is_empty() || digits.len() > 2 || !(rest.is_empty() || self.pack.is_suffix(rest, Suffix::Ordinal)) {
            return None;
        }
        let d: u32 = digits.parse().ok()?;
        (1..=31).contains(&d).then_some(d)
    }

    fn year_num(&self, i: usize, limit: usize) -> Option<i32> {
        if i >= limit || self.text.tokens[i].kind != TokenKind::Num {
            return None;
        }
        let t = self.text.tok(i);
        let y: i32 = t.parse().ok()?;
        (t.len() == 4 && (1000..=2999).contains(&y)).then_some(y)
    }

    fn is(&self, i: usize, limit: usize, words: &[&str]) -> bool {
        i < limit && words.contains(&self.text.tok(i))
    }

    fn mention(
        &self,
        toks: std::ops::Range<usize>,
        kind: DateKind,
        value: Option<String>,
        precision: Option<Precision>,
        year: Option<i32>,
    ) -> DateMention {
        // ISO 8601 basic years only (0000-9999): "tomorrow" of 9999-12-31 has no value.
        let in_range = |v: &String| {
            let digits = v.bytes().take_while(u8::is_ascii_digit).count();
            v.starts_with('X') || v.starts_with('P') || digits == 4
        };
        let out_of_range = value.as_ref().is_some_and(|v| !in_range(v));
        let value = value.filter(in_range);
        let precision = if out_of_range { None } else { precision };
        let year = year.filter(|y| (0..=9999).contains(y));
        DateMention { span: self.text.span(toks.clone()), toks, kind, value, precision, year, since: false }
    }

    /// Infers the year of a day and month with no year: the latest such date not more than
    /// a week after publication.
    /// The year of a day and month written without one: the occurrence nearest to
    /// publication ("le 30 juin" in May is next month; "28 décembre" in January was last
    /// month), or the one whose weekday matches when a weekday is written too.
    fn infer_year(&self, m: u32, d: u32, weekday: Option<u32>) -> Option<i32> {
        let p = self.published?;
        let cands: Vec<(i32, Ymd)> = (p.y - 1..=p.y + 1)
            .filter_map(|y| Ymd::new(y, m, d).or_else(|| Ymd::new(y, m, 28)).map(|x| (y, x)))
            .collect();
        if let Some(wd) = weekday {
            let fits: Vec<_> = cands.iter().filter(|(_, x)| x.weekday() == wd).collect();
            if fits.len() == 1 {
                return Some(fits[0].0);
            }
        }
        // News looks back more often than ahead: a future date counts double distance.
        let cost = |x: &Ymd| if x.days() > p.days() { 2 * (x.days() - p.days()) } else { p.days() - x.days() };
        cands.iter().min_by_key(|(_, x)| cost(x)).map(|(y, _)| *y)
    }

    /// Whether the sentence around token `i` speaks of the future (a `future` cue).
    fn future_context(&self, i: usize) -> bool {
        let Some(s) = self.text.sentences.get(self.text.sentence_of(i)) else { return false };
        self.ix.find(&self.pack.cues, s.toks.clone()).iter().any(|m| {
            self.pack.cues.rows_of(m).any(|r| self.pack.cues.get(r, "cue") == Some(sitrep_core::Cue::Future.as_str()))
        })
    }

    fn at(&self, i: usize, limit: usize) -> Option<DateMention> {
        self.absolute(i, limit)
            .or_else(|| self.numeric(i, limit))
            .or_else(|| self.relative(i, limit))
            .or_else(|| self.duration(i, limit))
            .or_else(|| self.year(i, limit))
    }

    /// "mardi 13 septembre 2022", "13 September", "September 13, 2022", "mai 2021".
    fn absolute(&self, i: usize, limit: usize) -> Option<DateMention> {
        let mut j = i;
        let mut weekday = false;
        let mut wd: Option<u32> = None;
        if let Some((e, v)) = self.word_of(j, limit, DateWord::Weekday) {
            j = e;
            weekday = true;
            wd = v.parse().ok();
            if self.is(j, limit, &[","]) {
                j += 1;
            }
        }
        if j < limit && self.ix.is(j, W::DayDet) && self.day_num(j + 1, limit).is_some() {
            j += 1;
        }
        // DAY MONTH [YEAR]
        if let Some(d) = self.day_num(j, limit) {
            let of = if j + 1 < limit && self.ix.is(j + 1, W::DateOf) { 1 } else { 0 };
            if let Some((e, mv)) = self.word_of(j + 1 + of, limit, DateWord::Month) {
                let m: u32 = mv.parse().ok()?;
                let (end, y) = match self.year_num(e, limit) {
                    Some(y) => (e + 1, Some(y)),
                    None => (e, self.infer_year(m, d, wd)),
                };
                return Some(self.day_mention(i..end, y, m, d));
            }
        }
        // MONTH DAY[,] [YEAR] | MONTH YEAR | MONTH alone
        if let Some((e, mv)) = self.word_of(j, limit, DateWord::Month) {
            let m: u32 = mv.parse().ok()?;
            if let Some(d) = self.day_num(e, limit) {
                let mut end = e + 1;
                let mut k = end;
                if self.is(k, limit, &[","]) {
                    k += 1;
                }
                let y = match self.year_num(k, limit) {
                    Some(y) => {
                        end = k + 1;
                        Some(y)
                    }
                    None => self.infer_year(m, d, wd),
                };
                return Some(self.day_mention(i..end, y, m, d));
            }
            // "mai 2021", "octobre 98"
            let short_year = || {
                let yy: i32 = self.text.tok(e).parse().ok()?;
                let two_digits = self.text.tokens[e].kind == TokenKind::Num && self.text.tok(e).len() == 2;
                two_digits.then_some(if yy >= 50 { 1900 + yy } else { 2000 + yy })
            };
            let year = self.year_num(e, limit).or_else(|| if e < limit { short_year() } else { None });
            if let Some(y) = year {
                let value = Some(format!("{y:04}-{m:02}"));
                return Some(self.mention(i..e + 1, DateKind::Date, value, Some(Precision::Month), Some(y)));
            }
            if !weekday && self.month_alone_ok(j, e) {
                // The nearest such month to publication.
                let y = self.published.map(|p| {
                    let cost = |y: &i32| {
                        let d = (y * 12 + m as i32) - (p.y * 12 + p.m as i32);
                        if d > 0 { 2 * d } else { -d }
                    };
                    (p.y - 1..=p.y + 1).min_by_key(cost).unwrap_or(p.y)
                });
                let value = y.map(|y| format!("{y:04}-{m:02}"));
                return Some(self.mention(j..e, DateKind::Date, value, Some(Precision::Month), y));
            }
        }
        None
    }

    /// A month name alone is a date only where it cannot be a common word ("may").
    fn month_alone_ok(&self, j: usize, end: usize) -> bool {
        let t = &self.text.tokens[j];
        let _ = end;
        let prep = j > 0 && (self.ix.is(j - 1, W::DatePrep) || self.text.tok(j - 1) == "'");
        if self.pack.setting_is(Setting::MonthCapitalised, "yes") {
            t.cap && (!self.ix.is(j, W::Homograph) || prep)
        } else {
            prep
        }
    }

    fn day_mention(&self, toks: std::ops::Range<usize>, y: Option<i32>, m: u32, d: u32) -> DateMention {
        let value = match y {
            Some(y) => Ymd::new(y, m, d).map(|x| x.iso()),
            // No year: the day must exist in some year (29 February does).
            None => Ymd::new(2000, m, d).map(|_| format!("XXXX-{m:02}-{d:02}")),
        };
        let valid = value.is_some();
        // No such day: not even its year is known ("31 February 2022").
        self.mention(toks, DateKind::Date, value, valid.then_some(Precision::Day), y.filter(|_| valid))
    }

    /// "2022-09-13", "13/09/2022", "09/13/2022" (en).
    fn numeric(&self, i: usize, limit: usize) -> Option<DateMention> {
        let t = &self.text.tokens;
        if t[i].kind != TokenKind::Num || i + 5 > limit {
            return None;
        }
        let sep = self.text.tok(i + 1);
        if !matches!(sep, "-" | "/" | ".") || self.text.tok(i + 3) != sep {
            return None;
        }
        if (i + 1..i + 5).any(|k| t[k].space_before)
            || t[i + 2].kind != TokenKind::Num
            || t[i + 4].kind != TokenKind::Num
        {
            return None;
        }
        let a: u32 = self.text.tok(i).parse().ok()?;
        let b: u32 = self.text.tok(i + 2).parse().ok()?;
        let c: u32 = self.text.tok(i + 4).parse().ok()?;
        let (y, m, d) = if self.text.tok(i).len() == 4 {
            (a as i32, b, c)
        } else if self.text.tok(i + 4).len() == 4 {
            // The language's order first; the other when only it gives a real day
            // ("13/09/2018" in an English text).
            let mdy = self.pack.setting_is(Setting::NumericDate, "mdy") && sep == "/";
            let (first, other) = if mdy { ((a, b), (b, a)) } else { ((b, a), (a, b)) };
            let (m, d) = if Ymd::new(c as i32, first.0, first.1).is_none() { other } else { first };
            (c as i32, m, d)
        } else {
            return None;
        };
        // A date's shape with no such day ("2022-02-30", "32/13/2022": a year of our era,
        // day and month of one or two digits) is a mention with no value, so that its year
        // is not read alone. Other digit groups ("504-471-2789") are not dates at all.
        let Some(ymd) = Ymd::new(y, m, d) else {
            let short = |k: usize| self.text.tok(k).len() <= 2;
            let shape = (1800..=2100).contains(&y)
                && if self.text.tok(i).len() == 4 { short(i + 2) && short(i + 4) } else { short(i) && short(i + 2) };
            return shape.then(|| self.mention(i..i + 5, DateKind::Date, None, None, None));
        };
        Some(self.mention(i..i + 5, DateKind::Date, Some(ymd.iso()), Some(Precision::Day), Some(y)))
    }

    /// Weekdays, "hier", "last week", "ce matin", "actuellement".
    fn relative(&self, i: usize, limit: usize) -> Option<DateMention> {
        let (e, kind, value) = self.word(i, limit)?;
        let p = self.published;
        match kind {
            DateWord::Weekday => {
                let wd: i64 = value.parse().ok()?;
                let mut end = e;
                // "mardi prochain"/"next Tuesday" and a sentence about the future look
                // ahead; "mercredi dernier"/"last Wednesday" is strictly before; else the
                // latest such day not after publication.
                let after = |w: W| end < limit && self.ix.is(end, w);
                let before = |w: W| i > 0 && self.ix.is(i - 1, w);
                let next = after(W::Next) || before(W::Next);
                let last = after(W::Last) || before(W::Last);
                if after(W::Next) || after(W::Last) {
                    end += 1;
                }
                let ahead = next || (!last && self.future_context(i));
                let (end, part) = self.part_after(end, limit);
                let day = p.map(|p| {
                    let back = (p.weekday() as i64 - wd).rem_euclid(7);
                    if ahead {
                        p.add_days((wd - p.weekday() as i64).rem_euclid(7).max(if next { 1 } else { 0 }))
                    } else if last {
                        p.add_days(-(if back == 0 { 7 } else { back }))
                    } else {
                        p.add_days(-back)
                    }
                });
                Some(self.day_rel(i..end, day, part))
            }
            DateWord::DayOffset => {
                let n: i64 = value.parse().ok()?;
                let (end, part) = self.part_after(e, limit);
                Some(self.day_rel(i..end, p.map(|p| p.add_days(n)), part))
            }
            DateWord::WeekOffset => {
                let n: i64 = value.parse().ok()?;
                let v = p.map(|p| {
                    let (y, w) = p.add_days(7 * n).iso_week();
                    format!("{y:04}-W{w:02}")
                });
                Some(self.mention(i..e, DateKind::Date, v, Some(Precision::Week), p.map(|p| p.add_days(7 * n).y)))
            }
            DateWord::MonthOffset => {
                let n: i32 = value.parse().ok()?;
                let ym = p.map(|p| p.add_months(n));
                Some(self.mention(
                    i..e,
                    DateKind::Date,
                    ym.map(|(y, m)| format!("{y:04}-{m:02}")),
                    Some(Precision::Month),
                    ym.map(|x| x.0),
                ))
            }
            DateWord::YearOffset => {
                let n: i32 = value.parse().ok()?;
                let y = p.map(|p| p.y + n);
                Some(self.mention(i..e, DateKind::Date, y.map(|y| format!("{y:04}")), Some(Precision::Year), y))
            }
            DateWord::PartOfDay => {
                // "ce matin", "this morning": today.
                let demonstrative = i > 0 && self.ix.is(i - 1, W::This);
                if !demonstrative {
                    return None;
                }
                let v = p.map(|p| format!("{}T{value}", p.iso()));
                Some(self.mention(i - 1..e, DateKind::Time, v, Some(Precision::Day), p.map(|p| p.y)))
            }
            DateWord::Present | DateWord::Past | DateWord::Future => {
                Some(self.mention(i..e, DateKind::Date, Some(value.to_string()), None, None))
            }
            DateWord::Season => {
                let y = p.map(|p| p.y);
                let v = y.map_or_else(|| format!("XXXX-{value}"), |y| format!("{y:04}-{value}"));
                Some(self.mention(i..e, DateKind::Date, Some(v), None, y))
            }
            _ => None,
        }
    }

    fn part_after(&self, i: usize, limit: usize) -> (usize, Option<&'static str>) {
        match self.word_of(i, limit, DateWord::PartOfDay) {
            Some((e, v)) => (e, Some(v)),
            None => (i, None),
        }
    }

    fn day_rel(&self, toks: std::ops::Range<usize>, day: Option<Ymd>, part: Option<&str>) -> DateMention {
        let kind = if part.is_some() { DateKind::Time } else { DateKind::Date };
        let value = day.map(|d| match part {
            Some(p) => format!("{}T{p}", d.iso()),
            None => d.iso(),
        });
        self.mention(toks, kind, value, Some(Precision::Day), day.map(|d| d.y))
    }

    /// "six semaines" → P6W, "three days" → P3D.
    fn duration(&self, i: usize, limit: usize) -> Option<DateMention> {
        let n = self.number_at(i)?;
        if n.year_like {
            return None;
        }
        let e = n.toks.end;
        let (ue, unit) = self.word_of(e, limit, DateWord::Unit)?;
        // "plusieurs jours", "a few days": an unspecified number (TimeML `PXD`).
        let amount = if n.qualifier == sitrep_core::Qualifier::Exact { n.value.to_string() } else { "X".to_string() };
        let v = if unit == "H" || unit == "MIN" || unit == "S" {
            format!("PT{amount}{}", if unit == "MIN" { "M" } else { unit })
        } else {
            format!("P{amount}{unit}")
        };
        Some(self.mention(i..ue, DateKind::Duration, Some(v), None, None))
    }

    /// "en 2020", "since 1994", "the 2020 war".
    fn year(&self, i: usize, limit: usize) -> Option<DateMention> {
        let y = self.year_num(i, limit)?;
        if let Some(n) = self.number_at(i)
            && !n.year_like
        {
            return None;
        }
        let mut m = self.mention(i..i + 1, DateKind::Date, Some(format!("{y:04}")), Some(Precision::Year), Some(y));
        if i > 0 && self.ix.is(i - 1, W::Since) {
            m.since = true;
        }
        Some(m)
    }
}

#[cfg(test)]
mod tests;
