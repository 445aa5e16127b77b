//! Parsing MSPDI's value forms back into model units: xsd durations,
//! money in hundredths, tenths of a minute, thousandths of a minute.

use mpp_core::{DateTime, Duration, Guid, TimeFactors, TimeOfDay, TimeUnit};

use super::tree::Node;
use crate::format;

/// Typed reads of a node's child elements. Absent or unparsable values are `None`.
impl Node {
    pub fn string(&self, name: &str) -> Option<String> {
        self.text(name).map(str::to_string)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.text(name).and_then(parse_int)
    }

    pub fn i32(&self, name: &str) -> Option<i32> {
        self.int(name).and_then(|v| i32::try_from(v).ok())
    }

    pub fn u16(&self, name: &str) -> Option<u16> {
        self.int(name).and_then(|v| u16::try_from(v).ok())
    }

    pub fn u8(&self, name: &str) -> Option<u8> {
        self.int(name).and_then(|v| u8::try_from(v).ok())
    }

    pub fn float(&self, name: &str) -> Option<f64> {
        self.text(name).and_then(parse_float)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.text(name).is_some_and(parse_bool)
    }

    pub fn date(&self, name: &str) -> Option<DateTime> {
        self.text(name).and_then(DateTime::parse_iso)
    }

    pub fn guid(&self, name: &str) -> Option<Guid> {
        self.text(name).and_then(Guid::parse)
    }

    /// A number the writer leaves out when zero (see [`present`]).
    pub fn nonzero(&self, name: &str) -> Option<f64> {
        self.float(name).map(present)
    }

    /// Hundredths of the currency unit, in currency units; a value the
    /// writer leaves out when zero (see [`present`]).
    pub fn money(&self, name: &str) -> Option<f64> {
        self.float(name).map(|c| present(c / 100.0))
    }

    /// Money the writer always prints.
    pub fn money_exact(&self, name: &str) -> Option<f64> {
        self.float(name).map(|c| c / 100.0)
    }

    /// An xsd duration, in hours; work the writer leaves out when zero.
    pub fn hours(&self, name: &str) -> Option<f64> {
        self.text(name)
            .and_then(xsd_seconds)
            .map(|s| present(s / 3600.0))
    }

    /// An xsd duration shown in `units`, converted with the project
    /// factors; a duration the writer leaves out when zero.
    pub fn duration(&self, name: &str, units: TimeUnit, f: &TimeFactors) -> Option<Duration> {
        self.duration_exact(name, units, f).map(|mut d| {
            d.value = present(d.value);
            d
        })
    }

    /// A duration the writer always prints.
    pub fn duration_exact(&self, name: &str, units: TimeUnit, f: &TimeFactors) -> Option<Duration> {
        self.text(name)
            .and_then(xsd_seconds)
            .map(|s| in_units(s / 60.0, units, f))
    }

    /// A time unit code (`DurationFormat` and friends).
    pub fn units(&self, name: &str, default: TimeUnit) -> Option<TimeUnit> {
        self.u16(name).map(|c| TimeUnit::from_code(c, default))
    }
}

/// The writer leaves out values that are exactly zero; a value printed as
/// zero was therefore a non-zero amount below the printed precision. It is
/// kept as the smallest positive number, so that it prints (as zero) again.
pub fn present(v: f64) -> f64 {
    if v == 0.0 {
        f64::MIN_POSITIVE
    } else {
        v
    }
}

pub fn parse_int(text: &str) -> Option<i64> {
    let t = text.trim();
    t.parse::<i64>().ok().or_else(|| {
        let v = t.parse::<f64>().ok().filter(|v| v.is_finite())?;
        // Saturating conversion; absurd values are caught by the callers' ranges.
        Some(v as i64)
    })
}

