//! Index tables: the rows that lists and searches read instead of loading documents, rebuilt
//! from a document inside the same transaction as the change that touched it.

use std::path::Path;

use automerge::Automerge;
use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::Value as Json;

use super::{DocId, DocKind, Store, StoreError, bridge};
use crate::domain::{
    ConsultRequest, Date, Instant, PaymentMethod, QueueStatus, VisitKind, fold_for_search,
    format_date,
};
use crate::protocol::shape;

/// A patient as lists show them, read from the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientSummary {
    pub patient_id: String,
    pub name_kanji: String,
    pub name_kana: String,
    pub date_of_birth: String,
    pub sex: String,
    pub kakaritsuke: bool,
    pub history_known: bool,
    pub care_team: Option<String>,
    /// The clinic's patient number (診察券番号), when it has one.
    pub patient_number: Option<String>,
}

/// The folded search keys of every patient, in kana order, as of an index version.
pub(super) struct SearchKeys {
    version: i64,
    rows: Vec<(String, String)>,
}

/// A queue entry as the board shows it, read from the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueRow {
    pub entry_id: String,
    pub day: String,
    pub time: String,
    pub patient_id: String,
    pub name_kanji: String,
    pub name_kana: String,
    /// `visit` in JSON, the name scripts reading `enkaku queue list --json` know.
    #[serde(rename = "visit")]
    pub visit_kind: VisitKind,
    pub status: QueueStatus,
    pub doctor: Option<String>,
    /// A pre-consult (診療前相談) was held before this visit.
    pub pre_consult_done: bool,
    /// The patient's date of birth (`YYYY-MM-DD`) and sex, for the age and sex the board shows;
    /// empty when the patient is not in the index.
    pub date_of_birth: String,
    pub sex: String,
    /// When the patient was (last) checked in: the board counts the minutes waiting from it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub checked_in_at: Option<Instant>,
    /// When the doctor signed the visit's encounter: "session ended" is not "signed".
    #[serde(with = "time::serde::rfc3339::option")]
    pub signed_at: Option<Instant>,
    /// 会計, once the front desk recorded it.
    pub payment: Option<PaymentRow>,
    /// The home-care nurse asked the doctor to join this visit on video (D to P with N).
    pub consult_request: Option<ConsultRequest>,
}

/// A visit's payment (会計) as the board shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentRow {
    pub amount_yen: u32,
    pub method: PaymentMethod,
    pub paid: bool,
}

impl QueueRow {
    /// The patient still has to pay for this visit: it is signed (so billable) and no payment
    /// marked paid is recorded. A deferred payment (後日払い) still owes.
    pub fn owes(&self) -> bool {
        self.signed_at.is_some()
            && self.status != QueueStatus::Cancelled
            && !self.payment.as_ref().is_some_and(|p| p.paid)
    }
}

/// A document the index cannot file, in the words of the shape check every peer applies.
fn unreadable(id: &DocId) -> impl Fn(shape::ShapeError) -> StoreError + '_ {
    move |e| StoreError::BadDocument {
        doc: id.to_string(),
        reason: e.to_string(),
    }
}

