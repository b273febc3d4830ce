//! Durations as people type them — `500ms`, `90s`, `10m` (or `10min`), `1.5h`, `2d`, `1w` — read
//! and written in one place, so a filter, a stream window, a CLI flag and a browser field accept
//! the same text and say the same thing when it is wrong.

/// The units, largest first (the order [`show`] tries them in).
pub const UNITS: [(&str, i64); 6] = [
    ("w", 604_800_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1000),
    ("ms", 1),
];

/// What every error ends with: the accepted form.
const FORM: &str = "a number and a unit: ms, s, m, h, d, w";

/// The largest duration accepted (~285,000 years; far inside `i64` milliseconds).
const MAX_MS: f64 = 9.0e15;

/// Parse a duration with a unit into milliseconds (`10` alone is refused: ten what?).
pub fn parse(text: &str) -> Result<i64, String> {
    parse_inner(text, None)
}

/// [`parse`], reading a bare number in `bare_unit_ms` (e.g. minutes in a field labelled so).
pub fn parse_or(text: &str, bare_unit_ms: i64) -> Result<i64, String> {
    parse_inner(text, Some(bare_unit_ms))
}

fn parse_inner(text: &str, bare: Option<i64>) -> Result<i64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = (&t[..split], t[split..].trim());
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{t}` is not a duration ({FORM})"))?;
    let size = match unit {
        "" => bare.ok_or_else(|| format!("`{t}` is not a duration: it needs a unit ({FORM})"))?,
        "min" => 60_000,
        u => UNITS
            .iter()
            .find(|(name, _)| *name == u)
            .map(|(_, size)| *size)
            .ok_or_else(|| {
                format!("unknown duration unit `{u}` in `{t}`: `{t}` is not a duration ({FORM})")
            })?,
    };
    let ms = n * size as f64;
    if !(0.0..=MAX_MS).contains(&ms) {
        return Err(format!(
            "duration `{t}` is out of range (at most {MAX_MS:e} ms)"
        ));
    }
    // Whole milliseconds, allowing for binary fractions (`1.1s` is 1100.0000000000002).
    let whole = ms.round();
    if (ms - whole).abs() > 1e-6 {
        return Err(format!(
            "duration `{t}` is not a whole number of milliseconds"
        ));
    }
    Ok(whole as i64)
}

/// The shortest exact text of `ms` in one unit (`90m`, `1500ms`): what [`parse`] reads back.
pub fn show(ms: i64) -> String {
    for (unit, size) in UNITS {
        if ms != 0 && ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_unit_and_fractions() {
        let cases = [
            ("500ms", 500),
            ("1.5s", 1500),
            ("1.1s", 1100),
            ("10m", 600_000),
            ("10min", 600_000),
            (" 2h ", 7_200_000),
            ("2d", 172_800_000),
            ("1w", 604_800_000),
            ("0s", 0),
        ];
        for (text, ms) in cases {
            assert_eq!(parse(text), Ok(ms), "{text}");
            assert_eq!(parse(&show(ms)), Ok(ms), "{text} round trip");
        }
        assert_eq!(show(5_400_000), "90m");
        assert_eq!(parse_or("90", 1000), Ok(90_000));
        assert_eq!(parse_or("1.5", 60_000), Ok(90_000));
        assert_eq!(parse_or("2h", 60_000), Ok(7_200_000));
    }

    #[test]
    fn errors_name_the_text_and_the_form() {
        let err = |t: &str| parse(t).expect_err(t);
        assert!(err("10").contains("needs a unit"));
        assert!(err("2x").starts_with("unknown duration unit `x` in `2x`"));
        assert!(err("2x").contains("`2x` is not a duration"));
        assert!(err("abc").contains("ms, s, m, h, d, w"));
        assert!(err("0.5ms").contains("whole number of milliseconds"));
        assert!(err("1e300d").contains("is not a duration") || err("1e300d").contains("range"));
        assert!(err("99999999999w").contains("out of range"));
        assert!(err("-1s").contains("is not a duration"));
    }
}
