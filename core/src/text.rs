//! How shares read in sentences and labels, written once so that the CLI, the browser and core's
//! own findings print the same text for the same number.

/// A share as a percentage with one decimal and a space: `12.3 %` (`–` when not finite).
pub fn pct(share: f64) -> String {
    if share.is_finite() {
        format!("{:.1} %", 100.0 * share)
    } else {
        "–".into()
    }
}

/// The same without the space, for tight table cells and chips: `12.3%`.
pub fn pct_compact(share: f64) -> String {
    if share.is_finite() {
        format!("{:.1}%", 100.0 * share)
    } else {
        "–".into()
    }
}

/// Whole percent for map labels (`12%`), one decimal below 1 % so a small share is not `0%`.
pub fn pct_label(share: f64) -> String {
    if !share.is_finite() {
        return "?".into();
    }
    let p = share * 100.0;
    if p > 0.0 && p < 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_alike() {
        assert_eq!(pct(0.1234), "12.3 %");
        assert_eq!(pct_compact(0.1234), "12.3%");
        assert_eq!(pct(1.0), "100.0 %");
        assert_eq!(pct_label(0.004), "0.4%");
        assert_eq!(pct_label(0.123), "12%");
        assert_eq!(pct(f64::NAN), "–");
        assert_eq!(pct_compact(f64::INFINITY), "–");
    }
}
