//! Timestamp parsing: text → `i64` milliseconds since the Unix epoch, UTC.
//!
//! Hand-rolled and allocation-free, because an import parses one timestamp per event. Supported
//! formats ([`TimestampFormat`]):
//! - ISO 8601 / RFC 3339 and the pandas/SQL variants: `2011-10-11T13:45:40.276+02:00`,
//!   `2011-10-11 13:45:40.276000+02:00`, `…Z`, `…+0200`, `…+02`, no zone, no fraction, no
//!   seconds, date only; `/` also accepted as date separator (`2011/10/11 13:45`);
//! - `dd.mm.yyyy HH:MM[:SS]` (and `dd-mm-yyyy`), `dd/mm/yyyy …`, `mm/dd/yyyy … [AM|PM]`;
//! - Unix epoch seconds or milliseconds (integers, optionally with a fraction).
//!
//! Times without a zone are taken as UTC (pm4py does the same). Fractions finer than a
//! millisecond are truncated. There is no locale, no month names and no clock: this module
//! never reads the current time.

use serde::{Deserialize, Serialize};

/// A timestamp format that [`parse`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampFormat {
    /// `yyyy-mm-dd[(T| )HH:MM[:SS[.fff…]]][Z|±HH[:MM]]`.
    Iso8601,
    /// `dd.mm.yyyy [HH:MM[:SS[.fff]]]`, also with `-` or `/` between the date parts.
    DayMonthYear,
    /// `mm/dd/yyyy [HH:MM[:SS[.fff]]] [AM|PM]`.
    MonthDayYear,
    /// Seconds since 1970-01-01T00:00:00Z.
    EpochSeconds,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    EpochMillis,
}

impl TimestampFormat {
    /// All formats, in the order detection tries them.
    pub const ALL: [TimestampFormat; 5] = [
        TimestampFormat::Iso8601,
        TimestampFormat::DayMonthYear,
        TimestampFormat::MonthDayYear,
        TimestampFormat::EpochSeconds,
        TimestampFormat::EpochMillis,
    ];

    /// A short human name, e.g. for the import preview.
    pub fn describe(self) -> &'static str {
        match self {
            TimestampFormat::Iso8601 => "ISO 8601 (yyyy-mm-dd HH:MM:SS[.fff][zone])",
            TimestampFormat::DayMonthYear => "dd.mm.yyyy HH:MM[:SS]",
            TimestampFormat::MonthDayYear => "mm/dd/yyyy HH:MM[:SS] [AM|PM]",
            TimestampFormat::EpochSeconds => "Unix epoch seconds",
            TimestampFormat::EpochMillis => "Unix epoch milliseconds",
        }
    }
}

/// Parse `text` in `format`; `None` when it does not fit.
pub fn parse(text: &str, format: TimestampFormat) -> Option<i64> {
    let b = text.as_bytes().trim_ascii();
    match format {
        TimestampFormat::Iso8601 => parse_iso(b),
        TimestampFormat::DayMonthYear => parse_numeric_date(b, false),
        TimestampFormat::MonthDayYear => parse_numeric_date(b, true),
        TimestampFormat::EpochSeconds => parse_epoch(b, 1000),
        TimestampFormat::EpochMillis => parse_epoch(b, 1),
    }
}

/// [`parse`] of raw bytes (ASCII formats: no UTF-8 check needed).
pub fn parse_bytes(bytes: &[u8], format: TimestampFormat) -> Option<i64> {
    match format {
        TimestampFormat::Iso8601 => parse_iso(bytes.trim_ascii()),
        _ => parse(std::str::from_utf8(bytes).ok()?, format),
    }
}

/// Parse `text` in any non-epoch format (ISO first, then day-first, then month-first).
pub fn parse_any(text: &str) -> Option<(i64, TimestampFormat)> {
    [
        TimestampFormat::Iso8601,
        TimestampFormat::DayMonthYear,
        TimestampFormat::MonthDayYear,
    ]
    .into_iter()
    .find_map(|f| parse(text, f).map(|ms| (ms, f)))
}

