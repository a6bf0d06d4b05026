//! Sample contexts that exercise every variable, and both sides of every
//! optional one, so that loading the config renders each template once.

use super::context::*;

fn office() -> Office {
    Office {
        name: "Văn phòng Thường trực".into(),
        email: "vp@example.gov.vn".into(),
        address: Some("Số 1".into()),
        phone: Some("0".into()),
        contact: Some("Đ/c Nguyễn Văn A, 0912 345 678".into()),
    }
}

pub fn reminder() -> Reminder {
    let item = |days_left: i32| Item {
        plan_id: "p".into(),
        plan_number: (days_left != 0).then(|| "1/KH".into()),
        plan_title: "Kế hoạch phòng, chống ma túy".into(),
        plan_about: "phòng, chống ma túy".into(),
        plan_issuer: (days_left != 3).then(|| "UBND tỉnh".into()),
        plan_issued: (days_left < 0).then(|| "20/03/2025".into()),
        obligation_id: "o".into(),
        obligation_title: "Báo cáo".into(),
        basis: (days_left != 0).then(|| "Mục I".into()),
        cite: "Mục I Kế hoạch số 1/KH ngày 20/3/2025 của UBND tỉnh về phòng, chống ma túy".into(),
        deadline: "trước ngày 17/6/2025".into(),
        deadline_source: (days_left == 3).then(|| "theo Thông báo số 1/TB".into()),
        deadline_effective: (days_left != 3)
            .then(|| "ngày 15/6/2025 là Chủ nhật: nhận đến hết Thứ Hai, 16/6/2025".into()),
        last_day: "15/6/2025".into(),
        last_day_weekday: "Chủ nhật".into(),
        at_aim: days_left == 3,
        draft: days_left == 0,
        period: "6 tháng đầu năm 2025".into(),
        period_label: (days_left != 3).then(|| "6 tháng đầu năm 2025".into()),
        period_from: (days_left != 0).then(|| "15/12/2024".into()),
        period_to: (days_left != 0).then(|| "14/06/2025".into()),
        due: "16/06/2025".into(),
        due_weekday: "Thứ Hai".into(),
        due_long: "Thứ Hai, ngày 16/06/2025".into(),
        due_time: (days_left == 3).then(|| "17:00".into()),
        due_time_inclusive: false,
        inputs: (days_left == 0).then_some(crate::policy::Inputs {
            submitted: 12,
            owed: 30,
        }),
        step: "due".into(),
        days_left,
        days_overdue: (-days_left).max(0),
        ordinal: 1,
        submit_to: "Văn phòng".into(),
        to_office: days_left != 0,
    };
    Reminder {
        office: office(),
        agency: Agency {
            id: "a".into(),
            name: "Sở Y tế".into(),
        },
        today: "16/06/2025".into(),
        today_long: "Thứ Hai, ngày 16/06/2025".into(),
        any_overdue: true,
        all_overdue: false,
        all_to_office: false,
        escalated: true,
        topic: "báo cáo (6 tháng đầu năm 2025)".into(),
        counted: "03 báo cáo theo Kế hoạch số 1/KH".into(),
        purpose: Some("để tổng hợp, báo cáo theo quy định".into()),
        items: vec![item(3), item(0), item(-2)],
    }
}

pub fn digest() -> Digest {
    let row = |chained: bool| DigestInstance {
        plan_number: (!chained).then(|| "1/KH".into()),
        plan_title: "Kế hoạch".into(),
        plan_short: "Kế hoạch số 1/KH".into(),
        obligation_id: "o".into(),
        obligation_title: "Báo cáo".into(),
        period: chained.then(|| "6 tháng đầu năm 2025".into()),
        due: "16/06/2025".into(),
        inputs: chained.then_some(crate::policy::Inputs {
            submitted: 12,
            owed: 30,
        }),
        chained,
        on_time: 1,
        late: 0,
        overdue: 1,
        pending: 2,
        exempt: 0,
    };
    let agency = |old: usize, successors: Vec<String>| DigestAgency {
        id: "a".into(),
        name: "Sở Y tế".into(),
        overdue: 1 + old,
        max_days: 70,
        items: vec![DigestOverdue {
            title: "Báo cáo".into(),
            period: (old > 0).then(|| "6 tháng đầu năm 2025".into()),
            due: "16/06/2025".into(),
            days: 2,
        }],
        old,
        old_max_days: if old > 0 { 70 } else { 0 },
        successors,
    };
    Digest {
        office: office(),
        today: "16/06/2025".into(),
        today_long: "Thứ Hai, ngày 16/06/2025".into(),
        ahead_days: 14,
        totals: Totals {
            total: 1,
            overdue: 1,
            ..Totals::default()
        },
        agencies: vec![agency(2, vec!["UBND xã A".into()]), agency(0, vec![])],
        agency_groups: vec![
            DigestAgencyGroup {
                overdue: 3,
                max_days: 70,
                old: 2,
                agencies: vec![GroupedAgency {
                    name: "UBND huyện A".into(),
                    successors: vec!["UBND xã A".into()],
                }],
            },
            DigestAgencyGroup {
                overdue: 1,
                max_days: 2,
                old: 0,
                agencies: vec![
                    GroupedAgency {
                        name: "Sở Tư pháp".into(),
                        successors: vec![],
                    },
                    GroupedAgency {
                        name: "Sở Y tế".into(),
                        successors: vec![],
                    },
                ],
            },
        ],
        late: vec![
            DigestLate {
                plan_number: Some("1/KH".into()),
                plan_title: "Kế hoạch".into(),
                plan_short: "Kế hoạch số 1/KH".into(),
                title: "Báo cáo".into(),
                period: Some("6 tháng đầu năm 2025".into()),
                due: "16/06/2025".into(),
                overdue: 2,
                days: 2,
            },
            DigestLate {
                plan_number: None,
                plan_title: "Kế hoạch".into(),
                plan_short: "Kế hoạch của UBND tỉnh".into(),
                title: "Báo cáo".into(),
                period: None,
                due: "16/06/2025".into(),
                overdue: 1,
                days: 1,
            },
        ],
        upcoming: vec![row(false), row(true)],
        console: Some("https://dondoc.example.gov.vn".into()),
    }
}
