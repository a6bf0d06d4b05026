//! What the API reads and answers besides its rows: the objects of a
//! request body, read field by field, and the error objects — each with a
//! Vietnamese `message` and `message_en` — with their summaries.

use std::collections::HashSet;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::engine::record::Field;
use crate::lang::{Lang, say};

pub(super) fn json_response(status: StatusCode, value: &Value) -> Response {
    (status, axum::Json(value)).into_response()
}

/// A query that names no answer: 400, one message per wrong parameter.
pub(super) fn bad_query(errors: Vec<Value>) -> Response {
    let n = errors.len();
    let summary = error(json!({ "errors": errors }), |l| {
        say!(l, "{n} tham số truy vấn sai", "{n} wrong query parameters")
    });
    json_response(StatusCode::BAD_REQUEST, &summary)
}

/// `fields` with the `message` a person reads — Vietnamese, the
/// console's — and the same in English as `message_en` (SPEC: the API adds
/// it), worded by `words` in each language.
pub(super) fn error(mut fields: Value, words: impl Fn(Lang) -> String) -> Value {
    fields["message"] = words(crate::web::LANG).into();
    fields["message_en"] = words(Lang::En).into();
    fields
}

pub(super) fn unprocessable(errors: Vec<Value>) -> Response {
    // Rows, not errors: one object may have several.
    let rows: HashSet<String> = errors.iter().map(|e| e["index"].to_string()).collect();
    let n = rows.len();
    let summary = error(json!({ "errors": errors }), |l| {
        say!(
            l,
            "{n} đối tượng lỗi; chưa ghi nhận gì",
            "{n} bad rows; nothing was recorded"
        )
    });
    json_response(StatusCode::UNPROCESSABLE_ENTITY, &summary)
}

/// The objects of a request body: one object, or an array of them.
pub(super) fn objects(body: &[u8]) -> Result<Vec<serde_json::Map<String, Value>>, Response> {
    let bad = |text: String| json_response(StatusCode::BAD_REQUEST, &json!({ "error": text }));
    let value: Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("the body is not JSON: {e}")))?;
    let list = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    list.into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Object(m) => Ok(m),
            _ => Err(bad(format!("item {i} is not an object"))),
        })
        .collect()
}

/// One object of a request body: the texts of its fields ("" when absent)
/// and its `replace`.
#[derive(Debug, Default)]
pub(super) struct Body {
    texts: [String; 7],
    pub replace: bool,
}

impl Body {
    /// Reads `object`: each field a string (`ref` and `note` may be
    /// numbers), `replace` true or false; an unknown field or a wrong type
    /// is an error of that row. The same fields for a `DELETE` as for a
    /// `POST` (SPEC: "DELETE of the same"); `DELETE` reads the pair only.
    pub(super) fn read(
        index: usize,
        object: &serde_json::Map<String, Value>,
        errors: &mut Vec<Value>,
    ) -> Body {
        let mut body = Body::default();
        for (k, v) in object {
            if k == "replace" {
                match v {
                    Value::Bool(b) => body.replace = *b,
                    _ => errors.push(error(json!({"index": index, "field": k}), |l| {
                        say!(l, "phải là true hoặc false", "must be true or false")
                    })),
                }
                continue;
            }
            let Some(field) = Field::named(k) else {
                let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
                let names = names.join(", ");
                errors.push(error(json!({"index": index, "field": k}), |l| {
                    say!(
                        l,
                        "không có trường này; các trường là {names}, replace",
                        "unknown field; the fields are {names}, replace"
                    )
                }));
                continue;
            };
            let text = &mut body.texts[field.index()];
            match v {
                Value::String(s) => *text = s.trim().to_string(),
                Value::Null => {}
                Value::Number(n) if matches!(field, Field::Ref | Field::Note) => {
                    *text = n.to_string()
                }
                _ => errors.push(error(json!({"index": index, "field": k}), |l| {
                    say!(l, "phải là một chuỗi", "must be a string")
                })),
            }
        }
        body
    }

    pub(super) fn get(&self, field: Field) -> &str {
        &self.texts[field.index()]
    }
}
