//! JSON Schemas of the config files, generated from the very types the
//! loader deserializes ([`super::raw`]), with their Vietnamese and English
//! descriptions — for editors that validate TOML as it is typed (taplo, Even
//! Better TOML) through the `#:schema` line the shipped files carry.
//!
//! A schema checks the shape (keys, types); `dondoc check` checks the rest
//! (dates, ids, references, addresses).

use std::path::Path;

use schemars::Schema;

use super::raw;

/// The files and their schemas: (file name, title, schema).
pub fn all() -> Vec<(&'static str, Schema)> {
    let settings = schemars::generate::SchemaSettings::draft07();
    let one = |title: &str, mut schema: Schema| {
        schema.insert("title".into(), title.into());
        schema
    };
    vec![
        (
            "dondoc.schema.json",
            one(
                "dondoc.toml",
                settings
                    .clone()
                    .into_generator()
                    .into_root_schema_for::<raw::Main>(),
            ),
        ),
        (
            "agencies.schema.json",
            one(
                "agencies.toml",
                settings
                    .clone()
                    .into_generator()
                    .into_root_schema_for::<raw::Agencies>(),
            ),
        ),
        (
            "plan.schema.json",
            one(
                "plans/*.toml",
                settings
                    .clone()
                    .into_generator()
                    .into_root_schema_for::<raw::PlanFile>(),
            ),
        ),
        (
            "holidays.schema.json",
            one(
                "holidays.toml",
                settings
                    .into_generator()
                    .into_root_schema_for::<raw::Holidays>(),
            ),
        ),
    ]
}

/// Writes every schema into `dir`.
pub fn write_all(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, schema) in all() {
        let text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
        std::fs::write(dir.join(name), text + "\n")?;
    }
    Ok(())
}