/// The format fitting every non-empty sample, or `None`. Epoch formats are only considered when
/// `allow_epoch` (a column of plain integers is more often an id than a time). Between
/// day-first and month-first, the samples decide (a part above 12); day-first wins a tie for
/// `.`-separated dates, month-first for `/`.
pub fn detect<'a>(
    samples: impl IntoIterator<Item = &'a str> + Clone,
    allow_epoch: bool,
) -> Option<TimestampFormat> {
    let non_empty = || {
        samples
            .clone()
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    non_empty().next()?;
    let fits = |f: TimestampFormat| non_empty().all(|s| parse(s, f).is_some());
    if fits(TimestampFormat::Iso8601) {
        return Some(TimestampFormat::Iso8601);
    }
    let dmy = fits(TimestampFormat::DayMonthYear);
    let mdy = fits(TimestampFormat::MonthDayYear);
    match (dmy, mdy) {
        (true, false) => return Some(TimestampFormat::DayMonthYear),
        (false, true) => return Some(TimestampFormat::MonthDayYear),
        (true, true) => {
            let slash = non_empty().any(|s| s.contains('/'));
            return Some(if slash {
                TimestampFormat::MonthDayYear
            } else {
                TimestampFormat::DayMonthYear
            });
        }
        (false, false) => {}
    }
    if allow_epoch {
        // Plausible seconds are below ~1e11 (year 5138); milliseconds above.
        let big = non_empty().any(|s| {
            s.trim_start_matches('-')
                .split('.')
                .next()
                .is_some_and(|i| i.len() >= 12)
        });
        let f = if big {
            TimestampFormat::EpochMillis
        } else {
            TimestampFormat::EpochSeconds
        };
        if fits(f) {
            return Some(f);
        }
    }
    None
}

/// Format ms UTC as `yyyy-mm-ddTHH:MM:SS.fffZ`.
pub fn format_iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, f) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{f:03}Z")
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A cursor over ASCII bytes.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut v: u32 = 0;
        let start = self.i;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            v = v * 10 + (self.b[self.i] - b'0') as u32;
            self.i += 1;
        }
        (self.i - start >= min).then_some(v)
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
}

#[allow(clippy::too_many_arguments)] // the fields of a civil date-time, in order
fn to_ms(
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    ms: u32,
    offset_min: i32,
) -> Option<i64> {
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 24 || mi > 59 || s > 60
    {
        return None;
    }
    if h == 24 && (mi, s, ms) != (0, 0, 0) {
        return None;
    }
    let s = s.min(59); // a leap second is read as :59
    let secs = days_from_civil(y, mo, d) * 86_400 + h as i64 * 3600 + mi as i64 * 60 + s as i64
        - offset_min as i64 * 60;
    Some(secs * 1000 + ms as i64)
}

/// `HH:MM[:SS[.fff…]]`; returns (h, m, s, ms).
fn time_of_day(c: &mut Cur<'_>) -> Option<(u32, u32, u32, u32)> {
    let h = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let mi = c.digits(2, 2)?;
    let (mut s, mut ms) = (0, 0);
    if c.eat(b':') {
        s = c.digits(2, 2)?;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.i;
            let mut scale = 100;
            while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
                if scale > 0 {
                    ms += (d - b'0') as u32 * scale;
                    scale /= 10;
                }
                c.i += 1;
            }
            if c.i == start {
                return None;
            }
        }
    }
    Some((h, mi, s, ms))
}

