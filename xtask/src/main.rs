//! Tafel's build helper, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! * `cargo xtask build-client [--dev]` builds the Leptos client for
//!   `wasm32-unknown-unknown`, runs wasm-bindgen (as a library, so nothing is downloaded
//!   at run time) and writes `client/dist/`: `index.html`, and every other file with a
//!   content hash in its name (`tafel-client-<hash>.js`, `tafel-client_bg-<hash>.wasm`,
//!   `boot-<hash>.js`, `style-<hash>.css`, `favicon-<hash>.svg`, `inter-<hash>.woff2`)
//!   so the server can let browsers cache them for a year (see `server/src/http.rs`).
//! * `cargo xtask run [ARGS...]` builds the client (release) and runs
//!   `tafel serve --assets client/dist ARGS...`.
//! * `cargo xtask test [ARGS...]` builds the client (release), makes sure Chromium,
//!   ChromeDriver, the proxies, PostgreSQL and Redis are installed and runs `cargo test` over the workspace with
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
/// The self-hosted font (Inter, latin subset, variable weight; OFL, see
/// `client/assets/fonts/OFL.txt`), relative to `client/`.
const FONT: &str = "assets/fonts/inter.woff2";
/// Hex digits of the content hash in file names; the server recognises exactly
/// `-<16 lowercase hex digits>.` as a hashed, immutable file.
const HASH_HEX_DIGITS: usize = 16;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build-client [--dev]  build the wasm client into client/dist (--dev: unoptimised, with names)
  run [ARGS...]         build the client (release), then `tafel serve --assets client/dist ARGS...`
  dist                  build the client and a release `tafel` that carries it: one file
                        that serves the app, written to target/dist/tafel
  test [ARGS...]        build the client (release), ensure chromium + chromedriver, the
                        proxies, postgresql and redis-server, then
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
        Some("dist") => {
            let out = dist()?;
            println!("{}", out.display());
            Ok(ExitCode::SUCCESS)
        }
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

    let target = target_dir(&root)?;
    let wasm_in = target
        .join(WASM_TARGET)
        .join(profile.dir_name())
        .join(format!("{}.wasm", CLIENT_PACKAGE.replace('-', "_")));
    ensure!(
        wasm_in.is_file(),
        "cargo build succeeded but {} is missing",
        wasm_in.display()
    );

    // wasm-bindgen writes into a scratch directory; only renamed copies reach dist.
    let bindgen_out = target.join("xtask").join("bindgen");
    if bindgen_out.exists() {
        fs::remove_dir_all(&bindgen_out)
            .with_context(|| format!("cannot clear {}", bindgen_out.display()))?;
    }
    fs::create_dir_all(&bindgen_out)
        .with_context(|| format!("cannot create {}", bindgen_out.display()))?;
    let bindgen_started = Instant::now();
    let release = profile == Profile::Release;
    // Function names in a release build, for profiles of the client
    // (`TAFEL_KEEP_NAMES=1 cargo xtask build-client`; about 0.5 MB more).
    let keep_names = std::env::var_os("TAFEL_KEEP_NAMES").is_some();
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm_in)
        .out_name(OUT_NAME)
        .web(true)?
        // The glue's default wasm URL would name the unhashed file, which dist does not
        // have: boot.js passes the hashed URL to `init({ module_or_path })` instead.
        .omit_default_module_path(true)
        .typescript(false)
        .debug(!release)
        .remove_name_section(release && !keep_names)
        .remove_producers_section(release)
        .generate(&bindgen_out)
        .with_context(|| format!("wasm-bindgen failed on {}", wasm_in.display()))?;
    let bindgen = bindgen_started.elapsed();

    let client_dir = root.join("client");
    let mut dist = Dist::open(client_dir.join("dist"))?;
    let read =
        |path: &Path| fs::read(path).with_context(|| format!("cannot read {}", path.display()));
    let read_text = |path: &Path| {
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };

    // Leaves first, then the files that name them: each hash covers the rewritten
    // bytes, so a new font also renames style.css, and a new wasm renames boot.js.
    let wasm_name = format!("{OUT_NAME}_bg.wasm");
    let js_name = format!("{OUT_NAME}.js");
    let wasm = read(&bindgen_out.join(&wasm_name))?;
    let js = read(&bindgen_out.join(&js_name))?;
    let font_bytes = read(&client_dir.join(FONT))?;
    let font_name = file_name(Path::new(FONT))?;
    let font = dist.add_hashed(font_name, &font_bytes)?;
    let wasm_file = dist.add_hashed(&wasm_name, &wasm)?;
    let js_file = dist.add_hashed(&js_name, &js)?;
    // Inline JS snippets (none today) are imported by the glue under their own path.
    let snippets = bindgen_out.join("snippets");
    if snippets.is_dir() {
        dist.add_tree("snippets", &snippets)?;
    }
    let favicon = dist.add_hashed("favicon.svg", &read(&client_dir.join("favicon.svg"))?)?;
    let style = rewrite_refs(
        "style.css",
        &read_text(&client_dir.join("style.css"))?,
        &[&font],
    )?;
    let style = dist.add_hashed("style.css", style.as_bytes())?;
    let boot = rewrite_refs(
        "boot.js",
        &read_text(&client_dir.join("boot.js"))?,
        &[&js_file, &wasm_file],
    )?;
    let boot = dist.add_hashed("boot.js", boot.as_bytes())?;
    let index = rewrite_refs(
        "index.html",
        &read_text(&client_dir.join("index.html"))?,
        &[&favicon, &style, &font, &js_file, &boot],
    )?;
    // Unhashed, at a fixed address: browsers look for a new worker there.
    let worker = rewrite_refs(
        "sw.js",
        &read_text(&client_dir.join("sw.js"))?,
        &[&boot, &js_file, &wasm_file, &style, &font, &favicon],
    )?;
    dist.add_replacing("sw.js", worker.as_bytes())?;
    // Last, so a running server never points browsers at files not yet written.
    dist.add_replacing("index.html", index.as_bytes())?;
    let removed = dist.remove_others()?;

    eprintln!(
        "xtask: client ({}) built in {:.1} s (cargo {:.1} s, wasm-bindgen {:.1} s) -> {}",
        profile.cargo_name(),
        started.elapsed().as_secs_f64(),
        compiled.as_secs_f64(),
        bindgen.as_secs_f64(),
        dist.dir.display()
    );
    eprintln!(
        "xtask:   {:<40} {} raw, {} gzip",
        wasm_file.hashed,
        kib(wasm.len()),
        kib(gzip_len(&wasm)?)
    );
    eprintln!(
        "xtask:   {:<40} {} raw, {} gzip",
        js_file.hashed,
        kib(js.len()),
        kib(gzip_len(&js)?)
    );
    eprintln!("xtask:   {:<40} {}", font.hashed, kib(font_bytes.len()));
    if removed > 0 {
        eprintln!("xtask:   removed {removed} file(s) of earlier builds");
    }
    Ok(dist.dir)
}

