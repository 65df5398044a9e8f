//! The Rust side of the editor binding: CodeMirror lives in js/editor.js (bundled by esbuild) and
//! is reached through js/glue.js. One editor per page, kept in a thread-local because JS handles
//! are not `Send` and the page has one thread.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use pacto_core::Diagnostic;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/js/glue.js")]
extern "C" {
    type PactoEditor;

    #[wasm_bindgen(constructor)]
    fn new(parent: &web_sys::HtmlElement, on_change: &Function) -> PactoEditor;
    #[wasm_bindgen(method)]
    fn open(this: &PactoEditor, path: &str, text: &str);
    #[wasm_bindgen(method)]
    fn forget(this: &PactoEditor, path: &str);
    #[wasm_bindgen(method, js_name = forgetAll)]
    fn forget_all(this: &PactoEditor);
    #[wasm_bindgen(method, js_name = setDiagnostics)]
    fn set_diagnostics(this: &PactoEditor, json: &str);
    #[wasm_bindgen(method)]
    fn select(this: &PactoEditor, line: u32, column: u32, end_line: u32, end_column: u32);
    #[wasm_bindgen(method)]
    fn cursor(this: &PactoEditor) -> Array;

    #[wasm_bindgen(js_name = readDataTransfer)]
    fn read_data_transfer(data_transfer: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = readFileList)]
    fn read_file_list(files: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = downloadBytes)]
    pub fn download_bytes(name: &str, bytes: &[u8], mime: &str);
    #[wasm_bindgen(js_name = copyText)]
    fn copy_text_promise(text: &str) -> Promise;
}

/// The editor and the change callback it holds (dropping the closure would invalidate it).
type Mounted = (PactoEditor, Closure<dyn FnMut(String, String)>);

thread_local! {
    static EDITOR: RefCell<Option<Mounted>> = const { RefCell::new(None) };
}

/// Creates the editor inside `parent`; `on_change(path, text)` is called after edits.
pub fn mount(parent: &web_sys::HtmlElement, on_change: impl FnMut(String, String) + 'static) {
    let callback = Closure::<dyn FnMut(String, String)>::new(on_change);
    let editor = PactoEditor::new(parent, callback.as_ref().unchecked_ref());
    EDITOR.with(|e| *e.borrow_mut() = Some((editor, callback)));
}

fn with<R>(f: impl FnOnce(&PactoEditor) -> R) -> Option<R> {
    EDITOR.with(|e| e.borrow().as_ref().map(|(editor, _)| f(editor)))
}

pub fn open(path: &str, text: &str) {
    with(|e| e.open(path, text));
}

pub fn forget(path: &str) {
    with(|e| e.forget(path));
}

pub fn forget_all() {
    with(|e| e.forget_all());
}

pub fn select(d: &Diagnostic) {
    let (start, end) = match d.range {
        Some(r) => (r.start, r.end),
        None => return with(|e| e.select(1, 1, 1, 1)).unwrap_or(()),
    };
    with(|e| e.select(start.line, start.column, end.line, end.column));
}

/// The cursor as (line, column), 1-based.
pub fn cursor() -> Option<(u32, u32)> {
    with(|e| {
        let a = e.cursor();
        let n = |i| a.get(i).as_f64().unwrap_or(1.0) as u32;
        (n(0), n(1))
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EditorDiagnostic<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    severity: &'a str,
    code: &'a str,
    message: &'a str,
}

/// Shows diagnostics as squiggles, gutter marks and hover messages. Diagnostics without a range
/// are about the whole contract: they mark its first line.
pub fn show_diagnostics(diagnostics: &[Diagnostic]) {
    let list: Vec<EditorDiagnostic<'_>> = diagnostics
        .iter()
        .map(|d| {
            let (line, column, end_line, end_column) = match d.range {
                Some(r) => (r.start.line, r.start.column, r.end.line, r.end.column),
                None => (1, 1, 1, u32::MAX),
            };
            EditorDiagnostic {
                line,
                column,
                end_line,
                end_column,
                severity: match d.severity {
                    pacto_core::Severity::Error => "error",
                    pacto_core::Severity::Warning => "warning",
                },
                code: d.code.as_str(),
                message: &d.message,
            }
        })
        .collect();
    let json = serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
    with(|e| e.set_diagnostics(&json));
}

/// Reads dropped files and folders as (path, bytes). Call it inside the drop event (the entries
/// are taken at once); the reading finishes later.
pub fn read_dropped_later(
    data_transfer: &JsValue,
) -> impl std::future::Future<Output = Result<Vec<(String, Vec<u8>)>, String>> {
    files_of(read_data_transfer(data_transfer))
}

/// Reads the files of an `<input type=file>` as (path, bytes).
pub fn read_picked_later(
    files: JsValue,
) -> impl std::future::Future<Output = Result<Vec<(String, Vec<u8>)>, String>> {
    files_of(read_file_list(&files))
}

async fn files_of(promise: Promise) -> Result<Vec<(String, Vec<u8>)>, String> {
    let list = JsFuture::from(promise)
        .await
        .map_err(|e| format!("could not read the files: {}", js_message(&e)))?;
    let list: Array = list.unchecked_into();
    let mut out = Vec::with_capacity(list.length() as usize);
    for item in list.iter() {
        let path = Reflect::get(&item, &"path".into())
            .ok()
            .and_then(|p| p.as_string())
            .unwrap_or_default();
        let bytes = Reflect::get(&item, &"bytes".into())
            .map(|b| Uint8Array::new(&b).to_vec())
            .unwrap_or_default();
        out.push((path, bytes));
    }
    Ok(out)
}

pub async fn copy_text(text: &str) -> bool {
    JsFuture::from(copy_text_promise(text))
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn js_message(e: &JsValue) -> String {
    Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
