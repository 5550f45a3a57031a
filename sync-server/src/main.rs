//! `enkaku-sync-server`: serve, or administer the data directory.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use enkaku_sync_server::cli::{Cli, Command, run_admin};
use enkaku_sync_server::server::shutdown_signal;
use enkaku_sync_server::{Settings, TlsFiles, launch_with_listener};

/// Structured JSON logs on stderr; `RUST_LOG` filters (default `info`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(std::io::stderr)
        .init();
    // A panic (Automerge on hostile input is caught per request) is logged like everything else.
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(panic = %info, "panic");
    }));
}

fn report(error: &dyn std::error::Error) -> ExitCode {
    let mut message = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    eprintln!("{message}");
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            max_connections,
            header_read_timeout,
        } => {
            init_logging();
            let Some(data_dir) = cli.data_dir else {
                return report(&enkaku_sync_server::cli::CliError::NoDataDir);
            };
            let mut settings = Settings::new(data_dir);
            if let Some(cap) = max_connections {
                settings.max_connections = cap.max(1);
            }
            settings.header_read_timeout =
                std::time::Duration::from_secs(header_read_timeout.max(1));
            if let (Some(cert), Some(key)) = (tls_cert, tls_key) {
                settings.tls = Some(TlsFiles { cert, key });
            }
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => return report(&e),
            };
            let scheme = if settings.tls.is_some() {
                "https"
            } else {
                "http"
            };
            let served = runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind(listen).await?;
                // The bound address on stdout, so that `--listen 127.0.0.1:0` can be used.
                let bound = listener.local_addr()?;
                // An operator's closed stdout must not stop the server.
                let mut stdout = std::io::stdout().lock();
                let _ = writeln!(stdout, "listening on {scheme}://{bound}");
                let _ = stdout.flush();
                drop(stdout);
                launch_with_listener(settings, listener, shutdown_signal()).await
            });
            match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!(error = %e, "server stopped");
                    report(&e)
                }
            }
        }
        command => match run_admin(cli.data_dir, command, &mut std::io::stdout().lock()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => report(&e),
        },
    }
}
