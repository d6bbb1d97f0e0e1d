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
