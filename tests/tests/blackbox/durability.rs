//! The server as a child process: restarts keep every board, `kill -9` loses no
//! update any client had seen, SIGTERM closes sockets with "going away" and exits 0,
//! and a data directory from a newer Tafel is refused untouched.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common::{
    add_sticky, assert_none_lost, element_ids as ids, has, has_thread, open_thread,
};
use std::collections::BTreeSet;
use std::time::Duration;
use tafel_shared::geometry::Rect;
use tafel_shared::protocol::CloseCode;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::server::tafel_binary;
use tafel_tests::{sticky, ServerProcess, SyncClient};
use yrs::{Map, Transact};

#[tokio::test]
async fn restart_keeps_every_board_and_sigterm_says_going_away() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let token = srv
        .operator_token
        .clone()
        .expect("first start says where the operator token is");
    let saved = std::fs::read_to_string(dir.keys().join("operator-token")).unwrap();
    assert_eq!(saved.trim(), token);
    let said = srv.operator_line.clone().unwrap();
    assert!(
        !said.contains(&token),
        "the token itself is never printed: {said}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.keys().join("operator-token"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "operator token readable by others");
    }

    let api = srv.api();
    let a = api.create_board("Board A", "swot").await.unwrap();
    let b = api.create_board("Board B", "").await.unwrap();
    let mut content = SyncClient::connect(&srv.ws(&a.id, DocKind::Content, a.token(Role::Editor)))
        .await
        .unwrap();
    let mut comments =
        SyncClient::connect(&srv.ws(&a.id, DocKind::Comments, a.token(Role::Commenter)))
            .await
            .unwrap();
    let mut other =
        SyncClient::connect(&srv.ws(&b.id, DocKind::Content, b.token(Role::Facilitator)))
            .await
            .unwrap();
    add_sticky(&mut content, "a-note", "content").await;
    open_thread(&mut comments, "a-comment", "a comment").await;
    add_sticky(&mut other, "b-note", "other board").await;
    // Once a second client has seen each edit, it is durable.
    let mut witness = SyncClient::connect(&srv.ws(&a.id, DocKind::Content, a.token(Role::Viewer)))
        .await
        .unwrap();
    witness.pump_until(|c| has(c, "a-note")).await.unwrap();
    let mut comment_witness =
        SyncClient::connect(&srv.ws(&a.id, DocKind::Comments, a.token(Role::Viewer)))
            .await
            .unwrap();
    comment_witness
        .pump_until(|c| has_thread(c, "a-comment"))
        .await
        .unwrap();

    let status = srv.terminate().await.unwrap();
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    witness.pump_until(|c| c.closed.is_some()).await.unwrap();
    assert_eq!(
        witness.closed.as_ref().unwrap().close_code(),
        Some(CloseCode::GoingAway)
    );

    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    assert!(
        srv.operator_token.is_none(),
        "the operator token is printed only once"
    );
    let c = SyncClient::connect(&srv.ws(&a.id, DocKind::Content, a.token(Role::Viewer)))
        .await
        .unwrap();
    assert!(has(&c, "a-note"));
    let layer = SyncClient::connect(&srv.ws(&a.id, DocKind::Locked, a.token(Role::Viewer)))
        .await
        .unwrap();
    assert!(has(&layer, "frame-3"), "the template's locked frames");
    let c = SyncClient::connect(&srv.ws(&a.id, DocKind::Comments, a.token(Role::Viewer)))
        .await
        .unwrap();
    assert!(has_thread(&c, "a-comment"));
    let c = SyncClient::connect(&srv.ws(&b.id, DocKind::Content, b.token(Role::Viewer)))
        .await
        .unwrap();
    assert!(has(&c, "b-note"));
    let (status, info) = srv
        .api()
        .call(
            reqwest::Method::GET,
            &format!("/api/boards/{}?token={}", a.id, a.token(Role::Editor)),
            None,
        )
        .await
        .unwrap();
    assert_eq!((status, info["title"].as_str()), (200, Some("Board A")));
    srv.terminate().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_burst_loses_nothing_any_client_had_received() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &["--compact-after-updates", "50"])
        .await
        .unwrap();
    let board = srv.api().create_board("Burst", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));

    // Writers add notes as fast as they can; each also reads what others wrote.
    let mut writers = Vec::new();
    for w in 0..4 {
        let url = url.clone();
        writers.push(tokio::spawn(async move {
            let mut c = SyncClient::connect(&url).await.unwrap();
            for i in 0..400 {
                add_sticky_quiet(&mut c, &format!("w{w}-{i}")).await;
                if c.pump_for(Duration::from_millis(2)).await.is_err() || c.closed.is_some() {
                    break;
                }
            }
            let _ = c.pump_for(Duration::from_secs(30)).await;
            (w, ids(&c))
        }));
    }
    let mut reader = SyncClient::connect(&url).await.unwrap();
    reader.pump_until(|c| ids(c).len() >= 150).await.unwrap();
    srv.kill9().await.unwrap();
    let _ = reader.pump_for(Duration::from_secs(2)).await;

    // Everything a client received from the server (for writers: others' notes).
    let mut seen: BTreeSet<String> = ids(&reader);
    for w in writers {
        let (w, got) = w.await.unwrap();
        seen.extend(
            got.into_iter()
                .filter(|id| !id.starts_with(&format!("w{w}-"))),
        );
    }
    assert!(seen.len() >= 150);

    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let after =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    let stored = ids(&after);
    assert_none_lost(&seen, &stored);
    srv.terminate().await.unwrap();
}

