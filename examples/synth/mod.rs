//! A synthetic province: many agencies, many plans, every schedule form.
//! Shared by `examples/synth_config.rs` and the benchmarks.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// The size of a synthetic province.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub agencies: usize,
    pub plans: usize,
    pub obligations_per_plan: usize,
}

/// Writes a complete config directory (dondoc.toml, agencies.toml, plans/,
/// holidays.toml) at `dir`. Deterministic: the same size gives the same files.
pub fn write_province(dir: &Path, size: Size) -> std::io::Result<()> {
    fs::create_dir_all(dir.join("plans"))?;
    fs::write(
        dir.join("dondoc.toml"),
        "database = \"state/dondoc.db\"\n\n[office]\nname = \"Văn phòng Thường trực BCĐ 138 tỉnh\"\n\
         email = \"vptt138@example.gov.vn\"\n\n[mail]\noutbox = \"state/outbox\"\n",
    )?;
    let mut agencies = String::new();
    for i in 0..size.agencies {
        let group = ["so-nganh", "cap-xa", "doan-the"][i % 3];
        writeln!(
            agencies,
            "[[agency]]\nid = \"don-vi-{i:05}\"\nname = \"Đơn vị số {i}\"\n\
             email = [\"vanthu{i}@dv{i}.example.gov.vn\"]\nescalate_to = [\"lanhdao{i}@dv{i}.example.gov.vn\"]\n\
             groups = [\"{group}\", \"tat-ca\"]\n"
        )
        .unwrap();
        if i % 10 == 9 {
            agencies.push_str("active_until = 2025-06-30\n");
        }
        agencies.push('\n');
    }
    fs::write(dir.join("agencies.toml"), agencies)?;
    for p in 0..size.plans {
        let mut plan = format!(
            "[plan]\nid = \"ke-hoach-{p:03}\"\nnumber = \"{p}/KH-UBND\"\ntitle = \"Kế hoạch số {p}\"\n\
             issued = \"15/01/2025\"\n\n"
        );
        for o in 0..size.obligations_per_plan {
            let agencies = ["\"@tat-ca\"", "\"@so-nganh\"", "\"@cap-xa\", \"@doan-the\""][o % 3];
            let schedule = match o % 4 {
                0 => format!("before = \"{:02}/0{}/2025\"", 1 + o % 28, 1 + o % 9),
                1 => "every = \"6 months\"\nfirst_due = \"14/06/2025\"".to_string(),
                2 => "yearly = [\"14/06\", \"14/12\"]\nuntil = \"31/12/2026\"".to_string(),
                _ => "every = \"1 month\"\nfirst_due = \"31/01/2025\"\nuntil = \"31/12/2025\""
                    .to_string(),
            };
            writeln!(
                plan,
                "[[obligation]]\nid = \"nghia-vu-{o:03}\"\ntitle = \"Nghĩa vụ {o} của kế hoạch {p}\"\n\
                 agencies = [{agencies}]\n{schedule}\n"
            )
            .unwrap();
        }
        fs::write(dir.join(format!("plans/ke-hoach-{p:03}.toml")), plan)?;
    }
    fs::write(
        dir.join("holidays.toml"),
        "[[year]]\nyear = 2025\noff = [\"01/01\", \"25/01..02/02\", \"07/04\", \"30/04..04/05\", \"30/08..02/09\"]\n\
         working = [\"15/02\", \"26/04\"]\n",
    )?;
    Ok(())
}
