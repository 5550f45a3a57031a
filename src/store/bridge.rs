//! The one mapping between domain values and Automerge objects: serde values are written at a
//! path by diffing key by key, so an edit touches only the scalars that changed, and objects are
//! read back as JSON for serde and for export.

use automerge::hydrate::Value as AmValue;
use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value as AmRef};
use serde_json::{Map, Number, Value as Json};

use super::StoreError;

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
pub fn read_json<D: ReadDoc>(doc: &D, path: &[&str]) -> Result<Json, StoreError> {
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

/// Writes `value` at `path`, creating nothing above the parent: the parent map must exist.
/// Unchanged scalars are not rewritten, so concurrent edits of different fields merge.
pub fn write_json<T: Transactable>(
    tx: &mut T,
    path: &[&str],
    value: &Json,
) -> Result<(), StoreError> {
    let Some((last, parent_path)) = path.split_last() else {
        return Err(StoreError::InvalidPath(
            "the document root cannot be replaced".into(),
        ));
    };
    let parent = object_at(tx, parent_path)
        .ok_or_else(|| StoreError::InvalidPath(format!("no map at {}", parent_path.join("/"))))?;
    put(tx, &parent, last, value)
}

/// Deletes the key at `path`; deleting what is absent is not an error.
pub fn delete_at<T: Transactable>(tx: &mut T, path: &[&str]) -> Result<(), StoreError> {
    let Some((last, parent_path)) = path.split_last() else {
        return Err(StoreError::InvalidPath(
            "the document root cannot be deleted".into(),
        ));
    };
    if let Some(parent) = object_at(tx, parent_path)
        && tx.get(&parent, *last)?.is_some()
    {
        tx.delete(&parent, *last)?;
    }
    Ok(())
}

fn put<T: Transactable>(
    tx: &mut T,
    obj: &ObjId,
    key: &str,
    value: &Json,
) -> Result<(), StoreError> {
    let existing = tx.get(obj, key)?;
    match value {
        Json::Object(fields) => {
            let map = match existing {
                Some((AmRef::Object(ObjType::Map), id)) => {
                    let stale: Vec<String> =
                        tx.keys(&id).filter(|k| !fields.contains_key(k)).collect();
                    for k in stale {
                        tx.delete(&id, k.as_str())?;
                    }
                    id
                }
                _ => {
                    // A new object is created in one splice, not one operation per field.
                    tx.batch_create_object(obj, key, &json_to_hydrate(value), false)?;
                    return Ok(());
                }
            };
            for (k, v) in fields {
                put(tx, &map, k, v)?;
            }
        }
        Json::Array(items) => {
            // Lists in the domain are short value lists (documents seen, sources): replace them
            // whole when they differ; collections that grow are maps keyed by id.
            if let Some((AmRef::Object(ObjType::List), id)) = &existing
                && hydrated_to_json(&tx.hydrate(id, None)?) == *value
            {
                return Ok(());
            }
            let _ = items;
            tx.batch_create_object(obj, key, &json_to_hydrate(value), false)?;
        }
        scalar => {
            let new = json_to_scalar(scalar);
            if let Some((AmRef::Scalar(old), _)) = &existing
                && old.as_ref() == &new
            {
                return Ok(());
            }
            tx.put(obj, key, new)?;
        }
    }
    Ok(())
}

/// JSON as an Automerge value tree, strings kept as scalars (not collaborative text).
fn json_to_hydrate(value: &Json) -> AmValue {
    match value {
        Json::Object(fields) => {
            let map: std::collections::HashMap<String, AmValue> = fields
                .iter()
                .map(|(k, v)| (k.clone(), json_to_hydrate(v)))
                .collect();
            AmValue::Map(map.into())
        }
        Json::Array(items) => items.iter().map(json_to_hydrate).collect::<Vec<_>>().into(),
        scalar => AmValue::Scalar(json_to_scalar(scalar)),
    }
}

fn json_to_scalar(value: &Json) -> ScalarValue {
    match value {
        Json::Null => ScalarValue::Null,
        Json::Bool(b) => ScalarValue::Boolean(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                ScalarValue::Int(i)
            } else if let Some(u) = n.as_u64() {
                ScalarValue::Uint(u)
            } else {
                ScalarValue::F64(n.as_f64().unwrap_or(0.0))
            }
        }
        Json::String(s) => ScalarValue::Str(s.as_str().into()),
        // Objects and arrays never reach here: `put` and `insert` handle them.
        Json::Array(_) | Json::Object(_) => ScalarValue::Null,
    }
}

fn scalar_to_json(value: &ScalarValue) -> Json {
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
