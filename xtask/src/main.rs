//! Tafel's build helper, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! * `cargo xtask build-client [--dev]` builds the Leptos client for
//!   `wasm32-unknown-unknown`, runs wasm-bindgen (as a library, so nothing is downloaded
//!   at run time) and writes `client/dist/` (`index.html`, `boot.js`, `style.css`,
//!   `favicon.svg`, `tafel-client.js`, `tafel-client_bg.wasm`).
//! * `cargo xtask run [ARGS...]` builds the client (release) and runs
//!   `tafel serve --assets client/dist ARGS...`.
//! * `cargo xtask test [ARGS...]` builds the client (release), makes sure Chromium and
//!   ChromeDriver are installed and runs `cargo test` over the workspace with
//!   `TAFEL_CLIENT_DIST`, `CHROMIUM` and `CHROMEDRIVER` set.
//!
//! Works from any directory inside the repository: paths are anchored at this crate's
//! manifest directory.

use anyhow::{bail, ensure, Context, Result};
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The wasm target the client is built for.
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The client's package name.
const CLIENT_PACKAGE: &str = "tafel-client";
/// Base name of the files wasm-bindgen writes (`<name>.js`, `<name>_bg.wasm`).
const OUT_NAME: &str = "tafel-client";
/// Static files copied verbatim from `client/` into `client/dist/`.
const STATIC_FILES: [&str; 4] = ["index.html", "boot.js", "style.css", "favicon.svg"];

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build-client [--dev]  build the wasm client into client/dist (--dev: unoptimised, with names)
  run [ARGS...]         build the client (release), then `tafel serve --assets client/dist ARGS...`
  test [ARGS...]        build the client (release), ensure chromium + chromedriver, then
                        `cargo test --workspace ARGS...` with TAFEL_CLIENT_DIST, CHROMIUM, CHROMEDRIVER
  help                  show this text";

fn main() -> ExitCode {
    match run_cli() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Dispatches on the first argument.
fn run_cli() -> Result<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    let Some(command) = args.next() else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    let rest: Vec<OsString> = args.collect();
    match command.to_str() {
        Some("build-client") => {
            let mut dev = false;
            for arg in &rest {
                match arg.to_str() {
                    Some("--dev") => dev = true,
                    Some("-h" | "--help") => {
                        println!("{USAGE}");
                        return Ok(ExitCode::SUCCESS);
                    }
                    _ => bail!("build-client: unexpected argument {arg:?}\n\n{USAGE}"),
                }
            }
            build_client(if dev { Profile::Dev } else { Profile::Release })?;
            Ok(ExitCode::SUCCESS)
        }
        Some("run") => run_server(&rest),
        Some("test") => run_tests(&rest),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("unknown command {command:?}\n\n{USAGE}"),
    }
}

/// How the client is compiled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    /// Cargo's `dev` profile; the wasm keeps its name section.
    Dev,
    /// The workspace's size-optimised `wasm-release` profile.
    Release,
}

impl Profile {
    /// The name given to `cargo build --profile`.
    fn cargo_name(self) -> &'static str {
        match self {
            Profile::Dev => "dev",
            Profile::Release => "wasm-release",
        }
    }

    /// The directory under `target/<triple>/` cargo writes this profile to.
    fn dir_name(self) -> &'static str {
        match self {
            Profile::Dev => "debug",
            Profile::Release => "wasm-release",
        }
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> Result<PathBuf> {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = xtask_dir
        .parent()
        .context("xtask's manifest directory has no parent")?;
    root.canonicalize()
        .with_context(|| format!("cannot resolve workspace root {}", root.display()))
}

/// The cargo that started us (so the same toolchain builds everything).
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs a command to completion with inherited stdio, failing unless it succeeds.
fn run_checked(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("failed to start {}", describe(cmd)))?;
    ensure!(status.success(), "{} failed ({status})", describe(cmd));
    Ok(())
}

/// A readable rendering of a command line, for messages.
fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Turns a child's exit status into ours (only needed where we cannot `exec`).
#[cfg(not(unix))]
fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    status
        .code()
        .and_then(|code| u8::try_from(code & 0xff).ok())
        .map_or(ExitCode::FAILURE, ExitCode::from)
}

