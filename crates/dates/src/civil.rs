//! Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01).

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

impl Ymd {
    /// Parses `YYYY-MM-DD` (anything after the tenth byte, such as a time, is ignored).
    pub fn parse(s: &str) -> Option<Ymd> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !b[..10].iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        {
            return None;
        }
        let y: i32 = s.get(0..4)?.parse().ok()?;
        let m: u32 = s.get(5..7)?.parse().ok()?;
        let d: u32 = s.get(8..10)?.parse().ok()?;
        Ymd::new(y, m, d)
    }

    /// Exactly `YYYY-MM-DD`, a real day (no time, no sign, nothing after).
    pub fn parse_day(s: &str) -> Option<Ymd> {
        if s.len() == 10 { Ymd::parse(s) } else { None }
    }

    /// A valid date, or `None` ("31 février").
    pub fn new(y: i32, m: u32, d: u32) -> Option<Ymd> {
        ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some(Ymd { y, m, d })
    }

    pub fn days(self) -> i64 {
        days_from_civil(self.y, self.m, self.d)
    }

    pub fn from_days(z: i64) -> Ymd {
        let (y, m, d) = civil_from_days(z);
        Ymd { y, m, d }
    }

    pub fn add_days(self, n: i64) -> Ymd {
        Ymd::from_days(self.days() + n)
    }

    /// 1 = Monday ... 7 = Sunday.
    pub fn weekday(self) -> u32 {
        ((self.days() + 3).rem_euclid(7) + 1) as u32
    }

    /// ISO 8601 week: `(iso year, week)`.
    pub fn iso_week(self) -> (i32, u32) {
        let thursday = self.add_days(4 - self.weekday() as i64);
        let jan1 = Ymd { y: thursday.y, m: 1, d: 1 };
        ((thursday.y), ((thursday.days() - jan1.days()) / 7 + 1) as u32)
    }

    pub fn add_months(self, n: i32) -> (i32, u32) {
        let total = self.y * 12 + self.m as i32 - 1 + n;
        (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32)
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's algorithms.
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y as i64 - 1 } else { y as i64 };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        let d = Ymd::parse("2022-09-13").unwrap();
        assert_eq!(d.weekday(), 2); // Tuesday
        assert_eq!(d.add_days(-1).iso(), "2022-09-12");
        assert_eq!(Ymd::parse("2000-03-01").unwrap().add_days(-1).iso(), "2000-02-29");
        assert_eq!(d.iso_week(), (2022, 37));
        assert_eq!(Ymd::parse("2021-01-01").unwrap().iso_week(), (2020, 53));
        assert_eq!(Ymd::new(2022, 2, 31), None);
        assert_eq!(d.add_months(-9), (2021, 12));
    }
}
