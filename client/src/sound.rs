//! A soft two-note chime made with WebAudio oscillators: no audio file to load or
//! ship. Quiet and short, for a timer running out in a room where people talk.

use std::cell::RefCell;
use web_sys::{AudioContext, OscillatorType};

thread_local! {
    /// One context per page: browsers limit how many a page may open.
    static CONTEXT: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
}

/// Plays the chime (nothing if the browser has no WebAudio or blocks it).
pub fn chime() {
    CONTEXT.with_borrow_mut(|slot| {
        if slot.is_none() {
            *slot = AudioContext::new().ok();
        }
        if let Some(ctx) = slot.as_ref() {
            // A context made before any click starts suspended.
            let _ = ctx.resume();
            let start = ctx.current_time();
            let _ = note(ctx, 880.0, start, 0.35);
            let _ = note(ctx, 660.0, start + 0.22, 0.5);
        }
    });
}

/// One sine note of `length` seconds from `at`, fading in fast and out slowly.
fn note(ctx: &AudioContext, hz: f32, at: f64, length: f64) -> Result<(), wasm_bindgen::JsValue> {
    let osc = ctx.create_oscillator()?;
    osc.set_type(OscillatorType::Sine);
    osc.frequency().set_value(hz);
    let gain = ctx.create_gain()?;
    let level = gain.gain();
    level.set_value_at_time(0.0001, at)?;
    level.exponential_ramp_to_value_at_time(0.08, at + 0.02)?;
    level.exponential_ramp_to_value_at_time(0.0001, at + length)?;
    osc.connect_with_audio_node(&gain)?;
    gain.connect_with_audio_node(&ctx.destination())?;
    osc.start_with_when(at)?;
    osc.stop_with_when(at + length + 0.05)?;
    Ok(())
}
