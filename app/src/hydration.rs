//! The script that hydrates a page, in place of Leptos's `HydrationScripts`
//! (issue 15).
//!
//! Leptos puts `<link rel="preload">` for the main JS and WASM in `<head>`,
//! and its integration adds one for each chunk of the lazy page being
//! rendered (from the split manifest), so a phone starts the ~340 KB WASM
//! download and the page's chunks while it still fetches the stylesheet and
//! paints the server's HTML. Lighthouse's simulation counts those downloads
//! before the largest paint (home's LCP was 3.15–3.45 s for an intro
//! paragraph the server sends; the lazy pages' 3.0–3.2 s at 26eed18). Every
//! Sihati page is usable before hydration (plain links, forms that post
//! without JavaScript), so the page paints first: nothing is preloaded from
//! `<head>`; once the first frame is on screen (the second animation frame:
//! the first one's callbacks run before it is painted, and at 7e38063, with
//! one, the fetch still started before the paint was presented) the script
//! fetches the WASM, the lazy page's chunks (listed in
//! `<meta name="lazy-wasm">`, see [`announce_lazy_chunks`]) and imports the
//! JS together, then hydrates. A hidden tab (nothing to paint) starts at
//! once; three seconds is the backstop. The chunks go to the HTTP cache
//! (their hashed names are kept for good); the split loader's own fetch,
//! when the router preloads the page during hydration, is answered from it.
//! Hydration starts in a task of its own (`setTimeout`), not in the one
//! that instantiated the WASM: two shorter tasks instead of one long one,
//! which is what the blocking time counts (home's median TBT 158 → 102 ms
//! in French, 108 → 73 ms in Arabic, in an A/B run on one build;
//! docs/BENCHMARKS.md).
//!
//! What `HydrationScripts` does besides is kept: the hashed file names
//! (`hash.txt` beside the server binary). The split manifest is read too,
//! but not given to Leptos as context (that is what makes the integration
//! write the chunks' preloads). Both are read once per process (Leptos
//! reads the names on every page): every build is followed by a new server
//! process (scripts/run.sh, scripts/test.sh, the benches).

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// What every page gets, made once per process: the hydration script
/// (with the hashed file names in it) and, for a `--split` build, the URLs
/// of the chunks of each lazy function, by the id `#[lazy]` gave it.
struct Assets {
    script: String,
    // Read by `announce_lazy_chunks`, on the server only.
    #[cfg_attr(not(feature = "ssr"), allow(dead_code))]
    chunks: HashMap<String, Vec<String>>,
}

static ASSETS: OnceLock<Assets> = OnceLock::new();

fn assets(options: &LeptosOptions) -> &'static Assets {
    ASSETS.get_or_init(|| {
        let name = options.output_name.to_string();
        let pkg = options.site_pkg_dir.to_string();
        let mut js = name.clone();
        let mut wasm = name;
        let mut manifest = "__wasm_split_manifest.json".to_string();
        if options.hash_files {
            let hash_path =
                std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.to_path_buf())).unwrap_or_default().join(options.hash_file.as_ref());
            match std::fs::read_to_string(&hash_path) {
                Ok(hashes) => {
                    for (file, hash) in hashes.lines().filter_map(|l| l.trim().split_once(':')) {
                        let hash = hash.trim();
                        match file {
                            "js" => js = format!("{js}.{hash}"),
                            "wasm" => wasm = format!("{wasm}.{hash}"),
                            "manifest" => manifest = format!("__wasm_split_manifest.{hash}.json"),
                            _ => {}
                        }
                    }
                }
                Err(e) => leptos::logging::error!("file hashing is on but {} cannot be read: {e}", hash_path.display()),
            }
        } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            wasm.push_str("_bg");
        }
        let manifest_path = PathBuf::from(options.site_root.as_ref()).join(&pkg).join(manifest);
        // Without `--split` there is no manifest and nothing is lazy.
        let chunks = std::fs::read_to_string(manifest_path)
            .ok()
            .map(|file| {
                let manifest: HashMap<String, Vec<String>> = leptos::serde_json::from_str(&file).expect("the WASM split manifest is not valid JSON");
                manifest.into_iter().map(|(id, files)| (id, files.iter().map(|f| format!("/{pkg}/{f}.wasm")).collect())).collect()
            })
            .unwrap_or_default();
        let script = format!(
            "(function(j,w){{var s=0;function go(){{if(s)return;s=1;var b=fetch(w);\
             var c=document.querySelector('meta[name=lazy-wasm]');\
             if(c)c.content.split(' ').forEach(function(u){{fetch(u).then(function(r){{return r.blob()}}).catch(function(){{}})}});\
             import(j).then(function(m){{return m.default({{module_or_path:b}}).then(function(){{setTimeout(m.hydrate,0)}})}})}}\
             if(document.hidden)go();else requestAnimationFrame(function(){{requestAnimationFrame(function(){{setTimeout(go,0)}})}});\
             document.addEventListener('visibilitychange',go);setTimeout(go,3000)}})({:?},{:?})",
            format!("/{pkg}/{js}.js"),
            format!("/{pkg}/{wasm}.wasm")
        );
        Assets { script, chunks }
    })
}

/// Hydrates the page after its first frame (see the module's comment).
#[component]
pub fn Hydration(options: LeptosOptions) -> impl IntoView {
    let assets = assets(&options);
    let nonce = leptos::nonce::use_nonce();
    view! { <script type="module" nonce=nonce>{assets.script.as_str()}</script> }
}

/// Names the chunks of the lazy page being rendered, for the hydration
/// script to fetch after the paint: a `<meta name="lazy-wasm">` in `<head>`
/// with their URLs. Called on the server by a lazy route once its view is
/// made, which is when `#[lazy]` has recorded the group's id; the route's
/// view is made while the body renders, and leptos_meta collects what was
/// registered for `<head>` only at the body's first chunk.
///
/// The meta comes first among the tags leptos_meta puts in `<head>`. A
/// page that renders a `<Meta>`, `<Link>` or `<Script>` of leptos_meta on
/// the client too would meet it first while hydrating `<head>` and
/// mismatch; pages set only `<Title>`, which does not walk `<head>`.
#[cfg(feature = "ssr")]
pub fn announce_lazy_chunks() {
    // `ASSETS` is made by `<Hydration>`, which the shell renders in
    // `<head>` before the body: unset only outside a page (never, today).
    let (Some(assets), Some(called)) = (ASSETS.get(), use_context::<leptos::PrefetchLazyFn>()) else {
        return;
    };
    let urls: Vec<&str> = called.0.with_value(|ids| ids.iter().filter_map(|id| assets.chunks.get(*id)).flatten().map(String::as_str).collect());
    if !urls.is_empty() {
        // Rendering a `leptos_meta` element registers it for `<head>`.
        _ = view! { <leptos_meta::Meta name="lazy-wasm" content=urls.join(" ")/> }.to_html();
    }
}
