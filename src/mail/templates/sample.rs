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
        all_to_office: false,
        escalated: true,
        items: vec![item(3), item(0), item(-2)],
    }
}

pub fn digest() -> Digest {
    let row = |chained: bool| DigestInstance {
        obligation_id: "o".into(),
        obligation_title: "Báo cáo".into(),
        period: "6 tháng đầu năm 2025".into(),
        due: "16/06/2025".into(),
        inputs: chained.then_some(crate::policy::Inputs {
            submitted: 12,
            owed: 30,
        }),
        chained,
        on_time: 0,
        late: 0,
        overdue: 1,
        pending: 0,
        exempt: 0,
        overdue_agencies: vec![OverdueAgency {
            id: "a".into(),
            name: "Sở Y tế".into(),
            days: 2,
            successors: if chained {
                vec![]
            } else {
                vec!["UBND xã A".into()]
            },
        }],
    };
    let plan = |numbered: bool| DigestPlan {
        id: "p".into(),
        number: numbered.then(|| "1/KH".into()),
        title: "Kế hoạch".into(),
        issuer: numbered.then(|| "UBND tỉnh".into()),
        issued: numbered.then(|| "20/03/2025".into()),
        instances: vec![row(false), row(true)],
    };
    Digest {
        office: office(),
        today: "16/06/2025".into(),
        today_long: "Thứ Hai, ngày 16/06/2025".into(),
        totals: Totals {
            all: 1,
            overdue: 1,
            ..Totals::default()
        },
        plans: vec![plan(true), plan(false)],
    }
}
