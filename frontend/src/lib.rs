//! The browser entry point: wasm-bindgen calls `hydrate` once the WASM has
//! loaded, and Leptos takes over the server-rendered page in place. Lazy
//! routes (their code in separate WASM chunks) need the asynchronous
//! hydration, which loads a lazy page's chunk before hydrating it;
//! `<body data-hydrated>` is set once that is done.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // The panic goes to the console, and onto `<body data-panic>` so that a
    // test waiting for `data-hydrated` can say why it never came.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = info.to_string();
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-panic", &message);
        }
        // A lazy page's code did not arrive (a cut connection, a download
        // a navigation interrupted, a cache that kept half of it): Leptos
        // 0.8's lazy routes cannot fail, so the app stops. Load the page
        // afresh, once, as the person would; a second failure stays.
        if message.contains("load callback should succeed") {
            reload_once();
        }
    }));
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else { return };
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        // Lets tests (and curious people) tell that the page is now
        // interactive, lazy page included.
        let _ = body.set_attribute("data-hydrated", "true");
        // Hydrated: a later failure may reload once again.
        if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
            let _ = s.remove_item(RELOADED);
        }
    });
}

/// Set in the tab's session storage while a reload after a failed chunk
/// is under way; cleared once a page has hydrated.
const RELOADED: &str = "sihati-reloaded-for-code";

/// Reloads a little later, from a timer: when the failed download was cut
/// short by the person leaving the page (a link, a typed address), the
/// page is gone by then and the timer with it, so their navigation is
/// never replaced by a reload. The timer calls `location.reload` itself
/// (a plain JavaScript function; the WASM has stopped).
fn reload_once() {
    let Some(w) = web_sys::window() else { return };
    let storage = w.session_storage().ok().flatten();
    if storage.as_ref().and_then(|s| s.get_item(RELOADED).ok().flatten()).is_some() {
        return;
    }
    if let Some(s) = &storage {
        let _ = s.set_item(RELOADED, "1");
    }
    let location = w.location();
    let Ok(reload) = js_sys::Reflect::get(&location, &"reload".into()) else { return };
    let reload: js_sys::Function = reload.into();
    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&reload.bind0(&location), 300);
}
