//! The store's clock: when each fact entered the store and when it was superseded.
//!
//! A write transaction reads the clock once: every row it versions (`event_versions`,
//! `member_versions`, `documents.added_at`, a decision's `made_at`) carries the same
//! instant, so a row deleted and written again unchanged within one fusion is one version,
//! not two. The instant is fixed at its first use in the transaction (after the write lock
//! is taken, so instants follow the order of commits) and dropped at commit or rollback.
//! Successive instants from one store strictly increase.
//!
//! Instants are text, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, microseconds), which sorts as
//! time does; [`parse_instant`] reads what a user types (`2022-09-14T12:00`, an offset,
//! a bare day) into that form.

use std::sync::{Arc, Mutex};

use rusqlite::OptionalExtension;

use crate::{Error, Result};

#[derive(Default)]
struct State {
    /// The instant of the transaction under way, once read.
    current: Option<String>,
    /// The last instant handed out, in microseconds since 1970.
    last: i64,
    /// A replay's time (tests): used instead of the system clock while set.
    fixed: Option<i64>,
}

/// Shared by the connection's SQL function `sitrep_now()`, its commit and rollback
/// hooks, and the store's own code.
#[derive(Clone, Default)]
pub struct Clock(Arc<Mutex<State>>);

impl Clock {
    /// The instant of the transaction under way.
    pub fn now(&self) -> String {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = &s.current {
            return c.clone();
        }
        let micros = s.fixed.unwrap_or_else(system_micros).max(s.last + 1);
        s.last = micros;
        let c = format_micros(micros);
        s.current = Some(c.clone());
        c
    }

    /// The transaction ended: the next one reads the clock again.
    pub fn end_transaction(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).current = None;
    }

    /// Replays a history at given instants (`None`: the system clock again). The replay
    /// owns the order of its instants: a fixed time earlier than the last one is taken.
    pub fn set_fixed(&self, at: Option<&str>) -> std::result::Result<(), String> {
        let micros = at.map(parse_micros).transpose()?;
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.fixed = micros;
        s.current = None;
        // A replay may start before instants already handed out (the store's creation).
        if let Some(m) = micros {
            s.last = m - 1;
        }
        Ok(())
    }
}

impl crate::Store {
    /// Replays a history (tests): every later transaction happens at `at` (an instant as
    /// [`parse_instant`] reads it; each transaction still a microsecond after the last),
    /// or on the system clock again with `None`.
    pub fn set_clock(&self, at: Option<&str>) -> Result<()> {
        self.clock.set_fixed(at).map_err(Error::Invalid)
    }

    /// When this store's history begins: the instant of its creation, or of its migration
    /// to schema v6 (before which nothing kept when it entered the store).
    pub fn history_since(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = 'history_since'", [], |r| r.get(0)).optional()?)
    }

    /// Whether the store can say what it held at `as_of`: not before its history began
    /// when it already held documents then (a store migrated to schema v6).
    pub(crate) fn check_known(&self, as_of: Option<&str>) -> Result<()> {
        let Some(t) = as_of else { return Ok(()) };
        if let Some(n) = self.analysis {
            return Err(Error::Invalid(format!(
                "archived analysis {n} has no history of its own: ask the live store as of a time instead"
            )));
        }
        let Some(since) = self.history_since()? else { return Ok(()) };
        if t < since.as_str() && self.had_documents_before_history()? {
            return Err(Error::Invalid(format!(
                "this store keeps its history since {since} (it was stored before then by a sitrep that kept none): ask about a later time than {t}"
            )));
        }
        Ok(())
    }

    fn had_documents_before_history(&self) -> Result<bool> {
        Ok(self.conn.query_row("SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'history_before')", [], |r| r.get(0))?)
    }
}

fn system_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

/// Microseconds since 1970 as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
pub fn format_micros(micros: i64) -> String {
    let (secs, frac) = (micros.div_euclid(1_000_000), micros.rem_euclid(1_000_000));
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let day = sitrep_dates::Ymd::from_days(days).iso();
    format!("{day}T{:02}:{:02}:{:02}.{frac:06}Z", rest / 3600, rest / 60 % 60, rest % 60)
}

