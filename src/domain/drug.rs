//! A drug as the guideline's prescribing rules see it: its identity in the MHLW
//! 薬価基準収載品目リスト and the classifications that matter at an online visit (指針 V.1(5)).

use serde::{Deserialize, Serialize};

/// The classification of one listed drug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrugInfo {
    /// 薬価基準収載医薬品コード (12 characters; the first four are the 薬効分類).
    pub code: String,
    /// 品名.
    pub name: String,
    /// 成分名.
    pub ingredient: String,
    /// 区分: 内用薬, 注射薬, 外用薬 or 歯科用薬剤.
    pub route: String,
    /// 麻薬 (the list's 「麻」 column).
    pub narcotic: bool,
    /// 向精神薬 第一種/第二種/第三種 as 1, 2, 3.
    pub psychotropic_class: Option<u8>,
    /// The 薬剤管理指導料「1」 category (特に安全管理が必要な医薬品), e.g. `anticoagulants`.
    pub high_risk_category: Option<String>,
    /// The misuse-watch group named by 指針 V.1(5) (hypnotics, weight-loss use, cosmetic use).
    pub misuse_watch: Option<String>,
    /// A PDE5 inhibitor (sildenafil, tadalafil, vardenafil).
    pub pde5_inhibitor: bool,
    /// A drug that must not be combined with (some) PDE5 inhibitors (nitrates, NO donors,
    /// riociguat ...).
    pub pde5_contraindicated: bool,
}

/// Looks drugs up by code; implemented by the drug master, read by the rules.
pub trait DrugLookup {
    fn drug(&self, code: &str) -> Option<DrugInfo>;

    /// Why `other` must not be taken with the PDE5 inhibitor `inhibitor` (matched by ingredient,
    /// never by 薬効分類), as (Japanese, English); `None` when the pair is allowed.
    fn pde5_conflict(&self, inhibitor: &DrugInfo, other: &DrugInfo) -> Option<(String, String)>;
}
