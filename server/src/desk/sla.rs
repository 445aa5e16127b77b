//! Priorities and SLA clocks from the runbook's table.
//!
//! | prioridade | resposta inicial | solução temporária / solução | post-mortem | relógio |
//! |---|---|---|---|---|
//! | P1 | 15 min | 1 h | 72 h | corrido 24x7 |
//! | P2 | 30 min | 4 h | 7 dias | corrido 24x7 |
//! | P3 | 4 horas úteis | 2 dias úteis (o limite de "24–48h") | — | horário comercial |
//! | P4 | 2 dias úteis ("48 horas") | — | — | horário comercial |
//!
//! Why two clocks: P1/P2 are outages handled by the on-call engineer (Nível 2),
//! who is paged at any hour, so their clocks run on calendar time. P3/P4 are
//! handled by Nível 1 agents, who work business hours: Monday to Friday, 09:00
//! to 18:00 in America/Sao_Paulo. A P3 sent on Friday at 20:00 is due for a first
//! response on Monday at 13:00. Durations of 24 h or more on the business clock
//! count business days ("48 horas" = 2 dias úteis, due at the same time of day),
//! so "48 horas" never turns into 48 working hours (more than a week).
//!
//! America/Sao_Paulo has had no daylight saving time since 2019, so local time
//! is UTC−03:00 all year. National holidays are not business days: the fixed
//! ones of federal law (1/1, 21/4, 1/5, 7/9, 12/10, 2/11, 15/11, 20/11 from
//! 2024, 25/12), Good Friday, and the national "pontos facultativos" the team
//! also keeps, Carnival Monday and Tuesday and Corpus Christi, all from the
//! date of Easter. State and city holidays are not counted.

use serde::Serialize;
use time::{Date, Duration, Month, OffsetDateTime, Time, UtcOffset, Weekday};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The runbook's description of the level, in Portuguese.
    pub fn label_pt(self) -> &'static str {
        match self {
            Priority::P1 => "Crítica",
            Priority::P2 => "Alta",
            Priority::P3 => "Normal",
            Priority::P4 => "Baixa",
        }
    }

    /// Support level that owns the ticket at intake (Nível 1 takes P3/P4,
    /// Nível 2 takes P1/P2).
    pub fn initial_level(self) -> i64 {
        match self {
            Priority::P1 | Priority::P2 => 2,
            Priority::P3 | Priority::P4 => 1,
        }
    }
}

/// How a duration is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    Calendar,
    Business,
}

/// A priority's targets (minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub clock: Clock,
    pub first_response_min: i64,
    pub resolution_min: Option<i64>,
    pub postmortem_min: Option<i64>,
}

const H: i64 = 60;
const DAY: i64 = 24 * H;

pub fn targets(p: Priority) -> Targets {
    match p {
        Priority::P1 => Targets {
            clock: Clock::Calendar,
            first_response_min: 15,
            resolution_min: Some(H),
            postmortem_min: Some(72 * H),
        },
        Priority::P2 => Targets {
            clock: Clock::Calendar,
            first_response_min: 30,
            resolution_min: Some(4 * H),
            postmortem_min: Some(7 * DAY),
        },
        Priority::P3 => Targets {
            clock: Clock::Business,
            first_response_min: 4 * H,
            resolution_min: Some(2 * DAY),
            postmortem_min: None,
        },
        Priority::P4 => Targets {
            clock: Clock::Business,
            first_response_min: 2 * DAY,
            resolution_min: None,
            postmortem_min: None,
        },
    }
}

/// `{SLA_response_time}` of the acknowledgment e-mail.
pub fn response_time_pt(p: Priority) -> &'static str {
    match p {
        Priority::P1 => "15 minutos",
        Priority::P2 => "30 minutos",
        Priority::P3 => "4 horas úteis",
        Priority::P4 => "2 dias úteis",
    }
}

/// Due times (unix ms) of a ticket opened at `created_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub clock: Clock,
    pub first_response: i64,
    pub resolution: Option<i64>,
    pub postmortem: Option<i64>,
}

pub fn due(p: Priority, created_ms: i64) -> Due {
    let t = targets(p);
    let add = |min: i64| match t.clock {
        Clock::Calendar => created_ms + min * 60_000,
        Clock::Business => add_business(created_ms, min),
    };
    Due {
        clock: t.clock,
        first_response: add(t.first_response_min),
        resolution: t.resolution_min.map(add),
        // Post-mortems are engineering deadlines: calendar days whatever the clock.
        postmortem: t.postmortem_min.map(|m| created_ms + m * 60_000),
    }
}

pub const OPEN: Time = time::macros::time!(9:00);
pub const CLOSE: Time = time::macros::time!(18:00);

pub const fn sao_paulo() -> UtcOffset {
    time::macros::offset!(-3)
}

