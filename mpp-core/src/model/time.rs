//! Dates, durations and their units.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::bytes::{u16_at, u32_at};

/// A local wall-clock date and time, to the second, without time zone
/// (Project stores all schedule dates that way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// Seconds since 1970-01-01 00:00:00 of the same wall clock.
    secs: i64,
}

/// Days from 1970-01-01 to 1983-12-31, Project's epoch.
const MPP_EPOCH_DAYS: i64 = 5112;

impl DateTime {
    pub fn from_secs(secs: i64) -> Self {
        DateTime { secs }
    }

    pub fn secs(self) -> i64 {
        self.secs
    }

    /// From a civil date and time; `None` when out of range.
    pub fn new(year: i32, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Option<Self> {
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || min > 59
            || sec > 59
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(DateTime {
            secs: days * 86_400 + i64::from(hour * 3600 + min * 60 + sec),
        })
    }

    /// Project's epoch plus a number of days and seconds.
    pub fn from_mpp(days: i64, secs: i64) -> Self {
        DateTime {
            secs: (MPP_EPOCH_DAYS + days) * 86_400 + secs,
        }
    }

    /// The 4-byte timestamp: u16 tenths of a minute, then u16 days since
    /// 1983-12-31. Days 0, 1 and 65535 mean "no date" (Project's "NA").
    pub fn from_timestamp(data: &[u8], off: usize) -> Option<Self> {
        let time = u16_at(data, off)?;
        let days = u16_at(data, off + 2)?;
        if days <= 1 || days == 0xFFFF {
            return None;
        }
        let tenths = if time == 0xFFFF { 0 } else { i64::from(time) };
        let secs = tenths * 6;
        if days < 100 && secs % 60 != 0 {
            return None;
        }
        Some(Self::from_mpp(i64::from(days), secs))
    }

    /// A 2-byte date: days since 1983-12-31 (65535 = none).
    pub fn from_date(data: &[u8], off: usize) -> Option<Self> {
        let days = u16_at(data, off)?;
        (days != 0xFFFF).then(|| Self::from_mpp(i64::from(days), 0))
    }

    /// A u32 count of tenths of a minute since the epoch.
    pub fn from_tenths(data: &[u8], off: usize) -> Option<Self> {
        let v = u32_at(data, off)?;
        Some(Self::from_mpp(0, i64::from(v) * 6))
    }

    /// A Windows FILETIME (100 ns since 1601-01-01, UTC), as wall clock.
    pub fn from_filetime(ticks: u64) -> Option<Self> {
        if ticks == 0 {
            return None;
        }
        const UNIX_FROM_1601: i64 = 11_644_473_600;
        let secs = i64::try_from(ticks / 10_000_000).ok()? - UNIX_FROM_1601;
        Some(DateTime { secs })
    }

    pub fn date_part(self) -> (i32, u32, u32) {
        civil_from_days(self.secs.div_euclid(86_400))
    }

    /// Seconds since midnight.
    pub fn time_of_day(self) -> i64 {
        self.secs.rem_euclid(86_400)
    }

    pub fn days(self) -> i64 {
        self.secs.div_euclid(86_400)
    }

    /// Midnight of the same day.
    pub fn midnight(self) -> Self {
        DateTime {
            secs: self.days() * 86_400,
        }
    }

    pub fn add_secs(self, secs: i64) -> Self {
        DateTime {
            secs: self.secs.saturating_add(secs),
        }
    }

    /// 0 = Sunday .. 6 = Saturday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        ((self.days() + 4).rem_euclid(7)) as u32
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS` (fraction and offset ignored) or a bare date.
    pub fn parse_iso(text: &str) -> Option<Self> {
        let t = text.trim();
        let (date, time) = t.split_once('T').unwrap_or((t, "00:00:00"));
        let mut d = date.split('-');
        let y: i32 = d.next()?.parse().ok()?;
        let m: u32 = d.next()?.parse().ok()?;
        let day: u32 = d.next()?.parse().ok()?;
        let time = time.get(..8).unwrap_or(time);
        let mut tp = time.split(':');
        let h: u32 = tp.next()?.parse().ok()?;
        let mi: u32 = tp.next().unwrap_or("0").parse().ok()?;
        let s: u32 = tp
            .next()
            .unwrap_or("0")
            .get(..2)
            .unwrap_or("0")
            .parse()
            .ok()?;
        Self::new(y, m, day, h, mi, s)
    }
}

impl DateTime {
    /// `YYYY-MM-DDTHH:MM:SS` as bytes, for years 0..=9999 (the rest go
    /// through `Display`): dates are written for nearly every element, and
    /// the formatting machinery would dominate.
    pub fn iso_bytes(&self) -> Option<[u8; 19]> {
        let (y, m, d) = self.date_part();
        let y = u32::try_from(y).ok().filter(|&y| y <= 9999)?;
        let t = u32::try_from(self.time_of_day()).ok()?;
        let mut b = *b"0000-00-00T00:00:00";
        let mut put = |at: usize, v: u32, width: usize| {
            let mut v = v;
            for i in (0..width).rev() {
                if let Some(slot) = b.get_mut(at + i) {
                    *slot = b'0' + (v % 10) as u8;
                }
                v /= 10;
            }
        };
        put(0, y, 4);
        put(5, m, 2);
        put(8, d, 2);
        put(11, t / 3600, 2);
        put(14, (t / 60) % 60, 2);
        put(17, t % 60, 2);
        Some(b)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(b) = self.iso_bytes() {
            return f.write_str(std::str::from_utf8(&b).unwrap_or_default());
        }
        let (y, m, d) = self.date_part();
        let t = self.time_of_day();
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            t / 3600,
            (t / 60) % 60,
            t % 60
        )
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's civil-calendar algorithms.
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

/// A time of day, in seconds since midnight (86400 = end of day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(pub u32);

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0 % 86_400;
        write!(f, "{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    }
}

/// Units a duration is shown in (codes as stored, = MSPDI `DurationFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TimeUnit {
    Minutes,
    ElapsedMinutes,
    Hours,
    ElapsedHours,
    Days,
    ElapsedDays,
    Weeks,
    ElapsedWeeks,
    Months,
    ElapsedMonths,
    Years,
    ElapsedYears,
    Percent,
    ElapsedPercent,
}

impl TimeUnit {
    /// From a stored unit code; 21 ("project default") and unknown codes
    /// resolve to `default`.
    pub fn from_code(code: u16, default: TimeUnit) -> TimeUnit {
        match code & 0x1F {
            3 => TimeUnit::Minutes,
            4 => TimeUnit::ElapsedMinutes,
            5 => TimeUnit::Hours,
            6 => TimeUnit::ElapsedHours,
            7 => TimeUnit::Days,
            8 => TimeUnit::ElapsedDays,
            9 => TimeUnit::Weeks,
            10 => TimeUnit::ElapsedWeeks,
            11 => TimeUnit::Months,
            12 => TimeUnit::ElapsedMonths,
            13 => TimeUnit::Years,
            14 => TimeUnit::ElapsedYears,
            19 => TimeUnit::Percent,
            20 => TimeUnit::ElapsedPercent,
            21 => default,
            _ => TimeUnit::Days,
        }
    }

    /// The MSPDI `DurationFormat` code.
    pub fn code(self) -> u16 {
        match self {
            TimeUnit::Minutes => 3,
            TimeUnit::ElapsedMinutes => 4,
            TimeUnit::Hours => 5,
            TimeUnit::ElapsedHours => 6,
            TimeUnit::Days => 7,
            TimeUnit::ElapsedDays => 8,
            TimeUnit::Weeks => 9,
            TimeUnit::ElapsedWeeks => 10,
            TimeUnit::Months => 11,
            TimeUnit::ElapsedMonths => 12,
            TimeUnit::Years => 13,
            TimeUnit::ElapsedYears => 14,
            TimeUnit::Percent => 19,
            TimeUnit::ElapsedPercent => 20,
        }
    }

    /// From a work-units code (project `WorkFormat`): 1 m, 2 h, 3 d, 4 w, 5 mo, 7 y.
    pub fn from_work_code(code: u16) -> TimeUnit {
        match code {
            1 => TimeUnit::Minutes,
            3 => TimeUnit::Days,
            4 => TimeUnit::Weeks,
            5 => TimeUnit::Months,
            7 => TimeUnit::Years,
            _ => TimeUnit::Hours,
        }
    }
}

/// Calendar factors that turn working durations into minutes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimeFactors {
    pub minutes_per_day: f64,
    pub minutes_per_week: f64,
    pub days_per_month: f64,
}

impl Default for TimeFactors {
    fn default() -> Self {
        TimeFactors {
            minutes_per_day: 480.0,
            minutes_per_week: 2400.0,
            days_per_month: 20.0,
        }
    }
}

impl TimeFactors {
    /// Minutes in one of `unit`.
    pub fn minutes_per(&self, unit: TimeUnit) -> f64 {
        match unit {
            TimeUnit::Minutes
            | TimeUnit::ElapsedMinutes
            | TimeUnit::Percent
            | TimeUnit::ElapsedPercent => 1.0,
            TimeUnit::Hours | TimeUnit::ElapsedHours => 60.0,
            TimeUnit::Days => self.minutes_per_day,
            TimeUnit::ElapsedDays => 1440.0,
            TimeUnit::Weeks => self.minutes_per_week,
            TimeUnit::ElapsedWeeks => 10_080.0,
            TimeUnit::Months => self.minutes_per_day * self.days_per_month,
            TimeUnit::ElapsedMonths => 43_200.0,
            TimeUnit::Years => self.minutes_per_week * 52.0,
            TimeUnit::ElapsedYears => 525_600.0,
        }
    }
}

/// A duration as Project shows it: a value in some units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Duration {
    pub value: f64,
    pub units: TimeUnit,
}

