//! The classification tables of `fixtures/drugs/` (向精神薬, 薬剤管理指導料「1」 categories,
//! misuse-watch groups, PDE5 inhibitors and their contraindications) and the matching rules of
//! `fixtures/drugs/README.md` that turn one price-list row into a classification.
//!
//! Over 600 lines with its tests: the loaders and the matching rules are one concern, the table
//! files' format.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::DrugError;
use crate::domain::{DrugInfo, nfkc};

const PSYCHOTROPICS_TOML: &str = include_str!("../../fixtures/drugs/psychotropics.toml");
const HIGH_RISK_TOML: &str = include_str!("../../fixtures/drugs/high_risk.toml");
const MISUSE_WATCH_TOML: &str = include_str!("../../fixtures/drugs/misuse_watch.toml");
const PDE5_TOML: &str = include_str!("../../fixtures/drugs/pde5.toml");

/// The misuse-watch group every 向精神薬 belongs to: 指針 V.1(5) 不適切な例 ⅰ names 向精神薬 first,
/// and `misuse_watch.toml` does not repeat them.
pub const PSYCHOTROPICS_GROUP: &str = "psychotropics";

/// Replaces an excluded ingredient inside a name; never occurs in a real name.
const MASK: &str = "\u{0}";

/// 区分: which of the four lists of the price list a drug is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Route {
    /// 内用薬 (oral).
    #[serde(rename = "内用薬")]
    Oral,
    /// 注射薬 (injection).
    #[serde(rename = "注射薬")]
    Injection,
    /// 外用薬 (topical).
    #[serde(rename = "外用薬")]
    Topical,
    /// 歯科用薬剤 (dental).
    #[serde(rename = "歯科用薬剤")]
    Dental,
}

impl Route {
    /// Every route, in the order of the price list.
    pub const ALL: [Route; 4] = [Route::Oral, Route::Injection, Route::Topical, Route::Dental];

    /// The 区分 as the price list writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Oral => "内用薬",
            Route::Injection => "注射薬",
            Route::Topical => "外用薬",
            Route::Dental => "歯科用薬剤",
        }
    }

    /// Reads a 区分 (NFKC, trimmed); `None` for anything else.
    pub fn parse(text: &str) -> Option<Route> {
        let text = nfkc(text);
        Route::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The `[source]` table every classification file carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSource {
    pub title: String,
    pub publisher: String,
    #[serde(default)]
    pub url: Option<String>,
    /// `YYYY-MM-DD`.
    pub as_of: String,
    pub note: String,
}

/// How a table's ingredient string is compared with a 成分名.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum MatchMode {
    /// The string occurs in the name (catches salts and combinations).
    #[default]
    Substring,
    /// The string is the whole name.
    Exact,
}

impl MatchMode {
    fn matches(self, pattern: &str, name: &str) -> bool {
        match self {
            MatchMode::Substring => name.contains(pattern),
            MatchMode::Exact => name == pattern,
        }
    }
}

/// How strongly a co-medication rules out a PDE5 inhibitor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pde5Severity {
    /// 併用禁忌.
    #[default]
    Contraindicated,
    /// Not recommended (併用注意 that the table treats conservatively).
    Avoid,
}

