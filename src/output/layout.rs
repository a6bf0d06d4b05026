//! The status workbook's plan sheets, sized to their text ([`super::fit`]):
//! each column as wide as its longest plan number, obligation title, period
//! and agency name need (within limits, so that a sheet still prints one
//! page wide on A4 landscape at a legible scale), and the height each row
//! needs — computed before a row is written, as the constant-memory writer
//! requires, from the config and the instances alone.

use super::fit::{LINE, MAX_LINES, lines, width_for};
use crate::calendar::Instance;
use crate::calendar::names::Names;
use crate::config::Config;

/// The columns' widths when nothing sets them from the text: Hạn nộp,
/// Trạng thái, Ngày nộp, Số ngày chậm, Số, ký hiệu, Ghi chú.
const FIXED: [(usize, f64); 6] = [
    (3, 11.0),
    (5, 12.0),
    (6, 15.0),
    (7, 8.0),
    (8, 14.0),
    (9, 22.0),
];

/// The widths and the lines of every plan sheet.
pub struct Layout {
    /// Per plan: the ten columns' widths.
    pub widths: Vec<[f64; 10]>,
    /// Per instance: the lines its plan, title and period take.
    instance_lines: Vec<u16>,
    /// Per plan, per agency: the lines its name takes (0: not yet counted).
    agency_lines: Vec<Vec<u16>>,
    agencies: usize,
}

impl Layout {
    /// The widths of each plan's sheet, from the names its instances show.
    pub fn new(config: &Config, names: &Names, instances: &[Instance]) -> Layout {
        let plans = config.plans.len();
        let mut longest = vec![[0usize; 4]; plans];
        let mut periods = Vec::with_capacity(instances.len());
        for inst in instances {
            let l = &mut longest[inst.plan];
            let period = names.period_form(inst);
            l[2] = l[2].max(period.as_deref().map_or(10, |p| p.chars().count()));
            periods.push(period);
            for &a in inst.agencies.iter() {
                l[3] = l[3].max(config.agencies[a].name.chars().count());
            }
        }
        for (p, plan) in config.plans.iter().enumerate() {
            longest[p][0] = names.plan_form(p).chars().count();
            longest[p][1] = (0..plan.obligations.len())
                .map(|o| names.obligation_form(p, o).chars().count())
                .max()
                .unwrap_or(0);
        }
        let widths: Vec<[f64; 10]> = longest
            .iter()
            .map(|l| {
                let mut w = [0.0; 10];
                w[0] = width_for(l[0], 11.0, 20.0);
                w[1] = width_for(l[1], 24.0, 40.0);
                w[2] = width_for(l[2], 11.0, 20.0);
                w[4] = width_for(l[3], 18.0, 44.0);
                for (c, width) in FIXED {
                    w[c] = width;
                }
                w
            })
            .collect();
        let instance_lines = instances
            .iter()
            .zip(&periods)
            .map(|(i, period)| {
                let w = &widths[i.plan];
                lines(&names.plan_form(i.plan), w[0])
                    .max(lines(&names.obligation_form(i.plan, i.obligation), w[1]))
                    .max(period.as_deref().map_or(1, |p| lines(p, w[2])))
            })
            .collect();
        Layout {
            widths,
            instance_lines,
            agency_lines: vec![Vec::new(); plans],
            agencies: config.agencies.len(),
        }
    }

    /// The lines a row of `instance` for `agency` needs for its names.
    pub fn names_lines(
        &mut self,
        instances: &[Instance],
        instance: usize,
        agency: usize,
        names: &Names,
    ) -> u16 {
        let inst = &instances[instance];
        let by_agency = &mut self.agency_lines[inst.plan];
        if by_agency.is_empty() {
            by_agency.resize(self.agencies, 0);
        }
        if by_agency[agency] == 0 {
            let name = names.agency_form(agency, Some(inst));
            by_agency[agency] = lines(&name, self.widths[inst.plan][4]);
        }
        self.instance_lines[instance].max(by_agency[agency])
    }
}

/// A row's height in points for `lines` lines.
pub fn height(lines: u16) -> f64 {
    f64::from(lines.clamp(1, MAX_LINES)) * LINE
}
