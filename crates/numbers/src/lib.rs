//! Numbers: digits with locale group separators ("6 600", "6,600", "2.000"), decimals
//! with multipliers ("1,5 million"), number words ("quarante-neuf", "twenty-one",
//! "quatre-vingt-dix-sept"), approximate quantities ("une cinquantaine", "des dizaines",
//! "dozens", "hundreds") and the qualifier words before them ("au moins", "more than",
//! "entre ... et ...").
//!
//! Pure function of the prepared text and the language pack; returns mentions sorted by
//! position.

use sitrep_core::{NumberMention, Qualifier, Span, Text, TokenKind, Word};
use sitrep_lexicon::{Index, LangPack};

/// The largest figure read as a count of people. Larger ones ("9223372036854775807
/// killed", "10^400 soldiers") are mistakes or jokes, not tolls: the caller drops them
/// with a diagnostic.
pub const MAX_COUNT: u64 = 1_000_000_000;

/// Finds every number in `text`.
pub fn find_numbers(ix: &Index<'_>, pack: &LangPack) -> Vec<NumberMention> {
    let text = ix.text();
    let mut out = Vec::new();
    for s in &text.sentences {
        let mut i = s.toks.start;
        while i < s.toks.end {
            match number_at(ix, pack, i, s.toks.end) {
                Some((end, value, q, year_like)) => {
                    let mut m = NumberMention {
                        span: text.span(i..end),
                        toks: i..end,
                        value,
                        qualifier: q,
                        low: None,
                        high: None,
                        year_like,
                    };
                    qualify(ix, pack, &mut m, s.toks.start, s.toks.end);
                    i = m.toks.end.max(end);
                    out.push(m);
                }
                None => i += 1,
            }
        }
    }
    out
}

/// A bare number starting at token `i`: `(end token, value, qualifier, year_like)`.
fn number_at(ix: &Index<'_>, pack: &LangPack, i: usize, limit: usize) -> Option<(usize, u64, Qualifier, bool)> {
    let text = ix.text();
    let toks = &text.tokens;
    if toks[i].kind == TokenKind::Num {
        let (end, value, decimal) = digits_at(text, i, limit)?;
        // A power ("10^400"): its value, saturated; [`MAX_COUNT`] keeps it from being a toll.
        if end + 1 < limit
            && text.tok(end) == "^"
            && toks[end + 1].kind == TokenKind::Num
            && !toks[end].space_before
            && !toks[end + 1].space_before
        {
            let exp = text.tok(end + 1).parse::<u32>().unwrap_or(u32::MAX);
            return Some((end + 2, value.checked_pow(exp).unwrap_or(u64::MAX), Qualifier::Exact, false));
        }
        // Multiplier word after the digits: "2 millions", "1,5 million".
        if let Some((mend, mult)) = multiplier_at(ix, pack, end, limit) {
            let v = (decimal * mult as f64).round() as u64;
            return Some((mend, v, Qualifier::Exact, false));
        }
        let single = end == i + 1;
        let year_like = single && text.tok(i).len() == 4 && (1800..=2100).contains(&value);
        return Some((end, value, Qualifier::Exact, year_like));
    }
    if toks[i].kind != TokenKind::Word {
        return None;
    }
    words_at(ix, pack, i, limit)
}

/// Digit groups: returns `(end token, integer value, value as decimal)`.
fn digits_at(text: &Text<'_>, i: usize, limit: usize) -> Option<(usize, u64, f64)> {
    let toks = &text.tokens;
    let first = text.tok(i);
    let mut value: u64 = first.parse().ok()?;
    let mut end = i + 1;
    let mut sep: Option<&str> = None;
    // Thousands groups.
    if first.len() <= 3 {
        loop {
            if end >= limit {
                break;
            }
            let (s, next) = if toks[end].kind == TokenKind::Num && toks[end].space_before && !toks[end].newline_before {
                (" ", end)
            } else if end + 1 < limit
                && matches!(text.tok(end), "," | "." | "'")
                && !toks[end].space_before
                && !toks[end + 1].space_before
                && toks[end + 1].kind == TokenKind::Num
            {
                (text.tok(end), end + 1)
            } else {
                break;
            };
            if text.tok(next).len() != 3 || sep.is_some_and(|p| p != s) {
                break;
            }
            // "en 2020 2 000" must not join; a space group needs a short head.
            sep = Some(s);
            value = value.checked_mul(1000)?.checked_add(text.tok(next).parse().ok()?)?;
            end = next + 1;
        }
    }
    let mut decimal = value as f64;
    // Decimal part: "1,5" / "1.5" (only meaningful before a multiplier).
    if sep.is_none()
        && end + 1 < limit
        && matches!(text.tok(end), "," | ".")
        && !toks[end].space_before
        && !toks[end + 1].space_before
        && toks[end + 1].kind == TokenKind::Num
    {
        let frac = text.tok(end + 1);
        if let Ok(f) = format!("0.{frac}").parse::<f64>() {
            decimal = value as f64 + f;
            return Some((end + 2, value, decimal));
        }
    }
    Some((end, value, decimal))
}

