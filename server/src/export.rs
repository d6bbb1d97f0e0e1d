//! Exports and import: the board read from the store into one [`BoardData`],
//! and written out as a picture (SVG from [`tafel_shared::draw`]; PNG through
//! resvg; PDF through svg2pdf, one page per frame), as Tafel's lossless JSON
//! (which [`import_docs`] turns back into a board), as Markdown for a
//! Confluence page, or as CSV for Jira's CSV import.
//!
//! Everything here is plain functions over data, with no I/O but the store
//! read in [`load`]: the HTTP routes ([`routes`]) and `tafel export` share them.
//! Fonts are Inter, compiled into the binary, so a picture looks the same on
//! every server and never depends on the system's fonts.

use crate::app::App;
use crate::http::{ApiResult, AppError, BoardAccess};
use crate::storage::{DocKey, FileVersion, Storage};
use crate::store::StoreError;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tafel_shared::api::{BoardExport, BOARD_EXPORT_FORMAT, BOARD_EXPORT_VERSION};
use tafel_shared::comments::{self, Change, Discussion};
use tafel_shared::element::{read_all, reading_order, Element, Props};
use tafel_shared::geometry::Rect;
use tafel_shared::ids::BoardId;
use tafel_shared::roles::DocKind;
use tafel_shared::schema::{self, STICKY_COLORS};
use yrs::updates::decoder::Decode;
use yrs::{ReadTxn, Transact};

/// Largest PNG, in pixels: bigger boards are scaled down to fit.
pub const MAX_PNG_PIXELS: f64 = 40_000_000.0;
/// Most elements an import may bring.
pub const MAX_IMPORT_ELEMENTS: usize = 100_000;

/// Why an export or import failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the board failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The board (or the chosen frames or elements) has nothing to draw.
    #[error("there is nothing to draw: {0}")]
    Empty(String),
    /// The drawing could not be rendered (a bug: the SVG is ours).
    #[error("rendering failed: {0}")]
    Render(String),
    /// An import is not a board Tafel can read.
    #[error("{0}")]
    BadImport(String),
}

/// A board as exports need it.
#[derive(Clone, Debug, Default)]
pub struct BoardData {
    /// Title.
    pub title: String,
    /// Template id.
    pub template: String,
    /// The content's elements.
    pub content: Vec<Element>,
    /// The locked layer's elements (marked locked).
    pub locked: Vec<Element>,
    /// Comment threads and comments.
    pub discussion: Discussion,
    /// Dots per element in the latest ended voting round.
    pub votes: HashMap<String, u32>,
    /// The canvas version of each picture the board's images show, as a data
    /// URL, by hash.
    pub images: HashMap<String, String>,
    /// The originals of those pictures (only read for the JSON export).
    pub files: Vec<tafel_shared::api::ExportedFile>,
}

impl BoardData {
    /// Everything on the canvas, the layer winning an id (as the client draws it).
    pub fn canvas(&self) -> Vec<Element> {
        layered(self.content.clone(), self.locked.clone())
    }
}

/// The canvas from a content and a locked layer: the layer wins an id, as the
/// client draws it.
pub fn layered(mut content: Vec<Element>, layer: Vec<Element>) -> Vec<Element> {
    let ids: std::collections::HashSet<&str> = layer.iter().map(|e| e.base.id.as_str()).collect();
    content.retain(|e| !ids.contains(e.base.id.as_str()));
    content.extend(layer);
    content
}

/// The elements of one document's state (none if it is absent or does not
/// decode), marked locked if they are the locked layer's.
pub fn elements_of_state(state: Option<&[u8]>, locked: bool) -> Vec<Element> {
    let doc = yrs::Doc::new();
    if let Some(update) = state.and_then(|s| yrs::Update::decode_v1(s).ok()) {
        if doc.transact_mut().apply_update(update).is_err() {
            return Vec::new();
        }
    }
    let map = schema::elements(&doc);
    let mut all = read_all(&doc.transact(), &map);
    if locked {
        for e in &mut all {
            e.base.locked = true;
        }
    }
    all
}

/// The threads and comments of a comments document's state.
fn discussion_of_state(state: Option<&[u8]>) -> Discussion {
    let doc = yrs::Doc::new();
    if let Some(update) = state.and_then(|s| yrs::Update::decode_v1(s).ok()) {
        let _ = doc.transact_mut().apply_update(update);
    }
    let maps = comments::Maps::of(&doc);
    let d = Discussion::read(&doc.transact(), &maps);
    d
}

