//! Value formatting rules of MSPDI, as Microsoft Project and MPXJ write them.

use std::fmt;

use mpp_core::{DateTime, Duration, TimeFactors, TimeOfDay, TimeUnit};

/// `yyyy-MM-ddTHH:mm:ss`.
pub fn date(d: DateTime) -> String {
    d.to_string()
}

/// `HH:mm:ss`.
pub fn time(t: TimeOfDay) -> String {
    t.to_string()
}

/// Rounds half up, like Java's `Math.round`.
pub fn round_half_up(v: f64) -> i64 {
    (v + 0.5).floor() as i64
}

/// An xsd duration in hours, minutes and whole seconds (`PT40H0M0S`).
/// A negative value gets its `-` in front of the first non-zero digit
/// (`PT-1H30M0S`), the form Microsoft Project reads.
pub fn duration_hours(hours: f64) -> String {
    Hours(hours).to_string()
}

/// [`duration_hours`] as a `Display` value, for writing without a
/// `String` of its own (timephased data writes one per day).
#[derive(Debug, Clone, Copy)]
pub struct Hours(pub f64);

impl Hours {
    /// Whole seconds printed.
    pub fn seconds(self) -> i64 {
        round_half_up(self.0 * 3600.0)
    }
}

impl Hours {
    /// The printed form in `buf`, without the formatting machinery
    /// (timephased data prints one per day).
    pub fn ascii(self, buf: &mut [u8; 48]) -> &[u8] {
        let total = self.seconds();
        let secs = total.unsigned_abs();
        let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
        let mut at = 0;
        let mut push = |b: u8| {
            if let Some(slot) = buf.get_mut(at) {
                *slot = b;
                at += 1;
            }
        };
        push(b'P');
        push(b'T');
        // The sign goes before the first non-zero number.
        let mut signed = false;
        for (v, unit) in [(h, b'H'), (m, b'M'), (s, b'S')] {
            if total < 0 && v != 0 && !signed {
                push(b'-');
            }
            signed |= v != 0;
            let mut digits = [0u8; 20];
            for &d in decimal(v, &mut digits) {
                push(d);
            }
            push(unit);
        }
        buf.get(..at).unwrap_or_default()
    }
}

/// The decimal digits of `v`, written at the end of `buf` (a u64 has at
/// most 20), without the formatting machinery.
pub fn decimal(mut v: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        if let Some(d) = buf.get_mut(at) {
            *d = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || at == 0 {
            break;
        }
    }
    buf.get(at..).unwrap_or_default()
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 48];
        f.write_str(std::str::from_utf8(self.ascii(&mut buf)).unwrap_or_default())
    }
}

/// Minutes in a duration, converting its units with the project factors
/// (MPXJ's `Duration.convertUnits`; elapsed years are 52 weeks there).
pub fn minutes(d: &Duration, f: &TimeFactors) -> f64 {
    let per = match d.units {
        TimeUnit::ElapsedYears => 60.0 * 24.0 * 7.0 * 52.0,
        u => f.minutes_per(u),
    };
    d.value * per
}

/// A duration as an xsd duration (converted to hours with the project factors).
pub fn duration(d: &Duration, f: &TimeFactors) -> String {
    duration_hours(minutes(d, f) / 60.0)
}

/// An optional duration element: absent when missing or zero.
pub fn duration_opt(d: Option<&Duration>, f: &TimeFactors) -> Option<String> {
    d.filter(|d| d.value != 0.0).map(|d| duration(d, f))
}

/// Work in hours, absent when missing or zero.
pub fn work_opt(hours: Option<f64>) -> Option<String> {
    hours.filter(|&h| h != 0.0).map(duration_hours)
}

/// Minutes in a duration with the fixed factors MPXJ uses when it prints
/// slacks, variances and delays (8 h days, 5 day weeks, 4 week months),
/// whatever the project's own factors are.
pub fn fixed_minutes(d: &Duration) -> f64 {
    let per = match d.units {
        TimeUnit::Hours | TimeUnit::ElapsedHours => 60.0,
        TimeUnit::Days => 480.0,
        TimeUnit::ElapsedDays => 1440.0,
        TimeUnit::Weeks => 2400.0,
        TimeUnit::ElapsedWeeks => 10_080.0,
        TimeUnit::Months => 9600.0,
        TimeUnit::ElapsedMonths => 43_200.0,
        TimeUnit::Years => 124_800.0,
        TimeUnit::ElapsedYears => 525_600.0,
        _ => 1.0,
    };
    d.value * per
}

