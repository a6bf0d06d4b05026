use std::fs;

use jiff::civil::date;

use super::*;
use crate::config::testing::MAIN;
use crate::lang::Lang;

const AGENCIES: &str = r#"
[[agency]]
id = "so-y-te"
name = "Sở Y tế"
email = ["a@x.vn"]
groups = ["so-nganh"]

[[agency]]
id = "cong-an-tinh"
name = "Công an tỉnh"
email = ["b@x.vn"]
groups = ["so-nganh"]

[[agency]]
id = "hnd-tinh"
name = "Hội Nông dân tỉnh"
email = ["c@x.vn"]
groups = ["so-nganh"]

[[agency]]
id = "hnd"
name = "Hội Nông dân"
email = ["d@x.vn"]
groups = ["so-nganh"]

[[agency]]
id = "ubnd-nha-trang"
name = "Ủy ban nhân dân thành phố Nha Trang"
email = ["e@x.vn"]
groups = ["so-nganh"]
active_until = 2025-06-30

[[agency]]
id = "ubnd-nha-trang-moi"
name = "UBND thành phố Nha Trang"
email = ["f@x.vn"]
groups = ["so-nganh"]
active_from = 2025-07-01
"#;

const PLAN: &str = r#"
[plan]
id = "kh-2025"
number = "3212/KH-UBND"
title = "Kế hoạch phòng, chống ma túy năm 2025"
issued = "20/03/2025"

[[obligation]]
id = "bao-cao-6-thang"
title = "Báo cáo định kỳ 6 tháng, 01 năm"
agencies = ["@so-nganh"]
yearly = ["14/06", "14/12"]
period_label = "'6 tháng đầu năm ' ~ year if month == 6 else 'năm ' ~ year"

[[obligation]]
id = "kien-toan"
title = "Kiện toàn Ban Chỉ đạo"
agencies = ["cong-an-tinh"]
before = "30/04/2025"
"#;

fn config() -> Config {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("plans")).unwrap();
    fs::write(dir.path().join("dondoc.toml"), MAIN).unwrap();
    fs::write(dir.path().join("agencies.toml"), AGENCIES).unwrap();
    fs::write(dir.path().join("plans/kh.toml"), PLAN).unwrap();
    crate::config::load(dir.path()).unwrap_or_else(|e| panic!("{e}"))
}

fn agency_id(c: &Config, r: Result<(Instance, usize), LookupError>) -> &str {
    match r {
        Ok((_, a)) => &c.agencies[a].id,
        Err(e) => panic!("{}", e.message(Lang::Vi)),
    }
}

fn written<'a>(plan: &'a str, ob: &'a str, period: &'a str, agency: &'a str) -> Written<'a> {
    Written {
        plan,
        obligation: ob,
        period,
        agency,
    }
}

#[test]
fn plans_obligations_and_periods_as_offices_write_them() {
    let c = config();
    let n = Names::new(&c);
    for plan in [
        "kh-2025",
        "3212/KH-UBND",
        "3212/kh-ubnd",
        "Kế hoạch số 3212/KH-UBND",
        "3212 / KH-UBND",
    ] {
        assert_eq!(n.plan(plan), Ok(0), "{plan}");
    }
    for ob in [
        "bao-cao-6-thang",
        "Báo cáo định kỳ 6 tháng, 01 năm",
        "BÁO CÁO ĐỊNH KỲ 06 THÁNG, 01 NĂM.",
    ] {
        assert_eq!(n.obligation(0, ob), Ok(0), "{ob}");
    }
    // The scheduled date (a Saturday), its due date (Monday), its name.
    for period in [
        "14/06/2025",
        "2025-06-14",
        "16/06/2025",
        "6 tháng đầu năm 2025",
        "kỳ 6 tháng đầu năm 2025",
    ] {
        assert_eq!(n.period(0, 0, period), Ok(date(2025, 6, 14)), "{period}");
    }
    assert_eq!(n.period(0, 0, "năm 2026"), Ok(date(2026, 12, 14)));
    let e = n.period(0, 0, "quý I/2025").unwrap_err();
    assert_eq!(e.field(), "period");
    assert!(
        e.message(Lang::Vi).contains("\"6 tháng đầu năm 2025\""),
        "{}",
        e.message(Lang::Vi)
    );
    let e = n.period(0, 0, "31/06/2025").unwrap_err();
    assert!(
        e.message(Lang::Vi)
            .contains("tháng 6 năm 2025 chỉ có 30 ngày")
    );
    let e = n.plan("3213/KH-UBND").unwrap_err();
    assert!(
        e.message(Lang::Vi).contains("có phải là \"3212/KH-UBND\"?"),
        "{}",
        e.message(Lang::Vi)
    );
}