/// Makes sure rustup has the wasm target, adding it if not.
fn ensure_wasm_target() -> Result<()> {
    let output = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match output {
        Ok(out) if out.status.success() => {
            let installed = String::from_utf8_lossy(&out.stdout);
            if installed.lines().any(|line| line.trim() == WASM_TARGET) {
                return Ok(());
            }
            eprintln!("xtask: installing the {WASM_TARGET} target with rustup");
            run_checked(Command::new("rustup").args(["target", "add", WASM_TARGET]))
        }
        Ok(out) => bail!(
            "`rustup target list --installed` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        // No rustup: the toolchain may still have the target (e.g. a distro rustc);
        // cargo will say so clearly if it does not.
        Err(err) => {
            eprintln!(
                "xtask: warning: cannot run rustup ({err}); assuming {WASM_TARGET} is available"
            );
            Ok(())
        }
    }
}

/// The target directory cargo uses for this workspace (honours `CARGO_TARGET_DIR`
/// and `build.target-dir`).
fn target_dir(root: &Path) -> Result<PathBuf> {
    let out = cargo()
        .current_dir(root)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("failed to run cargo metadata")?;
    ensure!(
        out.status.success(),
        "cargo metadata failed ({})",
        out.status
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("cargo metadata printed invalid JSON")?;
    let dir = meta
        .get("target_directory")
        .and_then(|v| v.as_str())
        .context("cargo metadata has no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// Builds the client and writes `client/dist/`. Returns the dist directory.
fn build_client(profile: Profile) -> Result<PathBuf> {
    let root = workspace_root()?;
    ensure_wasm_target()?;

    let started = Instant::now();
    run_checked(cargo().current_dir(&root).args([
        "build",
        "--target",
        WASM_TARGET,
        "--package",
        CLIENT_PACKAGE,
        "--profile",
        profile.cargo_name(),
    ]))?;
    let compiled = started.elapsed();

    let wasm_in = target_dir(&root)?
        .join(WASM_TARGET)
        .join(profile.dir_name())
        .join(format!("{}.wasm", CLIENT_PACKAGE.replace('-', "_")));
    ensure!(
        wasm_in.is_file(),
        "cargo build succeeded but {} is missing",
        wasm_in.display()
    );

    let client_dir = root.join("client");
    let dist = client_dir.join("dist");
    // Start clean so files of an earlier build (e.g. old snippets) do not linger.
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("cannot clear {}", dist.display()))?;
    }
    fs::create_dir_all(&dist).with_context(|| format!("cannot create {}", dist.display()))?;

    let bindgen_started = Instant::now();
    let release = profile == Profile::Release;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm_in)
        .out_name(OUT_NAME)
        .web(true)?
        // The library defaults this to true (the CLI does not); with it, `init()` has
        // no default wasm URL and the page stays blank.
        .omit_default_module_path(false)
        .typescript(false)
        .debug(!release)
        .remove_name_section(release)
        .remove_producers_section(release)
        .generate(&dist)
        .with_context(|| format!("wasm-bindgen failed on {}", wasm_in.display()))?;
    let bindgen = bindgen_started.elapsed();

    for name in STATIC_FILES {
        let from = client_dir.join(name);
        fs::copy(&from, dist.join(name))
            .with_context(|| format!("cannot copy {} into {}", from.display(), dist.display()))?;
    }

    let wasm_out = dist.join(format!("{OUT_NAME}_bg.wasm"));
    let js_out = dist.join(format!("{OUT_NAME}.js"));
    let wasm =
        fs::read(&wasm_out).with_context(|| format!("cannot read {}", wasm_out.display()))?;
    let js = fs::read(&js_out).with_context(|| format!("cannot read {}", js_out.display()))?;
    eprintln!(
        "xtask: client ({}) built in {:.1} s (cargo {:.1} s, wasm-bindgen {:.1} s) -> {}",
        profile.cargo_name(),
        started.elapsed().as_secs_f64(),
        compiled.as_secs_f64(),
        bindgen.as_secs_f64(),
        dist.display()
    );
    eprintln!(
        "xtask:   {OUT_NAME}_bg.wasm {} raw, {} gzip",
        kib(wasm.len()),
        kib(gzip_len(&wasm)?)
    );
    eprintln!(
        "xtask:   {OUT_NAME}.js      {} raw, {} gzip",
        kib(js.len()),
        kib(gzip_len(&js)?)
    );
    Ok(dist)
}

/// Size after gzip at the best compression level.
fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

/// `12345` -> `"12.1 KiB (12345 B)"`.
fn kib(bytes: usize) -> String {
    // Lossless for any file size we will ever see; only used for display.
    #[allow(clippy::cast_precision_loss)]
    let k = bytes as f64 / 1024.0;
    format!("{k:.1} KiB ({bytes} B)")
}

/// `cargo xtask run`: build the client, then run the server on it.
fn run_server(args: &[OsString]) -> Result<ExitCode> {
    let dist = build_client(Profile::Release)?;
    let root = workspace_root()?;
    let mut cmd = cargo();
    cmd.current_dir(&root)
        .args([
            "run",
            "--release",
            "--package",
            "tafel-server",
            "--bin",
            "tafel",
            "--",
        ])
        .arg("serve")
        .arg("--assets")
        .arg(&dist)
        .args(args);
    hand_over(cmd)
}

/// Runs `cmd` as the rest of this process: on Unix it replaces xtask (`exec`), so
/// signals such as Ctrl-C or SIGTERM reach the server or tests directly and their exit
/// status becomes ours; elsewhere it waits and passes the exit code on.
fn hand_over(mut cmd: Command) -> Result<ExitCode> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // `exec` only returns on failure.
        let err = cmd.exec();
        Err(err).with_context(|| format!("failed to start {}", describe(&cmd)))
    }
    #[cfg(not(unix))]
    {
        let status = cmd
            .status()
            .with_context(|| format!("failed to start {}", describe(&cmd)))?;
        Ok(exit_code(status))
    }
}