/// Reads a board for export: its record, canvas, comments, votes and the
/// pictures its images show (the originals too when `originals`).
pub fn load(
    s: &Storage,
    board: &BoardId,
    originals: bool,
) -> Result<Option<BoardData>, StoreError> {
    let Some(record) = s.get_board(board)? else {
        return Ok(None);
    };
    let key = |doc| DocKey {
        board: board.clone(),
        doc,
    };
    let content = elements_of_state(s.doc_state(&key(DocKind::Content))?.as_deref(), false);
    let locked = elements_of_state(s.doc_state(&key(DocKind::Locked))?.as_deref(), true);
    let discussion = discussion_of_state(s.doc_state(&key(DocKind::Comments))?.as_deref());
    let votes = s
        .workshop(board)?
        .and_then(|bytes| crate::workshop::Workshop::from_json(&bytes).ok())
        .map(|w| w.latest_results().into_iter().collect())
        .unwrap_or_default();
    let (images, files) = pictures(s, board, content.iter().chain(&locked), originals)?;
    Ok(Some(BoardData {
        title: record.title,
        template: record.template,
        content,
        locked,
        discussion,
        votes,
        images,
        files,
    }))
}

type Pictures = (
    HashMap<String, String>,
    Vec<tafel_shared::api::ExportedFile>,
);

/// The pictures `elements` show: canvas versions as data URLs, and originals.
fn pictures<'a>(
    s: &Storage,
    board: &BoardId,
    elements: impl Iterator<Item = &'a Element>,
    originals: bool,
) -> Result<Pictures, StoreError> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let hashes: std::collections::BTreeSet<&str> = elements
        .filter_map(|e| match &e.props {
            Props::Image(p) if tafel_shared::api::is_file_hash(&p.hash) => Some(p.hash.as_str()),
            _ => None,
        })
        .collect();
    let mut images = HashMap::new();
    let mut files = Vec::new();
    for hash in hashes {
        let Some(meta) = s.file(board, hash)? else {
            continue;
        };
        if let Some(bytes) = s.file_bytes(board, hash, FileVersion::Canvas)? {
            let mime = meta.mime_of(FileVersion::Canvas);
            images.insert(
                hash.to_owned(),
                format!("data:{mime};base64,{}", b64.encode(bytes)),
            );
        }
        if originals {
            if let Some(bytes) = s.file_bytes(board, hash, FileVersion::Original)? {
                files.push(tafel_shared::api::ExportedFile {
                    hash: hash.to_owned(),
                    mime: meta.info.mime.clone(),
                    data: b64.encode(bytes),
                });
            }
        }
    }
    Ok((images, files))
}

/// Which part of the board an export shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// Frames, by title or id; each is one page of a PDF.
    pub frames: Vec<String>,
    /// Elements, by id (what a person had selected).
    pub ids: Vec<String>,
}

/// One page: a board area and the elements in it.
#[derive(Clone, Debug)]
pub struct Page {
    /// Its title (a frame's, or the board's).
    pub title: String,
    /// The board area it shows.
    pub area: Rect,
}

fn frame_title(e: &Element) -> Option<&str> {
    match &e.props {
        Props::Frame(f) => Some(&f.title),
        _ => None,
    }
}

/// The pages `selection` asks for: one per frame, or one around the chosen
/// elements, or the whole board.
pub fn pages(data: &BoardData, selection: &Selection) -> Result<Vec<Page>, ExportError> {
    let canvas = data.canvas();
    const MARGIN: f64 = 40.0;
    let grow = |r: Rect| {
        Rect::new(
            r.x - MARGIN,
            r.y - MARGIN,
            r.w + 2.0 * MARGIN,
            r.h + 2.0 * MARGIN,
        )
    };
    if !selection.frames.is_empty() {
        let mut out = Vec::new();
        for wanted in &selection.frames {
            let frame = canvas
                .iter()
                .filter(|e| e.is_frame())
                .find(|e| e.base.id == *wanted || frame_title(e) == Some(wanted.as_str()))
                .ok_or_else(|| ExportError::Empty(format!("no frame called “{wanted}”")))?;
            out.push(Page {
                title: frame_title(frame).unwrap_or_default().to_owned(),
                area: grow(frame.base.rect),
            });
        }
        return Ok(out);
    }
    let chosen: Vec<Rect> = if selection.ids.is_empty() {
        canvas.iter().map(|e| e.base.rect).collect()
    } else {
        canvas
            .iter()
            .filter(|e| selection.ids.contains(&e.base.id))
            .map(|e| e.base.rect)
            .collect()
    };
    let area = Rect::bounding(chosen)
        .ok_or_else(|| ExportError::Empty("the board or the selection is empty".into()))?;
    Ok(vec![Page {
        title: data.title.clone(),
        area: grow(area),
    }])
}