#[test]
fn agencies_by_name_with_tinh_optional_where_it_names_one() {
    let c = config();
    let n = Names::new(&c);
    let pair = |agency| {
        n.pair(written(
            "3212/KH-UBND",
            "bao-cao-6-thang",
            "14/06/2025",
            agency,
        ))
    };
    assert_eq!(agency_id(&c, pair("Sở Y tế")), "so-y-te");
    assert_eq!(agency_id(&c, pair("  SỞ Y  TẾ ")), "so-y-te");
    assert_eq!(agency_id(&c, pair("Công an")), "cong-an-tinh");
    assert_eq!(agency_id(&c, pair("Công an tỉnh")), "cong-an-tinh");
    // Both names are there: each is its own agency.
    assert_eq!(agency_id(&c, pair("Hội Nông dân")), "hnd");
    assert_eq!(agency_id(&c, pair("Hội Nông dân tỉnh")), "hnd-tinh");
    // Two agencies by one name: the one that owes the period is meant.
    assert_eq!(
        agency_id(&c, pair("UBND thành phố Nha Trang")),
        "ubnd-nha-trang"
    );
    let dec = |agency| n.pair(written("kh-2025", "bao-cao-6-thang", "14/12/2025", agency));
    assert_eq!(
        agency_id(&c, dec("Uỷ ban nhân dân thành phố Nha Trang")),
        "ubnd-nha-trang-moi"
    );
    // Unknown: the closest names, not the configuration's files.
    let e = pair("Sở Y tê").unwrap_err();
    let m = e.message(Lang::Vi);
    assert!(
        m.contains("có phải là \"Sở Y tế\"?") && !m.contains(".toml"),
        "{m}"
    );
    let e = pair("Sở Giáo dục").unwrap_err();
    let m = e.message(Lang::Vi);
    assert!(
        m.contains("các đơn vị phải nộp kỳ này: Công an tỉnh, Hội Nông dân,"),
        "{m}"
    );
}

#[test]
fn an_ambiguous_name_names_its_candidates_and_each_form_comes_back() {
    let c = config();
    let n = Names::new(&c);
    // Neither owes a period of 2024 (there is none): both are named.
    let e = n.agency("UBND thành phố Nha Trang", None).unwrap_err();
    assert_eq!(e.field(), "agency");
    let m = e.message(Lang::Vi);
    assert!(
        m.contains("ứng với 2 đơn vị: Ủy ban nhân dân thành phố Nha Trang (ubnd-nha-trang); UBND thành phố Nha Trang (ubnd-nha-trang-moi)"),
        "{m}"
    );
    assert_eq!(
        n.agency("UBND thành phố Nha Trang (ubnd-nha-trang-moi)", None),
        Ok(5)
    );
    // The forms a sheet writes read back as what they name.
    let instances = crate::calendar::instances(&c, date(2026, 12, 31));
    for i in &instances {
        let p = n.plan_form(i.plan);
        let o = n.obligation_form(i.plan, i.obligation);
        let d = n
            .period_form(i)
            .unwrap_or_else(|| crate::dates::vn(i.period));
        for &a in i.agencies.iter() {
            let name = n.agency_form(a, Some(i));
            let (back, b) = n.pair(written(&p, &o, &d, &name)).unwrap();
            assert_eq!((back.period, b), (i.period, a), "{p} {o} {d} {name}");
        }
    }
    assert_eq!(
        n.agency_form(4, None),
        "Ủy ban nhân dân thành phố Nha Trang (ubnd-nha-trang)"
    );
}