/// `Z`, `±HH`, `±HHMM`, `±HH:MM`, or nothing (UTC); optionally after one space.
fn zone(c: &mut Cur<'_>) -> Option<i32> {
    if c.done() {
        return Some(0);
    }
    if c.peek() == Some(b' ') && c.b.len() > c.i + 1 {
        c.i += 1;
    }
    if c.eat(b'Z') || c.eat(b'z') {
        return Some(0);
    }
    if c.b[c.i..].eq_ignore_ascii_case(b"UTC") || c.b[c.i..].eq_ignore_ascii_case(b"GMT") {
        c.i = c.b.len();
        return Some(0);
    }
    let sign = match c.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    c.i += 1;
    let hh = c.digits(2, 2)? as i32;
    let mm = if c.eat(b':') {
        c.digits(2, 2)? as i32
    } else {
        c.digits(2, 2).unwrap_or(0) as i32
    };
    if hh > 23 || mm > 59 {
        return None;
    }
    Some(sign * (hh * 60 + mm))
}

fn parse_iso(b: &[u8]) -> Option<i64> {
    // Fast path for the exact XES / pandas shapes: fixed positions, no branching on separators.
    if b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b' ')
        && b[13] == b':'
        && b[16] == b':'
    {
        let n = |i: usize| -> Option<u32> {
            let (x, y) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
            (x < 10 && y < 10).then_some(x as u32 * 10 + y as u32)
        };
        let y = n(0)? as i64 * 100 + n(2)? as i64;
        let (mo, d, h, mi, s) = (n(5)?, n(8)?, n(11)?, n(14)?, n(17)?);
        let mut c = Cur { b, i: 19 };
        let mut ms = 0;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.i;
            let mut scale = 100;
            while let Some(dg) = c.peek().filter(u8::is_ascii_digit) {
                if scale > 0 {
                    ms += (dg - b'0') as u32 * scale;
                    scale /= 10;
                }
                c.i += 1;
            }
            if c.i == start {
                return None;
            }
        }
        let off = zone(&mut c)?;
        return if c.done() {
            to_ms(y, mo, d, h, mi, s, ms, off)
        } else {
            None
        };
    }
    let mut c = Cur { b, i: 0 };
    let y = c.digits(4, 4)? as i64;
    let sep = c.peek()?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    c.i += 1;
    let mo = c.digits(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let d = c.digits(1, 2)?;
    if c.done() {
        return to_ms(y, mo, d, 0, 0, 0, 0, 0);
    }
    if !(c.eat(b'T') || c.eat(b' ')) {
        return None;
    }
    let (h, mi, s, ms) = time_of_day(&mut c)?;
    let off = zone(&mut c)?;
    if !c.done() {
        return None;
    }
    to_ms(y, mo, d, h, mi, s, ms, off)
}

fn parse_numeric_date(b: &[u8], month_first: bool) -> Option<i64> {
    let mut c = Cur { b, i: 0 };
    let p1 = c.digits(1, 2)?;
    let sep = c.peek()?;
    if !matches!(sep, b'.' | b'/' | b'-') {
        return None;
    }
    c.i += 1;
    let p2 = c.digits(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let y = c.digits(4, 4)? as i64;
    let (mo, d) = if month_first { (p1, p2) } else { (p2, p1) };
    if c.done() {
        return to_ms(y, mo, d, 0, 0, 0, 0, 0);
    }
    if !(c.eat(b' ') || c.eat(b'T')) {
        return None;
    }
    while c.eat(b' ') {}
    let (mut h, mi, s, ms) = time_of_day(&mut c)?;
    while c.eat(b' ') {}
    let rest = &c.b[c.i..];
    if month_first && (rest.eq_ignore_ascii_case(b"AM") || rest.eq_ignore_ascii_case(b"PM")) {
        if h == 0 || h > 12 {
            return None;
        }
        let pm = rest.eq_ignore_ascii_case(b"PM");
        h = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
        c.i = c.b.len();
    }
    let off = zone(&mut c)?;
    if !c.done() {
        return None;
    }
    to_ms(y, mo, d, h, mi, s, ms, off)
}

fn parse_epoch(b: &[u8], unit_ms: i64) -> Option<i64> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    let (int, frac) = match digits.iter().position(|&c| c == b'.') {
        Some(p) => (&digits[..p], &digits[p + 1..]),
        None => (digits, &digits[digits.len()..]),
    };
    if int.is_empty()
        || int.len() > 15
        || !int.iter().all(u8::is_ascii_digit)
        || !frac.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let mut v: i64 = 0;
    for &d in int {
        v = v * 10 + (d - b'0') as i64;
    }
    let mut ms = v.checked_mul(unit_ms)?;
    if unit_ms == 1000 {
        let mut scale = 100;
        for &d in frac.iter().take(3) {
            ms += (d - b'0') as i64 * scale;
            scale /= 10;
        }
    }
    Some(if neg { -ms } else { ms })
}

