//! Pictures on the board in the browser: taking a file for the board (what
//! [`crate::commands::Commands::add_pictures`] does for the picker, a paste or a
//! drop), showing pictures, and keeping them through offline periods.
//!
//! A picture is uploaded first and placed after, so a refused file (too large,
//! not a picture, over the board's quota) leaves nothing on the board. When the
//! server cannot be reached, the picture is kept in IndexedDB, placed at once
//! under its content hash (computed here, as the server will), and uploaded
//! when the connection returns. Others' browsers fetch pictures with the link's
//! token in a header and keep them in IndexedDB, so a board seen once shows its
//! pictures offline too; a picture whose uploader is still offline is asked
//! for again now and then until it arrives.

use crate::api::{self, Fetched, UploadFailed};
use crate::i18n::{t, t_with, Arg};
use crate::idb;
use crate::state::Notice;
use js_sys::Uint8Array;
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use tafel_shared::element::ImageProps;
use tafel_shared::geometry::Rect;
use tafel_shared::pictures::{file_hash, placed_size, sniff};
use wasm_bindgen_futures::{spawn_local, JsFuture};

/// How a picture shows on this page now.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// Being read from this device or fetched.
    Loading,
    /// Ready, at this object URL.
    Url(String),
    /// Not on the server (yet) and not on this device.
    Unavailable,
}

/// A picture missing on the server is asked for again after this long.
const RETRY_MS: i32 = 4_000;
/// … this many times (about ten minutes), then it stays a placeholder until
/// the page is reloaded.
const RETRIES: u32 = 150;

/// The pictures of one board page (cheap to copy; provided as context).
#[derive(Clone, Copy)]
pub struct Pictures {
    /// The image being cropped: its resize handles move its edges over the
    /// picture, which shows faintly beyond them.
    pub cropping: RwSignal<Option<String>>,
    shown: RwSignal<HashMap<String, Shown>>,
    asked: StoredValue<HashSet<String>>,
    board: StoredValue<(String, String)>,
}

impl Pictures {
    /// The pictures of board `id`, fetched with `token`.
    pub fn new(id: &str, token: &str) -> Pictures {
        Pictures {
            cropping: RwSignal::new(None),
            shown: RwSignal::new(HashMap::new()),
            asked: StoredValue::new(HashSet::new()),
            board: StoredValue::new((id.to_owned(), token.to_owned())),
        }
    }

    /// How picture `hash` shows (tracked): its small version while it is
    /// `small` on screen, else the canvas version (the small one standing in
    /// until that has arrived). The first ask of a version starts loading it.
    pub fn shown(self, hash: &str, small: bool) -> Shown {
        let wanted = self.version(hash, small);
        match wanted {
            Shown::Url(_) => wanted,
            _ if small => wanted,
            _ => match self.shown.with(|m| m.get(&small_key(hash)).cloned()) {
                Some(Shown::Url(url)) => Shown::Url(url),
                _ => wanted,
            },
        }
    }

    fn version(self, hash: &str, small: bool) -> Shown {
        let key = if small {
            small_key(hash)
        } else {
            hash.to_owned()
        };
        if let Some(s) = self.shown.with(|m| m.get(&key).cloned()) {
            return s;
        }
        if self.asked.try_update_value(|a| a.insert(key.clone())) == Some(true) {
            let hash = hash.to_owned();
            spawn_local(async move { self.load(hash, key, 0).await });
        }
        Shown::Loading
    }

    fn set(self, hash: &str, shown: Shown) {
        let _ = self.shown.try_update(|m| {
            m.insert(hash.to_owned(), shown);
        });
    }

    fn board(self) -> Option<(String, String)> {
        self.board.try_get_value()
    }

    /// Reads one version (`key`) of picture `hash` from this device (a picture
    /// this browser added and has not uploaded yet stands for every version),
    /// or fetches it and keeps it here.
    async fn load(self, hash: String, key: String, attempt: u32) {
        let Some((id, token)) = self.board() else {
            return;
        };
        for (store, stored) in [
            (idb::FILES, key.clone()),
            (idb::UPLOADS, upload_key(&id, &hash)),
        ] {
            if let Ok(Some(blob)) = idb::get_blob(store, &stored).await {
                self.show_version(&key, &blob);
                return;
            }
        }
        match api::fetch_file(&id, &token, &key).await {
            Ok(Fetched::Found(blob)) => {
                self.show_version(&key, &blob);
                let _ = idb::put_blob(idb::FILES, &key, &blob).await;
            }
            Ok(Fetched::Absent) | Err(_) => {
                self.set(&key, Shown::Unavailable);
                if attempt < RETRIES {
                    crate::timer::after(RETRY_MS, move || {
                        if self.board().is_some() {
                            spawn_local(async move { self.load(hash, key, attempt + 1).await });
                        }
                    });
                }
            }
        }
    }

