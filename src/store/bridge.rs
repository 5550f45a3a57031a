//! The one mapping between domain values and Automerge objects: serde values are written at a
//! path by diffing key by key, so an edit touches only the scalars that changed, and objects are
//! read back as JSON for serde and for export.

use automerge::hydrate::Value as AmValue;
use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value as AmRef};
use serde_json::Value as Json;

use super::StoreError;

pub use crate::protocol::json::{hydrated_to_json, object_at};

/// Reads the value at `path` as JSON; `Json::Null` when absent.
pub fn read_json<D: ReadDoc>(doc: &D, path: &[&str]) -> Result<Json, StoreError> {
    Ok(crate::protocol::json::read_json(doc, path)?)
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