fn local(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(sao_paulo())
}

fn to_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

fn is_business_day(t: OffsetDateTime) -> bool {
    !matches!(t.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(t.date())
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian computus).
pub fn easter(year: i32) -> Option<Date> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// A national holiday or national "ponto facultativo" the team keeps.
pub fn is_holiday(d: Date) -> bool {
    let fixed = matches!(
        (d.month(), d.day()),
        (Month::January, 1)
            | (Month::April, 21)
            | (Month::May, 1)
            | (Month::September, 7)
            | (Month::October, 12)
            | (Month::November, 2)
            | (Month::November, 15)
            | (Month::December, 25)
    ) || (d.month() == Month::November && d.day() == 20 && d.year() >= 2024);
    if fixed {
        return true;
    }
    let Some(easter) = easter(d.year()) else {
        return false;
    };
    // Carnival Monday and Tuesday, Good Friday, Corpus Christi.
    [-48, -47, -2, 60]
        .iter()
        .any(|&days| easter + Duration::days(days) == d)
}

fn next_business_opening(t: OffsetDateTime) -> OffsetDateTime {
    let mut d = t.replace_time(OPEN) + Duration::days(1);
    while !is_business_day(d) {
        d += Duration::days(1);
    }
    d
}

/// The first business moment at or after `t`.
fn roll_forward(t: OffsetDateTime) -> OffsetDateTime {
    if !is_business_day(t) || t.time() >= CLOSE {
        return next_business_opening(t);
    }
    if t.time() < OPEN {
        return t.replace_time(OPEN);
    }
    t
}

/// Adds `minutes` of business time; 24 h or more count whole business days.
pub fn add_business(start_ms: i64, minutes: i64) -> i64 {
    let mut t = roll_forward(local(start_ms));
    if minutes >= DAY {
        for _ in 0..minutes / DAY {
            t += Duration::days(1);
            while !is_business_day(t) {
                t += Duration::days(1);
            }
        }
        return to_ms(t) + (minutes % DAY) * 60_000;
    }
    let mut left = Duration::minutes(minutes);
    loop {
        let room = t.replace_time(CLOSE) - t;
        if left <= room {
            return to_ms(t + left);
        }
        left -= room;
        t = next_business_opening(t);
    }
}

/// "29/11/2026 14:05" in São Paulo time, for the console and e-mails.
pub fn format_local(ms: i64) -> String {
    let t = local(ms);
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn ms(t: OffsetDateTime) -> i64 {
        to_ms(t)
    }

    #[test]
    fn p1_p2_run_on_calendar_time_day_and_night() {
        // Saturday 03:00 in São Paulo.
        let sat_night = ms(datetime!(2026-11-28 03:00 -3));
        let d = due(Priority::P1, sat_night);
        assert_eq!(d.clock, Clock::Calendar);
        assert_eq!(d.first_response, sat_night + 15 * 60_000);
        assert_eq!(d.resolution, Some(sat_night + 3_600_000));
        assert_eq!(d.postmortem, Some(sat_night + 72 * 3_600_000));
        let d = due(Priority::P2, sat_night);
        assert_eq!(d.first_response, sat_night + 30 * 60_000);
        assert_eq!(d.resolution, Some(sat_night + 4 * 3_600_000));
        assert_eq!(d.postmortem, Some(sat_night + 7 * 24 * 3_600_000));
    }

    #[test]
    fn p3_within_business_hours() {
        // Tuesday 10:00 → 14:00 the same day.
        let t = ms(datetime!(2026-11-24 10:00 -3));
        assert_eq!(
            due(Priority::P3, t).first_response,
            ms(datetime!(2026-11-24 14:00 -3))
        );
    }

    #[test]
    fn p3_late_afternoon_carries_into_next_morning() {
        // Tuesday 16:30: 1h30 today, 2h30 on Wednesday → 11:30.
        let t = ms(datetime!(2026-11-24 16:30 -3));
        assert_eq!(
            due(Priority::P3, t).first_response,
            ms(datetime!(2026-11-25 11:30 -3))
        );
    }

    #[test]
    fn p3_friday_evening_waits_for_monday() {
        let t = ms(datetime!(2026-11-27 20:00 -3));
        let d = due(Priority::P3, t);
        assert_eq!(d.clock, Clock::Business);
        assert_eq!(d.first_response, ms(datetime!(2026-11-30 13:00 -3)));
        // Two business days from Monday 09:00.
        assert_eq!(d.resolution, Some(ms(datetime!(2026-12-02 09:00 -3))));
        assert_eq!(d.postmortem, None);
    }

    #[test]
    fn p3_on_sunday_and_before_opening() {
        let sunday = ms(datetime!(2026-11-29 11:00 -3));
        assert_eq!(
            due(Priority::P3, sunday).first_response,
            ms(datetime!(2026-11-30 13:00 -3))
        );
        let early = ms(datetime!(2026-11-25 06:15 -3));
        assert_eq!(
            due(Priority::P3, early).first_response,
            ms(datetime!(2026-11-25 13:00 -3))
        );
        // Exactly at closing time counts as after hours.
        let closing = ms(datetime!(2026-11-25 18:00 -3));
        assert_eq!(
            due(Priority::P3, closing).first_response,
            ms(datetime!(2026-11-26 13:00 -3))
        );
    }

    #[test]
    fn p4_is_two_business_days_skipping_the_weekend() {
        // Thursday 15:00 → Monday 15:00.
        let t = ms(datetime!(2026-11-26 15:00 -3));
        let d = due(Priority::P4, t);
        assert_eq!(d.first_response, ms(datetime!(2026-11-30 15:00 -3)));
        assert_eq!(d.resolution, None);
        // Saturday → Monday 09:00 + 2 days → Wednesday 09:00.
        let sat = ms(datetime!(2026-11-28 12:00 -3));
        assert_eq!(
            due(Priority::P4, sat).first_response,
            ms(datetime!(2026-12-02 09:00 -3))
        );
    }

    #[test]
    fn utc_input_is_read_in_sao_paulo_time() {
        // 23:30 UTC on a Tuesday is 20:30 in São Paulo: after hours.
        let t = ms(datetime!(2026-11-24 23:30 UTC));
        assert_eq!(
            due(Priority::P3, t).first_response,
            ms(datetime!(2026-11-25 13:00 -3))
        );
        assert_eq!(format_local(t), "24/11/2026 20:30");
    }

    #[test]
    fn easter_and_the_holidays_that_follow_it() {
        use time::macros::date;
        assert_eq!(easter(2024), Some(date!(2024 - 03 - 31)));
        assert_eq!(easter(2026), Some(date!(2026 - 04 - 05)));
        assert_eq!(easter(2027), Some(date!(2027 - 03 - 28)));
        assert_eq!(easter(2038), Some(date!(2038 - 04 - 25)));
        for d in [
            date!(2026 - 02 - 16), // Carnival Monday
            date!(2026 - 02 - 17), // Carnival Tuesday
            date!(2026 - 04 - 03), // Good Friday
            date!(2026 - 04 - 21),
            date!(2026 - 06 - 04), // Corpus Christi
            date!(2026 - 11 - 20),
            date!(2026 - 12 - 25),
        ] {
            assert!(is_holiday(d), "{d}");
        }
        for d in [
            date!(2026 - 02 - 18), // Ash Wednesday: a working day
            date!(2026 - 04 - 06),
            date!(2023 - 11 - 20), // before the 2023 law took effect
            date!(2026 - 07 - 09), // a São Paulo state holiday: not counted
        ] {
            assert!(!is_holiday(d), "{d}");
        }
    }

    #[test]
    fn business_clock_skips_holidays() {
        // Thursday 2 April 2026, 16:00: 2 h that day, then Good Friday and
        // the weekend; Monday 6 April 09:00 + 2 h.
        let t = ms(datetime!(2026-04-02 16:00 -3));
        let d = due(Priority::P3, t);
        assert_eq!(d.first_response, ms(datetime!(2026-04-06 11:00 -3)));
        // Two business days: Monday 6 and Tuesday 7 (Friday 3 is a holiday).
        assert_eq!(d.resolution, Some(ms(datetime!(2026-04-07 16:00 -3))));
        // Friday 20 November 2026 (Consciência Negra), 10:00 → Monday 13:00.
        let t = ms(datetime!(2026-11-20 10:00 -3));
        assert_eq!(
            due(Priority::P3, t).first_response,
            ms(datetime!(2026-11-23 13:00 -3))
        );
        // P4 on Christmas Eve 2026 (Thursday) 15:00: Christmas and the
        // weekend skipped → Monday 28, Tuesday 29 at 15:00.
        let t = ms(datetime!(2026-12-24 15:00 -3));
        assert_eq!(
            due(Priority::P4, t).first_response,
            ms(datetime!(2026-12-29 15:00 -3))
        );
        // P1 ignores holidays: calendar time.
        let t = ms(datetime!(2026-12-25 10:00 -3));
        assert_eq!(due(Priority::P1, t).first_response, t + 15 * 60_000);
    }

    #[test]
    fn words_for_the_acknowledgment() {
        assert_eq!(response_time_pt(Priority::P1), "15 minutos");
        assert_eq!(response_time_pt(Priority::P3), "4 horas úteis");
        assert_eq!(Priority::parse("P2"), Some(Priority::P2));
        assert_eq!(Priority::parse("p2"), None);
        assert!(Priority::P1 < Priority::P4);
    }
}
