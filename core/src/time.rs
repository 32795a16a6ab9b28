//! Points in time, as the caller passes them and as layouts state them.
//!
//! The core has no clock: the verifier is told what time it is. Layout `expires` values use
//! in-toto's strict `YYYY-MM-DDTHH:MM:SSZ` form; the caller's time may also be any
//! RFC 3339 timestamp (`2026-11-25T14:05:00.5+01:00`) or Unix seconds.

use std::fmt;

/// A UTC instant with one-second resolution (what in-toto dates carry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    unix: i64,
}

impl Timestamp {
    /// The instant `secs` seconds after 1970-01-01T00:00:00Z.
    pub fn from_unix(secs: i64) -> Timestamp {
        Timestamp { unix: secs }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix(&self) -> i64 {
        self.unix
    }

    /// Parses in-toto's date format, `YYYY-MM-DDTHH:MM:SSZ`, and nothing else.
    ///
    /// ```
    /// use intoto_verify::time::Timestamp;
    /// let t = Timestamp::parse_in_toto("2036-01-01T00:00:00Z").unwrap();
    /// assert_eq!(t.unix(), 2_082_758_400);
    /// assert!(Timestamp::parse_in_toto("2036-01-01T00:00:00+00:00").is_err());
    /// ```
    pub fn parse_in_toto(s: &str) -> Result<Timestamp, String> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 20
            && b.iter().enumerate().all(|(i, &c)| match i {
                4 | 7 => c == b'-',
                10 => c == b'T',
                13 | 16 => c == b':',
                19 => c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(format!("{s:?} is not of the form YYYY-MM-DDTHH:MM:SSZ"));
        }
        parse_fields(s, 0).map_err(|e| format!("{s:?}: {e}"))
    }

    /// Parses an RFC 3339 timestamp (`Z` or a numeric offset; fractional seconds are
    /// dropped), or a decimal number of Unix seconds.
    ///
    /// ```
    /// use intoto_verify::time::Timestamp;
    /// let a = Timestamp::parse_rfc3339("2026-11-25T15:00:00.75+01:00").unwrap();
    /// let b = Timestamp::parse_rfc3339("2026-11-25T14:00:00Z").unwrap();
    /// assert_eq!(a, b);
    /// ```
    pub fn parse_rfc3339(s: &str) -> Result<Timestamp, String> {
        if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) {
            return s
                .parse::<i64>()
                .map(Timestamp::from_unix)
                .map_err(|e| format!("{s:?}: {e}"));
        }
        let b = s.as_bytes();
        if b.len() < 20 {
            return Err(format!("{s:?} is not an RFC 3339 timestamp"));
        }
        let head_ok = b.iter().take(19).enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T' || c == b't' || c == b' ',
            13 | 16 => c == b':',
            _ => c.is_ascii_digit(),
        });
        if !head_ok {
            return Err(format!("{s:?} is not an RFC 3339 timestamp"));
        }
        let mut rest = s.get(19..).unwrap_or("");
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(format!("{s:?}: empty fraction"));
            }
            rest = frac.get(digits..).unwrap_or("");
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ => {
                let ob = rest.as_bytes();
                let ok = ob.len() == 6
                    && (ob.first() == Some(&b'+') || ob.first() == Some(&b'-'))
                    && ob.get(3) == Some(&b':')
                    && [1, 2, 4, 5]
                        .iter()
                        .all(|&i| ob.get(i).is_some_and(u8::is_ascii_digit));
                if !ok {
                    return Err(format!("{s:?}: bad time zone offset"));
                }
                let h = num(rest, 1, 3)?;
                let m = num(rest, 4, 6)?;
                if h > 23 || m > 59 {
                    return Err(format!("{s:?}: bad time zone offset"));
                }
                let sign = if ob.first() == Some(&b'-') { -1 } else { 1 };
                sign * (h * 3600 + m * 60)
            }
        };
        parse_fields(s, offset).map_err(|e| format!("{s:?}: {e}"))
    }
}

fn num(s: &str, from: usize, to: usize) -> Result<i64, String> {
    s.get(from..to)
        .and_then(|d| d.parse::<i64>().ok())
        .ok_or_else(|| "bad number".to_owned())
}

/// Reads `YYYY-MM-DDTHH:MM:SS` at the start of `s` and subtracts `offset` seconds.
fn parse_fields(s: &str, offset: i64) -> Result<Timestamp, String> {
    let (y, mo, d) = (num(s, 0, 4)?, num(s, 5, 7)?, num(s, 8, 10)?);
    let (h, mi, se) = (num(s, 11, 13)?, num(s, 14, 16)?, num(s, 17, 19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return Err("no such date".into());
    }
    if h > 23 || mi > 59 || se > 59 {
        return Err("no such time of day".into());
    }
    let days = days_from_civil(y, mo, d);
    Ok(Timestamp {
        unix: days * 86_400 + h * 3600 + mi * 60 + se - offset,
    })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl fmt::Display for Timestamp {
    /// Formats as `YYYY-MM-DDTHH:MM:SSZ`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.unix.div_euclid(86_400);
        let secs = self.unix.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2099-01-01T00:00:00Z",
        ] {
            assert_eq!(Timestamp::parse_in_toto(s).unwrap().to_string(), s);
        }
        assert!(Timestamp::parse_in_toto("2001-02-29T00:00:00Z").is_err());
        assert!(Timestamp::parse_in_toto("2001-01-01T24:00:00Z").is_err());
        assert!(Timestamp::parse_in_toto("2001-01-01T00:00:00").is_err());
        assert!(Timestamp::parse_in_toto("２001-01-01T00:00:00Z").is_err());
        assert_eq!(Timestamp::parse_rfc3339("0").unwrap().unix(), 0);
        assert_eq!(
            Timestamp::parse_rfc3339("1970-01-01T00:00:00-01:30")
                .unwrap()
                .unix(),
            5400
        );
        assert!(Timestamp::parse_rfc3339("1970-01-01T00:00:00+1:30").is_err());
    }
}
