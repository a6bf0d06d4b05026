use super::*;
use jiff::civil::date;

#[test]
fn parses_vietnamese_and_iso_dates() {
    let cases = [
        ("30/04/2025", date(2025, 4, 30)),
        ("3/7/2023", date(2023, 7, 3)),
        (" 20/3/2024 ", date(2024, 3, 20)),
        ("2025-06-15", date(2025, 6, 15)),
        ("29/02/2024", date(2024, 2, 29)),
    ];
    for (text, want) in cases {
        assert_eq!(parse_date(text), Ok(want), "{text}");
    }
}

#[test]
fn rejects_impossible_and_malformed_dates() {
    for text in [
        "31/02/2025",
        "29/02/2025",
        "00/01/2025",
        "1/13/2025",
        "2025/04/30",
        "30-04-2025",
        "30/04/25",
        "hôm nay",
        "",
        "1/2/3/4",
    ] {
        let err = parse_date(text).expect_err(text);
        assert!(err.to_string().contains(text.trim()), "{err}");
    }
}

#[test]
fn dates_outside_2000_to_2100_are_refused_by_name() {
    let tz = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
    for ok in ["01/01/2000", "2000-01-01", "31/12/2100", "2100-12-31"] {
        assert!(parse_date(ok).is_ok(), "{ok}");
        assert!(parse_moment(ok, &tz).is_ok(), "{ok}");
    }
    for (text, moment) in [
        ("31/12/1999", false),
        ("01/01/2101", false),
        ("31/12/9999", false),
        ("0000-01-01", false),
        ("29/04/0025", false),
        ("31/12/9999 23:59", true),
        // 20:00 UTC on the last day is already 2101 in Vietnam.
        ("2100-12-31T20:00:00Z", true),
        ("1999-12-31T16:59:59Z", true),
    ] {
        let err = if moment {
            parse_moment(text, &tz).expect_err(text)
        } else {
            parse_date(text).expect_err(text)
        };
        assert_eq!(err, DateError::OutOfRange(text.into()));
        let en = err.message(crate::lang::Lang::En);
        assert!(
            en.contains(text) && en.contains("01/01/2000 to 31/12/2100"),
            "{en}"
        );
        let vi = err.message(crate::lang::Lang::Vi);
        assert!(vi.contains("từ 01/01/2000 đến 31/12/2100"), "{vi}");
    }
    // At the edge in the zone: 31/12/2100 23:59 local is accepted.
    assert!(parse_moment("2100-12-31T16:59:00Z", &tz).is_ok());
}

#[test]
fn month_and_day_month_forms() {
    assert_eq!(parse_month("05/2024"), Some(Ok((2024, 5))));
    assert_eq!(parse_month("5/2024"), Some(Ok((2024, 5))));
    assert_eq!(parse_month("13/2024"), None);
    assert_eq!(parse_month("30/04/2025"), None);
    assert!(matches!(
        parse_month("05/9999"),
        Some(Err(DateError::OutOfRange(_)))
    ));
    assert_eq!(parse_day_month("15/06"), Ok((15, 6)));
    assert_eq!(parse_day_month("29/02"), Ok((29, 2)));
    assert!(parse_day_month("31/04").is_err());
    assert_eq!(day_in_year(2025, (29, 2)), date(2025, 2, 28));
    assert_eq!(day_in_year(2024, (29, 2)), date(2024, 2, 29));
    assert_eq!(last_day_of_month(2024, 6), date(2024, 6, 30));
}

#[test]
fn moments_are_local_unless_they_carry_an_offset() {
    let tz = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
    let at = |t: &str| parse_moment(t, &tz).map(|z| z.to_string());
    assert_eq!(
        at("30/04/2025").unwrap(),
        "2025-04-30T00:00:00+07:00[Asia/Ho_Chi_Minh]"
    );
    assert_eq!(
        at("30/04/2025 08:15").unwrap(),
        "2025-04-30T08:15:00+07:00[Asia/Ho_Chi_Minh]"
    );
    assert_eq!(
        at("2025-04-30T08:15").unwrap(),
        "2025-04-30T08:15:00+07:00[Asia/Ho_Chi_Minh]"
    );
    // 20:00 UTC on the 29th is already the 30th in Vietnam.
    assert_eq!(
        at("2025-04-29T20:00:00Z").unwrap(),
        "2025-04-30T03:00:00+07:00[Asia/Ho_Chi_Minh]"
    );
    for bad in [
        "30/04/2025 25:00",
        "tomorrow",
        "30/04/2025 8h",
        "31/02/2025",
    ] {
        assert!(at(bad).is_err(), "{bad}");
    }
}

#[test]
fn formats_dates_the_vietnamese_way() {
    assert_eq!(vn(date(2023, 7, 3)), "03/07/2023");
    assert_eq!(vn_weekday(date(2023, 7, 2)), "Chủ nhật");
    assert_eq!(vn_weekday(date(2025, 4, 29)), "Thứ Ba");
    assert_eq!(vn_long(date(2023, 7, 10)), "Thứ Hai, ngày 10/07/2023");
    assert_eq!(en_long(date(2023, 7, 10)), "Monday 10 July 2023");
    assert_eq!(en_long(date(2025, 12, 1)), "Monday 1 December 2025");
    // A document's date line: days below 10 and January, February padded.
    assert_eq!(vn_document(date(2025, 12, 10)), "ngày 10 tháng 12 năm 2025");
    assert_eq!(vn_document(date(2026, 1, 5)), "ngày 05 tháng 01 năm 2026");
    assert_eq!(vn_document(date(2025, 2, 28)), "ngày 28 tháng 02 năm 2025");
    assert_eq!(vn_document(date(2025, 3, 9)), "ngày 09 tháng 3 năm 2025");
}

#[test]
fn day_zero_is_told_as_such_not_as_the_month_s_length() {
    let e = parse_date("00/06/2025").unwrap_err();
    assert_eq!(
        e.message(Lang::Vi),
        "\"00/06/2025\" không phải là ngày có thật: ngày từ 01 đến 30; kiểm tra lại ngày"
    );
    let e = parse_date("31/06/2025").unwrap_err();
    assert!(
        e.message(Lang::Vi)
            .contains("tháng 6 năm 2025 chỉ có 30 ngày")
    );
}
