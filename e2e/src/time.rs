//! Just enough RFC 3339 to order timestamps: runs and spans are listed newest first, and two valid
//! timestamps with different precision or offsets do not sort correctly as strings.

/// Nanoseconds since the Unix epoch of an RFC 3339 date-time such as `2025-11-20T10:00:00.123Z` or
/// `2025-11-20T12:00:00+02:00`; `None` when the text is not one.
pub fn parse_rfc3339_nanos(text: &str) -> Option<i128> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }

    let mut rest = &text[19..];
    let mut fraction_nanos: i128 = 0;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let kept = &after_dot[..digits.min(9)];
        fraction_nanos = kept.parse::<i128>().ok()? * 10i128.pow(9 - kept.len() as u32);
        rest = &after_dot[digits..];
    }
    let offset_seconds: i64 = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let hours: i64 = rest[1..3].parse().ok()?;
            let minutes: i64 = rest[4..6].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };

    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(seconds as i128 * 1_000_000_000 + fraction_nanos)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_offsets() {
        assert_eq!(parse_rfc3339_nanos("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_nanos("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339_nanos("2000-03-01T00:00:00Z"), Some(951_868_800 * 1_000_000_000));
    }

    #[test]
    fn fractions_of_any_precision_order_correctly() {
        let coarse = parse_rfc3339_nanos("2025-11-20T10:00:00.5Z").unwrap();
        let fine = parse_rfc3339_nanos("2025-11-20T10:00:00.123456Z").unwrap();
        assert!(coarse > fine);
        assert_eq!(coarse - fine, 376_544_000);
    }

    #[test]
    fn garbage_is_rejected() {
        for text in ["", "yesterday", "2025-13-01T00:00:00Z", "2025-11-20T10:00:00", "2025-11-20T10:00:00.Z"] {
            assert_eq!(parse_rfc3339_nanos(text), None, "{text}");
        }
    }
}