#[cfg(test)]
mod tests {
    use super::*;
    use TimestampFormat::*;

    fn iso(s: &str) -> Option<String> {
        parse(s, Iso8601).map(format_iso)
    }

    #[test]
    fn iso_variants() {
        assert_eq!(
            iso("2010-12-30T14:32:00.000+01:00").as_deref(),
            Some("2010-12-30T13:32:00.000Z")
        );
        assert_eq!(
            iso("2011-10-11 13:45:40.276000+02:00").as_deref(),
            Some("2011-10-11T11:45:40.276Z")
        );
        assert_eq!(
            iso("2011-10-11T13:45:40Z").as_deref(),
            Some("2011-10-11T13:45:40.000Z")
        );
        assert_eq!(
            iso("2011-10-11T13:45:40-0530").as_deref(),
            Some("2011-10-11T19:15:40.000Z")
        );
        assert_eq!(
            iso("2011-10-11T13:45:40.5+02").as_deref(),
            Some("2011-10-11T11:45:40.500Z")
        );
        assert_eq!(
            iso("2011-10-11 13:45").as_deref(),
            Some("2011-10-11T13:45:00.000Z")
        );
        assert_eq!(
            iso("2011/10/11 3:45").as_deref(),
            Some("2011-10-11T03:45:00.000Z")
        );
        assert_eq!(
            iso("1970-01-01").as_deref(),
            Some("1970-01-01T00:00:00.000Z")
        );
        assert_eq!(
            iso("1969-12-31T23:59:59.999Z").as_deref(),
            Some("1969-12-31T23:59:59.999Z")
        );
        assert_eq!(
            iso("2012-02-29T00:00:00"),
            Some("2012-02-29T00:00:00.000Z".into())
        );
        for bad in [
            "2011-02-29T00:00:00",
            "2011-13-01",
            "2011-10-11T25:00:00",
            "2011-10-11T10:00:00+",
            "",
            "x",
            "2011-10-11T10:00:00.+01:00",
            "2011-10-11T10:00:00 junk",
        ] {
            assert_eq!(iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_and_month_first() {
        assert_eq!(
            parse("30.12.2010 14:32", DayMonthYear)
                .map(format_iso)
                .as_deref(),
            Some("2010-12-30T14:32:00.000Z")
        );
        assert_eq!(
            parse("12/30/2010 2:32:05 PM", MonthDayYear)
                .map(format_iso)
                .as_deref(),
            Some("2010-12-30T14:32:05.000Z")
        );
        assert_eq!(
            parse("12/30/2010 12:00 AM", MonthDayYear)
                .map(format_iso)
                .as_deref(),
            Some("2010-12-30T00:00:00.000Z")
        );
        assert_eq!(parse("30/12/2010", MonthDayYear), None);
        assert_eq!(
            detect(["01/02/2010", "13/02/2010"], false),
            Some(DayMonthYear)
        );
        assert_eq!(
            detect(["01/02/2010", "02/13/2010"], false),
            Some(MonthDayYear)
        );
        assert_eq!(detect(["01.02.2010 10:00"], false), Some(DayMonthYear));
        assert_eq!(
            detect(["1293716000", "1293716060"], true),
            Some(EpochSeconds)
        );
        assert_eq!(detect(["1293716000000"], true), Some(EpochMillis));
        assert_eq!(detect(["1293716000"], false), None);
        assert_eq!(detect(["2010-01-01", "yesterday"], true), None);
        assert_eq!(parse("1293716000.5", EpochSeconds), Some(1_293_716_000_500));
    }
}
