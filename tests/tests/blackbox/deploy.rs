//! The deployment section of the README as an operator copies it: its Caddy
//! and nginx configurations pass the syntax checks of Debian's `caddy` and
//! `nginx` (`cargo xtask test` installs them), and its systemd unit passes
//! `systemd-analyze verify`. The blocks are read from the README itself, so the
//! documentation cannot drift from what was checked.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::process::Command;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap()
}

/// The first fenced block after the line that starts with `after`, and, if
/// given, whose fence names `lang`.
fn block(after: &str, lang: &str) -> String {
    let text = readme();
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("no {after:?} in the README"));
    let fence = format!("```{lang}\n");
    let open = start + text[start..].find(&fence).expect("a fenced block") + fence.len();
    let close = open + text[open..].find("\n```").expect("a closing fence");
    text[open..close].to_owned()
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?} (cargo xtask test installs it): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_readme_caddyfile_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Caddyfile");
    std::fs::write(&file, block("Caddy (`/etc/caddy/Caddyfile`", "") + "\n").unwrap();
    let (ok, out) = run(Command::new("caddy")
        .args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(&file)
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path()));
    assert!(ok, "caddy validate: {out}");
    assert!(out.contains("Valid configuration"), "{out}");
    assert!(
        !out.contains("not formatted"),
        "as `caddy fmt` writes it: {out}"
    );
}

#[test]
fn the_readme_nginx_site_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let (ok, out) = run(Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=tafel.example.org"])
        .args([
            "-keyout",
            &format!("{d}/key.pem"),
            "-out",
            &format!("{d}/cert.pem"),
        ]));
    assert!(ok, "openssl: {out}");
    let site = block("nginx (`/etc/nginx/sites-available/tafel`)", "nginx")
        .replace(
            "/etc/letsencrypt/live/tafel.example.org/fullchain.pem",
            &format!("{d}/cert.pem"),
        )
        .replace(
            "/etc/letsencrypt/live/tafel.example.org/privkey.pem",
            &format!("{d}/key.pem"),
        )
        .replace("/var/log/nginx/", &format!("{d}/"));
    // The http block a Debian nginx.conf has around sites, with the log format
    // the README names, and every path in the temporary directory.
    let conf = format!(
        "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n\
         log_format combined_no_query '$remote_addr - $remote_user [$time_local] \
         \"$request_method $uri $server_protocol\" $status $body_bytes_sent';\n\
         client_body_temp_path {d}/body;\nproxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\nuwsgi_temp_path {d}/uwsgi;\nscgi_temp_path {d}/scgi;\n\
         access_log off;\n{site}\n}}\n"
    );
    let file = dir.path().join("nginx.conf");
    std::fs::write(&file, conf).unwrap();
    let nginx = ["/usr/sbin/nginx", "nginx"]
        .into_iter()
        .find(|n| Path::new(n).exists())
        .unwrap_or("nginx");
    let (ok, out) = run(Command::new(nginx)
        .arg("-t")
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&file));
    assert!(ok, "nginx -t: {out}");
    assert!(out.contains("syntax is ok"), "{out}");
}

#[test]
fn the_readme_systemd_unit_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let tafel = tafel_tests::server::tafel_binary().unwrap();
    let unit = block("`/etc/systemd/system/tafel.service`", "ini")
        .replace("/usr/local/bin/tafel", &tafel.display().to_string());
    let file = dir.path().join("tafel.service");
    std::fs::write(&file, unit).unwrap();
    let (ok, out) = run(Command::new("systemd-analyze")
        .arg("verify")
        .arg(&file)
        .env("SYSTEMD_LOG_LEVEL", "warning"));
    // systemd-analyze exits 0 on a unit it ignores lines of: any output is a
    // complaint.
    assert!(ok && out.trim().is_empty(), "systemd-analyze verify: {out}");
}