/// Integer tenths of a minute (slacks, variances, delays), truncated;
/// absent when missing or zero.
pub fn tenths_opt(d: Option<&Duration>) -> Option<i64> {
    d.filter(|d| d.value != 0.0)
        .map(|d| (fixed_minutes(d) * 10.0) as i64)
}

/// A duration in minutes as thousandths of a minute rounded to whole
/// minutes, printed the way Java prints the decimal (`1320000.0`,
/// `14400000` from ten million on).
/// Largest magnitude [`thousandths`] prints: its product with 1000 is an
/// integer an f64 holds exactly, so it reads back to itself.
const MAX_THOUSANDTHS_MINUTES: f64 = 9e12;

pub fn thousandths(minutes: f64) -> String {
    // Held to ±9e12 minutes (17 million years): beyond, the product would
    // overflow and the printed number would not read back to itself.
    let v = round_half_up(minutes.clamp(-MAX_THOUSANDTHS_MINUTES, MAX_THOUSANDTHS_MINUTES)) * 1000;
    if v.unsigned_abs() < 10_000_000 {
        format!("{v}.0")
    } else {
        v.to_string()
    }
}

/// `WorkVariance` from hours: absent when missing or zero.
pub fn work_variance(hours: Option<f64>) -> Option<String> {
    hours.filter(|&h| h != 0.0).map(|h| thousandths(h * 60.0))
}

/// A number with at most `decimals` decimals, no trailing zeros, no exponent.
pub fn number(v: f64, decimals: usize) -> String {
    mpp_core::format_number(v, decimals)
}

/// Money: MSPDI carries hundredths of the currency unit.
pub fn money(units: f64) -> String {
    number(units * 100.0, 4)
}

/// Optional money: absent when missing or zero.
pub fn money_opt(units: Option<f64>) -> Option<String> {
    units.filter(|&v| v != 0.0).map(money)
}

/// A rate per hour, at most 4 decimals.
pub fn rate(v: f64) -> String {
    number(v, 4)
}

/// Optional rate: absent when missing or zero.
pub fn rate_opt(v: Option<f64>) -> Option<String> {
    v.filter(|&v| v != 0.0).map(rate)
}

/// Units as a fraction (1 = 100 %), at most 4 decimals; a missing value is 1.
pub fn units(v: Option<f64>) -> String {
    v.map_or_else(|| "1".to_string(), |v| number(v, 4))
}

/// A percentage as an integer.
pub fn percent(v: f64) -> String {
    round_half_up(v).to_string()
}

pub fn bool01(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

/// A duration as integer tenths of a minute (slacks, lags, delays), truncated.
pub fn tenths(d: &Duration, f: &TimeFactors) -> i64 {
    (d.minutes(f) * 10.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_project() {
        assert_eq!(duration_hours(40.0), "PT40H0M0S");
        assert_eq!(duration_hours(1.0 / 60.0), "PT0H1M0S");
        assert_eq!(duration_hours(-1.5), "PT-1H30M0S");
        assert_eq!(duration_hours(-0.5), "PT0H-30M0S");
        for v in [0u64, 7, 10, 1234, u64::MAX] {
            assert_eq!(decimal(v, &mut [0u8; 20]), v.to_string().as_bytes());
        }
        assert_eq!(number(120000.00000000001, 4), "120000");
        assert_eq!(number(0.00055, 4), "0.0006");
        assert_eq!(number(-0.0, 2), "0");
        assert_eq!(money(5000.0), "500000");
        assert_eq!(units(None), "1");
        assert_eq!(units(Some(0.5)), "0.5");
        assert_eq!(percent(44.5), "45");
    }

    #[test]
    fn variances_and_tenths() {
        assert_eq!(thousandths(2400.0), "2400000.0");
        assert_eq!(thousandths(14400.0), "14400000");
        assert_eq!(thousandths(-4800.0), "-4800000.0");
        assert_eq!(work_variance(Some(22.0)), Some("1320000.0".into()));
        assert_eq!(work_variance(Some(0.0)), None);
        // Fixed 8-hour days regardless of the project's factors.
        let d = Duration::new(1.5, TimeUnit::Days);
        assert_eq!(tenths_opt(Some(&d)), Some(7200));
        assert_eq!(tenths_opt(Some(&Duration::new(0.0, TimeUnit::Days))), None);
        let f = TimeFactors {
            minutes_per_day: 600.0,
            ..TimeFactors::default()
        };
        assert_eq!(
            duration(&Duration::new(1.0, TimeUnit::Days), &f),
            "PT10H0M0S"
        );
    }
}
