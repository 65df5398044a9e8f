//! The bundle's files as a tree: open, add, rename, delete (not the contract), folders, and the
//! files the contract references but the bundle lacks, each with a one-click create.

use std::collections::BTreeSet;

use leptos::prelude::*;
use pacto_core::bundle::CONTRACT_FILE;
use pacto_core::Code;

use crate::app::{Actions, AppState, Prompt};
use crate::workspace::FileBody;

#[derive(Clone, PartialEq, Eq)]
struct Entry {
    path: String,
    name: String,
    depth: usize,
    folder: bool,
    binary: bool,
}

/// Folders first at each level, then files; the contract always on top.
fn entries(files: &[(String, bool)], dirs: &BTreeSet<String>) -> Vec<Entry> {
    let mut folders = BTreeSet::new();
    for (path, _) in files {
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            folders.insert(path[..at + i].to_string());
            at += i + 1;
        }
    }
    for d in dirs {
        let mut at = 0;
        while let Some(i) = d[at..].find('/') {
            folders.insert(d[..at + i].to_string());
            at += i + 1;
        }
        folders.insert(d.clone());
    }
    let mut all: Vec<Entry> = folders
        .into_iter()
        .map(|p| (p, true, false))
        .chain(files.iter().map(|(p, b)| (p.clone(), false, *b)))
        .map(|(path, folder, binary)| Entry {
            name: path.rsplit('/').next().unwrap_or(&path).to_string(),
            depth: path.matches('/').count(),
            path,
            folder,
            binary,
        })
        .collect();
    // By path components, folders before the files beside them; the contract first.
    let key = |e: &Entry| {
        let parts: Vec<&str> = e.path.split('/').collect();
        let last = parts.len() - 1;
        let parts: Vec<(bool, String)> = parts
            .iter()
            .enumerate()
            .map(|(i, s)| (i == last && !e.folder, s.to_string()))
            .collect();
        (e.path != CONTRACT_FILE, parts)
    };
    all.sort_by_key(key);
    all
}

#[component]
pub fn Files() -> impl IntoView {
    let state = expect_context::<AppState>();
    let actions = expect_context::<Actions>();
    let listing = Memo::new(move |_| {
        state.ws.with(|w| {
            let files: Vec<(String, bool)> = w
                .files
                .iter()
                .map(|(p, b)| (p.clone(), matches!(b, FileBody::Binary(_))))
                .collect();
            entries(&files, &w.dirs)
        })
    });
    let active = Memo::new(move |_| state.ws.with(|w| w.active.clone()));
    let missing = state.missing;
    let row = move |e: Entry| {
        let path = e.path.clone();
        let is_contract = path == CONTRACT_FILE;
        // A class, not a style attribute: the page's CSP allows no inline styles.
        let class = format!("entry depth-{}", e.depth.min(6));
        let (p1, p2, p3) = (path.clone(), path.clone(), path.clone());
        let open_label = if e.binary {
            format!("{} (binary, kept as is)", e.name)
        } else {
            e.name.clone()
        };
        let main = if e.folder {
            view! { <span class="entry-name folder-name"><span aria-hidden="true">"▾ "</span>{e.name.clone()} "/"</span> }.into_any()
        } else {
            view! {
                <button
                    type="button"
                    class="entry-name"
                    aria-current=move || (active.get() == p1).then_some("true")
                    on:click=move |_| actions.open_file(&p2)
                >
                    {open_label}
                </button>
            }
            .into_any()
        };
        let tools = (!is_contract).then(|| {
            let (r, d) = (p3.clone(), p3);
            let rename_label = format!("Rename {}", e.path);
            let delete_label = format!("Delete {}", e.path);
            view! {
                <button type="button" class="icon" title=rename_label.clone() aria-label=rename_label
                    on:click=move |_| actions.ask(Prompt::Rename(r.clone()))>"✎"</button>
                <button type="button" class="icon" title=delete_label.clone() aria-label=delete_label
                    on:click=move |_| actions.delete(&d)>"✕"</button>
            }
        });
        view! {
            <li class=class class:folder=e.folder class:active=move || active.get() == path>
                {main}
                <span class="entry-tools">{tools}</span>
            </li>
        }
    };
    view! {
        <nav class="files" aria-labelledby="files-title">
            <div class="panel-head">
                <h2 id="files-title" class="panel-title">"Files"</h2>
                <button type="button" class="small" on:click=move |_| actions.ask(Prompt::NewFile)>"+ File"</button>
                <button type="button" class="small" on:click=move |_| actions.ask(Prompt::NewFolder)>"+ Folder"</button>
            </div>
            <ul class="tree">
                <For each=move || listing.get() key=|e| (e.path.clone(), e.folder, e.binary) children=row />
            </ul>
            <Show when=move || missing.with(|m| !m.is_empty())>
                <h3 class="panel-subtitle">"Missing"</h3>
                <ul class="tree missing">
                    {move || missing.get().into_iter().map(|m| {
                        let path = m.path.clone();
                        let label = format!("Create {}", m.path);
                        let show = format!("Show where the contract names {}", m.path);
                        let field = m.field.clone();
                        // The name jumps to the contract line that references the file.
                        let jump = move |_| {
                            let found = state.problems.with_untracked(|p| {
                                p.iter().find(|d| d.code == Code::FileNotFound && d.path == field).cloned()
                            });
                            if let Some(d) = found {
                                actions.go_to(&d);
                            }
                        };
                        view! {
                            <li class="entry missing-entry">
                                <button type="button" class="entry-name" title=show.clone() aria-label=show on:click=jump>{m.path.clone()}</button>
                                <button type="button" class="small" aria-label=label on:click=move |_| actions.create_missing(&path)>"Create"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_before_files_and_the_contract_first() {
        let files = vec![
            ("a.md".to_string(), false),
            ("interfaces/openapi.yaml".to_string(), false),
            ("pacto.yaml".to_string(), false),
        ];
        let dirs = BTreeSet::from(["empty/inner".to_string()]);
        let order: Vec<String> = entries(&files, &dirs).into_iter().map(|e| e.path).collect();
        assert_eq!(
            order,
            [
                "pacto.yaml",
                "empty",
                "empty/inner",
                "interfaces",
                "interfaces/openapi.yaml",
                "a.md"
            ]
        );
    }
}