/// The SVG of one page.
pub fn svg(data: &BoardData, page: &Page) -> String {
    tafel_shared::draw::svg_with_images(&data.canvas(), page.area, &|hash| {
        data.images.get(hash).cloned()
    })
}

fn tree(svg: &str) -> Result<resvg::usvg::Tree, ExportError> {
    resvg::usvg::Tree::from_str(svg, crate::render::options())
        .map_err(|e| ExportError::Render(e.to_string()))
}

/// A PNG of `svg` at `scale` (scaled down further to stay within
/// [`MAX_PNG_PIXELS`]).
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, ExportError> {
    let tree = tree(svg)?;
    let size = tree.size();
    let (w, h) = (f64::from(size.width()), f64::from(size.height()));
    let mut scale = f64::from(scale.clamp(0.1, 4.0));
    if w * h * scale * scale > MAX_PNG_PIXELS {
        scale = (MAX_PNG_PIXELS / (w * h)).sqrt();
    }
    let size = ((w * scale).ceil(), (h * scale).ceil());
    crate::render::rasterise(&tree, scale, size)
        .ok_or_else(|| ExportError::Render(format!("no {size:?} canvas")))?
        .encode_png()
        .map_err(|e| ExportError::Render(e.to_string()))
}

/// A PDF with one page per SVG, each page the drawing's size (1 board unit =
/// 1 pt), texts embedded in Inter.
pub fn pdf(svgs: &[String]) -> Result<Vec<u8>, ExportError> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect as PdfRect, Ref};
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = alloc();
    let page_tree = alloc();
    let mut pdf = Pdf::new();
    let mut page_refs = Vec::new();
    let mut chunks = Vec::new();
    for svg in svgs {
        let tree = tree(svg)?;
        let (chunk, drawing) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
            .map_err(|e| ExportError::Render(e.to_string()))?;
        let mut map = HashMap::new();
        let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(&mut alloc));
        let drawing = map
            .get(&drawing)
            .copied()
            .ok_or_else(|| ExportError::Render("the drawing went missing".into()))?;
        let (page, content) = (alloc(), alloc());
        let (w, h) = (tree.size().width(), tree.size().height());
        let mut stream = Content::new();
        // The drawing is a unit-square form: scale it to the page.
        stream.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        stream.x_object(Name(b"D"));
        pdf.stream(content, &stream.finish());
        let mut p = pdf.page(page);
        p.media_box(PdfRect::new(0.0, 0.0, w, h));
        p.parent(page_tree);
        p.contents(content);
        p.resources().x_objects().pair(Name(b"D"), drawing);
        p.finish();
        page_refs.push(page);
        chunks.push(chunk);
    }
    for chunk in &chunks {
        pdf.extend(chunk);
    }
    pdf.catalog(catalog).pages(page_tree);
    let count = page_refs.len() as i32;
    pdf.pages(page_tree).kids(page_refs).count(count);
    Ok(pdf.finish())
}

fn by_id<T: Clone>(items: impl Iterator<Item = (String, T)>) -> Vec<T> {
    let sorted: BTreeMap<String, T> = items.collect();
    sorted.into_values().collect()
}

/// The lossless JSON of a board.
pub fn json(data: &BoardData) -> BoardExport {
    BoardExport {
        format: BOARD_EXPORT_FORMAT.into(),
        version: BOARD_EXPORT_VERSION,
        title: data.title.clone(),
        template: data.template.clone(),
        elements: by_id(data.content.iter().map(|e| (e.base.id.clone(), e.clone()))),
        locked: by_id(data.locked.iter().map(|e| {
            let mut e = e.clone();
            e.base.locked = false;
            (e.base.id.clone(), e)
        })),
        threads: by_id(
            data.discussion
                .threads
                .values()
                .map(|t| (t.id.clone(), t.clone())),
        ),
        comments: by_id(
            data.discussion
                .comments
                .values()
                .flatten()
                .map(|c| (c.id.clone(), c.clone())),
        ),
        files: data.files.clone(),
    }
}

/// The whole state of a document, as stored.
pub(crate) fn state_of(doc: &yrs::Doc) -> Vec<u8> {
    doc.transact()
        .encode_state_as_update_v1(&yrs::StateVector::default())
}

/// A document holding `elements` (and the schema version), as stored: the
/// content or locked layer of a new board made from an export or a template.
pub(crate) fn state_of_elements(elements: &[Element]) -> Vec<u8> {
    let doc = yrs::Doc::new();
    let map = schema::elements(&doc);
    // Root types before the transaction: fetching one inside would wait on it.
    let meta = doc.get_or_insert_map(schema::ROOT_META);
    {
        let mut txn = doc.transact_mut();
        schema::stamp_schema_version(&mut txn, &meta);
        for e in elements {
            e.insert(&mut txn, &map);
        }
    }
    state_of(&doc)
}

