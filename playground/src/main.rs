//! The Pacto playground: write a contract bundle in the browser and see what is wrong where it
//! is wrong, as you type. A Leptos (client-side rendered) app that links pacto-core directly.

mod app;
mod editor;
mod markdown;
mod registry_client;
mod share;
mod storage;
mod templates;
mod views;
mod workspace;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
