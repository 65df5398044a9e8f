//! The Registry tab: browse a repository's tags, pull, push, credentials, share by reference;
//! it holds the state the Compare and Graph panels share (the proxy's configuration, the
//! in-memory credentials, the compare baseline). Everything goes through the `pacto serve` that
//! served the page; without one the tab says so.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pacto_core::graph::DepRef;
use pacto_core::oci::{self, Credentials, OciError, Phase, ProgressEvent, PushOptions};
use pacto_core::{Bundle, Severity};

use crate::app::{Actions, AppState, SideView};
use crate::editor;
use crate::registry_client::{
    self as client, digest_ref, explain, newest_first, options, registry_of, share_ref_link,
    transport, Keyring, PageCache, ProxyConfig,
};
use crate::views::counted;
use crate::workspace::Workspace;

/// The old side of Compare.
#[derive(Clone)]
pub struct Baseline {
    /// What the user sees: "oci://…@sha256:…", "a snapshot (12:03:04)", "svc.tar.gz".
    pub label: String,
    /// Shared: every comparison reads it, none copies it.
    pub bundle: Arc<Bundle>,
    /// Where it was loaded from (its local dependencies are relative to it).
    pub at: DepRef,
    /// Different for each baseline set in this page: the compare worker keeps the old side it
    /// was sent under this key, so it is sent once, not with every edit.
    pub key: u64,
}

