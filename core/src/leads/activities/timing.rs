//! Time buckets of the activity features: cut points chosen from the data (quartiles snapped to
//! round durations) or given, their labels, hour-of-day buckets, and the user's time zone as a
//! fixed UTC offset (weekday and hour are read in it; the output states it).

/// Round durations (hours) the data-chosen cut points snap to: 15 min … 1 year.
const ROUND_HOURS: [f64; 21] = [
    0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0, 72.0, 120.0, 168.0, 240.0, 336.0, 504.0,
    720.0, 1440.0, 2160.0, 4320.0, 6480.0, 8760.0,
];

/// Bucket labels of the cut points: `≤ 4 h`, `4–24 h`, `1–3 d`, `> 3 d` for 4, 24, 72.
pub fn time_labels(cuts: &[f64]) -> Vec<String> {
    let days = |h: f64| h >= 24.0 && (h / 24.0).fract() == 0.0;
    let one = |h: f64| {
        if days(h) {
            format!("{} d", h / 24.0)
        } else {
            format!("{h} h")
        }
    };
    let mut out = Vec::with_capacity(cuts.len() + 1);
    for (i, &c) in cuts.iter().enumerate() {
        out.push(match i.checked_sub(1).map(|j| cuts[j]) {
            None => format!("≤ {}", one(c)),
            Some(p) if days(p) && days(c) => format!("{}–{} d", p / 24.0, c / 24.0),
            Some(p) => format!("{p}–{c} h"),
        });
    }
    if let Some(&last) = cuts.last() {
        out.push(format!("> {}", one(last)));
    }
    out
}

/// The bucket of `hours` (a value equal to a cut point falls in the lower bucket).
pub fn time_bucket(cuts: &[f64], hours: f64) -> usize {
    cuts.iter().position(|&c| hours <= c).unwrap_or(cuts.len())
}

/// Cut points chosen from `sorted` (finite hours, ascending): the quartiles, each snapped to the
/// nearest round duration (on a log scale), duplicates and cuts that would leave the lowest or
/// highest bucket empty dropped. Empty when the values do not spread.
pub fn chosen_cuts(sorted: &[f64]) -> Vec<f64> {
    let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let mut cuts: Vec<f64> = Vec::with_capacity(3);
    for q in [0.25, 0.5, 0.75] {
        let v = crate::toolkit::compare::stats_tests::quantile(sorted, q).max(1e-9);
        let snapped = ROUND_HOURS
            .iter()
            .copied()
            .min_by(|a, b| (a.ln() - v.ln()).abs().total_cmp(&(b.ln() - v.ln()).abs()))
            .unwrap_or(v);
        if snapped >= lo && snapped < hi && cuts.last().is_none_or(|&c| c < snapped) {
            cuts.push(snapped);
        }
    }
    cuts
}

/// Hour-of-day buckets, in the user's time zone.
pub const HOUR_LABELS: [&str; 4] = [
    "night (0–6 h)",
    "morning (6–12 h)",
    "afternoon (12–18 h)",
    "evening (18–24 h)",
];

/// The hour-of-day bucket of `ms` (UTC) shifted by `offset_minutes`.
pub fn hour_bucket(ms: i64, offset_minutes: i32) -> usize {
    let local = ms + i64::from(offset_minutes) * 60_000;
    (local.div_euclid(3_600_000).rem_euclid(24) / 6) as usize
}

/// Monday = 0 … Sunday = 6 of `ms` (UTC) shifted by `offset_minutes`.
pub fn local_weekday(ms: i64, offset_minutes: i32) -> usize {
    crate::leads::generate::weekday_index(ms + i64::from(offset_minutes) * 60_000)
}

/// `UTC`, `UTC+02:00`, `UTC-05:30` for an offset in minutes.
pub fn tz_name(offset_minutes: i32) -> String {
    if offset_minutes == 0 {
        return "UTC".into();
    }
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let m = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Read a time zone given as a fixed offset: `UTC`, `Z`, `+02:00`, `-0530`, `UTC+2`, `+5`.
/// Named zones (`Europe/Berlin`) are refused with a message saying what to give instead.
pub fn parse_tz(s: &str) -> Result<i32, String> {
    let t = s.trim();
    let rest = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("GMT"))
        .unwrap_or(t);
    if rest.is_empty() || rest == "Z" {
        return Ok(0);
    }
    let bad = || {
        format!("time zone `{s}` is not an offset: give UTC or an offset such as +02:00 or -05:30 (named zones are not supported)")
    };
    let (sign, digits) = match rest.as_bytes().first() {
        Some(b'+') => (1, &rest[1..]),
        Some(b'-') => (-1, &rest[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    let all_digits =
        |x: &str| !x.is_empty() && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) {
        return Err(bad());
    }
    let (h, m): (i32, i32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 14 || m > 59 {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_labels_and_time_zones() {
        let hours: Vec<f64> = (1..=100).map(|h| h as f64).collect();
        // Quartiles 25.75, 50.5, 75.25 snap to 1 d, 2 d, 3 d.
        assert_eq!(chosen_cuts(&hours), [24.0, 48.0, 72.0]);
        assert_eq!(
            time_labels(&chosen_cuts(&hours)),
            ["≤ 1 d", "1–2 d", "2–3 d", "> 3 d"]
        );
        assert_eq!(chosen_cuts(&[5.0; 10]), Vec::<f64>::new());
        assert_eq!(chosen_cuts(&[]), Vec::<f64>::new());
        // 2024-01-01T23:30Z is Monday night in UTC, Tuesday morning at +08:00.
        let ms = 1_704_151_800_000;
        assert_eq!((local_weekday(ms, 0), hour_bucket(ms, 0)), (0, 3));
        assert_eq!((local_weekday(ms, 480), hour_bucket(ms, 480)), (1, 1));
        for (s, m) in [
            ("UTC", 0),
            ("Z", 0),
            ("+02:00", 120),
            ("-0530", -330),
            ("UTC+2", 120),
        ] {
            assert_eq!(parse_tz(s), Ok(m), "{s}");
        }
        assert_eq!(tz_name(-330), "UTC-05:30");
        assert!(parse_tz("Europe/Berlin").is_err_and(|e| e.contains("named zones")));
        assert!(parse_tz("+25").is_err() && parse_tz("+1:2:3").is_err());
    }
}
