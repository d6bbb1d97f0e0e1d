//! Writing to the system clipboard from a button (share links). Copy and paste
//! of elements go through the browser's copy and paste events instead, which
//! need no permission.

use wasm_bindgen::JsCast;

/// Puts `text` on the clipboard: the async Clipboard API where the page is a
/// secure context, else a hidden text field and the `copy` command.
pub fn write_text(text: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if window.is_secure_context() {
        let _ = window.navigator().clipboard().write_text(text);
        return;
    }
    let Some(doc) = window.document() else { return };
    let Ok(field) = doc.create_element("textarea") else {
        return;
    };
    let Ok(field) = field.dyn_into::<web_sys::HtmlTextAreaElement>() else {
        return;
    };
    field.set_value(text);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&field);
        field.select();
        if let Ok(html) = doc.clone().dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.exec_command("copy");
        }
        let _ = body.remove_child(&field);
    }
}
