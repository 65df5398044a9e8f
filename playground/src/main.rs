//! The Pacto playground: write a contract bundle in the browser and see what is wrong where it
//! is wrong, as you type. A Leptos (client-side rendered) app that links pacto-core directly.

mod app;
mod compare_worker;
mod editor;
mod markdown;
mod registry_client;
mod share;
mod storage;
mod templates;
mod views;
mod workspace;

fn main() {
    // The same module runs in the compare worker (`worker.js`), where there is no page to mount
    // into: there it only answers `compareInWorker`.
    if web_sys::window().is_some() {
        leptos::mount::mount_to_body(app::App);
    }
}