pub fn parse_float(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

pub fn parse_bool(text: &str) -> bool {
    matches!(text.trim(), "1" | "true")
}

/// `HH:MM:SS`; as an end time, midnight is the end of the day.
pub fn time_of_day(text: &str, end: bool) -> Option<TimeOfDay> {
    let mut parts = text.trim().split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next().unwrap_or("0").parse().ok()?;
    let s: u32 = parts
        .next()
        .unwrap_or("0")
        .split('.')
        .next()?
        .parse()
        .ok()?;
    if h > 24 || m > 59 || s > 59 {
        return None;
    }
    let secs = h * 3600 + m * 60 + s;
    Some(TimeOfDay(if end && secs == 0 { 86_400 } else { secs }))
}

/// Seconds in an xsd duration (`PT40H0M0S`, `P1DT2H`, `-PT1H`). Project
/// puts a negative sign in front of the first non-zero number
/// (`PT0H-30M0S`): any sign makes the whole duration negative.
pub fn xsd_seconds(text: &str) -> Option<f64> {
    let t = text.trim();
    let negative = t.contains('-');
    let body = t.replace('-', "");
    let body = body.strip_prefix('P')?;
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => (d, t),
        None => (body, ""),
    };
    let mut total = 0.0;
    for (part, per) in [
        (
            date,
            [("Y", 31_536_000.0), ("M", 2_592_000.0), ("D", 86_400.0)],
        ),
        (time, [("H", 3600.0), ("M", 60.0), ("S", 1.0)]),
    ] {
        let mut rest = part;
        for (unit, secs) in per {
            if let Some(pos) = rest.find(unit) {
                let number = rest.get(..pos)?;
                total += parse_float(number)? * secs;
                rest = rest.get(pos + 1..)?;
            }
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(if negative { -total } else { total })
}

/// Minutes as a duration in `units` (project factors).
pub fn in_units(minutes: f64, units: TimeUnit, f: &TimeFactors) -> Duration {
    // The writer's own factors (elapsed years are 52 weeks there), so that
    // reading undoes writing exactly.
    let per = format::minutes(&Duration::new(1.0, units), f);
    Duration::new(if per != 0.0 { minutes / per } else { minutes }, units)
}

/// Integer tenths of a minute as a duration in `units`, converted with the
/// fixed factors the writer prints slacks, variances and delays with; the
/// value is chosen so that printing it again gives the same integer.
pub fn fixed_tenths(tenths: f64, units: TimeUnit) -> Duration {
    if tenths == 0.0 {
        // Printed, so not zero (see `present`).
        return Duration::new(f64::MIN_POSITIVE, units);
    }
    let per = format::fixed_minutes(&Duration::new(1.0, units));
    let per = if per == 0.0 { 1.0 } else { per };
    let d = Duration::new(tenths / 10.0 / per, units);
    exact(d, tenths, |d| format::fixed_minutes(d) * 10.0)
}

/// Tenths of a minute in `units` with the project factors (task leveling delay).
pub fn project_tenths(tenths: f64, units: TimeUnit, f: &TimeFactors) -> Duration {
    let d = in_units(tenths / 10.0, units, f);
    exact(d, tenths, |d| format::minutes(d, f) * 10.0)
}

/// Nudges `d` by a few ulps until `print(d)` truncates to `target` again
/// (division then multiplication can land just below an integer).
fn exact(mut d: Duration, target: f64, print: impl Fn(&Duration) -> f64) -> Duration {
    let target = target.trunc();
    for _ in 0..8 {
        let got = print(&d).trunc();
        if got == target || !d.value.is_finite() || d.value == 0.0 {
            break;
        }
        // Move away from zero when short, towards it when over.
        let away = got.abs() < target.abs();
        let bits = d.value.abs().to_bits();
        let next = f64::from_bits(if away {
            bits + 1
        } else {
            bits.saturating_sub(1)
        });
        d.value = next.copysign(d.value);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xsd_durations() {
        assert_eq!(xsd_seconds("PT40H0M0S"), Some(144_000.0));
        assert_eq!(xsd_seconds("PT-1H30M0S"), Some(-5400.0));
        assert_eq!(xsd_seconds("PT0H-30M0S"), Some(-1800.0));
        assert_eq!(xsd_seconds("P1DT2H"), Some(93_600.0));
        assert_eq!(xsd_seconds("PT1.5S"), Some(1.5));
        assert_eq!(xsd_seconds("40H"), None);
        assert_eq!(xsd_seconds("PT1X"), None);
        assert_eq!(xsd_seconds("PTH"), None);
    }

    #[test]
    fn times_and_numbers() {
        assert_eq!(time_of_day("08:30:00", false), Some(TimeOfDay(30_600)));
        assert_eq!(time_of_day("00:00:00", true), Some(TimeOfDay(86_400)));
        assert_eq!(time_of_day("00:00:00", false), Some(TimeOfDay(0)));
        assert_eq!(time_of_day("25:00:00", false), None);
        assert_eq!(parse_int(" 42 "), Some(42));
        assert_eq!(parse_int("2400000.0"), Some(2_400_000));
        assert_eq!(parse_float("NaN"), None);
        assert!(parse_bool("true") && parse_bool("1") && !parse_bool("0"));
    }

    #[test]
    fn tenths_print_back_to_the_same_integer() {
        let f = TimeFactors {
            minutes_per_day: 450.0,
            ..TimeFactors::default()
        };
        for t in (-20_000..20_000).step_by(7) {
            let t = f64::from(t);
            for u in [
                TimeUnit::Days,
                TimeUnit::Hours,
                TimeUnit::Weeks,
                TimeUnit::Months,
            ] {
                let d = fixed_tenths(t, u);
                assert_eq!(
                    (format::fixed_minutes(&d) * 10.0) as i64,
                    t as i64,
                    "{t} {u:?}"
                );
                let d = project_tenths(t, u, &f);
                assert_eq!(
                    (format::minutes(&d, &f) * 10.0) as i64,
                    t as i64,
                    "{t} {u:?}"
                );
            }
        }
    }
}