// ------------------------------------------------------------------ file shapes (serde)

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PsychotropicsFile {
    source: TableSource,
    entry: Vec<PsychotropicEntry>,
    #[serde(default)]
    exclude: Vec<ExcludeEntry>,
    #[serde(default)]
    other_controlled: Vec<OtherControlledEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PsychotropicEntry {
    ingredient: String,
    class: u8,
    #[serde(rename = "match", default)]
    mode: MatchMode,
    #[serde(default = "yes")]
    #[allow(dead_code)] // documentation for check_tables.py
    in_price_list: bool,
    #[serde(default)]
    #[allow(dead_code)]
    name_en: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExcludeEntry {
    ingredient: String,
    #[allow(dead_code)]
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OtherControlledEntry {
    ingredient: String,
    kind: String,
    #[serde(default)]
    #[allow(dead_code)]
    name_en: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HighRiskFile {
    source: TableSource,
    category: Vec<BlockSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MisuseWatchFile {
    source: TableSource,
    group: Vec<BlockSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockSpec {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    name_ja: Option<String>,
    #[serde(default)]
    name_en: Option<String>,
    #[serde(default)]
    prefixes: Option<Vec<String>>,
    #[serde(default)]
    ingredients: Option<Vec<String>>,
    #[serde(default)]
    routes: Option<Vec<Route>>,
    #[serde(default)]
    exclude_ingredients: Vec<String>,
    #[serde(default)]
    exclude_prefixes: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pde5File {
    source: TableSource,
    inhibitor: Vec<Pde5InhibitorSpec>,
    #[serde(default)]
    contraindication: Vec<Pde5ContraindicationSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pde5InhibitorSpec {
    ingredient: String,
    /// Documents the table for its readers; the rules name drugs by their listed names.
    #[serde(default)]
    #[allow(dead_code)]
    name_en: Option<String>,
    #[serde(default = "yes")]
    #[allow(dead_code)]
    in_price_list: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pde5ContraindicationSpec {
    ingredient: String,
    with: Vec<String>,
    #[serde(default)]
    severity: Pde5Severity,
    reason_ja: String,
    reason_en: String,
    #[serde(rename = "match", default)]
    mode: MatchMode,
    #[serde(default)]
    routes: Option<Vec<Route>>,
    #[serde(default = "yes")]
    #[allow(dead_code)]
    in_price_list: bool,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

fn yes() -> bool {
    true
}

// ------------------------------------------------------------------ loaded, normalised tables

/// One 向精神薬 ingredient and its class.
#[derive(Debug, Clone)]
struct Psychotropic {
    ingredient: String,
    class: u8,
    mode: MatchMode,
}

/// A category of `high_risk.toml` or a group of `misuse_watch.toml`, as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    /// Stable snake_case id, e.g. `anticoagulants`.
    pub id: String,
    /// e.g. 血液凝固阻止剤.
    pub name_ja: String,
    pub name_en: String,
}

/// One rule block: every condition it states must hold.
#[derive(Debug, Clone)]
struct Block {
    /// Index into the category list of its file.
    category: usize,
    prefixes: Option<Vec<String>>,
    ingredients: Option<Vec<String>>,
    routes: Option<Vec<Route>>,
    exclude_ingredients: Vec<String>,
    exclude_prefixes: Vec<String>,
}

impl Block {
    fn matches(&self, code: &str, name: &str, route: Option<Route>) -> bool {
        if let Some(prefixes) = &self.prefixes
            && !prefixes.iter().any(|p| code.starts_with(p.as_str()))
        {
            return false;
        }
        if let Some(ingredients) = &self.ingredients
            && !ingredients.iter().any(|i| name.contains(i.as_str()))
        {
            return false;
        }
        if let Some(routes) = &self.routes
            && !route.is_some_and(|r| routes.contains(&r))
        {
            return false;
        }
        !self
            .exclude_ingredients
            .iter()
            .any(|x| name.contains(x.as_str()))
            && !self
                .exclude_prefixes
                .iter()
                .any(|p| code.starts_with(p.as_str()))
    }
}

/// The categories of one block file and its blocks, in file order.
#[derive(Debug, Clone)]
struct BlockTable {
    categories: Vec<Category>,
    blocks: Vec<Block>,
}

impl BlockTable {
    /// The ids of every category a row falls in, in the file order of their first block.
    fn ids(&self, code: &str, name: &str, route: Option<Route>) -> Vec<String> {
        let mut hits = vec![false; self.categories.len()];
        for block in &self.blocks {
            if !hits[block.category] && block.matches(code, name, route) {
                hits[block.category] = true;
            }
        }
        self.categories
            .iter()
            .zip(hits)
            .filter(|(_, hit)| *hit)
            .map(|(c, _)| c.id.clone())
            .collect()
    }

    fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
}

#[derive(Debug, Clone)]
struct Pde5Inhibitor {
    ingredient: String,
}

#[derive(Debug, Clone)]
struct Pde5Contraindication {
    ingredient: String,
    with: Vec<String>,
    severity: Pde5Severity,
    reason_ja: String,
    reason_en: String,
    mode: MatchMode,
    routes: Option<Vec<Route>>,
}

impl Pde5Contraindication {
    /// README: the ingredient matches and, when the table restricts routes and the
    /// co-medication's route is known, that route is listed.
    fn matches(&self, name: &str, route: Option<Route>) -> bool {
        self.mode.matches(&self.ingredient, name)
            && match (&self.routes, route) {
                (Some(routes), Some(route)) => routes.contains(&route),
                _ => true,
            }
    }
}

/// Why a co-medication must not meet a PDE5 inhibitor (指針 V.1(5) 不適切な例 ⅱ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pde5Conflict {
    /// The inhibitor ingredient of the table that matched, e.g. シルデナフィル.
    pub inhibitor: String,
    /// The co-medication ingredient of the table that matched, e.g. ニコランジル.
    pub co_medication: String,
    pub severity: Pde5Severity,
    pub reason_ja: String,
    pub reason_en: String,
}

/// Everything the tables say about one drug. Category lists are in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// 麻薬: the list's 「麻」 column.
    pub narcotic: bool,
    /// 向精神薬 第一種/第二種/第三種 as 1, 2, 3 (the strictest class that matched).
    pub psychotropic_class: Option<u8>,
    /// 薬剤管理指導料「1」 category ids, in `high_risk.toml` order.
    pub high_risk_categories: Vec<String>,
    /// Misuse-watch group ids: `psychotropics` first when it applies, then `misuse_watch.toml`
    /// order.
    pub misuse_watch_groups: Vec<String>,
    pub pde5_inhibitor: bool,
    pub pde5_contraindicated: bool,
    /// Other controlled substances (e.g. 覚醒剤原料), informational only: `kind` values.
    pub other_controlled: Vec<String>,
}

impl Classification {
    /// The one category `DrugInfo` carries: the first in `high_risk.toml` order.
    pub fn high_risk_category(&self) -> Option<&str> {
        self.high_risk_categories.first().map(String::as_str)
    }

    /// The one group `DrugInfo` carries: `psychotropics` if it applies (the 指針 names 向精神薬
    /// first), otherwise the first in `misuse_watch.toml` order.
    pub fn misuse_watch(&self) -> Option<&str> {
        self.misuse_watch_groups.first().map(String::as_str)
    }
}

/// The four classification tables, parsed and NFKC-normalised.
#[derive(Debug, Clone)]
pub struct ClassificationTables {
    psychotropics: Vec<Psychotropic>,
    psychotropic_excludes: Vec<String>,
    other_controlled: Vec<(String, String)>,
    high_risk: BlockTable,
    misuse_watch: BlockTable,
    pde5_inhibitors: Vec<Pde5Inhibitor>,
    pde5_contraindications: Vec<Pde5Contraindication>,
    sources: Vec<(&'static str, TableSource)>,
    fingerprint: String,
}

/// The texts of the four tables, by file name.
pub struct TableTexts<'a> {
    pub psychotropics: &'a str,
    pub high_risk: &'a str,
    pub misuse_watch: &'a str,
    pub pde5: &'a str,
}

impl TableTexts<'static> {
    /// The tables compiled into the program from `fixtures/drugs/`.
    pub const EMBEDDED: TableTexts<'static> = TableTexts {
        psychotropics: PSYCHOTROPICS_TOML,
        high_risk: HIGH_RISK_TOML,
        misuse_watch: MISUSE_WATCH_TOML,
        pde5: PDE5_TOML,
    };
}

const PSYCHOTROPICS_FILE: &str = "fixtures/drugs/psychotropics.toml";
const HIGH_RISK_FILE: &str = "fixtures/drugs/high_risk.toml";
const MISUSE_WATCH_FILE: &str = "fixtures/drugs/misuse_watch.toml";
const PDE5_FILE: &str = "fixtures/drugs/pde5.toml";

fn table_error(file: &'static str, reason: impl Into<String>) -> DrugError {
    DrugError::Table {
        file,
        reason: reason.into(),
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &'static str,
    text: &str,
) -> Result<T, DrugError> {
    toml::from_str(text).map_err(|e| table_error(file, e.to_string().trim_end().to_string()))
}

fn check_source(file: &'static str, source: &TableSource) -> Result<(), DrugError> {
    for (key, value) in [
        ("title", &source.title),
        ("publisher", &source.publisher),
        ("note", &source.note),
    ] {
        if value.trim().is_empty() {
            return Err(table_error(file, format!("[source].{key} is empty")));
        }
    }
    let date = source.as_of.as_bytes();
    let is_date = date.len() == 10
        && date.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !is_date {
        return Err(table_error(
            file,
            format!("[source].as_of {:?} is not YYYY-MM-DD", source.as_of),
        ));
    }
    Ok(())
}

fn normalised_nonempty(file: &'static str, what: &str, text: &str) -> Result<String, DrugError> {
    let text = nfkc(text);
    if text.is_empty() {
        Err(table_error(file, format!("{what}: empty ingredient")))
    } else {
        Ok(text)
    }
}

fn check_prefix(file: &'static str, id: &str, prefix: &str) -> Result<String, DrugError> {
    let prefix = nfkc(prefix);
    if prefix.is_empty() || prefix.len() > 12 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(table_error(
            file,
            format!("block {id}: prefix {prefix:?} is not 1 to 12 digits"),
        ));
    }
    Ok(prefix)
}

fn load_blocks(
    file: &'static str,
    specs: Vec<BlockSpec>,
    name_key: &str,
) -> Result<BlockTable, DrugError> {
    let mut table = BlockTable {
        categories: Vec::new(),
        blocks: Vec::new(),
    };
    for spec in specs {
        let id = nfkc(&spec.id);
        let id_ok = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !id_ok {
            return Err(table_error(
                file,
                format!("block id {id:?} is not snake_case"),
            ));
        }
        let name_ja = if name_key == "name" {
            spec.name
        } else {
            spec.name_ja
        };
        let (Some(name_ja), Some(name_en)) = (name_ja, spec.name_en) else {
            return Err(table_error(
                file,
                format!("block {id}: needs {name_key} and name_en"),
            ));
        };
        if spec.prefixes.is_none() && spec.ingredients.is_none() {
            return Err(table_error(
                file,
                format!("block {id}: needs prefixes or ingredients"),
            ));
        }
        let category = Category {
            id: id.clone(),
            name_ja: nfkc(&name_ja),
            name_en: nfkc(&name_en),
        };
        let index = match table.categories.iter().position(|c| c.id == id) {
            Some(i) if table.categories[i] == category => i,
            Some(_) => {
                return Err(table_error(
                    file,
                    format!("blocks with id {id} disagree on their names"),
                ));
            }
            None => {
                table.categories.push(category);
                table.categories.len() - 1
            }
        };
        let prefixes = spec
            .prefixes
            .map(|ps| ps.iter().map(|p| check_prefix(file, &id, p)).collect())
            .transpose()?;
        let ingredients = spec
            .ingredients
            .map(|is| {
                is.iter()
                    .map(|i| normalised_nonempty(file, &format!("block {id}"), i))
                    .collect()
            })
            .transpose()?;
        let exclude_ingredients = spec
            .exclude_ingredients
            .iter()
            .map(|i| normalised_nonempty(file, &format!("block {id}"), i))
            .collect::<Result<_, _>>()?;
        let exclude_prefixes = spec
            .exclude_prefixes
            .iter()
            .map(|p| check_prefix(file, &id, p))
            .collect::<Result<_, _>>()?;
        table.blocks.push(Block {
            category: index,
            prefixes,
            ingredients,
            routes: spec.routes,
            exclude_ingredients,
            exclude_prefixes,
        });
    }
    Ok(table)
}

impl ClassificationTables {
    /// The tables compiled into the program, parsed once.
    pub fn embedded() -> Result<&'static ClassificationTables, DrugError> {
        // The error is kept as (file, reason) so that every caller gets its own copy.
        static TABLES: OnceLock<Result<ClassificationTables, (&'static str, String)>> =
            OnceLock::new();
        let loaded = TABLES.get_or_init(|| {
            ClassificationTables::parse(&TableTexts::EMBEDDED).map_err(|e| match e {
                DrugError::Table { file, reason } => (file, reason),
                other => (PSYCHOTROPICS_FILE, other.to_string()),
            })
        });
        match loaded {
            Ok(tables) => Ok(tables),
            Err((file, reason)) => Err(table_error(file, reason.clone())),
        }
    }

    /// Parses and checks the four tables.
    pub fn parse(texts: &TableTexts<'_>) -> Result<ClassificationTables, DrugError> {
        let psy: PsychotropicsFile = parse_toml(PSYCHOTROPICS_FILE, texts.psychotropics)?;
        let high: HighRiskFile = parse_toml(HIGH_RISK_FILE, texts.high_risk)?;
        let misuse: MisuseWatchFile = parse_toml(MISUSE_WATCH_FILE, texts.misuse_watch)?;
        let pde5: Pde5File = parse_toml(PDE5_FILE, texts.pde5)?;
        check_source(PSYCHOTROPICS_FILE, &psy.source)?;
        check_source(HIGH_RISK_FILE, &high.source)?;
        check_source(MISUSE_WATCH_FILE, &misuse.source)?;
        check_source(PDE5_FILE, &pde5.source)?;

        let mut psychotropics = Vec::with_capacity(psy.entry.len());
        for e in &psy.entry {
            let ingredient = normalised_nonempty(PSYCHOTROPICS_FILE, "entry", &e.ingredient)?;
            if !(1..=3).contains(&e.class) {
                return Err(table_error(
                    PSYCHOTROPICS_FILE,
                    format!("entry {ingredient}: class {} is not 1, 2 or 3", e.class),
                ));
            }
            psychotropics.push(Psychotropic {
                ingredient,
                class: e.class,
                mode: e.mode,
            });
        }
        let psychotropic_excludes = psy
            .exclude
            .iter()
            .map(|x| normalised_nonempty(PSYCHOTROPICS_FILE, "exclude", &x.ingredient))
            .collect::<Result<_, _>>()?;
        let other_controlled = psy
            .other_controlled
            .iter()
            .map(|o| {
                Ok((
                    normalised_nonempty(PSYCHOTROPICS_FILE, "other_controlled", &o.ingredient)?,
                    nfkc(&o.kind),
                ))
            })
            .collect::<Result<_, DrugError>>()?;

        let high_risk = load_blocks(HIGH_RISK_FILE, high.category, "name")?;
        let misuse_watch = load_blocks(MISUSE_WATCH_FILE, misuse.group, "name_ja")?;
        if misuse_watch.category(PSYCHOTROPICS_GROUP).is_some() {
            return Err(table_error(
                MISUSE_WATCH_FILE,
                format!("group id {PSYCHOTROPICS_GROUP} is reserved for psychotropics.toml"),
            ));
        }

        let mut pde5_inhibitors = Vec::with_capacity(pde5.inhibitor.len());
        for i in &pde5.inhibitor {
            let ingredient = normalised_nonempty(PDE5_FILE, "inhibitor", &i.ingredient)?;
            pde5_inhibitors.push(Pde5Inhibitor { ingredient });
        }
        let mut pde5_contraindications = Vec::with_capacity(pde5.contraindication.len());
        for c in pde5.contraindication {
            let ingredient = normalised_nonempty(PDE5_FILE, "contraindication", &c.ingredient)?;
            let with: Vec<String> = c.with.iter().map(|w| nfkc(w)).collect();
            if with.is_empty() {
                return Err(table_error(
                    PDE5_FILE,
                    format!("contraindication {ingredient}: `with` is empty"),
                ));
            }
            if let Some(unknown) = with
                .iter()
                .find(|w| !pde5_inhibitors.iter().any(|i| &i.ingredient == *w))
            {
                return Err(table_error(
                    PDE5_FILE,
                    format!("contraindication {ingredient}: unknown inhibitor {unknown}"),
                ));
            }
            pde5_contraindications.push(Pde5Contraindication {
                ingredient,
                with,
                severity: c.severity,
                reason_ja: c.reason_ja.trim().to_string(),
                reason_en: c.reason_en.trim().to_string(),
                mode: c.mode,
                routes: c.routes,
            });
        }

        let mut hash = Sha256::new();
        for text in [
            texts.psychotropics,
            texts.high_risk,
            texts.misuse_watch,
            texts.pde5,
        ] {
            hash.update((text.len() as u64).to_le_bytes());
            hash.update(text.as_bytes());
        }

        Ok(ClassificationTables {
            psychotropics,
            psychotropic_excludes,
            other_controlled,
            high_risk,
            misuse_watch,
            pde5_inhibitors,
            pde5_contraindications,
            sources: vec![
                (PSYCHOTROPICS_FILE, psy.source),
                (HIGH_RISK_FILE, high.source),
                (MISUSE_WATCH_FILE, misuse.source),
                (PDE5_FILE, pde5.source),
            ],
            fingerprint: hex::encode(hash.finalize()),
        })
    }

    /// A SHA-256 over the four table texts: classifications stored under another fingerprint
    /// are stale.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The `[source]` note of each table, by file.
    pub fn sources(&self) -> &[(&'static str, TableSource)] {
        &self.sources
    }

    /// The 薬剤管理指導料「1」 categories, in file order.
    pub fn high_risk_categories(&self) -> &[Category] {
        &self.high_risk.categories
    }

    /// The misuse-watch groups of `misuse_watch.toml`, in file order (without `psychotropics`).
    pub fn misuse_watch_groups(&self) -> &[Category] {
        &self.misuse_watch.categories
    }

    /// The names of a 薬剤管理指導料「1」 category id.
    pub fn high_risk_category(&self, id: &str) -> Option<&Category> {
        self.high_risk.category(id)
    }

    /// The names of a misuse-watch group id, `psychotropics` included.
    pub fn misuse_watch_group(&self, id: &str) -> Option<Category> {
        if id == PSYCHOTROPICS_GROUP {
            return Some(Category {
                id: PSYCHOTROPICS_GROUP.to_string(),
                name_ja: "向精神薬".to_string(),
                name_en: "psychotropic drugs".to_string(),
            });
        }
        self.misuse_watch.category(id).cloned()
    }

    /// 向精神薬 class of an ingredient name: exclusions are masked out of the name, then the
    /// strictest (lowest) class of every matching entry wins. Works on free text too.
    pub fn psychotropic_class(&self, ingredient: &str) -> Option<u8> {
        let name = nfkc(ingredient);
        self.psychotropic_class_normalised(&name)
    }

    fn psychotropic_class_normalised(&self, name: &str) -> Option<u8> {
        let mut masked = std::borrow::Cow::Borrowed(name);
        for exclude in &self.psychotropic_excludes {
            if masked.contains(exclude.as_str()) {
                masked = std::borrow::Cow::Owned(masked.replace(exclude.as_str(), MASK));
            }
        }
        self.psychotropics
            .iter()
            .filter(|e| e.mode.matches(&e.ingredient, &masked))
            .map(|e| e.class)
            .min()
    }

    /// The PDE5 inhibitor ingredients of the table that an ingredient name contains.
    fn inhibitors_in(&self, name: &str) -> Vec<&Pde5Inhibitor> {
        self.pde5_inhibitors
            .iter()
            .filter(|i| name.contains(i.ingredient.as_str()))
            .collect()
    }

    /// Every reason why `co_medication` must not meet the PDE5 inhibitor `inhibitor` (both
    /// ingredient names; free text allowed), contraindications (併用禁忌) first, each group in
    /// file order. Matched by ingredient, never by 薬効分類: 2171 holds both the nitrates and
    /// amlodipine.
    pub fn pde5_conflicts(
        &self,
        inhibitor: &str,
        co_medication: &str,
        co_medication_route: Option<Route>,
    ) -> Vec<Pde5Conflict> {
        let inhibitors = self.inhibitors_in(&nfkc(inhibitor));
        if inhibitors.is_empty() {
            return Vec::new();
        }
        let other = nfkc(co_medication);
        let mut found: Vec<Pde5Conflict> = Vec::new();
        for c in &self.pde5_contraindications {
            let Some(inh) = inhibitors.iter().find(|i| c.with.contains(&i.ingredient)) else {
                continue;
            };
            if c.matches(&other, co_medication_route) {
                found.push(Pde5Conflict {
                    inhibitor: inh.ingredient.clone(),
                    co_medication: c.ingredient.clone(),
                    severity: c.severity,
                    reason_ja: c.reason_ja.clone(),
                    reason_en: c.reason_en.clone(),
                });
            }
        }
        // Stable: file order within each severity.
        found.sort_by_key(|c| c.severity != Pde5Severity::Contraindicated);
        found
    }

    /// Classifies one row of the price list. `narcotic_column` is the list's 麻薬 column
    /// (「麻」 for a narcotic); an unknown `route` matches no route-restricted block.
    pub fn classify(
        &self,
        code: &str,
        ingredient: &str,
        route: &str,
        narcotic_column: &str,
    ) -> Classification {
        let code = nfkc(code).to_ascii_uppercase();
        let name = nfkc(ingredient);
        let route = Route::parse(route);
        let psychotropic_class = self.psychotropic_class_normalised(&name);
        let mut misuse_watch_groups = Vec::new();
        if psychotropic_class.is_some() {
            misuse_watch_groups.push(PSYCHOTROPICS_GROUP.to_string());
        }
        misuse_watch_groups.extend(self.misuse_watch.ids(&code, &name, route));
        Classification {
            narcotic: nfkc(narcotic_column) == "麻",
            psychotropic_class,
            high_risk_categories: self.high_risk.ids(&code, &name, route),
            misuse_watch_groups,
            pde5_inhibitor: !self.inhibitors_in(&name).is_empty(),
            pde5_contraindicated: self
                .pde5_contraindications
                .iter()
                .any(|c| c.matches(&name, route)),
            other_controlled: self
                .other_controlled
                .iter()
                .filter(|(i, _)| name.contains(i.as_str()))
                .map(|(_, kind)| kind.clone())
                .collect(),
        }
    }

    /// The first reason (contraindications before "avoid") why `other` must not be taken with
    /// the PDE5 inhibitor `inhibitor`, as (Japanese, English). Falls back on the product name
    /// when a drug has no ingredient (typed as free text).
    pub fn pde5_conflict_between(
        &self,
        inhibitor: &DrugInfo,
        other: &DrugInfo,
    ) -> Option<(String, String)> {
        let inhibitor_name = if inhibitor.ingredient.trim().is_empty() {
            &inhibitor.name
        } else {
            &inhibitor.ingredient
        };
        let other_name = if other.ingredient.trim().is_empty() {
            &other.name
        } else {
            &other.ingredient
        };
        self.pde5_conflicts(inhibitor_name, other_name, Route::parse(&other.route))
            .into_iter()
            .next()
            .map(|c| (c.reason_ja, c.reason_en))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> &'static ClassificationTables {
        match ClassificationTables::embedded() {
            Ok(t) => t,
            Err(e) => panic!("embedded tables do not load: {e}"),
        }
    }

    #[test]
    fn embedded_tables_load_with_every_category() {
        let t = tables();
        let ids: Vec<&str> = t
            .high_risk_categories()
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "antineoplastics",
                "immunosuppressants",
                "antiarrhythmics",
                "antiepileptics",
                "anticoagulants",
                "digitalis",
                "theophylline",
                "potassium_injection",
                "psychiatric",
                "antidiabetics",
                "pancreatic_hormones",
                "anti_hiv"
            ]
        );
        assert_eq!(t.sources().len(), 4);
        assert_eq!(t.fingerprint().len(), 64);
    }

    #[test]
    fn psychotropic_masking_and_exact_matches() {
        let t = tables();
        assert_eq!(t.psychotropic_class("ゾピクロン"), Some(3));
        assert_eq!(t.psychotropic_class("エスゾピクロン"), None);
        assert_eq!(t.psychotropic_class("エスゾピクロン・ジアゼパム"), Some(3));
        assert_eq!(t.psychotropic_class("ニトラゼパム"), Some(3));
        assert_eq!(t.psychotropic_class("フルニトラゼパム"), Some(2));
        assert_eq!(t.psychotropic_class("バルビタール"), Some(3));
        assert_eq!(
            t.psychotropic_class("ペントバルビタールカルシウム"),
            Some(2)
        );
        // Full-width input is normalised before matching.
        assert_eq!(t.psychotropic_class("ゾルピデム酒石酸塩　"), Some(3));
    }

    #[test]
    fn route_and_exclusion_restrict_blocks() {
        let t = tables();
        let warfarin = t.classify("3332001F1130", "ワルファリンカリウム", "内用薬", "");
        assert_eq!(warfarin.high_risk_category(), Some("anticoagulants"));
        let heparinoid = t.classify("3339950N1035", "ヘパリン類似物質", "外用薬", "");
        assert_eq!(heparinoid.high_risk_category(), None);
        assert_eq!(heparinoid.misuse_watch(), Some("moisturisers_cosmetic"));
        let kcl_iv = t.classify("3229400A1032", "塩化カリウム", "注射薬", "");
        assert_eq!(kcl_iv.high_risk_category(), Some("potassium_injection"));
        let kcl_po = t.classify("3229002G1082", "塩化カリウム", "内用薬", "");
        assert_eq!(kcl_po.high_risk_category(), None);
        let zolpidem = t.classify("1129009F1025", "ゾルピデム酒石酸塩", "内用薬", "");
        assert_eq!(
            zolpidem.misuse_watch_groups,
            [PSYCHOTROPICS_GROUP, "hypnotics"]
        );
        assert!(
            t.classify("8119002G5020", "オキシコドン", "内用薬", "麻")
                .narcotic
        );
    }

    #[test]
    fn pde5_conflicts_by_ingredient_not_class() {
        let t = tables();
        assert!(
            !t.pde5_conflicts(
                "シルデナフィルクエン酸塩",
                "ニコランジル",
                Some(Route::Oral)
            )
            .is_empty()
        );
        assert!(
            t.pde5_conflicts("タダラフィル", "アミオダロン塩酸塩", Some(Route::Oral))
                .is_empty()
        );
        assert!(
            !t.pde5_conflicts("シルデナフィル", "アミオダロン塩酸塩", Some(Route::Oral))
                .is_empty()
        );
        assert!(
            t.pde5_conflicts(
                "シルデナフィル",
                "アムロジピンベシル酸塩",
                Some(Route::Oral)
            )
            .is_empty()
        );
        // Not an inhibitor: no conflict whatever the other drug.
        assert!(
            t.pde5_conflicts("アムロジピン", "ニコランジル", None)
                .is_empty()
        );
        // Topical itraconazole is not a contraindication for vardenafil; an unknown route is.
        assert!(
            t.pde5_conflicts("バルデナフィル", "イトラコナゾール", Some(Route::Topical))
                .is_empty()
        );
        assert!(
            !t.pde5_conflicts("バルデナフィル", "イトラコナゾール", None)
                .is_empty()
        );
    }

    #[test]
    fn bad_tables_name_their_file() {
        let texts = TableTexts {
            high_risk: "[source]\ntitle = 1\n",
            ..TableTexts::EMBEDDED
        };
        let err = ClassificationTables::parse(&texts)
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("high_risk.toml")),
            "{err:?}"
        );
        let bad_class = PSYCHOTROPICS_TOML.replacen("class = 1", "class = 4", 1);
        let texts = TableTexts {
            psychotropics: &bad_class,
            ..TableTexts::EMBEDDED
        };
        let err = ClassificationTables::parse(&texts)
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("psychotropics.toml") && e.contains("class 4")),
            "{err:?}"
        );
    }
}
