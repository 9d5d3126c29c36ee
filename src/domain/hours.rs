//! Business hours: when an organization (or one of its teams) answers, in its own IANA time
//! zone, with days off. Outside them it is offline whatever its agents do.

use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::input::Parsed;
use super::model::Timestamp;

/// Most opening periods in a week, and most days off.
pub const MAX_PERIODS: usize = 28;
pub const MAX_DAYS_OFF: usize = 100;

/// One opening period of a weekday, in the local time of `BusinessHours::time_zone`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    /// `mon`, `tue`, `wed`, `thu`, `fri`, `sat` or `sun`.
    pub day: String,
    /// `HH:MM`, 24-hour.
    pub open: String,
    /// `HH:MM`, later than `open`; `24:00` is the end of the day.
    pub close: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BusinessHours {
    /// An IANA time zone, such as `Europe/Paris`.
    pub time_zone: String,
    pub weekly: Vec<Period>,
    /// Local dates (`YYYY-MM-DD`) closed all day.
    #[serde(default)]
    pub days_off: Vec<String>,
}

/// Reads stored hours; a stored value of another shape (hours were free-form before they were
/// checked) reads as none rather than making the organization unreadable.
pub fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<BusinessHours>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(value
        .and_then(|v| serde_json::from_value::<BusinessHours>(v).ok())
        .filter(|h| h.validate().is_ok()))
}

/// Hours stored as JSON text; another shape reads as none (see `lenient`).
pub fn stored(json: Option<String>) -> Option<BusinessHours> {
    json.and_then(|j| serde_json::from_str::<BusinessHours>(&j).ok())
        .filter(|h| h.validate().is_ok())
}

/// Business hours as sent in a request: `null` for none, else checked whole.
pub fn parse(v: serde_json::Value) -> Parsed<Option<BusinessHours>> {
    if v.is_null() {
        return Ok(None);
    }
    let hours: BusinessHours =
        serde_json::from_value(v).map_err(|e| format!("must be business hours: {e}"))?;
    hours.validate()?;
    Ok(Some(hours))
}

/// When the organization opens next, as its customers are told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reopening {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// The local weekday and time, e.g. `Monday 09:00`.
    pub local: String,
}

/// A period read into times: minutes since local midnight.
struct Span {
    day: Weekday,
    open: u32,
    close: u32,
}

fn weekday(s: &str) -> Parsed<Weekday> {
    match s {
        "mon" => Ok(Weekday::Mon),
        "tue" => Ok(Weekday::Tue),
        "wed" => Ok(Weekday::Wed),
        "thu" => Ok(Weekday::Thu),
        "fri" => Ok(Weekday::Fri),
        "sat" => Ok(Weekday::Sat),
        "sun" => Ok(Weekday::Sun),
        _ => Err(format!("{s:?} is not a day (mon … sun)")),
    }
}

fn minutes(s: &str) -> Parsed<u32> {
    if s == "24:00" {
        return Ok(24 * 60);
    }
    NaiveTime::parse_from_str(s, "%H:%M")
        .map(|t| t.hour_minutes())
        .map_err(|_| format!("{s:?} is not a time (HH:MM)"))
}

trait HourMinutes {
    fn hour_minutes(&self) -> u32;
}

impl HourMinutes for NaiveTime {
    fn hour_minutes(&self) -> u32 {
        use chrono::Timelike;
        self.hour() * 60 + self.minute()
    }
}