/// A multiplier word (million, milliard, thousand) at token `i`.
fn multiplier_at(ix: &Index<'_>, pack: &LangPack, i: usize, limit: usize) -> Option<(usize, u64)> {
    if i >= limit {
        return None;
    }
    let m = ix.longest_at(&pack.numbers, i, limit)?;
    let row = pack.numbers.rows_of(&m).next()?;
    let v: u64 = pack.numbers.get(row, "value")?.parse().ok()?;
    let exact = pack.numbers.get(row, "qualifier").and_then(Qualifier::parse) == Some(Qualifier::Exact);
    (v >= 1000 && exact).then_some((m.toks.end, v))
}

/// Number words starting at token `i`.
fn words_at(ix: &Index<'_>, pack: &LangPack, i: usize, limit: usize) -> Option<(usize, u64, Qualifier, bool)> {
    let text = ix.text();
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut end = i;
    let mut j = i;
    let mut last: u64 = 0;
    let mut approx: Option<(u64, Qualifier)> = None;
    let mut article = false;
    while j < limit {
        let tok = text.tok(j);
        if j > i && (tok == "-" || (ix.is(j, Word::Conj) && current > 0 && current.is_multiple_of(10) && last != 0)) {
            j += 1;
            continue;
        }
        let Some(m) = ix.longest_at(&pack.numbers, j, limit) else {
            break;
        };
        let Some(row) = pack.numbers.rows_of(&m).next() else {
            break;
        };
        let Some(Ok(v)) = pack.numbers.get(row, "value").map(str::parse::<u64>) else { break };
        let q = pack.numbers.get(row, "qualifier").and_then(Qualifier::parse).unwrap_or(Qualifier::Exact);
        if q != Qualifier::Exact {
            // An approximate noun ends the number: "une cinquantaine", "des centaines".
            if end == i || article {
                approx = Some((v, q));
                end = m.toks.end;
            }
            break;
        }
        article = v == 1 && ix.is(j, Word::One) && end == i;
        if v == 100 {
            current = current.max(1).saturating_mul(100);
        } else if v >= 1000 {
            total = total.saturating_add(current.max(1).saturating_mul(v));
            current = 0;
        } else if v == 20 && last == 4 && current % 100 == 4 {
            current = current - 4 + 80; // quatre-vingt(s)
        } else {
            current = current.saturating_add(v);
        }
        last = v;
        end = m.toks.end;
        j = m.toks.end;
    }
    if end == i {
        return None;
    }
    if let Some((v, q)) = approx {
        return Some((end, v, q, false));
    }
    Some((end, total.saturating_add(current), Qualifier::Exact, false))
}

/// Reads a qualifier before the number ("au moins", "more than", "entre") and, for a
/// range, the upper bound after "et"/"and"; sets `low`/`high`.
fn qualify(ix: &Index<'_>, pack: &LangPack, m: &mut NumberMention, sent_start: usize, limit: usize) {
    let text = ix.text();
    let from = m.toks.start.saturating_sub(4).max(sent_start);
    for s in from..m.toks.start {
        let Some(q) = ix.longest_at(&pack.qualifiers, s, m.toks.start) else {
            continue;
        };
        if q.toks.end != m.toks.start {
            continue;
        }
        let Some(row) = pack.qualifiers.rows_of(&q).next() else {
            continue;
        };
        let Some(qual) = pack.qualifiers.get(row, "qualifier").and_then(Qualifier::parse) else {
            continue;
        };
        if m.qualifier == Qualifier::Exact || qual != Qualifier::Exact {
            m.qualifier = qual;
        }
        m.span = Span::new(text.span(q.toks.clone()).start, m.span.end);
        m.toks.start = q.toks.start;
        break;
    }
    let v = m.value;
    match m.qualifier {
        Qualifier::Exact => {
            m.low = Some(v);
            m.high = Some(v);
        }
        Qualifier::AtLeast | Qualifier::MoreThan => m.low = Some(v),
        Qualifier::AtMost => m.high = Some(v),
        Qualifier::Approx => {}
        Qualifier::Range => {
            m.low = Some(v);
            let e = m.toks.end;
            if e + 1 < limit
                && (ix.is(e, Word::Conj) || ix.is(e, Word::RangeTo) || text.tok(e) == "-")
                && let Some((end, hi, _, _)) = number_at(ix, pack, e + 1, limit)
            {
                // "between 50 and 10": the bounds in order.
                m.low = Some(v.min(hi));
                m.high = Some(v.max(hi));
                m.toks.end = end;
                m.span = Span::new(m.span.start, text.span(e + 1..end).end);
            }
        }
    }
}

#[cfg(test)]
mod tests;
