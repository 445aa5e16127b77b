//! Value formatting rules of MSPDI, as Microsoft Project and MPXJ write them.

use mpp_core::{DateTime, Duration, TimeFactors};

/// `yyyy-MM-ddTHH:mm:ss`.
pub fn date(d: DateTime) -> String {
    d.to_string()
}

/// An xsd duration in hours, minutes and whole seconds (`PT40H0M0S`);
/// negative values put the sign in front.
pub fn duration_hours(hours: f64) -> String {
    let total = (hours * 3600.0).round();
    let neg = total < 0.0;
    let secs = total.abs() as u64;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    format!("{}PT{h}H{m}M{s}S", if neg { "-" } else { "" })
}

/// A duration as an xsd duration (converted to hours with the project factors).
pub fn duration(d: &Duration, f: &TimeFactors) -> String {
    duration_hours(d.minutes(f) / 60.0)
}

/// A number with at most `decimals` decimals, no trailing zeros, no exponent.
pub fn number(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// Money: MSPDI carries hundredths of the currency unit.
pub fn money(units: f64) -> String {
    number(units * 100.0, 4)
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
        assert_eq!(duration_hours(-1.5), "-PT1H30M0S");
        assert_eq!(number(120000.00000000001, 4), "120000");
        assert_eq!(number(0.00055, 4), "0.0006");
        assert_eq!(number(-0.0, 2), "0");
        assert_eq!(money(5000.0), "500000");
    }
}