impl BusinessHours {
    /// Checks every part; the problem names the part.
    pub fn validate(&self) -> Parsed<()> {
        self.zone()?;
        if self.weekly.len() > MAX_PERIODS {
            return Err(format!("weekly: at most {MAX_PERIODS} periods"));
        }
        if self.days_off.len() > MAX_DAYS_OFF {
            return Err(format!("days_off: at most {MAX_DAYS_OFF} dates"));
        }
        self.spans()?;
        for d in &self.days_off {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| format!("days_off: {d:?} is not a date (YYYY-MM-DD)"))?;
        }
        Ok(())
    }

    fn zone(&self) -> Parsed<Tz> {
        Tz::from_str(&self.time_zone)
            .map_err(|_| format!("time_zone: {:?} is not an IANA time zone", self.time_zone))
    }

    fn spans(&self) -> Parsed<Vec<Span>> {
        self.weekly
            .iter()
            .map(|p| {
                let span = Span {
                    day: weekday(&p.day)?,
                    open: minutes(&p.open)?,
                    close: minutes(&p.close)?,
                };
                if span.close <= span.open {
                    return Err(format!("weekly: {} closes before it opens", p.day));
                }
                Ok(span)
            })
            .collect()
    }

    fn day_off(&self, date: NaiveDate) -> bool {
        let text = date.format("%Y-%m-%d").to_string();
        self.days_off.contains(&text)
    }

    /// Whether it is open at `at`. Hours that do not validate are never open.
    pub fn is_open(&self, at: Timestamp) -> bool {
        let (Ok(zone), Ok(spans)) = (self.zone(), self.spans()) else {
            return false;
        };
        let local = at.with_timezone(&zone);
        let (date, minute) = (local.date_naive(), local.time().hour_minutes());
        !self.day_off(date)
            && spans
                .iter()
                .any(|s| s.day == date.weekday() && s.open <= minute && minute < s.close)
    }

    /// The next opening after `at` within two weeks (none when it never opens).
    pub fn next_opening(&self, at: Timestamp) -> Option<Reopening> {
        let (zone, spans) = (self.zone().ok()?, self.spans().ok()?);
        let local = at.with_timezone(&zone);
        let mut openings: Vec<Timestamp> = Vec::new();
        for ahead in 0..15 {
            let date = local.date_naive() + Duration::days(ahead);
            if self.day_off(date) {
                continue;
            }
            for s in spans.iter().filter(|s| s.day == date.weekday()) {
                let time = NaiveTime::from_hms_opt(s.open / 60, s.open % 60, 0)?;
                // A time skipped by a daylight-saving change opens at the next valid instant.
                let Some(start) = zone.from_local_datetime(&date.and_time(time)).earliest() else {
                    continue;
                };
                let start = start.with_timezone(&chrono::Utc);
                if start > at {
                    openings.push(start);
                }
            }
            if !openings.is_empty() {
                break;
            }
        }
        let at = openings.into_iter().min()?;
        let local = at.with_timezone(&zone);
        Some(Reopening {
            at,
            local: format!("{} {}", local.format("%A"), local.format("%H:%M")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn paris_weekdays() -> BusinessHours {
        BusinessHours {
            time_zone: "Europe/Paris".into(),
            weekly: ["mon", "tue", "wed", "thu", "fri"]
                .iter()
                .map(|d| Period {
                    day: d.to_string(),
                    open: "09:00".into(),
                    close: "17:00".into(),
                })
                .collect(),
            days_off: vec!["2026-12-25".into()],
        }
    }

    fn utc(s: &str) -> Timestamp {
        s.parse::<chrono::DateTime<Utc>>().unwrap()
    }

    #[test]
    fn open_in_local_time_across_the_zone_boundary() {
        let h = paris_weekdays();
        // Monday 7 December 2026: 08:30 UTC is 09:30 in Paris (UTC+1 in winter).
        assert!(h.is_open(utc("2026-12-07T08:30:00Z")));
        assert!(!h.is_open(utc("2026-12-07T07:59:00Z")), "08:59 in Paris");
        assert!(!h.is_open(utc("2026-12-07T16:00:00Z")), "17:00 in Paris");
        assert!(!h.is_open(utc("2026-12-05T10:00:00Z")), "a Saturday");
    }

    #[test]
    fn a_day_off_is_closed_and_the_next_opening_skips_it() {
        let h = paris_weekdays();
        assert!(!h.is_open(utc("2026-12-25T10:00:00Z")));
        let next = h.next_opening(utc("2026-12-24T17:00:00Z")).unwrap();
        assert_eq!(next.at, utc("2026-12-28T08:00:00Z"));
        assert_eq!(next.local, "Monday 09:00");
    }

    #[test]
    fn bad_hours_are_refused_with_the_part_named() {
        let mut h = paris_weekdays();
        h.time_zone = "Mars/Olympus".into();
        assert!(h.validate().unwrap_err().starts_with("time_zone"));
        let mut h = paris_weekdays();
        h.weekly[0].close = "08:00".into();
        assert!(h.validate().is_err());
        let mut h = paris_weekdays();
        h.weekly[0].day = "funday".into();
        assert!(h.validate().is_err());
        let mut h = paris_weekdays();
        h.days_off = vec!["25/12".into()];
        assert!(h.validate().unwrap_err().starts_with("days_off"));
        assert!(paris_weekdays().validate().is_ok());
    }
}
