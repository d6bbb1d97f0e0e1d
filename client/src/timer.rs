//! Browser timers: a one-shot callback, one at the next animation frame, and
//! a repeating one that stops when its owner drops it.

use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;

/// Runs `f` after `ms` milliseconds.
pub fn after(ms: i32, f: impl FnOnce() + 'static) {
    let cb = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms);
    }
}

/// Runs `f` at the next animation frame, before the browser paints it.
pub fn next_frame(f: impl FnOnce() + 'static) {
    let cb = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(cb.unchecked_ref());
    }
}

/// A callback run every so often until this is dropped.
///
/// Owning the closure (instead of `forget`ting it) is what lets the timer end:
/// dropping clears the interval first, so the browser never calls a freed closure.
pub struct Interval {
    handle: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Interval {
    /// Starts calling `f` every `ms` milliseconds.
    pub fn every(ms: i32, f: impl FnMut() + 'static) -> Interval {
        let callback = Closure::<dyn FnMut()>::new(f);
        let handle = web_sys::window().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                ms,
            )
            .ok()
        });
        Interval {
            handle,
            _callback: callback,
        }
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        if let (Some(handle), Some(w)) = (self.handle, web_sys::window()) {
            w.clear_interval_with_handle(handle);
        }
    }
}
