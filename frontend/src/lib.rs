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
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-panic", &info.to_string());
        }
    }));
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else { return };
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        // Lets tests (and curious people) tell that the page is now
        // interactive, lazy page included.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