/// Rewrites the index rows derived from document `id`.
pub(super) fn reindex(
    conn: &Connection,
    path: &Path,
    id: &DocId,
    doc: &Automerge,
) -> Result<(), StoreError> {
    let sql = StoreError::sqlite;
    match id.kind() {
        DocKind::Patient => {
            let patient_id = id.patient_id().unwrap_or_default();
            let Some(d) = shape::demographics(doc).map_err(unreadable(id))? else {
                return Ok(());
            };
            let history = shape::history(doc).map_err(unreadable(id))?;
            let kakaritsuke = matches!(bridge::read_json(doc, &["kakaritsuke"])?, Json::Bool(true));
            let care_team = match bridge::read_json(doc, &["care_team"])? {
                Json::String(s) => Some(s),
                _ => None,
            };
            let patient_number = match bridge::read_json(doc, &["patient_number"])? {
                Json::String(s) => Some(s),
                _ => None,
            };
            let key = format!(
                "{}|{}|{}",
                fold_for_search(&d.name_kanji),
                fold_for_search(&d.name_kana),
                patient_id.to_lowercase()
            );
            conn.execute(
                "INSERT INTO patient_index (patient_id, name_kanji, name_kana, search_key, date_of_birth, sex,
                     kakaritsuke, history_known, care_team, patient_number)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(patient_id) DO UPDATE SET name_kanji = excluded.name_kanji,
                     name_kana = excluded.name_kana, search_key = excluded.search_key,
                     date_of_birth = excluded.date_of_birth, sex = excluded.sex,
                     kakaritsuke = excluded.kakaritsuke, history_known = excluded.history_known,
                     care_team = excluded.care_team, patient_number = excluded.patient_number",
                params![
                    patient_id,
                    d.name_kanji,
                    d.name_kana,
                    key,
                    format_date(d.date_of_birth),
                    serde_json::to_value(d.sex).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                    kakaritsuke,
                    history.known,
                    care_team,
                    patient_number,
                ],
            )
            .map_err(sql(path))?;
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('patient_index_version', '1')
                 ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
                [],
            )
            .map_err(sql(path))?;
        }
        DocKind::Queue => {
            let day = id.queue_date().map(format_date).unwrap_or_default();
            conn.execute("DELETE FROM queue_index WHERE doc_id = ?1", [id.as_str()])
                .map_err(sql(path))?;
            let mut insert = conn
                .prepare_cached(
                    "INSERT INTO queue_index (doc_id, entry_id, day, time, patient_id, visit, status, doctor, pre_consult,
                         checked_in_at, signed_at, payment_amount, payment_method, payment_paid,
                         request_by, request_at, request_reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                )
                .map_err(sql(path))?;
            for (key, e) in shape::queue_entries(doc).map_err(unreadable(id))? {
                let checked_in_at = e
                    .history
                    .values()
                    .filter(|c| c.to == QueueStatus::CheckedIn)
                    .map(|c| c.at)
                    .max()
                    .map(rfc3339);
                insert
                    .execute(params![
                        id.as_str(),
                        key,
                        day,
                        e.time,
                        e.patient_id,
                        e.visit.as_str(),
                        e.status.as_str(),
                        e.doctor,
                        e.pre_consult_done,
                        checked_in_at,
                        e.signed_at.map(rfc3339),
                        e.payment.as_ref().map(|p| p.amount_yen),
                        e.payment.as_ref().map(|p| p.method.as_str()),
                        e.payment.as_ref().map(|p| p.paid),
                        e.consult_request.as_ref().map(|r| r.by.as_str()),
                        e.consult_request.as_ref().map(|r| rfc3339(r.at)),
                        e.consult_request.as_ref().map(|r| r.reason.as_str()),
                    ])
                    .map_err(sql(path))?;
            }
        }
        // A team's roster is read whole on a team device; nothing lists it.
        DocKind::Team => {}
        DocKind::Clinic => {
            conn.execute("DELETE FROM staff_index", [])
                .map_err(sql(path))?;
            for (key, s) in shape::staff(doc).map_err(unreadable(id))? {
                conn.execute(
                    "INSERT INTO staff_index (staff_id, name, role, active) VALUES (?1, ?2, ?3, ?4)",
                    params![key, s.name, s.role.as_str(), s.active],
                )
                .map_err(sql(path))?;
            }
        }
    }
    Ok(())
}

