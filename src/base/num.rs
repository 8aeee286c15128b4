//! Numbers as the site shows them, and the range a statistic may take.

/// The largest statistic (in absolute value) a site may hold: 10^15, far
/// above any count or budget (a large city's budget is 1.9 × 10^10 yuan),
/// and small enough that every integer up to it is exact in an `f64` and
/// sums of thousands of them still print digit for digit.
pub const MAX_VALUE: f64 = 1e15;

/// `1757` → `1,757`; `85.5` → `85.5`; `90.0` → `90`. Up to two decimals.
/// Any finite value prints its digits (never a saturated integer).
pub fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    // Above 10^13 an f64 has no hundredths to show (and ×100 could overflow).
    let rounded = if v.abs() < 1e13 {
        (v * 100.0).round() / 100.0
    } else {
        v.round()
    };
    let neg = rounded < 0.0;
    let abs = rounded.abs();
    let frac = ((abs - abs.trunc()) * 100.0).round() as u8;
    // `{:.0}` prints every digit of the whole part, however large.
    let digits = format!("{:.0}", abs.trunc());
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if neg {
        grouped.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac > 0 {
        let f = format!("{frac:02}");
        grouped.push('.');
        grouped.push_str(f.trim_end_matches('0'));
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_rounded() {
        assert_eq!(format_number(1757.0), "1,757");
        assert_eq!(format_number(85.5), "85.5");
        assert_eq!(format_number(90.0), "90");
        assert_eq!(format_number(18899000.0), "18,899,000");
        assert_eq!(format_number(0.125), "0.13");
        assert_eq!(format_number(-3.0), "-3");
        assert_eq!(format_number(-0.001), "0");
    }

    #[test]
    fn huge_values_print_their_digits() {
        assert_eq!(format_number(1e15), "1,000,000,000,000,000");
        assert_eq!(format_number(3e19), "30,000,000,000,000,000,000");
        assert_eq!(format_number(1.6e308).len(), 309 + 102);
        assert_eq!(format_number(f64::INFINITY), "—");
    }
}
