//! The board replica kept in the browser's IndexedDB, so a reload shows the
//! board at once, and edits made offline survive a reload until the server has
//! them. One object store, `docs`, maps a board id to the replica's full state as
//! a yrs update; applying it to a fresh replica restores everything, including
//! changes the server has not seen yet.

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

const DB_NAME: &str = "tafel";
const STORE: &str = "docs";

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
    let req = factory.open_with_u32(DB_NAME, 1)?;
    let upgrade_req = req.clone();
    let upgrade = Closure::<dyn FnMut()>::new(move || {
        if let Ok(db) = upgrade_req
            .result()
            .and_then(|r| r.dyn_into::<IdbDatabase>())
        {
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
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