impl Store {
    /// Patients whose kanji name, kana name or id contains `query` (after folding width, kana and
    /// case), ordered by kana; at most `limit`. The folded keys are held in memory and reloaded
    /// only when any process has changed the patient index since.
    pub fn search_patients(
        &mut self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<PatientSummary>, StoreError> {
        let folded = fold_for_search(query);
        let version: i64 = self
            .conn
            .query_row(
                "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'patient_index_version'), 0)",
                [],
                |r| r.get(0),
            )
            .map_err(self.sql_err())?;
        if self.search_keys.as_ref().map(|k| k.version) != Some(version) {
            let mut stmt = self
                .conn
                .prepare("SELECT search_key, patient_id FROM patient_index ORDER BY name_kana, patient_id")
                .map_err(self.sql_err())?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(self.sql_err())?
                .collect::<Result<Vec<_>, _>>()
                .map_err(self.sql_err())?;
            self.search_keys = Some(SearchKeys { version, rows });
        }
        let rows = self
            .search_keys
            .as_ref()
            .map(|k| k.rows.as_slice())
            .unwrap_or_default();
        // Names containing the query come first; then, fuzzily, names holding its characters in
        // order (「やまたろ」 finds 山田 太郎), each in kana order.
        let mut ids: Vec<String> = rows
            .iter()
            .filter(|(key, _)| key.contains(&folded))
            .take(limit)
            .map(|(_, id)| id.clone())
            .collect();
        if ids.len() < limit && folded.chars().count() >= 2 {
            let fuzzy = rows
                .iter()
                .filter(|(key, _)| {
                    !key.contains(&folded) && key.split('|').any(|part| in_order(part, &folded))
                })
                .take(limit - ids.len())
                .map(|(_, id)| id.clone());
            ids.extend(fuzzy.collect::<Vec<_>>());
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(summary) = self.patient_summary(&id)? {
                out.push(summary);
            }
        }
        Ok(out)
    }

    /// One patient's index row.
    pub(crate) fn patient_summary(
        &self,
        patient_id: &str,
    ) -> Result<Option<PatientSummary>, StoreError> {
        patient_summary(&self.conn, &self.path, patient_id)
    }

    /// The patient who carries the clinic's patient number `number`, if any.
    pub fn find_patient_by_number(
        &self,
        number: &str,
    ) -> Result<Option<PatientSummary>, StoreError> {
        use rusqlite::OptionalExtension;
        self.conn
            .prepare_cached(
                "SELECT patient_id, name_kanji, name_kana, date_of_birth, sex, kakaritsuke, history_known, care_team, patient_number
                 FROM patient_index WHERE patient_number = ?1 ORDER BY patient_id LIMIT 1",
            )
            .map_err(self.sql_err())?
            .query_row([number], summary_row)
            .optional()
            .map_err(self.sql_err())
    }

    /// Patients with this kana name (folded) and date of birth: how a reservation without a
    /// patient id is matched, and the duplicate check before registering someone new.
    pub fn find_patient_by_name_dob(
        &self,
        name: &str,
        dob: Date,
    ) -> Result<Vec<PatientSummary>, StoreError> {
        let folded = fold_for_search(name);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT patient_id, name_kanji, name_kana, date_of_birth, sex, kakaritsuke, history_known, care_team, patient_number
                 FROM patient_index WHERE date_of_birth = ?1 ORDER BY patient_id",
            )
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([format_date(dob)], summary_row)
            .map_err(self.sql_err())?;
        let all = rows
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql_err())?;
        Ok(all
            .into_iter()
            .filter(|p| {
                fold_for_search(&p.name_kana) == folded || fold_for_search(&p.name_kanji) == folded
            })
            .collect())
    }

    /// Number of patients whose id starts with `prefix`.
    pub(crate) fn count_patients_with_prefix(&self, prefix: &str) -> Result<usize, StoreError> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM patient_index WHERE substr(patient_id, 1, length(?1)) = ?1",
                [prefix],
                |r| r.get(0),
            )
            .map_err(self.sql_err())?;
        Ok(n as usize)
    }

    /// A day's queue, in reserved-time order, joined with the patients' names.
    pub fn queue_rows(&self, day: Date) -> Result<Vec<QueueRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT q.entry_id, q.day, q.time, q.patient_id, coalesce(p.name_kanji, ''), coalesce(p.name_kana, ''),
                        q.visit, q.status, q.doctor, q.pre_consult,
                        coalesce(p.date_of_birth, ''), coalesce(p.sex, ''),
                        q.checked_in_at, q.signed_at, q.payment_amount, q.payment_method, q.payment_paid,
                        q.request_by, q.request_at, q.request_reason
                 FROM queue_index q LEFT JOIN patient_index p ON p.patient_id = q.patient_id
                 WHERE q.day = ?1 ORDER BY q.time, q.entry_id",
            )
            .map_err(self.sql_err())?;
        let mut rows = stmt.query([format_date(day)]).map_err(self.sql_err())?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(self.sql_err())? {
            let get = |i| -> Result<String, StoreError> { r.get(i).map_err(self.sql_err()) };
            let entry_id = get(0)?;
            let day = get(1)?;
            // An index row is written from a parsed queue entry, so a value this program does
            // not know means the file was altered or written by a newer version. The board
            // must not silently drop a waiting patient: refuse, naming the row.
            let unknown = |field: &'static str, value: String| StoreError::UnknownIndexValue {
                path: self.path.clone(),
                entry_id: entry_id.clone(),
                day: day.clone(),
                field,
                value,
            };
            let visit = get(6)?;
            let visit_kind = VisitKind::parse(&visit).ok_or_else(|| unknown("visit", visit))?;
            let status = get(7)?;
            let status = QueueStatus::parse(&status).ok_or_else(|| unknown("status", status))?;
            let instant = |i, field| -> Result<Option<Instant>, StoreError> {
                let text: Option<String> = r.get(i).map_err(self.sql_err())?;
                text.map(|t| parse_rfc3339(&t).ok_or_else(|| unknown(field, t)))
                    .transpose()
            };
            let checked_in_at = instant(12, "checked_in_at")?;
            let signed_at = instant(13, "signed_at")?;
            let amount: Option<i64> = r.get(14).map_err(self.sql_err())?;
            let method: Option<String> = r.get(15).map_err(self.sql_err())?;
            let paid: Option<bool> = r.get(16).map_err(self.sql_err())?;
            let payment = match (amount, method) {
                (Some(amount), Some(method)) => Some(PaymentRow {
                    amount_yen: u32::try_from(amount)
                        .map_err(|_| unknown("payment_amount", amount.to_string()))?,
                    method: PaymentMethod::parse(&method)
                        .ok_or_else(|| unknown("payment_method", method))?,
                    paid: paid.unwrap_or(false),
                }),
                _ => None,
            };
            let request_by: Option<String> = r.get(17).map_err(self.sql_err())?;
            let request_at = instant(18, "request_at")?;
            let request_reason: Option<String> = r.get(19).map_err(self.sql_err())?;
            let consult_request = match (request_by, request_at) {
                (Some(by), Some(at)) => Some(ConsultRequest {
                    by,
                    at,
                    reason: request_reason.unwrap_or_default(),
                }),
                _ => None,
            };
            out.push(QueueRow {
                time: get(2)?,
                patient_id: get(3)?,
                name_kanji: get(4)?,
                name_kana: get(5)?,
                visit_kind,
                status,
                doctor: r.get(8).map_err(self.sql_err())?,
                pre_consult_done: r.get(9).map_err(self.sql_err())?,
                date_of_birth: get(10)?,
                sex: get(11)?,
                checked_in_at,
                signed_at,
                payment,
                consult_request,
                entry_id,
                day,
            });
        }
        Ok(out)
    }
}

