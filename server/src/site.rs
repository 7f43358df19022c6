//! The built site as browsers fetch it: the bundle under `/pkg` under content-hashed names that
//! browsers may keep for a year, precompressed where the release build wrote `.br`/`.gz` files,
//! and the service worker that keeps this build's files for a phone without a connection.

use std::path::{Path, PathBuf};

use axum::http::{header, HeaderValue, Response};
use leptos::config::LeptosOptions;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The service worker's code; `/sw.js` serves it after a line naming this build's files.
const SERVICE_WORKER: &str = include_str!("service_worker.js");

/// What this build put under `/pkg`, as the browser asks for it.
#[derive(Debug, Clone)]
pub struct BuildAssets {
    /// Whether the file names carry a hash of their content, so a URL never changes meaning.
    pub hashed: bool,
    /// `/pkg/...` paths of the files every page loads first: the JavaScript glue, the wasm and
    /// the stylesheet.
    pub first_load: Vec<String>,
    /// `/pkg/...` paths of the rest of the build: the screens' chunks (`app::routes`) and the
    /// split loader. Only known when the names are hashed, so that a name means one content.
    pub chunks: Vec<String>,
    /// Changes whenever any of this build's files does; names the service worker's cache.
    pub version: String,
}

impl BuildAssets {
    /// Reads the names cargo-leptos gave this build's files. With `hash-files` on it records
    /// the hashes in a file beside the server binary; the binary may be started without
    /// cargo-leptos' environment (the browser tests, a deployment), so that file decides, not
    /// `LEPTOS_HASH_FILES`.
    pub fn read(options: &LeptosOptions) -> BuildAssets {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
            .and_then(|path| std::fs::read_to_string(path).ok());
        let pkg = format!("/{}", options.site_pkg_dir);
        let name = options.output_name.to_string();
        let hashed_name = |kind: &str| {
            hashes.as_deref().and_then(|text| {
                text.lines()
                    .filter_map(|line| line.split_once(':'))
                    .find(|(file, _)| file.trim() == kind)
                    .map(|(_, hash)| format!("{pkg}/{name}.{}.{kind}", hash.trim()))
            })
        };
        let site_root = PathBuf::from(options.site_root.as_ref());
        let exists = |url: &str| site_root.join(url.trim_start_matches('/')).is_file();
        let hashed_files: Option<Vec<String>> = ["js", "wasm", "css"]
            .into_iter()
            .map(hashed_name)
            .collect::<Option<Vec<_>>>()
            .filter(|files| files.iter().all(|f| exists(f)));
        let (hashed, first_load) = match hashed_files {
            Some(files) => (true, files),
            None => (
                false,
                ["js", "wasm", "css"]
                    .iter()
                    .map(|kind| format!("{pkg}/{name}.{kind}"))
                    .collect(),
            ),
        };
        let pkg_dir = site_root.join(options.site_pkg_dir.as_ref());
        let chunks = if hashed {
            chunks_in(&pkg_dir, &pkg, &first_load)
        } else {
            Vec::new()
        };
        let version = version_of(&pkg_dir, &first_load);
        BuildAssets {
            hashed,
            first_load,
            chunks,
            version,
        }
    }

    /// The JavaScript and the WebAssembly a page starts the app with.
    pub fn bundle(&self) -> app::Bundle {
        let named = |kind: &str| {
            self.first_load
                .iter()
                .find(|url| url.ends_with(kind))
                .cloned()
                .unwrap_or_default()
        };
        app::Bundle {
            js: named(".js"),
            wasm: named(".wasm"),
        }
    }

    /// `/pkg`: the bundle's files, compressed ahead of time when the build wrote `.br`/`.gz`.
    /// Hashed names are cached for good; unhashed ones (a build without `hash-files`) must be
    /// checked on every use, or a phone would run an old wasm against a new server.
    pub fn pkg_service(&self, options: &LeptosOptions) -> axum::Router {
        let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let cache_control = HeaderValue::from_static(if self.hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        });
        let serve = ServeDir::new(dir).precompressed_br().precompressed_gzip();
        axum::Router::new()
            .fallback_service(serve)
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                // A missing file is not kept: the next build may have it.
                move |response: &Response<axum::body::Body>| {
                    response
                        .status()
                        .is_success()
                        .then(|| cache_control.clone())
                },
            ))
    }

    /// `/sw.js`: the worker with this build's name and files on its first line. A new build
    /// changes those bytes, which is how the browser learns that it must update the worker.
    /// The script is made once; each request gets the same bytes.
    pub fn service_worker<S: Clone + Send + Sync + 'static>(
        &self,
    ) -> axum::routing::MethodRouter<S> {
        // Every chunk, not only the first load's: in Leptos 0.8 a screen whose chunk cannot be
        // fetched (offline, before it was ever visited) panics instead of showing an error.
        let precache: Vec<&String> = self.first_load.iter().chain(&self.chunks).collect();
        let build = serde_json::json!({
            "version": self.version,
            "precache": precache,
            "hashed": self.hashed,
        });
        let script = axum::body::Bytes::from(format!("const BUILD = {build};\n{SERVICE_WORKER}"));
        axum::routing::get(move || {
            let script = script.clone();
            async move {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        // The browser checks for a new worker itself; no cache in between may
                        // answer.
                        (header::CACHE_CONTROL, "no-cache"),
                    ],
                    script,
                )
            }
        })
    }
}

/// `Cache-Control` for what the site serves outside `/pkg` (pages, icons, the manifest).
pub fn revalidate_layer() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    )
}

/// The files under `/pkg` besides the first load, as sorted URLs; the precompressed copies are
/// the same files.
fn chunks_in(pkg_dir: &Path, pkg_url: &str, first_load: &[String]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(pkg_dir) else {
        return Vec::new();
    };
    let mut chunks: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        // wasm-bindgen's TypeScript declarations are for editors, never fetched.
        .filter(|name| !name.ends_with(".br") && !name.ends_with(".gz") && !name.ends_with(".ts"))
        .map(|name| format!("{pkg_url}/{name}"))
        .filter(|url| !first_load.contains(url))
        .collect();
    chunks.sort();
    chunks
}

/// A short name that changes when any file of the bundle does: the names when they are
/// hashed, otherwise the sizes and modification times of the files themselves.
fn version_of(pkg_dir: &Path, first_load: &[String]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for url in first_load {
        url.hash(&mut hasher);
        let file = pkg_dir.join(url.rsplit('/').next().unwrap_or_default());
        if let Ok(meta) = std::fs::metadata(file) {
            meta.len().hash(&mut hasher);
            meta.modified().ok().hash(&mut hasher);
        }
    }
    format!("{:016x}", hasher.finish())
}