/// A board big enough that its folded snapshot is written into a file of its
/// own before the batch that names it (`value_files`): `kill -9` while it is
/// folded again and again loses nothing a client had seen, and the restart
/// keeps only the file the store names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_a_big_board_folds_loses_nothing_and_leaves_no_stray_file() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &["--compact-after-updates", "8"])
        .await
        .unwrap();
    let board = srv.api().create_board("Gross", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut writer = SyncClient::connect(&url).await.unwrap();
    // About 2 MB of notes: above the 1 MiB from which a snapshot gets a file.
    let text = "Eine Idee, die Platz braucht. ".repeat(10);
    for batch in 0..30 {
        let elements = schema::elements(&writer.doc);
        writer
            .edit(|txn| {
                for i in 0..100 {
                    let id = format!("seed-{batch}-{i}");
                    sticky(&id, Rect::new(0.0, 0.0, 100.0, 100.0), "m", &text, "seed")
                        .insert(txn, &elements);
                }
            })
            .await
            .unwrap();
    }
    let values = dir.path().join("values");
    let files = || std::fs::read_dir(&values).map_or(0, |d| d.count());
    let mut reader = SyncClient::connect(&url).await.unwrap();
    reader.pump_until(|c| ids(c).len() >= 3_000).await.unwrap();
    let mut i = 0;
    while files() == 0 {
        add_sticky_quiet(&mut writer, &format!("until-{i}")).await;
        reader.pump_for(Duration::from_millis(20)).await.unwrap();
        i += 1;
        assert!(i < 2_000, "no fold wrote its snapshot into a file");
    }
    // More folds, each replacing the last one's file; killed in the middle.
    for j in 0..60 {
        add_sticky_quiet(&mut writer, &format!("more-{j}")).await;
        let _ = reader.pump_for(Duration::from_millis(10)).await;
    }
    let _ = reader.pump_for(Duration::from_millis(200)).await;
    srv.kill9().await.unwrap();
    let seen = ids(&reader);
    assert!(seen.len() >= 3_000 + 60);

    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    assert!(
        files() <= 1,
        "{} value files after the restart: only the one the store names stays",
        files()
    );
    let after =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    assert_none_lost(&seen, &ids(&after));
    srv.terminate().await.unwrap();
}

async fn add_sticky_quiet(c: &mut SyncClient, id: &str) {
    let elements = schema::elements(&c.doc);
    let _ = c
        .edit(|txn| {
            sticky(id, Rect::new(0.0, 0.0, 100.0, 100.0), "m", id, "load").insert(txn, &elements);
        })
        .await;
}