/// The pictures of an export, each checked as an upload is (type from the
/// bytes, size, the board's quota) and against the hash it claims.
pub fn import_files(
    files: &[tafel_shared::api::ExportedFile],
    max_file: u64,
    quota: u64,
) -> Result<Vec<crate::files::Prepared>, ExportError> {
    use base64::Engine;
    let mut out: Vec<crate::files::Prepared> = Vec::new();
    for f in files {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&f.data)
            .map_err(|_| ExportError::BadImport(format!("Picture {} is not base64.", f.hash)))?;
        let prepared = crate::files::prepare(bytes, max_file)
            .map_err(|e| ExportError::BadImport(format!("Picture {}: {e}", f.hash)))?;
        if prepared.info.hash != f.hash {
            return Err(ExportError::BadImport(format!(
                "Picture {} does not have the content its name says.",
                f.hash
            )));
        }
        out.push(prepared);
    }
    let total: u64 = out.iter().map(|p| p.info.bytes).sum();
    if total > quota {
        return Err(ExportError::BadImport(format!(
            "The pictures take {} MB; a board may hold {} MB.",
            total >> 20,
            quota >> 20
        )));
    }
    Ok(out)
}

/// The documents of a new board made from an export: content, locked layer and
/// comments. Refuses what is not a Tafel board or would not load.
pub fn import_docs(export: &BoardExport) -> Result<Vec<(DocKind, Vec<u8>)>, ExportError> {
    if export.format != BOARD_EXPORT_FORMAT {
        return Err(ExportError::BadImport(format!(
            "This is not a Tafel board export (format {:?}).",
            export.format
        )));
    }
    if export.version > BOARD_EXPORT_VERSION {
        return Err(ExportError::BadImport(format!(
            "This export is from a newer Tafel (format version {}); update this server first.",
            export.version
        )));
    }
    let total = export.elements.len() + export.locked.len();
    if total > MAX_IMPORT_ELEMENTS {
        return Err(ExportError::BadImport(format!(
            "A board holds at most {MAX_IMPORT_ELEMENTS} elements; this one has {total}."
        )));
    }
    let sane = |e: &Element| {
        let r = e.base.rect;
        !e.base.id.is_empty()
            && e.base.id.len() <= 200
            && [r.x, r.y, r.w, r.h, e.base.rotation]
                .iter()
                .all(|v| v.is_finite())
    };
    if let Some(bad) = export
        .elements
        .iter()
        .chain(&export.locked)
        .find(|e| !sane(e))
    {
        return Err(ExportError::BadImport(format!(
            "Element {:?} has no usable id or a position that is not a number.",
            bad.base.id
        )));
    }
    let talk = {
        let doc = yrs::Doc::new();
        let maps = comments::Maps::of(&doc);
        let mut changes: Vec<Change> = export
            .threads
            .iter()
            .cloned()
            .map(Change::PutThread)
            .collect();
        changes.extend(export.comments.iter().cloned().map(Change::PutComment));
        maps.write(&mut doc.transact_mut(), &changes);
        state_of(&doc)
    };
    Ok(vec![
        (DocKind::Content, state_of_elements(&export.elements)),
        (DocKind::Locked, state_of_elements(&export.locked)),
        (DocKind::Comments, talk),
        (DocKind::Session, state_of(&yrs::Doc::new())),
    ])
}

/// What a board made from `docs` exports as: what [`import_docs`] wrote, read
/// back (the other half of the round trip the property test checks).
pub fn data_of_docs(title: &str, template: &str, docs: &[(DocKind, Vec<u8>)]) -> BoardData {
    let state = |kind| {
        docs.iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| s.as_slice())
    };
    BoardData {
        title: title.to_owned(),
        template: template.to_owned(),
        content: elements_of_state(state(DocKind::Content), false),
        locked: elements_of_state(state(DocKind::Locked), true),
        discussion: discussion_of_state(state(DocKind::Comments)),
        ..BoardData::default()
    }
}

fn colour_name(hex: &str) -> Option<&'static str> {
    STICKY_COLORS
        .iter()
        .find(|(_, h)| h.eq_ignore_ascii_case(hex))
        .map(|(name, _)| *name)
}

fn first_line(text: &str) -> (&str, &str) {
    let text = text.trim();
    match text.split_once('\n') {
        Some((first, rest)) => (first.trim(), rest.trim()),
        None => (text, ""),
    }
}