/// A point in time as a user gives it, in the store's form: `YYYY-MM-DD` (midnight UTC),
/// `YYYY-MM-DDTHH:MM`, `…:SS`, `…:SS.fff`, with a space allowed for the `T`, UTC unless an
/// offset follows (`Z`, `+02:00`, `-0500`, `+03`).
pub fn parse_instant(s: &str) -> std::result::Result<String, String> {
    parse_micros(s).map(format_micros)
}

fn parse_micros(s: &str) -> std::result::Result<i64, String> {
    let bad = || {
        format!(
            "{s:?} is not a time: give YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC unless an offset such as +02:00 follows)"
        )
    };
    let s = s.trim();
    let day = s.get(..10).and_then(sitrep_dates::Ymd::parse_day).ok_or_else(bad)?;
    let mut micros = day.days() * 86_400 * 1_000_000;
    let rest = &s[10..];
    if rest.is_empty() {
        return Ok(micros);
    }
    let rest = rest.strip_prefix(['T', 't', ' ']).ok_or_else(bad)?;
    // The clock part ends where the offset begins.
    let end = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, offset) = rest.split_at(end);
    let mut parts = clock.split(':');
    let mut field = |max: i64| -> Option<i64> {
        let p = parts.next()?;
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i64>().ok())
            .flatten()
            .filter(|v| *v <= max)
    };
    let (h, m) = (field(23).ok_or_else(bad)?, field(59).ok_or_else(bad)?);
    micros += (h * 3600 + m * 60) * 1_000_000;
    if let Some(sec) = parts.next() {
        let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
        let ok =
            whole.len() == 2 && whole.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit());
        let secs: i64 = whole.parse().ok().filter(|v| ok && *v <= 60).ok_or_else(bad)?;
        let digits: String = frac.chars().chain(std::iter::repeat('0')).take(6).collect();
        micros += secs * 1_000_000 + digits.parse::<i64>().map_err(|_| bad())?;
    }
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(micros - offset_micros(offset).ok_or_else(bad)?)
}

/// `""`, `Z`, `+HH`, `+HH:MM`, `+HHMM` (or `-`) as microseconds east of UTC.
fn offset_micros(o: &str) -> Option<i64> {
    if o.is_empty() || o.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = match o.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = o[1..].chars().filter(|c| *c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits[..2].parse().ok().filter(|h| *h <= 23)?;
    let m: i64 = if digits.len() == 4 { digits[2..].parse().ok().filter(|m| *m <= 59)? } else { 0 };
    Some(sign * (h * 3600 + m * 60) * 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_as_users_type_them() {
        for (given, want) in [
            ("2022-09-14", "2022-09-14T00:00:00.000000Z"),
            ("2022-09-14T12:00", "2022-09-14T12:00:00.000000Z"),
            ("2022-09-14 12:00:30", "2022-09-14T12:00:30.000000Z"),
            ("2022-09-14T12:00:30.25Z", "2022-09-14T12:00:30.250000Z"),
            ("2022-09-14T12:00+02:00", "2022-09-14T10:00:00.000000Z"),
            ("2022-09-14T01:30-0500", "2022-09-14T06:30:00.000000Z"),
            ("2022-09-14T00:30+03", "2022-09-13T21:30:00.000000Z"),
        ] {
            assert_eq!(parse_instant(given).as_deref(), Ok(want), "{given}");
        }
        for bad in
            ["", "yesterday", "2022-09-31", "2022-09-14T25:00", "2022-09-14T12", "2022-09-14T12:00+2", "2022-09-14x"]
        {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn one_instant_per_transaction_and_increasing() {
        let c = Clock::default();
        c.set_fixed(Some("2022-09-14T12:00")).unwrap();
        let a = c.now();
        assert_eq!(c.now(), a);
        c.end_transaction();
        let b = c.now();
        assert!(b > a, "{b} after {a}");
        c.set_fixed(None).unwrap();
        assert!(c.now() > b);
    }
}
