//! The JSON view of an Automerge document: what every peer reads a document as, before serde
//! turns it into domain values.

use automerge::hydrate::Value as AmValue;
use automerge::{AutomergeError, ObjId, ObjType, ReadDoc, ScalarValue, Value as AmRef};
use serde_json::{Map, Number, Value as Json};

/// Finds the object at `path` (map keys from the root), or `None` if any step is missing or is
/// not a map.
pub fn object_at<D: ReadDoc>(doc: &D, path: &[&str]) -> Option<ObjId> {
    let mut obj = automerge::ROOT;
    for key in path {
        match doc.get(&obj, *key) {
            Ok(Some((AmRef::Object(ObjType::Map), id))) => obj = id,
            _ => return None,
        }
    }
    Some(obj)
}

/// Reads the value at `path` as JSON; `Json::Null` when absent.
pub fn read_json<D: ReadDoc>(doc: &D, path: &[&str]) -> Result<Json, AutomergeError> {
    let Some((last, parent_path)) = path.split_last() else {
        return Ok(hydrated_to_json(&doc.hydrate(automerge::ROOT, None)?));
    };
    let Some(parent) = object_at(doc, parent_path) else {
        return Ok(Json::Null);
    };
    match doc.get(&parent, *last)? {
        None => Ok(Json::Null),
        Some((AmRef::Scalar(s), _)) => Ok(scalar_to_json(&s)),
        Some((AmRef::Object(_), id)) => Ok(hydrated_to_json(&doc.hydrate(id, None)?)),
    }
}

pub fn scalar_to_json(value: &ScalarValue) -> Json {
    match value {
        ScalarValue::Str(s) => Json::String(s.to_string()),
        ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Json::Number((*i).into()),
        ScalarValue::Uint(u) => Json::Number((*u).into()),
        ScalarValue::F64(f) => Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        ScalarValue::Counter(c) => Json::Number(i64::from(c).into()),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Bytes(b) => Json::String(hex::encode(b)),
        ScalarValue::Null | ScalarValue::Unknown { .. } => Json::Null,
    }
}

/// Converts a hydrated Automerge value to JSON with keys in sorted order, so that two stores
/// holding the same document print the same bytes.
pub fn hydrated_to_json(value: &AmValue) -> Json {
    match value {
        AmValue::Scalar(s) => scalar_to_json(s),
        AmValue::Map(map) => {
            let mut out = Map::new();
            for (k, v) in map.iter() {
                out.insert(k.clone(), hydrated_to_json(&v.value));
            }
            Json::Object(out)
        }
        AmValue::List(list) => {
            Json::Array(list.iter().map(|v| hydrated_to_json(&v.value)).collect())
        }
        AmValue::Text(text) => Json::String(text.to_string()),
    }
}
