//! The `tafel` executable as an operator meets it: what it offers, and how it
//! refuses a data directory another server holds. (Being an integration test of
//! this package, it also makes `cargo test` build the executable that the
//! black-box tests in `tests/` run.)

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn tafel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tafel"))
}

#[test]
fn the_help_lists_what_an_operator_can_do() {
    let out = tafel().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for command in [
        "serve",
        "export",
        "operator-token",
        "bundle-client",
        "boards",
        "backup",
        "restore",
        "access-log",
    ] {
        assert!(help.contains(command), "{command} missing from:\n{help}");
    }
}

/// Two servers on one data directory would each believe they own the
/// board's log: the second is refused, with the reason.
#[test]
fn a_second_server_on_the_same_data_directory_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let serve = |data: &std::path::Path| {
        let mut cmd = tafel();
        cmd.args(["serve", "--bind", "127.0.0.1:0", "--data"])
            .arg(data)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd
    };
    let mut first = serve(&data).spawn().unwrap();
    // The key directory is made once the store is open (and locked).
    let keys = dir.path().join("data.keys").join("server-key");
    let started = Instant::now();
    while !keys.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the first server did not start"
        );
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first server ended"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = serve(&data).output().unwrap();
    let _ = first.kill();
    let _ = first.wait();
    assert!(!second.status.success());
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(
        said.contains("in use by another process"),
        "the refusal says why: {said}"
    );
}
