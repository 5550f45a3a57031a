//! The read model: each document kept as JSON rows (one per top-level field, one per item of a
//! collection), rewritten in the same transaction as the edit that touched them, so that a chart
//! opens by reading rows instead of loading and walking an Automerge history.

use std::collections::BTreeSet;
use std::path::Path;

use automerge::{Automerge, ReadDoc};
use rusqlite::{Connection, params};
use serde_json::{Map, Value as Json};

use super::{DocId, StoreError, bridge};

/// What an edit touched: a top-level key, and the item within it when the key is a collection.
pub type Touched = BTreeSet<(String, Option<String>)>;

/// Records the part of a document a path lies in.
pub fn touch(touched: &mut Touched, id: &DocId, path: &[&str]) {
    let Some(key) = path.first() else { return };
    let item = if id.kind().collections().contains(key) {
        path.get(1).map(|s| s.to_string())
    } else {
        None
    };
    touched.insert((key.to_string(), item));
}

/// Rewrites the rows for what `touched` names; `None` rewrites the whole document.
pub fn refresh(
    conn: &Connection,
    path: &Path,
    id: &DocId,
    doc: &Automerge,
    touched: Option<&Touched>,
) -> Result<(), StoreError> {
    let sql = StoreError::sqlite;
    let mut upsert = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO doc_rows (doc_id, key, item, json) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(sql(path))?;
    let mut remove = conn
        .prepare_cached("DELETE FROM doc_rows WHERE doc_id = ?1 AND key = ?2 AND item = ?3")
        .map_err(sql(path))?;
    let mut write = |key: &str, item: &str, json: Json| -> Result<(), StoreError> {
        if json.is_null() {
            remove
                .execute(params![id.as_str(), key, item])
                .map_err(sql(path))?;
        } else {
            upsert
                .execute(params![id.as_str(), key, item, json.to_string()])
                .map_err(sql(path))?;
        }
        Ok(())
    };
    let collections = id.kind().collections();
    match touched {
        Some(touched) => {
            for (key, item) in touched {
                match item {
                    Some(item) => write(key, item, bridge::read_json(doc, &[key, item])?)?,
                    None if collections.contains(&key.as_str()) => {
                        // A whole collection was rewritten: rebuild its items.
                        conn.execute(
                            "DELETE FROM doc_rows WHERE doc_id = ?1 AND key = ?2",
                            params![id.as_str(), key],
                        )
                        .map_err(sql(path))?;
                        if let Json::Object(items) = bridge::read_json(doc, &[key])? {
                            for (item, json) in items {
                                write(key, &item, json)?;
                            }
                        }
                    }
                    None => write(key, "", bridge::read_json(doc, &[key])?)?,
                }
            }
        }
        None => {
            conn.execute("DELETE FROM doc_rows WHERE doc_id = ?1", [id.as_str()])
                .map_err(sql(path))?;
            for key in doc.keys(automerge::ROOT) {
                let json = bridge::read_json(doc, &[&key])?;
                match json {
                    Json::Object(items) if collections.contains(&key.as_str()) => {
                        for (item, json) in items {
                            write(&key, &item, json)?;
                        }
                    }
                    json => write(&key, "", json)?,
                }
            }
        }
    }
    Ok(())
}

/// Writes the rows of a document being created from the JSON it is created from.
pub fn write_new(
    conn: &Connection,
    path: &Path,
    id: &DocId,
    root: &Map<String, Json>,
) -> Result<(), StoreError> {
    let sql = StoreError::sqlite;
    let mut upsert = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO doc_rows (doc_id, key, item, json) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(sql(path))?;
    let collections = id.kind().collections();
    upsert
        .execute(params![
            id.as_str(),
            "kind",
            "",
            Json::String(id.kind().as_str().into()).to_string()
        ])
        .map_err(sql(path))?;
    for (key, value) in root {
        match value {
            Json::Object(items) if collections.contains(&key.as_str()) => {
                for (item, json) in items {
                    upsert
                        .execute(params![id.as_str(), key, item, json.to_string()])
                        .map_err(sql(path))?;
                }
            }
            Json::Null => {}
            json => {
                upsert
                    .execute(params![id.as_str(), key, "", json.to_string()])
                    .map_err(sql(path))?;
            }
        }
    }
    Ok(())
}

/// Assembles a document's JSON text from its rows, without building a JSON tree: the rows
/// are already JSON, so the text is spliced and parsed once by whoever reads it. `None` if the
/// document has no rows.
pub fn read_text(conn: &Connection, path: &Path, id: &DocId) -> Result<Option<String>, StoreError> {
    let sql = StoreError::sqlite;
    let mut stmt = conn
        .prepare_cached("SELECT key, item, json FROM doc_rows WHERE doc_id = ?1 ORDER BY key, item")
        .map_err(sql(path))?;
    let mut rows = stmt.query([id.as_str()]).map_err(sql(path))?;
    let collections = id.kind().collections();
    let mut out = String::from("{");
    let mut seen_collections: Vec<&str> = Vec::new();
    // (key of the collection being written, whether it has had an item yet)
    let mut open: Option<String> = None;
    let mut first_field = true;
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    while let Some(row) = rows.next().map_err(sql(path))? {
        let key: String = row.get(0).map_err(sql(path))?;
        let item: String = row.get(1).map_err(sql(path))?;
        let json: String = row.get(2).map_err(sql(path))?;
        if open.as_deref() != Some(key.as_str()) {
            if open.take().is_some() {
                out.push('}');
            }
            if !first_field {
                out.push(',');
            }
            first_field = false;
            out.push_str(&quote(&key));
            out.push(':');
            if item.is_empty() {
                out.push_str(&json);
                continue;
            }
            out.push('{');
            open = Some(key.clone());
            if let Some(c) = collections.iter().find(|c| **c == key) {
                seen_collections.push(c);
            }
        } else {
            out.push(',');
        }
        out.push_str(&quote(&item));
        out.push(':');
        out.push_str(&json);
    }
    if open.is_some() {
        out.push('}');
    }
    if first_field {
        return Ok(None);
    }
    for c in collections {
        if !seen_collections.contains(c) {
            out.push(',');
            out.push_str(&quote(c));
            out.push_str(":{}");
        }
    }
    out.push('}');
    Ok(Some(out))
}
