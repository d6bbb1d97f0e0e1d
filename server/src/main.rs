//! The `tafel` binary: parses the command line, sets up logging and runs the server.

use clap::Parser;
use tafel_server::config::{Cli, Command, LogFormat};

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TAFEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// The exit status of a one-shot command, its error printed.
fn finish(result: anyhow::Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tafel: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match cli.command {
        Command::Serve(config) => *config,
        Command::OperatorToken(args) => {
            return match tafel_server::serve::rotate_operator_token(
                &args.data,
                args.keys.as_deref(),
            ) {
                Ok(path) => {
                    println!(
                        "New operator token written to {} (the old one no longer works)",
                        path.display()
                    );
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("tafel: {e:#}");
                    std::process::ExitCode::FAILURE
                }
            };
        }
        Command::BundleClient(args) => {
            let bundled = std::env::current_exe()
                .map_err(anyhow::Error::from)
                .and_then(|exe| tafel_server::client_files::bundle(&exe, &args.assets, &args.out));
            return match bundled {
                Ok((files, bytes)) => {
                    eprintln!(
                        "tafel: wrote {} with the client inside ({files} files, {} KiB)",
                        args.out.display(),
                        bytes / 1024
                    );
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("tafel: {e:#}");
                    std::process::ExitCode::FAILURE
                }
            };
        }
        Command::AccessLog(args) => {
            return finish(tafel_server::admin_cli::access_log(&args).map(|out| print!("{out}")));
        }
        Command::Boards(args) => {
            return finish(tafel_server::admin_cli::boards(&args).map(|out| print!("{out}")));
        }
        Command::Backup(args) => {
            return finish(
                tafel_server::admin_cli::backup(&args.remote, &args.file).map(|bytes| {
                    eprintln!(
                        "tafel: wrote {} ({} KiB); keep it as safe as the boards",
                        args.file.display(),
                        bytes / 1024
                    );
                }),
            );
        }
        Command::Restore(args) => {
            return finish(tafel_server::admin_cli::restore(&args).map(|n| {
                eprintln!("tafel: restored {n} entries into {}", args.data.display());
            }));
        }
        Command::Export(args) => {
            return match tafel_server::export::run_cli(&args) {
                Ok(to) => {
                    eprintln!("tafel: wrote {to}");
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("tafel: {e:#}");
                    std::process::ExitCode::FAILURE
                }
            };
        }
    };
    init_tracing(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tafel: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(tafel_server::serve::serve(config));
    // A store thread stuck in a dead disk must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("tafel: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