    fn show_version(self, key: &str, blob: &web_sys::Blob) {
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) {
            self.set(key, Shown::Url(url));
        }
    }

    /// Shows a picture this browser has whole (just added) for every version.
    fn show_blob(self, hash: &str, blob: &web_sys::Blob) {
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) {
            self.set(&small_key(hash), Shown::Url(url.clone()));
            self.set(hash, Shown::Url(url));
        }
    }

    /// One file for the board: its bytes, type, size and name; uploaded now, or
    /// kept for later when the server is out of reach. The image element's size
    /// (at the origin) and fields, or why the file is not taken. `Ok(None)` when
    /// the board was left meanwhile.
    pub async fn take(
        self,
        file: &web_sys::File,
        notice: Notice,
    ) -> Result<Option<(Rect, ImageProps)>, String> {
        let name = file.name();
        let named = || [("name", Arg::from(name.as_str()))];
        let bytes = read_bytes(file)
            .await
            .map_err(|_| t_with("picture-unreadable", &named()))?;
        let mime = sniff(&bytes).ok_or_else(|| t_with("picture-not-supported", &named()))?;
        let blob = blob_of(&bytes, mime).map_err(|_| t_with("picture-unreadable", &named()))?;
        let (w, h) = natural_size(&blob)
            .await
            .map_err(|_| t_with("picture-damaged", &named()))?;
        let hash = file_hash(&bytes);
        let Some((id, token)) = self.board() else {
            return Ok(None);
        };
        match api::upload_file(&id, &token, &blob).await {
            Ok(_) => {}
            Err(UploadFailed::Refused(why)) => {
                return Err(t_with(
                    "picture-refused",
                    &[("name", name.as_str().into()), ("reason", why.into())],
                ))
            }
            Err(UploadFailed::Unreachable) => {
                idb::put_blob(idb::UPLOADS, &upload_key(&id, &hash), &blob)
                    .await
                    .map_err(|_| t_with("picture-not-kept", &named()))?;
                notice.show(&t("picture-kept-offline"));
            }
        }
        self.show_blob(&hash, &blob);
        let (w, h) = placed_size(w, h);
        let alt = name
            .rsplit_once('.')
            .map_or(name.as_str(), |(stem, _)| stem)
            .to_owned();
        Ok(Some((
            Rect::new(0.0, 0.0, w, h),
            ImageProps {
                hash,
                alt,
                crop: Vec::new(),
            },
        )))
    }

    /// Uploads the pictures added while offline. Run when the connection
    /// returns; stops at the first that cannot reach the server.
    pub fn upload_pending(self, notice: Notice) {
        let Some((id, token)) = self.board() else {
            return;
        };
        spawn_local(async move {
            let prefix = upload_key(&id, "");
            let Ok(keys) = idb::keys_with_prefix(idb::UPLOADS, &prefix).await else {
                return;
            };
            for key in keys {
                let Ok(Some(blob)) = idb::get_blob(idb::UPLOADS, &key).await else {
                    continue;
                };
                match api::upload_file(&id, &token, &blob).await {
                    Ok(_) => {
                        // From now on the server's downscaled versions are fetched
                        // and kept, not the (possibly large) original.
                        let _ = idb::delete(idb::UPLOADS, &key).await;
                    }
                    Err(UploadFailed::Refused(why)) => {
                        let _ = idb::delete(idb::UPLOADS, &key).await;
                        notice.show(&t_with(
                            "picture-offline-refused",
                            &[("reason", why.into())],
                        ));
                    }
                    Err(UploadFailed::Unreachable) => return,
                }
            }
        });
    }
}

/// The name of a picture's small version: in the map, in IndexedDB, and after
/// `/files/` in its URL.
fn small_key(hash: &str) -> String {
    format!("{hash}/small")
}

fn upload_key(board: &str, hash: &str) -> String {
    format!("{board}/{hash}")
}

async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, wasm_bindgen::JsValue> {
    let buffer = JsFuture::from(file.array_buffer()).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// A `Blob` of `bytes` typed as what they are (not what the file's name said).
fn blob_of(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
}

/// The picture's size in pixels, as the browser decodes it.
async fn natural_size(blob: &web_sys::Blob) -> Result<(f64, f64), wasm_bindgen::JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let img = web_sys::HtmlImageElement::new()?;
    img.set_src(&url);
    let decoded = JsFuture::from(img.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded?;
    let (w, h) = (img.natural_width(), img.natural_height());
    if w == 0 || h == 0 {
        // An SVG without a size of its own.
        return Ok((0.0, 0.0));
    }
    Ok((f64::from(w), f64::from(h)))
}

/// The files a paste or drop carries.
pub fn files_of(data: Option<web_sys::DataTransfer>) -> Vec<web_sys::File> {
    let Some(list) = data.and_then(|d| d.files()) else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Files picked in an `<input type=file>`.
pub fn files_of_input(input: &web_sys::HtmlInputElement) -> Vec<web_sys::File> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Whether a drag carries files (a drop of them adds pictures).
pub fn carries_files(e: &web_sys::DragEvent) -> bool {
    e.data_transfer()
        .map(|d| {
            d.types()
                .iter()
                .any(|t| t.as_string().as_deref() == Some("Files"))
        })
        .unwrap_or(false)
}

/// The `accept` list of the file picker.
pub const ACCEPT: &str = "image/png,image/jpeg,image/gif,image/webp,image/svg+xml";