#[test]
fn a_data_directory_from_a_newer_tafel_is_refused_untouched() {
    let dir = tafel_tests::DataDir::new().unwrap();
    std::fs::write(dir.path().join("FORMAT"), "tafel-data-format 7\n").unwrap();
    let out = std::process::Command::new(tafel_binary().unwrap())
        .args(["serve", "--bind", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("newer Tafel"), "{stderr}");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "files were added: {names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cold_big_board_serves_newcomers_and_merges_returning_editors() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let board = srv.api().create_board("Big", "blank").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut writer = SyncClient::connect(&url).await.unwrap();
    let elements = schema::elements(&writer.doc);
    for batch in 0..20 {
        writer
            .edit(|txn| {
                for i in 0..100 {
                    let at = Rect::new(i as f64, batch as f64, 160.0, 160.0);
                    let id = format!("n{batch}-{i}");
                    sticky(&id, at, "m", &id, "w").insert(txn, &elements);
                }
            })
            .await
            .unwrap();
    }
    let mut witness = SyncClient::connect(&url).await.unwrap();
    witness.pump_until(|c| ids(c).len() >= 2000).await.unwrap();
    drop(witness);
    assert!(srv.terminate().await.unwrap().success());

    // Offline, the writer adds one more note.
    let doc = writer.disconnect().await;
    {
        let mut txn = doc.transact_mut();
        let at = Rect::new(0.0, 0.0, 1.0, 1.0);
        sticky("offline", at, "z", "offline", "w").insert(&mut txn, &elements);
    }

    // After the restart a newcomer and the returning writer arrive together, while
    // the board is still loading.
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let (fresh, returning) = tokio::join!(
        SyncClient::connect(&url),
        SyncClient::connect_with(&url, doc)
    );
    let (mut fresh, mut returning) = (fresh.unwrap(), returning.unwrap());
    assert!(
        ids(&fresh).len() >= 2000,
        "a newcomer's first sync is the whole board"
    );
    add_sticky(&mut fresh, "live", "added after the restart").await;
    fresh.pump_until(|c| has(c, "offline")).await.unwrap();
    returning.pump_until(|c| has(c, "live")).await.unwrap();
    let third = SyncClient::connect(&url).await.unwrap();
    assert_eq!(ids(&third), ids(&fresh));
    assert_eq!(ids(&third), ids(&returning));
    assert_eq!(
        ids(&third).len(),
        2002,
        "2,000 notes, the offline one and the live one"
    );
    srv.terminate().await.unwrap();
}

#[tokio::test]
async fn an_unloading_board_folds_its_log_and_keeps_a_history_snapshot() {
    use tafel_server::storage::DocKey;
    use tafel_shared::ids::BoardId;
    let srv = tafel_tests::TestServer::start().await.unwrap();
    let board = srv.api().create_board("History", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut c = SyncClient::connect(&url).await.unwrap();
    add_sticky(&mut c, "kept", "in history").await;
    let mut witness = SyncClient::connect(&url).await.unwrap();
    witness.pump_until(|w| has(w, "kept")).await.unwrap();
    let key = DocKey {
        board: BoardId::parse(&board.id).unwrap(),
        doc: DocKind::Content,
    };
    let storage = &srv.server.app.storage;
    assert!(!storage.load_doc(&key).unwrap().log.is_empty());
    drop((c, witness));
    // The test server unloads empty rooms after one second.
    tafel_tests::wait::until("the room unloads", || srv.server.app.rooms.loaded() == 0).await;
    assert!(
        storage.load_doc(&key).unwrap().log.is_empty(),
        "the log was not folded"
    );
    let history = storage.history(&key).unwrap();
    assert_eq!(history.len(), 1);
    let state = storage.history_state(&key, history[0]).unwrap().unwrap();
    let doc = yrs::Doc::new();
    {
        use yrs::updates::decoder::Decode;
        doc.transact_mut()
            .apply_update(yrs::Update::decode_v1(&state).unwrap())
            .unwrap();
    }
    assert!(schema::elements(&doc).contains_key(&doc.transact(), "kept"));
}

#[tokio::test]
async fn the_operator_token_is_rotated_with_the_server_stopped() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let old = srv.operator_token.clone().unwrap();
    let admin = |srv: &ServerProcess, token: &str| {
        let api = srv.api();
        let path = format!("/api/admin/boards?token={token}");
        async move { api.call(reqwest::Method::GET, &path, None).await.unwrap().0 }
    };
    assert_eq!(admin(&srv, &old).await, 200);
    // While it runs, the database is locked: rotating says so and changes nothing.
    let bin = tafel_tests::server::tafel_binary().unwrap();
    let busy = std::process::Command::new(&bin)
        .args(["operator-token", "rotate", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!busy.status.success());
    assert!(String::from_utf8_lossy(&busy.stderr).contains("stop the server first"));
    srv.terminate().await.unwrap();

    let done = std::process::Command::new(&bin)
        .args(["operator-token", "rotate", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    let new = std::fs::read_to_string(dir.keys().join("operator-token"))
        .unwrap()
        .trim()
        .to_owned();
    assert_ne!(new, old);
    assert!(
        !String::from_utf8_lossy(&done.stdout).contains(&new),
        "only where it is"
    );
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    assert!(srv.operator_token.is_none(), "a restart makes no new one");
    assert_eq!(
        admin(&srv, &old).await,
        401,
        "the old token stopped working"
    );
    assert_eq!(admin(&srv, &new).await, 200);
}

#[tokio::test]
async fn shutdown_ends_within_its_deadline_even_when_the_data_directory_vanished() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &["--shutdown-deadline-secs", "2"])
        .await
        .unwrap();
    let board = srv.api().create_board("Weg", "").await.unwrap();
    let mut c =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    add_sticky(&mut c, "before", "kept").await;
    // The disk goes away under the running server (seen when tried: SIGTERM
    // then waited in sled's flush for good).
    std::fs::remove_dir_all(dir.path()).unwrap();
    let _ =
        tokio::time::timeout(Duration::from_secs(2), add_sticky(&mut c, "after", "lost?")).await;
    let started = std::time::Instant::now();
    let status = srv.terminate().await.unwrap();
    let took = started.elapsed();
    eprintln!("shutdown after the data directory vanished: {status:?} in {took:?}");
    assert!(
        took < Duration::from_secs(10),
        "shutdown took {took:?} with a 2 s deadline"
    );
    assert!(
        status.code().is_some(),
        "it exits by itself, not by a signal: {status:?}"
    );
}

#[tokio::test]
async fn relaxed_mode_shows_at_once_and_keeps_what_a_flush_interval_covered() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let relaxed = ["--durability", "relaxed", "--relaxed-flush-ms", "100"];
    let srv = ServerProcess::start(dir.path(), &relaxed).await.unwrap();
    let board = srv.api().create_board("Locker", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut a = SyncClient::connect(&url).await.unwrap();
    let mut b = SyncClient::connect(&url).await.unwrap();
    for i in 0..20 {
        add_sticky(&mut a, &format!("n{i}"), "relaxed").await;
    }
    // Others see the notes without waiting for the disk.
    b.pump_until(|c| ids(c).len() == 20).await.unwrap();
    // After a few flush intervals every note is on disk: a kill -9 keeps them.
    tokio::time::sleep(Duration::from_millis(600)).await;
    srv.kill9().await.unwrap();
    let srv = ServerProcess::start(dir.path(), &relaxed).await.unwrap();
    let after =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    let stored = ids(&after);
    assert_eq!(
        stored,
        (0..20).map(|i| format!("n{i}")).collect::<BTreeSet<_>>(),
        "what a flush interval covered survives kill -9"
    );
}

/// Size of the largest file under `dir`.
fn largest_file(dir: &std::path::Path) -> u64 {
    let mut largest = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let meta = entry.metadata().unwrap();
        largest = largest.max(if meta.is_dir() {
            largest_file(&entry.path())
        } else {
            meta.len()
        });
    }
    largest
}

/// A real disk that refuses writes (the files may not grow: `RLIMIT_FSIZE`):
/// what no flush confirmed is never shown, the server halts storage, closes
/// every socket with "storage failure" and exits non-zero, and restarted it
/// holds everything any client had seen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disk_that_refuses_writes_halts_the_server_and_loses_nothing_confirmed() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let board = srv.api().create_board("Voll", "").await.unwrap();
    assert!(srv.terminate().await.unwrap().success());

    let room = 512 << 10;
    let limit = largest_file(dir.path()) + room;
    let mut srv = ServerProcess::start_with_file_limit(
        dir.path(),
        // The log alone grows the file: no compaction in between.
        &["--compact-after-updates", "1000000"],
        limit,
    )
    .await
    .unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut writer = SyncClient::connect(&url).await.unwrap();
    let mut reader = SyncClient::connect(&url).await.unwrap();
    let text = "Papier ist geduldig, die Platte nicht. ".repeat(50);
    let mut sent = 0;
    // Far more than the room left on the disk.
    for i in 0..(4 * room / text.len() as u64) {
        let elements = schema::elements(&writer.doc);
        let note = sticky(
            &format!("n{i}"),
            Rect::new(0.0, 0.0, 100.0, 100.0),
            "m",
            &text,
            "disk",
        );
        if writer
            .edit(|txn| {
                note.insert(txn, &elements);
            })
            .await
            .is_err()
        {
            break;
        }
        sent += 1;
        let _ = reader.pump_for(Duration::from_millis(5)).await;
        if writer.pump_for(Duration::from_millis(1)).await.is_err() || writer.closed.is_some() {
            break;
        }
    }
    reader.pump_until(|c| c.closed.is_some()).await.unwrap();
    writer.pump_until(|c| c.closed.is_some()).await.unwrap();
    for c in [&reader, &writer] {
        assert_eq!(
            c.closed.as_ref().unwrap().close_code(),
            Some(CloseCode::StorageFailure)
        );
    }
    let seen = ids(&reader);
    assert!(
        seen.len() < sent,
        "the disk refused some of the {sent} notes, yet all were shown"
    );
    let status = srv.exits_within(Duration::from_secs(60)).await.unwrap();
    assert_eq!(status.code(), Some(1), "exits with an error: {status:?}");

    // Restarted with room on the disk: everything the reader saw is there, and
    // the writer's replica brings back what the disk had refused.
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let stored = ids(&SyncClient::connect(&url).await.unwrap());
    let lost: Vec<&String> = seen.difference(&stored).collect();
    assert!(lost.is_empty(), "confirmed notes lost: {lost:?}");
    let replica = writer.disconnect().await;
    drop(SyncClient::connect_with(&url, replica).await.unwrap());
    let mut after = SyncClient::connect(&url).await.unwrap();
    after.pump_until(|c| ids(c).len() == sent).await.unwrap();
    srv.terminate().await.unwrap();
}

