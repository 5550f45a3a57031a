//! Per-machine settings from a TOML file (language, video command, sync server and what it is
//! trusted by, PIN policy, log level), checked key by key so that a mistake is reported by its name.

use std::path::{Path, PathBuf};

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Ja,
    En,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub language: Option<Language>,
    /// Command template that opens the video session; `{room}` is replaced by the room name.
    pub video_command: String,
    pub sync_server: Option<String>,
    /// A clinic CA and pinned keys for the sync server (`sync.ca_file`, `sync.pin_sha256`).
    pub sync_trust: crate::sync::tls::Trust,
    pub pin_min_length: usize,
    pub log_level: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            language: None,
            video_command: "xdg-open https://meet.jit.si/{room}".into(),
            sync_server: None,
            sync_trust: Default::default(),
            pin_min_length: 4,
            log_level: "info".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Syntax { path: PathBuf, reason: String },
    #[error("{path}: key `{key}`: {reason}")]
    Key {
        path: PathBuf,
        key: String,
        reason: String,
    },
}

/// The keys the file may hold, for the error that names an unknown one.
const KNOWN: &[&str] = &[
    "language",
    "video.command",
    "sync.server",
    "sync.ca_file",
    "sync.pin_sha256",
    "pin.min_length",
    "log.level",
];

impl Config {
    /// Reads `path`. A missing file is an error only when `required` (given with `--config`).
    pub fn load(path: &Path, required: bool) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Config::default());
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let table: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| ConfigError::Syntax {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
        let key_err = |key: &str, reason: String| ConfigError::Key {
            path: path.to_path_buf(),
            key: key.into(),
            reason,
        };
        let mut flat = Vec::new();
        for (k, v) in &table {
            match v {
                toml::Value::Table(inner) => {
                    for (k2, v2) in inner {
                        flat.push((format!("{k}.{k2}"), v2.clone()));
                    }
                }
                other => flat.push((k.clone(), other.clone())),
            }
        }
        let mut config = Config::default();
        for (key, value) in flat {
            let text = |v: &toml::Value| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    key_err(&key, format!("expected a string, found {}", v.type_str()))
                })
            };
            match key.as_str() {
                "language" => {
                    config.language = Some(match text(&value)?.as_str() {
                        "ja" => Language::Ja,
                        "en" => Language::En,
                        other => {
                            return Err(key_err(
                                &key,
                                format!("expected \"ja\" or \"en\", found {other:?}"),
                            ));
                        }
                    })
                }
                "video.command" => {
                    let command = text(&value)?;
                    // Read as the launcher will read it, so a bad quote is refused here.
                    if let Err(e) = crate::video::parse(&command) {
                        let reason = match e {
                            crate::video::VideoError::Template(reason) => reason,
                            other => other.to_string(),
                        };
                        return Err(key_err(&key, reason));
                    }
                    config.video_command = command;
                }
                "sync.server" => {
                    let url = text(&value)?;
                    if !(url.starts_with("https://") || url.starts_with("http://")) {
                        return Err(key_err(
                            &key,
                            format!("expected an http:// or https:// URL, found {url:?}"),
                        ));
                    }
                    config.sync_server = Some(url);
                }
                "sync.ca_file" => {
                    // A relative path is read from the config file's folder, not from wherever
                    // the program happens to start.
                    let file = PathBuf::from(text(&value)?);
                    let file = match path.parent() {
                        Some(folder) if file.is_relative() => folder.join(file),
                        _ => file,
                    };
                    config.sync_trust.ca_file = Some(file);
                }
                "sync.pin_sha256" => {
                    let pins = match &value {
                        toml::Value::Array(items) => items.iter().map(&text).collect(),
                        other => text(other).map(|pin| vec![pin]),
                    }?;
                    if pins.is_empty() {
                        return Err(key_err(&key, "expected at least one pin".into()));
                    }
                    for pin in pins {
                        let pin = crate::sync::tls::parse_pin(&pin)
                            .map_err(|reason| key_err(&key, format!("{pin:?}: {reason}")))?;
                        config.sync_trust.pins.push(pin);
                    }
                }
                "pin.min_length" => {
                    let n = value.as_integer().ok_or_else(|| {
                        key_err(
                            &key,
                            format!("expected an integer, found {}", value.type_str()),
                        )
                    })?;
                    if !(4..=12).contains(&n) {
                        return Err(key_err(&key, format!("expected 4 to 12, found {n}")));
                    }
                    config.pin_min_length = n as usize;
                }
                "log.level" => {
                    let level = text(&value)?;
                    if !["error", "warn", "info", "debug", "trace"].contains(&level.as_str()) {
                        return Err(key_err(
                            &key,
                            format!("expected error, warn, info, debug or trace, found {level:?}"),
                        ));
                    }
                    config.log_level = level;
                }
                _ => {
                    return Err(key_err(
                        &key,
                        format!("unknown key (known keys: {})", KNOWN.join(", ")),
                    ));
                }
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_offending_key() {
        let p = Path::new("c.toml");
        let e = Config::parse("language = \"fr\"", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("key `language`") && e.contains("\"fr\""), "{e}");
        let e = Config::parse("[video]\ncommand = \"open https://x\"", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("key `video.command`"), "{e}");
        let e = Config::parse("[video]\ncommand = \"open 'https://x/{room}\"", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("key `video.command`") && e.contains("quot"),
            "{e}"
        );
        let e = Config::parse("[pin]\nmin_lenght = 4", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("key `pin.min_lenght`") && e.contains("unknown key"),
            "{e}"
        );
        let e = Config::parse("[pin]\nmin_length = \"4\"", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected an integer"), "{e}");
    }

    #[test]
    fn reads_the_sync_trust_relative_to_the_config_file() {
        let pin = "0f".repeat(32);
        let c = Config::parse(
            &format!("[sync]\nca_file = \"clinic-ca.pem\"\npin_sha256 = [\"{pin}\"]\n"),
            Path::new("/etc/enkaku/config.toml"),
        )
        .unwrap();
        assert_eq!(
            c.sync_trust.ca_file.as_deref(),
            Some(Path::new("/etc/enkaku/clinic-ca.pem"))
        );
        assert_eq!(c.sync_trust.pins, vec![[0x0f; 32]]);
        let one = Config::parse(
            &format!("[sync]\npin_sha256 = \"{pin}\"\nca_file = \"/ca.pem\"\n"),
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(one.sync_trust.pins.len(), 1);
        assert_eq!(
            one.sync_trust.ca_file.as_deref(),
            Some(Path::new("/ca.pem"))
        );
        let e = Config::parse("[sync]\npin_sha256 = \"abc\"\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("key `sync.pin_sha256`") && e.contains("hex"),
            "{e}"
        );
        let e = Config::parse("[sync]\npin_sha256 = []\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("at least one pin"), "{e}");
    }

    #[test]
    fn reads_every_key() {
        let c = Config::parse(
            "language = \"en\"\n[video]\ncommand = \"xdg-open https://meet.example/{room}\"\n[sync]\nserver = \"https://sync.example.jp\"\n[pin]\nmin_length = 6\n[log]\nlevel = \"debug\"\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(c.language, Some(Language::En));
        assert_eq!(c.video_command, "xdg-open https://meet.example/{room}");
        assert_eq!(c.sync_server.as_deref(), Some("https://sync.example.jp"));
        assert_eq!(c.pin_min_length, 6);
        assert_eq!(c.log_level, "debug");
    }
}