/// Finds an executable: the given absolute path first, then each name on `PATH`.
fn find_executable(preferred: &str, names: &[&str]) -> Option<PathBuf> {
    let preferred = Path::new(preferred);
    if is_executable(preferred) {
        return Some(preferred.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| is_executable(candidate))
}

/// Whether `path` is a file we may execute.
fn is_executable(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Chromium and ChromeDriver, if both are installed.
fn find_browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = find_executable("/usr/bin/chromium", &["chromium", "chromium-browser"])?;
    let driver = find_executable("/usr/bin/chromedriver", &["chromedriver"])?;
    Some((chromium, driver))
}

/// Whether we run as root (and so may use apt-get).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Chromium and ChromeDriver, installing them with apt-get if missing and we are root.
fn ensure_browser() -> Result<(PathBuf, PathBuf)> {
    if let Some(found) = find_browser() {
        return Ok(found);
    }
    const APT: &str = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver";
    if !is_root() {
        bail!(
            "the browser tests need chromium and chromedriver, which are not installed.\n\
             Install them (as root) with:\n\n    sudo sh -c '{APT}'\n"
        );
    }
    eprintln!("xtask: chromium/chromedriver missing; installing with apt-get");
    run_checked(Command::new("apt-get").arg("update"))?;
    run_checked(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "chromium", "chromium-driver"]),
    )?;
    find_browser().with_context(|| {
        format!("apt-get installed chromium and chromium-driver but they are still not found; try: {APT}")
    })
}

/// `cargo xtask test`: build the client, ensure the browser, run the workspace tests.
fn run_tests(args: &[OsString]) -> Result<ExitCode> {
    let dist = build_client(Profile::Release)?;
    let (chromium, chromedriver) = ensure_browser()?;
    let root = workspace_root()?;
    let mut cmd = cargo();
    cmd.current_dir(&root).arg("test");
    // The client is wasm-only: compiling Leptos for the host just to run no tests
    // would double the build. An explicit package selection replaces ours.
    let selects_packages = args.iter().any(|a| {
        a.to_str().is_some_and(|a| {
            a.starts_with("-p") || a.starts_with("--package") || a == "--workspace" || a == "--all"
        })
    });
    if !selects_packages {
        cmd.args(["--workspace", "--exclude", CLIENT_PACKAGE]);
    }
    cmd.args(args)
        .env("TAFEL_CLIENT_DIST", &dist)
        .env("CHROMIUM", &chromium)
        .env("CHROMEDRIVER", &chromedriver);
    eprintln!(
        "xtask: TAFEL_CLIENT_DIST={} CHROMIUM={} CHROMEDRIVER={}",
        dist.display(),
        chromium.display(),
        chromedriver.display()
    );
    eprintln!("xtask: {}", describe(&cmd));
    hand_over(cmd)
}
