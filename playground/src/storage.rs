//! localStorage, guarded: private modes and full quotas refuse writes, and the playground must
//! keep working (and say so) rather than fail.

const PREFIX: &str = "pacto.playground.";
pub const WORKSPACE: &str = "workspace";
pub const THEME: &str = "theme";
pub const SIZES: &str = "sizes";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(&format!("{PREFIX}{key}")).ok()?
}

/// Saves a value; an error says why it could not be kept (quota, storage disabled).
pub fn set(key: &str, value: &str) -> Result<(), String> {
    let storage = storage().ok_or("this browser keeps no local storage for this page")?;
    storage
        .set_item(&format!("{PREFIX}{key}"), value)
        .map_err(|_| "the browser's storage for this page is full".to_string())
}