/// A file written to dist: the name sources refer to, and the name it has there.
struct Asset {
    /// `style.css`
    logical: String,
    /// `style-3f9a1c2b7d4e5f60.css`
    hashed: String,
}

/// The dist directory being written: remembers what this build wrote, so that files
/// of earlier builds (old hashes) can be removed at the end instead of clearing the
/// directory first, which would make a running server answer 404 meanwhile.
struct Dist {
    dir: PathBuf,
    written: std::collections::BTreeSet<String>,
}

impl Dist {
    fn open(dir: PathBuf) -> Result<Self> {
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Self {
            dir,
            written: std::collections::BTreeSet::new(),
        })
    }

    /// Writes `bytes` as `<stem>-<hash>.<ext>`. A file of that name already holds
    /// these bytes (same hash), so it is left as it is.
    fn add_hashed(&mut self, logical: &str, bytes: &[u8]) -> Result<Asset> {
        let hashed = hashed_name(logical, bytes)?;
        let path = self.dir.join(&hashed);
        if !path.is_file() {
            write_atomically(&path, bytes)?;
        }
        self.written.insert(hashed.clone());
        Ok(Asset {
            logical: logical.to_owned(),
            hashed,
        })
    }

    /// Writes a file under a stable name, replacing the old one in a single rename.
    fn add_replacing(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        write_atomically(&self.dir.join(name), bytes)?;
        self.written.insert(name.to_owned());
        Ok(())
    }

    /// Copies a directory tree into dist under `name`, replacing an older copy.
    fn add_tree(&mut self, name: &str, from: &Path) -> Result<()> {
        let to = self.dir.join(name);
        if to.exists() {
            fs::remove_dir_all(&to).with_context(|| format!("cannot clear {}", to.display()))?;
        }
        copy_tree(from, &to)?;
        self.written.insert(name.to_owned());
        Ok(())
    }

    /// Removes every entry of dist this build did not write. Returns how many.
    fn remove_others(&self) -> Result<usize> {
        let mut removed = 0;
        let entries = fs::read_dir(&self.dir)
            .with_context(|| format!("cannot list {}", self.dir.display()))?;
        for entry in entries {
            let entry = entry?;
            if self
                .written
                .contains(entry.file_name().to_string_lossy().as_ref())
            {
                continue;
            }
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            }
            .with_context(|| format!("cannot remove {}", path.display()))?;
            removed += 1;
        }
        Ok(removed)
    }
}