fn comment_lines(data: &BoardData, element: &str) -> Vec<(String, String, bool)> {
    // (author, text, reply?) of every thread pinned to `element`, oldest first.
    let mut threads: Vec<&comments::Thread> = data
        .discussion
        .threads
        .values()
        .filter(|t| t.anchor.element() == Some(element))
        .collect();
    threads.sort_by_key(|t| (t.created_ms, t.id.clone()));
    let mut out = Vec::new();
    for t in threads {
        for (i, c) in data.discussion.of(&t.id).iter().enumerate() {
            let text = if c.deleted {
                "(deleted)".to_owned()
            } else {
                c.text.clone()
            };
            out.push((c.name.clone(), text, i > 0));
        }
    }
    out
}

/// Markdown for a Confluence page: the board's title, its picture (`picture`,
/// a file to upload beside the page), then each frame as a heading in reading
/// order with its notes as bullet points (author, votes, comments).
pub fn markdown(data: &BoardData, picture: &str) -> String {
    let mut out = format!(
        "# {}\n\n![{}]({picture})\n",
        md_line(&data.title),
        md_line(&data.title)
    );
    for (frame, items) in reading_order(&data.canvas()) {
        let heading = match &frame {
            Some(f) => frame_title(f).unwrap_or_default().to_owned(),
            None => "Outside frames".to_owned(),
        };
        let notes: Vec<&Element> = items
            .iter()
            .filter(|e| !e.is_connector() && !e.is_frame() && !e.text().trim().is_empty())
            .collect();
        if notes.is_empty() && frame.is_none() {
            continue;
        }
        out.push_str(&format!("\n## {}\n\n", md_line(&heading)));
        if notes.is_empty() {
            out.push_str("_(empty)_\n");
        }
        for e in notes {
            let mut line = format!("- {}", md_line(e.text()));
            if !e.base.author.is_empty() {
                line.push_str(&format!(" — _{}_", md_line(&e.base.author)));
            }
            match data.votes.get(&e.base.id) {
                Some(1) => line.push_str(" · **1 vote**"),
                Some(n) => line.push_str(&format!(" · **{n} votes**")),
                None => {}
            }
            out.push_str(&line);
            out.push('\n');
            // Comments as nested items: a blockquote would run them together.
            for (who, text, reply) in comment_lines(data, &e.base.id) {
                let indent = if reply { "    - ↳" } else { "  - 💬" };
                out.push_str(&format!(
                    "{indent} **{}:** {}\n",
                    md_line(&who),
                    md_line(&text)
                ));
            }
        }
    }
    out
}

/// One line of Markdown: newlines become spaces and characters Markdown would
/// read as markup are escaped.
fn md_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A Jira label: no spaces (Jira splits labels at them).
fn label(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join("-")
}

/// CSV for Jira's CSV import: one row per note (sticky notes and text) of the
/// chosen frames or elements (all of them if none are chosen), with Summary
/// (first line), Description (the rest, author and comments), two Labels
/// columns (frame title, colour) and Votes.
pub fn jira_csv(data: &BoardData, selection: &Selection) -> Result<Vec<u8>, ExportError> {
    let canvas = data.canvas();
    let frames: Vec<&Element> = canvas.iter().filter(|e| e.is_frame()).collect();
    let wanted_frames: Vec<&&Element> = frames
        .iter()
        .filter(|f| {
            selection
                .frames
                .iter()
                .any(|w| *w == f.base.id || frame_title(f) == Some(w.as_str()))
        })
        .collect();
    if wanted_frames.len() < selection.frames.len() {
        return Err(ExportError::Empty("a chosen frame does not exist".into()));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = ["Summary", "Description", "Labels", "Labels", "Votes"];
    w.write_record(header)
        .map_err(|e| ExportError::Render(e.to_string()))?;
    for (frame, items) in reading_order(&canvas) {
        let frame_name = frame
            .as_ref()
            .and_then(frame_title)
            .unwrap_or_default()
            .to_owned();
        if !selection.frames.is_empty()
            && !frame
                .as_ref()
                .is_some_and(|f| wanted_frames.iter().any(|w| w.base.id == f.base.id))
        {
            continue;
        }
        for e in items {
            let color = match &e.props {
                Props::Sticky(p) => colour_name(&p.color).unwrap_or("").to_owned(),
                Props::Text(_) => String::new(),
                _ => continue,
            };
            if !selection.ids.is_empty() && !selection.ids.contains(&e.base.id) {
                continue;
            }
            let (summary, rest) = first_line(e.text());
            if summary.is_empty() {
                continue;
            }
            let mut description = rest.to_owned();
            if !e.base.author.is_empty() {
                if !description.is_empty() {
                    description.push_str("\n\n");
                }
                description.push_str(&format!(
                    "From the Tafel board “{}”, by {}.",
                    data.title, e.base.author
                ));
            }
            let talk = comment_lines(data, &e.base.id);
            if !talk.is_empty() {
                description.push_str("\n\nComments:");
                for (who, text, reply) in talk {
                    let lead = if reply { "  ↳ " } else { "- " };
                    description.push_str(&format!("\n{lead}{who}: {text}"));
                }
            }
            let votes = data.votes.get(&e.base.id).copied().unwrap_or(0).to_string();
            let record = [
                summary.to_owned(),
                description,
                label(&frame_name),
                label(&color),
                votes,
            ];
            w.write_record(&record)
                .map_err(|e| ExportError::Render(e.to_string()))?;
        }
    }
    w.into_inner()
        .map_err(|e| ExportError::Render(e.to_string()))
}

pub use tafel_shared::api::ExportFormat as Format;

/// A file name for `title` with `ext`, safe in a header and on any disk.
pub fn file_name(title: &str, ext: &str) -> String {
    tafel_shared::api::export_file_name(title, ext)
}

/// The bytes of `data` in `format`.
pub fn render(
    data: &BoardData,
    format: Format,
    selection: &Selection,
    scale: f32,
) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        Format::Svg => {
            let page = pages(data, selection)?.remove(0);
            svg(data, &page).into_bytes()
        }
        Format::Png => {
            let page = pages(data, selection)?.remove(0);
            png(&svg(data, &page), scale)?
        }
        Format::Pdf => {
            let svgs: Vec<String> = pages(data, selection)?
                .iter()
                .map(|p| svg(data, p))
                .collect();
            pdf(&svgs)?
        }
        Format::Json => serde_json::to_vec_pretty(&json(data))
            .map_err(|e| ExportError::Render(e.to_string()))?,
        Format::Md => markdown(data, &file_name(&data.title, "png")).into_bytes(),
        Format::Csv => jira_csv(data, selection)?,
    })
}