impl Baseline {
    pub fn new(label: String, bundle: Bundle, at: DepRef) -> Self {
        static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
        Baseline {
            label,
            bundle: Arc::new(bundle),
            at,
            key: NEXT_KEY.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// A registry operation, kept so it can be retried once credentials are given.
#[derive(Clone, PartialEq, Eq)]
enum Op {
    ListTags(String),
    Pull { reference: String, replace: bool },
    Push { reference: String, force: bool },
}

/// The last successful transfer, with its exact (digest) ref.
#[derive(Clone, PartialEq, Eq)]
pub struct Transferred {
    pub verb: &'static str,
    pub reference: String,
    pub digest: String,
    pub digest_ref: String,
}

#[derive(Clone, Copy)]
pub struct RegistryState {
    /// `None` while `/api/config` is asked; `Err` says there is no proxy.
    pub config: RwSignal<Option<Result<ProxyConfig, String>>>,
    pub keyring: StoredValue<Keyring>,
    pub baseline: RwSignal<Option<Baseline>>,
    busy: RwSignal<Option<String>>,
    status: RwSignal<Option<(String, bool)>>,
    /// Failure details (validation problems) under the status line.
    details: RwSignal<Vec<String>>,
    auth_for: RwSignal<Option<String>>,
    pending: StoredValue<Option<Op>>,
    tags: RwSignal<Option<(String, Vec<String>)>>,
    last: RwSignal<Option<Transferred>>,
    last_pulled: RwSignal<Option<(String, Bundle)>>,
    overwrite: RwSignal<Option<(String, String)>>,
    repo: RwSignal<String>,
    tag: RwSignal<String>,
    pull_ref: RwSignal<String>,
    pub open: RwSignal<bool>,
}

impl RegistryState {
    /// The proxy base, when the page has a proxy.
    pub fn proxy(&self) -> Option<String> {
        match self.config.get_untracked() {
            Some(Ok(_)) => client::proxy_base(),
            _ => None,
        }
    }

    /// The proxy base once `/api/config` has answered, asking for it if nobody has yet (a
    /// button pressed the moment its tab is first shown).
    pub async fn ready_proxy(&self) -> Option<String> {
        if self.config.get_untracked().is_none() {
            let config = client::load_config().await;
            if self.config.get_untracked().is_none() {
                self.config.set(Some(config));
            }
        }
        self.proxy()
    }

    fn say(&self, text: impl Into<String>, error: bool) {
        self.status.set(Some((text.into(), error)));
        if !error {
            self.details.set(Vec::new());
        }
    }
}

/// Where a push goes when the user has not said: `oci://<default registry>/<service.name>`.
fn default_repository(config: Option<&ProxyConfig>, ws: &Workspace) -> String {
    // Without an allowlisted registry there is nowhere to push; the field shows the shape of a
    // ref for the user to complete.
    let host = config
        .and_then(ProxyConfig::default_host)
        .unwrap_or("registry.example.com");
    let name = pacto_core::parse(ws.contract_text())
        .ok()
        .map(|p| p.contract.service.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "my-service".to_string());
    format!("oci://{host}/{name}")
}

fn service_version(ws: &Workspace) -> String {
    pacto_core::parse(ws.contract_text())
        .ok()
        .map(|p| p.contract.service.version.clone())
        .unwrap_or_default()
}

fn progress_text(event: &ProgressEvent) -> String {
    let bytes = |b: Option<u64>, t: Option<u64>| match (b, t) {
        (Some(b), Some(t)) => format!(" {b} of {t} bytes"),
        _ => String::new(),
    };
    match event.phase {
        Phase::Resolve => "Resolving the newest version…".to_string(),
        Phase::Manifest => "Reading the manifest…".to_string(),
        Phase::Download => format!("Downloading{}…", bytes(event.bytes, event.total)),
        Phase::Upload => format!("Uploading{}…", bytes(event.bytes, event.total)),
        Phase::Done => "Done.".to_string(),
    }
}

fn run(reg: RegistryState, state: AppState, actions: Actions, op: Op) {
    if reg.config.get_untracked().is_none() {
        spawn_local(async move {
            reg.ready_proxy().await;
            run(reg, state, actions, op);
        });
        return;
    }
    let Some(proxy) = reg.proxy() else {
        reg.say(
            "No registry proxy: this page is not served by `pacto serve`.",
            true,
        );
        return;
    };
    reg.overwrite.set(None);
    reg.busy.set(Some("Connecting…".to_string()));
    reg.status.set(None);
    reg.details.set(Vec::new());
    spawn_local(async move {
        let keyring = reg.keyring.get_value();
        let progress = move |e: &ProgressEvent| reg.busy.set(Some(progress_text(e)));
        let reference = match &op {
            Op::ListTags(r) | Op::Pull { reference: r, .. } | Op::Push { reference: r, .. } => {
                r.clone()
            }
        };
        let outcome: Result<(), OciError> = match &op {
            Op::ListTags(r) => {
                let opts = options(&proxy, &keyring, r, Some(&progress));
                oci::list_tags(&transport(), r, &opts).await.map(|tags| {
                    let tags = newest_first(tags);
                    reg.say(format!("{} in {r}.", counted(tags.len(), "tag")), false);
                    reg.tags.set(Some((r.clone(), tags)));
                })
            }
            Op::Pull {
                reference: r,
                replace,
            } => {
                let opts = options(&proxy, &keyring, r, Some(&progress));
                oci::pull(&transport(), r, &opts, &PageCache)
                    .await
                    .map(|p| {
                        let exact = digest_ref(&p.reference, &p.manifest_digest);
                        if *replace {
                            actions.load(
                                Workspace::from_bundle(&p.bundle),
                                &format!("Pulled {} into the editor.", p.reference),
                            );
                        }
                        reg.say(
                            format!("Pulled {} ({}).", p.reference, p.manifest_digest),
                            false,
                        );
                        reg.last.set(Some(Transferred {
                            verb: "Pulled",
                            reference: p.reference.clone(),
                            digest: p.manifest_digest.clone(),
                            digest_ref: exact.clone(),
                        }));
                        reg.last_pulled.set(Some((exact, p.bundle)));
                    })
            }
            Op::Push {
                reference: r,
                force,
            } => {
                let errors: Vec<String> = state.problems.with_untracked(|p| {
                    p.iter()
                        .filter(|d| d.severity == Severity::Error)
                        .map(|d| match d.range {
                            Some(range) => format!(
                                "{}:{} {}: {}",
                                range.start.line, range.start.column, d.code, d.message
                            ),
                            None => format!("{}: {}", d.code, d.message),
                        })
                        .collect()
                });
                if !errors.is_empty() {
                    reg.busy.set(None);
                    reg.say(
                        format!(
                            "Not pushed, nothing was sent: the contract has {} (see Problems).",
                            counted(errors.len(), "error")
                        ),
                        true,
                    );
                    reg.details.set(errors);
                    return;
                }
                let bundle = state.ws.with_untracked(Workspace::bundle);
                let push_options = PushOptions {
                    force: *force,
                    plain_http: false,
                    credentials: keyring.for_ref(r),
                    progress: Some(&progress),
                    proxy: Some(proxy.clone()),
                };
                oci::push(&transport(), r, &bundle, &push_options)
                    .await
                    .map(|out| {
                        if out.existed {
                            reg.say(
                                format!(
                                    "{} already exists ({}): nothing was pushed. Overwrite it?",
                                    out.reference, out.digest
                                ),
                                true,
                            );
                            reg.overwrite.set(Some((r.clone(), out.reference)));
                        } else {
                            reg.say(format!("Pushed {} ({}).", out.reference, out.digest), false);
                            reg.last.set(Some(Transferred {
                                verb: "Pushed",
                                digest_ref: digest_ref(&out.reference, &out.digest),
                                reference: out.reference,
                                digest: out.digest,
                            }));
                        }
                    })
            }
        };
        reg.busy.set(None);
        if let Err(e) = outcome {
            let text = explain(&e);
            if e.code() == "AUTH_FAILED" && text.starts_with("Unauthorised") {
                if let Some(host) = registry_of(&reference) {
                    reg.pending.set_value(Some(op.clone()));
                    reg.auth_for.set(Some(host));
                }
            }
            if let OciError::ValidationFailed { diagnostics } = &e {
                reg.details
                    .set(diagnostics.iter().map(|d| d.message.clone()).collect());
            }
            reg.say(text, true);
        }
    });
}

/// The state the Registry, Compare and Graph tabs share, provided to the whole app. The proxy's
/// configuration is asked for when one of those tabs is first shown; a share-by-reference link
/// opens the Registry tab at once and is followed.
pub fn provide_registry(state: AppState, actions: Actions) {
    let shared_ref = client::ref_from_page_url();
    if shared_ref.is_some() {
        state.side.set(SideView::Registry);
    }
    let reg = RegistryState {
        config: RwSignal::new(None),
        keyring: StoredValue::new(Keyring::default()),
        baseline: RwSignal::new(None),
        busy: RwSignal::new(None),
        status: RwSignal::new(None),
        details: RwSignal::new(Vec::new()),
        auth_for: RwSignal::new(None),
        pending: StoredValue::new(None),
        tags: RwSignal::new(None),
        last: RwSignal::new(None),
        last_pulled: RwSignal::new(None),
        overwrite: RwSignal::new(None),
        repo: RwSignal::new(String::new()),
        tag: RwSignal::new(String::new()),
        pull_ref: RwSignal::new(shared_ref.clone().unwrap_or_default()),
        open: RwSignal::new(shared_ref.is_some()),
    };
    provide_context(reg);
    Effect::new(move |_| {
        if state.side.get().uses_registry() && !reg.open.get_untracked() {
            reg.open.set(true);
        }
    });

    // The proxy's configuration is asked for when a registry tab is first shown (a page hosted as
    // static files then logs no failed request until registry features are wanted); a
    // share-by-reference link opens the Registry tab at once and is followed.
    let shared_ref = StoredValue::new(shared_ref);
    Effect::new(move |asked: Option<bool>| {
        if asked == Some(true) || !reg.open.get() {
            return asked.unwrap_or(false);
        }
        spawn_local(async move {
            let config = client::load_config().await;
            let ok = config.is_ok();
            reg.config.set(Some(config));
            if let Some(r) = shared_ref.get_value() {
                if ok {
                    client::forget_ref_in_url();
                    run(
                        reg,
                        state,
                        actions,
                        Op::Pull {
                            reference: r,
                            replace: true,
                        },
                    );
                } else {
                    reg.say(
                        format!("The link names {r}, but this page has no registry proxy to pull it through."),
                        true,
                    );
                }
            }
        });
        true
    });
}

/// The Registry tab: browse, pull, push, credentials, share by reference.
#[component]
pub fn RegistryPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let actions = expect_context::<Actions>();
    let reg = expect_context::<RegistryState>();

    let repo_value = move || {
        let typed = reg.repo.get();
        if typed.is_empty() {
            let config = reg.config.with(|c| c.clone().and_then(Result::ok));
            state
                .settled
                .with(|ws| default_repository(config.as_ref(), ws))
        } else {
            typed
        }
    };
    let push_ref = move || {
        let repo = repo_value();
        let tag = reg.tag.get_untracked();
        if tag.trim().is_empty() {
            repo
        } else {
            format!("{repo}:{}", tag.trim())
        }
    };

    let busy = move || reg.busy.with(Option::is_some);
    let proxy_line = move || match reg.config.get() {
        None => "Asking the server for its registry proxy…".to_string(),
        Some(Err(e)) => e,
        Some(Ok(c)) => {
            let hosts: Vec<String> = c
                .registries
                .iter()
                .map(|r| {
                    let mut s = r.host.clone();
                    if r.local {
                        s.push_str(" (local)");
                    }
                    s
                })
                .collect();
            if hosts.is_empty() {
                format!(
                    "Through pacto serve {}: no registry is allowlisted (start it with --registry \
                     HOST, or without --no-local-registry for a local one)",
                    c.version
                )
            } else {
                format!("Through pacto serve {}: {}", c.version, hosts.join(", "))
            }
        }
    };

    view! {
                <section class="registry-panel" aria-labelledby="registry-heading">
                    <h2 id="registry-heading">"Registry"</h2>
                    <p class="proxy-line" class:error=move || matches!(reg.config.get(), Some(Err(_)))>{proxy_line}</p>
                    <p class="progress" role="status" aria-live="polite">{move || reg.busy.get()}</p>
                    {move || reg.status.get().map(|(text, error)| view! {
                        <p class="registry-status" class:error=error role=if error { "alert" } else { "status" }>{text}</p>
                    })}
                    {move || {
                        let details = reg.details.get();
                        (!details.is_empty()).then(|| view! {
                            <ul class="registry-details">{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                        })
                    }}
                    {move || reg.auth_for.get().map(|host| {
                        let user = RwSignal::new(String::new());
                        let password = RwSignal::new(String::new());
                        let host_for_submit = host.clone();
                        view! {
                            <form class="credentials" on:submit=move |ev| {
                                ev.prevent_default();
                                reg.keyring.update_value(|k| k.set(&host_for_submit, Credentials::Basic {
                                    username: user.get_untracked(),
                                    password: password.get_untracked(),
                                }));
                                reg.auth_for.set(None);
                                if let Some(op) = reg.pending.get_value() {
                                    reg.pending.set_value(None);
                                    run(reg, state, actions, op);
                                }
                            }>
                                <p>{format!("{host} asks who you are. The credentials stay in this page's memory only.")}</p>
                                <label><span>"Username"</span>
                                    <input type="text" name="username" autocomplete="username"
                                        on:input=move |ev| user.set(event_target_value(&ev)) /></label>
                                <label><span>"Password or token"</span>
                                    <input type="password" name="password" autocomplete="current-password"
                                        on:input=move |ev| password.set(event_target_value(&ev)) /></label>
                                <button type="submit" class="primary">"Sign in and retry"</button>
                                <button type="button" on:click=move |_| reg.auth_for.set(None)>"Cancel"</button>
                            </form>
                        }
                    })}

                    {move || reg.overwrite.get().map(|(r, shown)| view! {
                        <div class="confirm" role="alert">
                            <span>{format!("Overwrite {shown}?")}</span>
                            <button type="button" class="danger" on:click=move |_| {
                                run(reg, state, actions, Op::Push { reference: r.clone(), force: true });
                            }>"Overwrite the tag"</button>
                            <button type="button" on:click=move |_| reg.overwrite.set(None)>"Keep it"</button>
                        </div>
                    })}


                    <h3>"Pull"</h3>
                    <form class="row" on:submit=move |ev| {
                        ev.prevent_default();
                        let r = reg.pull_ref.get_untracked().trim().to_string();
                        run(reg, state, actions, Op::Pull { reference: r, replace: true });
                    }>
                        <label class="grow"><span>"Reference"</span>
                            <input type="text" name="pull-ref" placeholder="oci://host/repo[:tag|@sha256:…]"
                                prop:value=move || reg.pull_ref.get()
                                on:input=move |ev| reg.pull_ref.set(event_target_value(&ev)) />
                        </label>
                        // One transfer at a time: a second click would race the first.
                        <button type="submit" disabled=busy>"Pull and open"</button>
                        <button type="button" title="Open it in a new tab, beside this bundle"
                            on:click=move |_| {
                                let r = reg.pull_ref.get_untracked().trim().to_string();
                                match share_ref_link(&r) {
                                    Some(url) if r.starts_with("oci://") => {
                                        if let Some(w) = web_sys::window() {
                                            let _ = w.open_with_url_and_target(&url, "_blank");
                                        }
                                    }
                                    _ => reg.say("Not a valid reference: it starts with oci://.", true),
                                }
                            }>"Open beside"</button>
                        <button type="button" disabled=busy on:click=move |_| {
                            let r = reg.pull_ref.get_untracked().trim().to_string();
                            run(reg, state, actions, Op::ListTags(r));
                        }>"List tags"</button>
                    </form>
                    {move || reg.tags.get().map(|(repo, tags)| {
                        let repo = repo.split('@').next().unwrap_or_default().to_string();
                        let base = match repo.rsplit_once(':') {
                            Some((b, t)) if !t.contains('/') => b.to_string(),
                            _ => repo.clone(),
                        };
                        view! {
                            <ul class="tag-list" aria-label="Tags, newest first">
                                {tags.into_iter().map(|t| {
                                    let r = format!("{base}:{t}");
                                    let label = format!("Pull {t}");
                                    view! { <li><button type="button" class="link" aria-label=label
                                        on:click=move |_| {
                                            reg.pull_ref.set(r.clone());
                                            run(reg, state, actions, Op::Pull { reference: r.clone(), replace: true });
                                        }>{t.clone()}</button></li> }
                                }).collect_view()}
                            </ul>
                        }
                    })}

                    <h3>"Push the current bundle"</h3>
                    <form class="row" on:submit=move |ev| {
                        ev.prevent_default();
                        run(reg, state, actions, Op::Push { reference: push_ref(), force: false });
                    }>
                        <label class="grow"><span>"Repository"</span>
                            <input type="text" name="push-repo" prop:value=repo_value
                                on:input=move |ev| reg.repo.set(event_target_value(&ev)) />
                        </label>
                        <label><span>"Tag"</span>
                            <input type="text" name="push-tag" size="10"
                                placeholder=move || state.settled.with(service_version)
                                prop:value=move || reg.tag.get()
                                on:input=move |ev| reg.tag.set(event_target_value(&ev)) />
                        </label>
                        <button type="submit" class="primary" disabled=busy>"Push"</button>
                    </form>
                    {move || reg.last.get().map(|t| {
                        let link = share_ref_link(&t.digest_ref).unwrap_or_default();
                        let exact = t.digest_ref.clone();
                        view! {
                            <div class="transferred">
                                <p>{t.verb}" "<code class="reference">{t.reference.clone()}</code></p>
                                <p>"Digest "<code class="digest">{t.digest.clone()}</code></p>
                                <label class="grow"><span>"Exact reference"</span>
                                    <input type="text" readonly name="digest-ref" prop:value=exact.clone() /></label>
                                <div class="row">
                                    <button type="button" on:click=move |_| {
                                        let exact = exact.clone();
                                        spawn_local(async move {
                                            let copied = editor::copy_text(&exact).await;
                                            reg.say(if copied { "Copied the exact reference." } else { "Select the reference and copy it (the browser refused)." }, !copied);
                                        });
                                    }>"Copy reference"</button>
                                    <a class="share-ref" href=link.clone()>"Share link by reference"</a>
                                </div>
                            </div>
                        }
                    })}
                    {move || reg.last_pulled.get().map(|(exact, bundle)| view! {
                        <button type="button" on:click=move |_| {
                            reg.baseline.set(Some(Baseline::new(
                                exact.clone(),
                                bundle.clone(),
                                DepRef::Oci { location: exact.trim_start_matches("oci://").to_string(), constraint: String::new() },
                            )));
                            reg.say(format!("Compare now uses {exact} as the old side."), false);
                            state.side.set(SideView::Compare);
                        }>"Use the pulled bundle as the compare baseline"</button>
                    })}
                </section>
    }
}
