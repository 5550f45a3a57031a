//! The interface language: every label exists in Japanese and English, chosen by `--lang`,
//! the config file or the locale.

/// The language the workstation speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    /// The label in this language.
    pub fn tr(self, ja: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// The language of the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`): Japanese when nothing is
    /// set, since the users are Japanese clinics.
    pub fn from_locale() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var)
                && !v.is_empty()
            {
                return if v.starts_with("ja") {
                    Lang::Ja
                } else {
                    Lang::En
                };
            }
        }
        Lang::Ja
    }
}