/// `tafel export`: reads the board from a stopped server's data directory and
/// writes the file. Returns where it wrote.
pub fn run_cli(args: &crate::config::ExportArgs) -> anyhow::Result<String> {
    use anyhow::Context;
    let board = BoardId::parse(&args.board)
        .with_context(|| format!("{:?} is not a board id", args.board))?;
    if !args.data.join("FORMAT").exists() {
        anyhow::bail!("{} is not a Tafel data directory", args.data.display());
    }
    let keys = crate::keys::dir_for(&args.data, args.keys.as_deref());
    let store = crate::sealed::open_data(&args.data, &keys).map_err(|e| {
        anyhow::anyhow!(
            "cannot open {} ({e}); if a server is running on it, stop it or use the HTTP export (GET /api/boards/{{id}}/export/{{format}})",
            args.data.display()
        )
    })?;
    let storage = Storage::new(store);
    let data = load(&storage, &board, args.format == Format::Json)?
        .with_context(|| format!("there is no board {board}"))?;
    let selection = Selection {
        frames: args.frame.clone(),
        ids: args.ids.clone(),
    };
    let bytes = render(&data, args.format, &selection, args.scale)?;
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| file_name(&data.title, args.format.extension()).into());
    if out.as_os_str() == "-" {
        use std::io::Write;
        std::io::stdout().write_all(&bytes)?;
        return Ok("standard output".into());
    }
    std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    Ok(out.display().to_string())
}

/// The export and import routes, merged into the API router.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/boards/{id}/export/{format}", get(export))
        .route(
            "/api/boards/import",
            axum::routing::post(import)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
}