/// `style.css` + bytes -> `style-<first 16 hex digits of SHA-256>.css`.
fn hashed_name(logical: &str, bytes: &[u8]) -> Result<String> {
    use sha2::Digest;
    let (stem, ext) = logical
        .rsplit_once('.')
        .with_context(|| format!("{logical} has no extension"))?;
    let digest = sha2::Sha256::digest(bytes);
    let hex: String = digest
        .iter()
        .take(HASH_HEX_DIGITS / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("{stem}-{hex}.{ext}"))
}

/// Replaces each quoted root path of an asset (`"/style.css"` or `'/style.css'`) in a
/// source file with its hashed name. Quotes make the match exact (`/tafel-client.js`
/// is not a part of `/tafel-client_bg.wasm`); an asset the source never names is an
/// error, so a renamed reference cannot silently keep pointing at a missing file.
fn rewrite_refs(source: &str, text: &str, assets: &[&Asset]) -> Result<String> {
    let mut out = text.to_owned();
    for asset in assets {
        let mut found = false;
        for quote in ['"', '\''] {
            let from = format!("{quote}/{}{quote}", asset.logical);
            if out.contains(&from) {
                found = true;
                out = out.replace(&from, &format!("{quote}/{}{quote}", asset.hashed));
            }
        }
        ensure!(
            found,
            "client/{source} does not refer to \"/{}\" (quoted), which the build rewrites to \
             its hashed name",
            asset.logical
        );
    }
    Ok(out)
}

/// Writes through a temporary file and a rename, so readers see the old file or the
/// new one, never a part.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_file_name(format!(".{}.tmp", file_name(path)?));
    fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// The last component of a path, as text.
fn file_name(path: &Path) -> Result<&str> {
    path.file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} has no file name", path.display()))
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot list {}", from.display()))? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else {
            fs::copy(entry.path(), &dest)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
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

/// `cargo xtask dist`: the client (release), a release `tafel`, and that binary
/// with the client appended (`tafel bundle-client`) in `target/dist/tafel`.
fn dist() -> Result<PathBuf> {
    let assets = build_client(Profile::Release)?;
    let root = workspace_root()?;
    run_checked(cargo().current_dir(&root).args([
        "build",
        "--release",
        "--package",
        "tafel-server",
        "--bin",
        "tafel",
    ]))?;
    let target = target_dir(&root)?;
    let out_dir = target.join("dist");
    std::fs::create_dir_all(&out_dir)?;
    let out = out_dir.join("tafel");
    run_checked(
        Command::new(target.join("release").join("tafel"))
            .arg("bundle-client")
            .arg("--assets")
            .arg(&assets)
            .arg("--out")
            .arg(&out),
    )?;
    Ok(out)
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

/// Installs Debian `packages` with apt-get when `present()` says they are
/// missing (as root; otherwise names the command to run).
fn ensure_installed(why: &str, packages: &[&str], present: impl Fn() -> bool) -> Result<()> {
    if present() {
        return Ok(());
    }
    let list = packages.join(" ");
    let apt = format!("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {list}");
    if !is_root() {
        bail!("{why} need {list}, which are not installed.\nInstall them (as root) with:\n\n    sudo sh -c '{apt}'\n");
    }
    eprintln!("xtask: {list} missing; installing with apt-get");
    run_checked(Command::new("apt-get").arg("update"))?;
    run_checked(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages),
    )?;
    ensure!(
        present(),
        "apt-get installed {list} but they are still not found; try: {apt}"
    );
    Ok(())
}

