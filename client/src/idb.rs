//! What the browser keeps in IndexedDB, so a reload shows the board at once and
//! edits made offline survive a reload until the server has them:
//!
//! - `docs`: board id → the replica's full state as a yrs update; applying it
//!   to a fresh replica restores everything, including changes the server has
//!   not seen yet.
//! - `files`: picture hash → the picture as the canvas draws it (a `Blob`), so
//!   pictures seen once show offline.
//! - `uploads`: `{board}/{hash}` → a picture added while the server could not
//!   take it (a `Blob`), uploaded when the connection returns.

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

const DB_NAME: &str = "tafel";
const STORE: &str = "docs";
/// Object store of pictures seen, by hash.
pub const FILES: &str = "files";
/// Object store of pictures waiting for upload, by `{board}/{hash}`.
pub const UPLOADS: &str = "uploads";

/// Waits for a request's `success` (its result) or `error`.
async fn settle(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let req2 = req.clone();
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let r = req2.clone();
        let ok = Closure::<dyn FnMut()>::once(move || {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let err = Closure::<dyn FnMut()>::once(move || {
            let _ = reject.call1(
                &JsValue::NULL,
                &JsValue::from_str("IndexedDB request failed"),
            );
        });
        req2.set_onsuccess(Some(ok.as_ref().unchecked_ref()));
        req2.set_onerror(Some(err.as_ref().unchecked_ref()));
        ok.forget();
        err.forget();
    });
    JsFuture::from(promise).await
}

/// Waits until a write transaction is committed to disk.
async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    let tx2 = tx.clone();
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let err = Closure::once_into_js(move || {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("IndexedDB write failed"));
        });
        tx2.set_oncomplete(Some(ok.unchecked_ref()));
        tx2.set_onerror(Some(err.unchecked_ref()));
        tx2.set_onabort(Some(err.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ())
}

thread_local! {
    /// The open database, reused by every load and save of this page.
    static DB: std::cell::RefCell<Option<IdbDatabase>> = const { std::cell::RefCell::new(None) };
}

async fn open() -> Result<IdbDatabase, JsValue> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let db = open_new().await?;
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

async fn open_new() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()?
        .ok_or("IndexedDB is not available")?;
    let req = factory.open_with_u32(DB_NAME, 2)?;
    let upgrade_req = req.clone();
    let upgrade = Closure::<dyn FnMut()>::new(move || {
        if let Ok(db) = upgrade_req
            .result()
            .and_then(|r| r.dyn_into::<IdbDatabase>())
        {
            for store in [STORE, FILES, UPLOADS] {
                if !db.object_store_names().contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    upgrade.forget();
    settle(&req).await?.dyn_into::<IdbDatabase>()
}

/// The stored replica state of a board, if any.
pub async fn load(board: &str) -> Result<Option<Vec<u8>>, JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str(STORE)?;
    let got = settle(&tx.object_store(STORE)?.get(&JsValue::from_str(board))?).await?;
    Ok(got.dyn_into::<Uint8Array>().ok().map(|a| a.to_vec()))
}

/// Replaces the stored replica state of a board; resolves once it is on disk.
pub async fn save(board: &str, state: &[u8]) -> Result<(), JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
    let bytes = Uint8Array::from(state);
    tx.object_store(STORE)?
        .put_with_key(&bytes, &JsValue::from_str(board))?;
    committed(&tx).await
}

/// The `Blob` under `key` in `store`, if any.
pub async fn get_blob(store: &str, key: &str) -> Result<Option<web_sys::Blob>, JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str(store)?;
    let got = settle(&tx.object_store(store)?.get(&JsValue::from_str(key))?).await?;
    Ok(got.dyn_into::<web_sys::Blob>().ok())
}

/// Puts a `Blob` under `key` in `store`; resolves once it is on disk.
pub async fn put_blob(store: &str, key: &str, blob: &web_sys::Blob) -> Result<(), JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)?;
    tx.object_store(store)?
        .put_with_key(blob, &JsValue::from_str(key))?;
    committed(&tx).await
}

/// Removes `key` from `store`.
pub async fn delete(store: &str, key: &str) -> Result<(), JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)?;
    tx.object_store(store)?.delete(&JsValue::from_str(key))?;
    committed(&tx).await
}

/// The keys of `store` that start with `prefix`, in order.
pub async fn keys_with_prefix(store: &str, prefix: &str) -> Result<Vec<String>, JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str(store)?;
    let range = web_sys::IdbKeyRange::bound(
        &JsValue::from_str(prefix),
        &JsValue::from_str(&format!("{prefix}\u{ffff}")),
    )?;
    let keys = settle(&tx.object_store(store)?.get_all_keys_with_key(&range)?).await?;
    Ok(js_sys::Array::from(&keys)
        .iter()
        .filter_map(|k| k.as_string())
        .collect())
}
