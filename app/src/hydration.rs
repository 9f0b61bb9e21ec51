//! The script that hydrates a page, in place of Leptos's `HydrationScripts`
//! (issue 15).
//!
//! Leptos puts `<link rel="preload">` for the main JS and WASM in `<head>`,
//! so a phone starts the ~340 KB WASM download while it still fetches the
//! stylesheet and paints the server's HTML. Lighthouse's simulation counts
//! that download before the largest paint (home's LCP was 3.15–3.45 s for
//! an intro paragraph the server sends). Every Sihati page is usable before
//! hydration (plain links, forms that post without JavaScript), so the page
//! paints first: no preload of the main JS and WASM in `<head>`; once the
//! first frame is on screen (the second animation frame: the first one's
//! callbacks run before it is painted, and at 7e38063, with one, the fetch
//! still started before the paint was presented) the script fetches the
//! WASM and imports the JS together, then hydrates. A hidden tab (nothing to paint) starts at once;
//! three seconds is the backstop. A lazy page's chunks are still preloaded
//! from `<head>` (Leptos's integration adds those links from the manifest).
//!
//! What `HydrationScripts` does besides is kept: the hashed file names
//! (`hash.txt` beside the server binary) and the split manifest given as
//! context. Both are read once per process (Leptos reads the names on every
//! page): every build is followed by a new server process (scripts/run.sh,
//! scripts/test.sh, the benches).

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos::WasmSplitManifest;
use std::path::PathBuf;
use std::sync::OnceLock;

/// What every page gets, made once per process: the hydration script
/// (with the hashed file names in it) and the split manifest.
struct Assets {
    script: String,
    split: Option<WasmSplitManifest>,
}

fn assets(options: &LeptosOptions) -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let name = options.output_name.to_string();
        let pkg = options.site_pkg_dir.to_string();
        let mut js = name.clone();
        let mut wasm = name;
        let mut split_js = "__wasm_split.______________________.js".to_string();
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
                            "split" => split_js = format!("__wasm_split.{hash}.js"),
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
        let split = std::fs::read_to_string(manifest_path).ok().map(|file| {
            WasmSplitManifest(ArcStoredValue::new((
                format!("/{pkg}"),
                leptos::serde_json::from_str(&file).expect("the WASM split manifest is not valid JSON"),
                split_js,
            )))
        });
        let script = format!(
            "(function(j,w){{var s=0;function go(){{if(s)return;s=1;var b=fetch(w);\
             import(j).then(function(m){{return m.default({{module_or_path:b}}).then(function(){{m.hydrate()}})}})}}\
             if(document.hidden)go();else requestAnimationFrame(function(){{requestAnimationFrame(function(){{setTimeout(go,0)}})}});\
             document.addEventListener('visibilitychange',go);setTimeout(go,3000)}})({:?},{:?})",
            format!("/{pkg}/{js}.js"),
            format!("/{pkg}/{wasm}.wasm")
        );
        Assets { script, split }
    })
}

/// Hydrates the page after its first frame (see the module's comment).
#[component]
pub fn Hydration(options: LeptosOptions) -> impl IntoView {
    let assets = assets(&options);
    if let Some(split) = &assets.split {
        provide_context(split.clone());
    }
    let nonce = leptos::nonce::use_nonce();
    view! { <script type="module" nonce=nonce>{assets.script.as_str()}</script> }
}