/// One patient's index row.
pub(super) fn patient_summary(
    conn: &Connection,
    path: &Path,
    patient_id: &str,
) -> Result<Option<PatientSummary>, StoreError> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached(
        "SELECT patient_id, name_kanji, name_kana, date_of_birth, sex, kakaritsuke, history_known, care_team, patient_number
         FROM patient_index WHERE patient_id = ?1",
    )
    .map_err(StoreError::sqlite(path))?
    .query_row([patient_id], summary_row)
    .optional()
    .map_err(StoreError::sqlite(path))
}

/// The document that holds a queue entry of `day`, per the index.
pub(super) fn queue_doc_of(
    conn: &Connection,
    path: &Path,
    day: Date,
    entry_id: &str,
) -> Result<Option<DocId>, StoreError> {
    use rusqlite::OptionalExtension;
    let doc: Option<String> = conn
        .query_row(
            "SELECT doc_id FROM queue_index WHERE day = ?1 AND entry_id = ?2",
            params![format_date(day), entry_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::sqlite(path))?;
    Ok(doc.map(|d| DocId::parse(&d)).transpose()?)
}

/// The visits of `patient_id` on `from` and later that have not begun (reserved, checked in,
/// waiting): day, entry id and the queue document holding it.
pub(super) fn open_visits_from(
    conn: &Connection,
    path: &Path,
    patient_id: &str,
    from: Date,
) -> Result<Vec<(Date, String, DocId)>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT day, entry_id, doc_id FROM queue_index
             WHERE patient_id = ?1 AND day >= ?2
               AND status IN ('reserved', 'checked_in', 'waiting')
             ORDER BY day, time, entry_id",
        )
        .map_err(StoreError::sqlite(path))?;
    let rows = stmt
        .query_map(params![patient_id, format_date(from)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(StoreError::sqlite(path))?;
    let mut out = Vec::new();
    for row in rows {
        let (day, entry, doc) = row.map_err(StoreError::sqlite(path))?;
        let day = crate::domain::parse_date(&day)
            .map_err(|_| StoreError::Rejected(format!("queue index: bad day {day}")))?;
        out.push((day, entry, DocId::parse(&doc)?));
    }
    Ok(out)
}

/// An instant as the index keeps it: RFC 3339 in UTC, so that text order is time order.
fn rfc3339(at: Instant) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn parse_rfc3339(text: &str) -> Option<Instant> {
    Instant::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Whether every character of `needle` appears in `haystack`, in order.
fn in_order(haystack: &str, needle: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|c| rest.any(|h| h == c))
}

fn summary_row(r: &rusqlite::Row) -> rusqlite::Result<PatientSummary> {
    Ok(PatientSummary {
        patient_id: r.get(0)?,
        name_kanji: r.get(1)?,
        name_kana: r.get(2)?,
        date_of_birth: r.get(3)?,
        sex: r.get(4)?,
        kakaritsuke: r.get(5)?,
        history_known: r.get(6)?,
        care_team: r.get(7)?,
        patient_number: r.get(8)?,
    })
}
