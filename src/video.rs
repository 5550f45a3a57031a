//! The video command: the template from the configuration read as a shell word list (quotes
//! honoured, no shell run), the room link it points to, and launching it so that a program
//! that cannot start, or fails at once, is reported and never counted as a session.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the room name goes in the template.
pub const ROOM: &str = "{room}";

/// How long a freshly started program is watched: one that exits with an error within this
/// time failed to open the session (a bad URL handler, a missing display ...).
pub const GRACE: Duration = Duration::from_secs(3);

/// Why the video command could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VideoError {
    #[error("video.command: {0}")]
    Template(String),
    #[error("video command {program:?} could not be started: {reason}")]
    Spawn { program: String, reason: String },
    #[error("video command {program:?} exited with {status} at once")]
    Exited { program: String, status: String },
}

/// Splits `template` into words as a POSIX shell would (quotes and backslashes honoured, no
/// expansion), and checks it names a program and has a place for the room.
pub fn parse(template: &str) -> Result<Vec<String>, VideoError> {
    let words = shell_words::split(template)
        .map_err(|e| VideoError::Template(format!("{e} in {template:?}")))?;
    if words.is_empty() {
        return Err(VideoError::Template("the command is empty".into()));
    }
    if !words.iter().any(|w| w.contains(ROOM)) {
        return Err(VideoError::Template(
            "the command must contain {room}, where the room name goes".into(),
        ));
    }
    Ok(words)
}

/// The words of `template` with the room filled in.
pub fn command_for(template: &str, room: &str) -> Result<Vec<String>, VideoError> {
    Ok(parse(template)?
        .into_iter()
        .map(|w| w.replace(ROOM, room))
        .collect())
}

/// The link a patient or the front desk opens to join `room`: the first word of the template
/// that holds the room and looks like a URL, filled in; else the room name itself.
pub fn link(template: &str, room: &str) -> String {
    parse(template)
        .ok()
        .and_then(|words| {
            words
                .into_iter()
                .find(|w| w.contains(ROOM) && w.contains("://"))
        })
        .map(|w| w.replace(ROOM, room))
        .unwrap_or_else(|| room.to_string())
}

/// Starts the video program for `room` detached from the terminal, and watches it for
/// [`GRACE`]: an exit with an error in that time is a failure; an exit with success (a launcher
/// that hands the link to a browser) or a program still running is a session. A program still
/// running is then waited on by a thread of its own, so it never lingers as a zombie.
pub fn launch(template: &str, room: &str) -> Result<(), VideoError> {
    launch_within(template, room, GRACE)
}

/// [`launch`] with the watch time given.
pub fn launch_within(template: &str, room: &str, grace: Duration) -> Result<(), VideoError> {
    let words = command_for(template, room)?;
    let Some((program, args)) = words.split_first() else {
        return Err(VideoError::Template("the command is empty".into()));
    };
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| VideoError::Spawn {
            program: program.clone(),
            reason: e.to_string(),
        })?;
    watch(child, program, grace)
}

fn watch(mut child: Child, program: &str, grace: Duration) -> Result<(), VideoError> {
    let deadline = Instant::now() + grace;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(VideoError::Exited {
                    program: program.to_string(),
                    status: status.to_string(),
                });
            }
            Ok(None) if Instant::now() >= deadline => break,
            Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            Err(e) => {
                return Err(VideoError::Spawn {
                    program: program.to_string(),
                    reason: e.to_string(),
                });
            }
        }
    }
    // Still running: the session is open. Reap it when it ends.
    let name = program.to_string();
    let spawned = std::thread::Builder::new()
        .name("video-reaper".into())
        .spawn(move || match child.wait() {
            Ok(status) => tracing::info!(program = %name, %status, "video program ended"),
            Err(e) => tracing::warn!(program = %name, error = %e, "video program not reaped"),
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no thread to wait on the video program");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_read_as_shell_words() {
        let words = command_for(r#"sh -c 'echo "$1" > out' sh {room}"#, "enkaku-1").unwrap();
        assert_eq!(words, ["sh", "-c", r#"echo "$1" > out"#, "sh", "enkaku-1"]);
        assert!(matches!(
            parse("open 'x {room}"),
            Err(VideoError::Template(_))
        ));
        assert!(matches!(parse("   "), Err(VideoError::Template(_))));
        assert!(matches!(
            parse("open https://x"),
            Err(VideoError::Template(_))
        ));
    }

    #[test]
    fn the_link_is_the_url_word_with_the_room() {
        assert_eq!(
            link("xdg-open https://meet.jit.si/{room}", "r1"),
            "https://meet.jit.si/r1"
        );
        assert_eq!(link("my-video --room {room}", "r1"), "r1");
    }

    #[test]
    fn a_program_that_fails_at_once_is_an_error() {
        let short = Duration::from_millis(500);
        assert!(matches!(
            launch_within("/nonexistent/cmd {room}", "r", short),
            Err(VideoError::Spawn { .. })
        ));
        assert!(matches!(
            launch_within("sh -c 'exit 3' {room}", "r", short),
            Err(VideoError::Exited { .. })
        ));
        assert_eq!(launch_within("true {room}", "r", short), Ok(()));
        // Still running when the watch ends: a session, reaped later.
        assert_eq!(launch_within("sh -c 'sleep 1' {room}", "r", short), Ok(()));
    }
}