/// Largest import body.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// `POST /api/boards/import`: a new board from a Tafel export, for whoever may
/// create boards.
async fn import(
    State(app): State<Arc<App>>,
    crate::http::CallerToken(token): crate::http::CallerToken,
    crate::http::ClientAddr(addr): crate::http::ClientAddr,
    json: Result<axum::Json<BoardExport>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(StatusCode, axum::Json<tafel_shared::api::BoardCreated>)> {
    if app.config.create_requires_operator {
        crate::http::check_operator(&app, token.as_deref()).await?;
    }
    crate::http::per_address(&app.creations, addr, "new boards")?;
    let export = crate::http::body(json)?;
    let title = crate::http::clean_title(&export.title)?;
    let parsed = export.clone();
    let max_file = app.config.max_image_bytes();
    let quota = app.config.board_images_bytes();
    let (docs, files) = tokio::task::spawn_blocking(move || {
        Ok::<_, ExportError>((
            import_docs(&parsed)?,
            import_files(&parsed.files, max_file, quota)?,
        ))
    })
    .await
    .map_err(|e| AppError::Storage(StoreError::io(e)))?
    .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let created = crate::http::store_new_board(
        &app,
        title,
        &export.template,
        docs,
        crate::http::NewFiles::Checked(files),
        addr,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[derive(serde::Deserialize, Default)]
struct ExportQuery {
    /// Frames by title or id, comma-separated (one PDF page each).
    #[serde(default)]
    frame: Option<String>,
    /// Element ids, comma-separated.
    #[serde(default)]
    ids: Option<String>,
    /// PNG pixels per board unit.
    #[serde(default)]
    scale: Option<f32>,
}

fn list(s: Option<&str>) -> Vec<String> {
    s.map(|s| {
        s.split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

async fn export(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    Path((_, format)): Path<(String, String)>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let format = Format::parse(&format).ok_or(AppError::Missing("export format"))?;
    let selection = Selection {
        frames: list(q.frame.as_deref()),
        ids: list(q.ids.as_deref()),
    };
    let board = access.board.clone();
    app.record_access(
        tafel_shared::api::AccessAction::Export,
        Some(&board),
        Some(access.role),
        Some(access.addr),
        Some(format.extension().to_owned()),
    );
    let scale = q.scale.unwrap_or(1.0);
    let started = std::time::Instant::now();
    // Rendering is CPU work: off the async threads, like store reads.
    let made = tokio::task::spawn_blocking(move || {
        let storage = app.storage.clone();
        let data = load(&storage, &board, format == Format::Json)?
            .ok_or_else(|| ExportError::Empty("no such board".into()))?;
        let bytes = render(&data, format, &selection, scale)?;
        Ok::<_, ExportError>((data.title, bytes))
    })
    .await
    .map_err(|e| AppError::Storage(StoreError::io(e)))?;
    let (title, bytes) = match made {
        Ok(made) => made,
        Err(ExportError::Store(e)) => return Err(AppError::Storage(e)),
        Err(ExportError::Empty(why)) | Err(ExportError::BadImport(why)) => {
            return Err(AppError::BadRequest(format!("Nothing to export: {why}.")))
        }
        Err(ExportError::Render(why)) => {
            tracing::error!(%why, "export failed");
            return Err(AppError::Storage(StoreError::io(why)));
        }
    };
    tracing::info!(board = %access.board, format = format.extension(), ms = started.elapsed().as_millis() as u64, "export");
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file_name(&title, format.extension())
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            // An SVG opened from here must never run as a document.
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tafel_shared::comments::{Anchor, Comment, Thread};
    use tafel_shared::element::{ConnectorProps, FrameProps, PenProps, ShapeProps, TextProps};
    use tafel_shared::geometry::{Outline, Point, Routing};
    use tafel_shared::templates::Template;

    fn template_board(t: Template) -> BoardData {
        let built = t.build(tafel_shared::i18n::Lang::En, 1);
        let docs = vec![
            (DocKind::Content, state_of(&built.content)),
            (DocKind::Locked, state_of(&built.locked)),
        ];
        data_of_docs(&t.name(tafel_shared::i18n::Lang::En), t.id(), &docs)
    }

    #[test]
    fn a_template_board_draws_as_png_and_pdf_with_a_page_per_frame() {
        let data = template_board(Template::Swot);
        let frames: Vec<String> = data
            .canvas()
            .iter()
            .filter_map(|e| frame_title(e).map(str::to_owned))
            .collect();
        assert_eq!(frames.len(), 4);
        let all = pages(&data, &Selection::default()).unwrap();
        let png = png(&svg(&data, &all[0]), 1.0).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let chosen = Selection {
            frames: frames[..2].to_vec(),
            ids: vec![],
        };
        let svgs: Vec<String> = pages(&data, &chosen)
            .unwrap()
            .iter()
            .map(|p| svg(&data, p))
            .collect();
        let pdf = pdf(&svgs).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(String::from_utf8_lossy(&pdf).contains("/Count 2"));
        let missing = Selection {
            frames: vec!["Nope".into()],
            ids: vec![],
        };
        assert!(matches!(pages(&data, &missing), Err(ExportError::Empty(_))));
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name("Retro: Q3/2026 \"final\"", "pdf"),
            "Retro-Q3-2026-final.pdf"
        );
        assert_eq!(file_name("  ", "md"), "board.md");
        assert_eq!(file_name("Größe ändern", "csv"), "Größe-ändern.csv");
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a-zA-Z0-9äöüß .,!?\n🙂-]{0,24}").expect("regex")
    }

    fn coordinate() -> impl Strategy<Value = f64> {
        -5_000.0..5_000.0f64
    }

    fn element(i: usize) -> impl Strategy<Value = Element> {
        let props = prop_oneof![
            (text(), 0..7usize).prop_map(|(t, c)| Props::Sticky(
                tafel_shared::element::StickyProps {
                    text: t,
                    color: STICKY_COLORS[c].1.to_owned(),
                }
            )),
            (text(), 0..3usize).prop_map(|(t, s)| Props::Text(TextProps {
                text: t,
                stroke: "#1f2328".into(),
                size: [0.0, 16.0, 56.0][s],
            })),
            (text(), 0..3usize).prop_map(|(t, o)| Props::Shape(ShapeProps {
                outline: [Outline::Rect, Outline::Ellipse, Outline::Diamond][o],
                text: t,
                fill: "#a5d8ff".into(),
                stroke: "#1f2328".into(),
            })),
            (text(), text()).prop_map(|(t, h)| Props::Frame(FrameProps { title: t, hint: h })),
            (text(), coordinate(), coordinate()).prop_map(|(t, x, y)| Props::Connector(
                ConnectorProps {
                    from: "e0".into(),
                    to: String::new(),
                    points: vec![Point::new(x, y), Point::new(y, x)],
                    text: t,
                    stroke: "#1f2328".into(),
                    route: if x > y {
                        Routing::Curved
                    } else {
                        Routing::Elbow
                    },
                }
            )),
            proptest::collection::vec((coordinate(), coordinate()), 1..6).prop_map(
                |ps| Props::Pen(PenProps {
                    points: ps.into_iter().map(|(x, y)| Point::new(x, y)).collect(),
                    stroke: "#e03131".into(),
                })
            ),
        ];
        (
            props,
            coordinate(),
            coordinate(),
            1.0..800.0f64,
            1.0..800.0f64,
            text(),
        )
            .prop_map(move |(props, x, y, w, h, author)| {
                let mut e = Element::new(format!("e{i}"), Rect::new(x, y, w, h), props);
                e.base.author = author;
                e.base.z = format!("a{i}");
                e.base.created_ms = 1_700_000_000_000 + i as u64;
                e
            })
    }

    fn board() -> impl Strategy<Value = BoardExport> {
        (1..12usize, text(), proptest::collection::vec(text(), 0..4))
            .prop_flat_map(|(n, title, remarks)| {
                let elements: Vec<_> = (0..n).map(element).collect();
                (elements, Just(title), Just(remarks), 0..n)
            })
            .prop_map(|(elements, title, remarks, split)| {
                let (content, locked) = elements.split_at(split);
                let author = ParticipantId::parse(&"a".repeat(22)).expect("id");
                let threads = vec![Thread {
                    id: "t1".into(),
                    anchor: Anchor::Element {
                        id: "e0".into(),
                        dx: 1.0,
                        dy: 2.0,
                        x: 3.0,
                        y: 4.0,
                    },
                    author: author.clone(),
                    created_ms: 5,
                    resolved: None,
                }];
                let comments = remarks
                    .into_iter()
                    .enumerate()
                    .map(|(i, text)| Comment {
                        id: format!("c{i}"),
                        thread: "t1".into(),
                        author: author.clone(),
                        name: "Ada".into(),
                        text,
                        mentions: vec![],
                        created_ms: 10 + i as u64,
                        edited_ms: None,
                        deleted: false,
                    })
                    .collect();
                BoardExport {
                    format: BOARD_EXPORT_FORMAT.into(),
                    version: BOARD_EXPORT_VERSION,
                    title,
                    template: String::new(),
                    elements: content.to_vec(),
                    locked: locked.to_vec(),
                    threads,
                    comments,
                    files: Vec::new(),
                }
            })
    }

    use tafel_shared::ids::ParticipantId;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn export_import_export_gives_the_same_json(board in board()) {
            let once = json(&data_of_docs(&board.title, "", &import_docs(&board).expect("imports")));
            let first = serde_json::to_string_pretty(&once).expect("json");
            let again = json(&data_of_docs(&once.title, "", &import_docs(&once).expect("imports again")));
            let second = serde_json::to_string_pretty(&again).expect("json");
            prop_assert_eq!(first, second);
        }
    }

    #[test]
    fn imports_that_are_not_tafel_boards_are_refused() {
        let mut e = json(&template_board(Template::Retrospective));
        e.format = "miro".into();
        assert!(matches!(import_docs(&e), Err(ExportError::BadImport(_))));
        e.format = BOARD_EXPORT_FORMAT.into();
        e.version = BOARD_EXPORT_VERSION + 1;
        assert!(matches!(import_docs(&e), Err(ExportError::BadImport(_))));
        e.version = BOARD_EXPORT_VERSION;
        e.locked[0].base.rect.x = f64::NAN;
        assert!(matches!(import_docs(&e), Err(ExportError::BadImport(_))));
    }
}
