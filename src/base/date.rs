//! Calendar dates: the `YYYY-MM-DD` of front matter, and today in the
//! computer's own time zone (an office in China is eight hours ahead of UTC:
//! between 00:00 and 08:00 a UTC date is yesterday).

use std::fmt;

use serde::Serialize;

/// A calendar date. Written `YYYY-MM-DD` in front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("日期 `{s}` 格式不对，应写成 YYYY-MM-DD，例如 2025-03-18");
        let s = s.trim();
        let parts: Vec<&str> = s.split('-').collect();
        if parts.len() != 3
            || parts[0].len() != 4
            || parts[1].len() != 2
            || parts[2].len() != 2
            || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let year: i32 = parts[0].parse().map_err(|_| bad())?;
        let month: u8 = parts[1].parse().map_err(|_| bad())?;
        let day: u8 = parts[2].parse().map_err(|_| bad())?;
        if !(1900..=2100).contains(&year) {
            return Err(format!("日期 `{s}` 的年份不在 1900–2100 之间"));
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("日期 `{s}` 不存在"));
        }
        Ok(Date { year, month, day })
    }

    /// Today in the computer's time zone (`TZ`, else the system setting;
    /// UTC only if neither can be read).
    pub fn today() -> Date {
        Date::today_in(&jiff::tz::TimeZone::system())
    }

    /// Today in `tz`.
    pub fn today_in(tz: &jiff::tz::TimeZone) -> Date {
        Date::of(jiff::Timestamp::now(), tz)
    }

    /// The date of `at` in `tz`.
    pub fn of(at: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> Date {
        let d = at.to_zoned(tz.clone()).date();
        Date {
            year: i32::from(d.year()),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2025-3-18").is_err());
        assert!(Date::parse("2025年3月18日").is_err());
        assert!(Date::parse("2025-13-01").is_err());
    }

    #[test]
    fn the_local_date_is_ahead_of_utc_in_china() {
        // 2025-03-17 20:30 UTC is already 2025-03-18 04:30 in Beijing.
        let at: jiff::Timestamp = "2025-03-17T20:30:00Z".parse().unwrap();
        let china = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
        assert_eq!(Date::of(at, &china).to_string(), "2025-03-18");
        assert_eq!(
            Date::of(at, &jiff::tz::TimeZone::UTC).to_string(),
            "2025-03-17"
        );
    }
}