/// Chromium and ChromeDriver, installing them with apt-get if missing and we are root.
fn ensure_browser() -> Result<(PathBuf, PathBuf)> {
    ensure_installed(
        "the browser tests",
        &["chromium", "chromium-driver"],
        || find_browser().is_some(),
    )?;
    find_browser().context("chromium and chromedriver are not found")
}

/// Caddy and nginx, whose configurations in the README the deployment test checks.
fn ensure_proxies() -> Result<()> {
    ensure_installed("the deployment tests", &["caddy", "nginx-light"], || {
        find_executable("/usr/bin/caddy", &["caddy"]).is_some()
            && find_executable("/usr/sbin/nginx", &["nginx"]).is_some()
    })
}

/// PostgreSQL's programs (Debian keeps them under `/usr/lib/postgresql/<version>/bin`),
/// which the tests of the PostgreSQL store start on their own port.
fn find_postgres() -> bool {
    std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|versions| {
        versions
            .filter_map(Result::ok)
            .any(|v| v.path().join("bin/postgres").exists() && v.path().join("bin/initdb").exists())
    })
}

/// PostgreSQL and Redis: cluster mode's tests run against real ones.
fn ensure_engines() -> Result<()> {
    ensure_installed(
        "the PostgreSQL store's tests",
        &["postgresql"],
        find_postgres,
    )?;
    ensure_installed("the cluster's tests", &["redis-server"], || {
        find_executable("/usr/bin/redis-server", &["redis-server"]).is_some()
    })
}

/// `cargo xtask test`: build the client, ensure the browser, run the workspace tests.
fn run_tests(args: &[OsString]) -> Result<ExitCode> {
    let dist = build_client(Profile::Release)?;
    let (chromium, chromedriver) = ensure_browser()?;
    ensure_proxies()?;
    ensure_engines()?;
    let root = workspace_root()?;
    let mut cmd = cargo();
    cmd.current_dir(&root).arg("test");
    // The client runs in wasm; its pure logic (the shortcut table) has unit tests
    // that run on the host, on their own, before the rest of the workspace (whose
    // browser tests drive the wasm build). An explicit package selection replaces
    // both.
    let selects_packages = args.iter().any(|a| {
        a.to_str().is_some_and(|a| {
            a.starts_with("-p") || a.starts_with("--package") || a == "--workspace" || a == "--all"
        })
    });
    if !selects_packages {
        run_checked(
            cargo()
                .current_dir(&root)
                .args(["test", "-p", CLIENT_PACKAGE, "--lib"]),
        )?;
        // xtask has no tests, and building it again under the workspace's
        // unified features compiled its wasm-bindgen dependencies a second
        // time (about 90 s of CPU on a fresh CI machine).
        cmd.args([
            "--workspace",
            "--exclude",
            CLIENT_PACKAGE,
            "--exclude",
            "xtask",
        ]);
        // That build makes the `tafel` executable (for the server package's
        // own integration test) with the features the whole workspace unifies;
        // the black-box tests run it as it is. Building it again on their own
        // (`cargo build -p tafel-server`) would resolve other features and
        // compile the server a second time.
        let profile = if args.iter().any(|a| a == "--release") {
            "release"
        } else {
            "debug"
        };
        cmd.env("TAFEL_BIN", target_dir(&root)?.join(profile).join("tafel"));
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