impl Duration {
    pub fn new(value: f64, units: TimeUnit) -> Self {
        Duration { value, units }
    }

    /// From tenths of a minute (the stored form) shown in `units`.
    pub fn from_tenths(tenths: f64, units: TimeUnit, f: &TimeFactors) -> Self {
        let per = f.minutes_per(units);
        let minutes = tenths / 10.0;
        let value = if per > 0.0 { minutes / per } else { minutes };
        Duration { value, units }
    }

    pub fn minutes(&self, f: &TimeFactors) -> f64 {
        self.value * f.minutes_per(self.units)
    }

    pub fn is_zero(&self) -> bool {
        self.value == 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_decode_from_the_1984_epoch() {
        // C0 12 A6 31: 12710 days + 4800 tenths of a minute
        let t = DateTime::from_timestamp(&[0xC0, 0x12, 0xA6, 0x31], 0).unwrap();
        assert_eq!(t.to_string(), "2018-10-18T08:00:00");
        assert_eq!(DateTime::from_timestamp(&[0, 0, 0xFF, 0xFF], 0), None);
        assert_eq!(DateTime::from_timestamp(&[0, 0, 1, 0], 0), None);
        assert_eq!(DateTime::from_timestamp(&[0, 0], 0), None);
    }

    #[test]
    fn civil_round_trip_and_weekday() {
        let d = DateTime::new(2024, 2, 29, 13, 5, 7).unwrap();
        assert_eq!(d.to_string(), "2024-02-29T13:05:07");
        assert_eq!(
            DateTime::parse_iso("2024-02-29T13:05:07.000+02:00"),
            Some(d)
        );
        assert_eq!(d.weekday(), 4); // Thursday
                                    // Zero padding of the hand-written path, and years outside it.
        let early = DateTime::new(987, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(early.to_string(), "0987-01-02T03:04:05");
        let late = DateTime::new(12345, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(late.to_string(), "12345-12-31T23:59:59");
        assert_eq!(DateTime::new(2023, 2, 29, 0, 0, 0), None);
        assert_eq!(
            DateTime::from_filetime(116_444_736_000_000_000)
                .unwrap()
                .secs(),
            0
        );
    }

    #[test]
    fn durations_use_project_factors() {
        let f = TimeFactors::default();
        let d = Duration::from_tenths(24_000.0, TimeUnit::Weeks, &f);
        assert!((d.value - 1.0).abs() < 1e-9);
        assert!((d.minutes(&f) - 2400.0).abs() < 1e-9);
        assert_eq!(TimeUnit::from_code(21, TimeUnit::Hours), TimeUnit::Hours);
        assert_eq!(TimeUnit::from_code(0x27, TimeUnit::Hours), TimeUnit::Days);
    }
}