/// Every file under `dir`, as bytes.
fn all_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.metadata().unwrap().is_dir() {
            bytes.extend(all_bytes(&entry.path()));
        } else {
            bytes.extend(std::fs::read(entry.path()).unwrap());
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Share links are derived from a key outside the data directory, never stored:
/// the data directory holds no token that opens a board, nor the operator token,
/// yet facilitators see the same links after a restart, and a renewed link
/// replaces the old one.
#[tokio::test]
async fn no_copy_of_the_data_directory_holds_a_token_that_opens_a_board() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let operator = srv.operator_token.clone().unwrap();
    let board = srv.api().create_board("Geheim", "").await.unwrap();
    let f = board.token(Role::Facilitator).to_owned();
    let links_path = format!("/api/boards/{}/links?token={f}", board.id);
    let (status, links) = srv
        .api()
        .call(reqwest::Method::GET, &links_path, None)
        .await
        .unwrap();
    assert_eq!(status, 200);
    for role in Role::ALL {
        let link = links["links"][role.as_str()].as_str().unwrap();
        assert!(link.ends_with(board.token(role)), "{role:?}: {link}");
    }
    let old_editor = board.token(Role::Editor).to_owned();
    let (status, rotated) = srv
        .api()
        .call(
            reqwest::Method::POST,
            &format!("/api/boards/{}/tokens/editor?token={f}", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    let new_editor = rotated["token"].as_str().unwrap().to_owned();
    assert_ne!(new_editor, old_editor);
    assert!(srv.terminate().await.unwrap().success());

    let data = all_bytes(dir.path());
    let mut secrets: Vec<&str> = Role::ALL.iter().map(|r| board.token(*r)).collect();
    secrets.extend([new_editor.as_str(), operator.as_str()]);
    for secret in &secrets {
        assert!(
            !contains(&data, secret),
            "the data directory holds a secret ({}…)",
            &secret[..6]
        );
    }
    assert!(dir.keys().join("server-key").is_file());

    // Restarted: the same links, derived again; the renewed one in place.
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let (_, links) = srv
        .api()
        .call(reqwest::Method::GET, &links_path, None)
        .await
        .unwrap();
    let editor_link = links["links"]["editor"].as_str().unwrap();
    assert!(editor_link.ends_with(&new_editor), "{editor_link}");
    let opened = SyncClient::connect(&srv.ws(&board.id, DocKind::Content, &new_editor)).await;
    assert!(opened.is_ok(), "the renewed link opens the board");
    srv.terminate().await.unwrap();

    // A copy of the data directory without its key directory: the boards in it
    // are sealed, so a server refuses to start on it rather than show nothing.
    let copy = tafel_tests::DataDir::new().unwrap();
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", dir.path().display()))
        .arg(copy.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(ServerProcess::start(copy.path(), &[]).await.is_err());
}

/// `tafel` with arguments, its stdout when it succeeds.
fn tafel(args: &[&str]) -> String {
    let out = std::process::Command::new(tafel_binary().unwrap())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tafel {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The operator lists boards and deletes one on the command line; the deleted
/// board's words are in no file, and the one key that could read the bytes
/// sled may keep of it is gone from every file, key directory included.
#[tokio::test]
async fn a_board_deleted_on_the_command_line_is_erased_from_the_files() {
    use base64::Engine;
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let keep = srv.api().create_board("Bleibt", "").await.unwrap();
    let gone = srv.api().create_board("Weg damit", "").await.unwrap();
    let secret = "Projekt Falke streng vertraulich";
    let mut a = SyncClient::connect(&srv.ws(&gone.id, DocKind::Content, gone.token(Role::Editor)))
        .await
        .unwrap();
    add_sticky(&mut a, "falke", secret).await;
    let mut b = SyncClient::connect(&srv.ws(&keep.id, DocKind::Content, keep.token(Role::Editor)))
        .await
        .unwrap();
    add_sticky(&mut b, "offen", "Offene Punkte").await;
    a.pump_for(Duration::from_millis(200)).await.unwrap();

    let data = dir.path().to_str().unwrap();
    let list = tafel(&["boards", "list", "--url", &srv.http(), "--data", data]);
    let row = list.lines().find(|l| l.starts_with(&gone.id)).unwrap();
    assert!(row.ends_with("Weg damit"), "{row}");
    assert_eq!(
        row.split_whitespace().rev().nth(2),
        Some("1"),
        "one socket open on it: {row}"
    );
    assert!(list.lines().any(|l| l.starts_with(&keep.id)));

    let master = tafel_server::keys::seal_key(&dir.keys()).unwrap();
    let key = tafel_server::sealed::read_keys(dir.path(), &master).unwrap()[&gone.id];
    tafel(&[
        "boards",
        "delete",
        &gone.id,
        "--url",
        &srv.http(),
        "--data",
        data,
    ]);
    a.pump_until(|c| c.closed.is_some()).await.unwrap();
    let list = tafel(&["boards", "list", "--url", &srv.http(), "--data", data]);
    assert!(!list.contains(&gone.id));
    drop(b);
    assert!(srv.terminate().await.unwrap().success());

    let mut files = all_bytes(dir.path());
    files.extend(all_bytes(&dir.keys()));
    assert!(!contains(&files, secret), "the note's words are in a file");
    assert!(!contains(&files, "Weg damit"), "the title is in a file");
    assert!(
        !files.windows(32).any(|w| w == key),
        "the board's key survives"
    );
    for engine in [
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ] {
        assert!(!contains(&files, &engine.encode(key)));
    }
    let keys = tafel_server::sealed::read_keys(dir.path(), &master).unwrap();
    assert!(!keys.contains_key(&gone.id) && keys.contains_key(&keep.id));

    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let kept = SyncClient::connect(&srv.ws(&keep.id, DocKind::Content, keep.token(Role::Editor)))
        .await
        .unwrap();
    assert!(has(&kept, "offen"), "the other board is whole");
    srv.terminate().await.unwrap();
}

/// `tafel backup` of a server under write load, restored with `tafel restore`
/// into a new data directory with a new key directory: every note any client
/// had seen before the backup began is there, and the old links open it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_write_load_restores_everything_confirmed_before_it() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let board = srv.api().create_board("Sicherung", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (url, stop) = (url.clone(), stop.clone());
        tokio::spawn(async move {
            let mut c = SyncClient::connect(&url).await.unwrap();
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                add_sticky_quiet(&mut c, &format!("w-{i}")).await;
                let _ = c.pump_for(Duration::from_millis(5)).await;
                i += 1;
            }
            i
        })
    };
    let mut reader = SyncClient::connect(&url).await.unwrap();
    reader.pump_until(|c| ids(c).len() >= 50).await.unwrap();
    let confirmed = ids(&reader);
    let file = dir.keys().parent().unwrap().join("tafel.backup");
    let data = dir.path().to_str().unwrap();
    tafel(&[
        "backup",
        file.to_str().unwrap(),
        "--url",
        &srv.http(),
        "--data",
        data,
    ]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.unwrap();
    srv.terminate().await.unwrap();

    let restored = tafel_tests::DataDir::new().unwrap();
    std::fs::remove_dir(restored.path()).unwrap();
    tafel(&[
        "restore",
        file.to_str().unwrap(),
        "--data",
        restored.path().to_str().unwrap(),
    ]);
    let srv = ServerProcess::start(restored.path(), &[]).await.unwrap();
    let after =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    let stored = ids(&after);
    let lost: Vec<&String> = confirmed.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "confirmed before the backup, lost: {lost:?}"
    );
    assert!(stored.len() <= written, "nothing invented");
    srv.terminate().await.unwrap();
}
