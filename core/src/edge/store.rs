//! Models in service: one slot per [`ModelKind`], kept in KV under content addresses with a
//! pointer per kind written last, and cached per isolate.
//!
//! KV layout (`<kind>` is [`ModelKind::name`], `<sha>` the artifact's SHA-256 in hex):
//! - `model:<kind>:<sha>`: the artifact bytes, written first and never changed;
//! - `model:<kind>:current`: the [`Pointer`] (JSON), written last.
//!
//! Pointers are ordered by `(version, sha256)`, where the version is the artifact's created-at
//! stamp: an isolate installs a model only when its pointer is newer than the one it serves,
//! after checking the stored bytes' SHA, kind and stamp against the pointer, so it never goes
//! back to an older model and a half-written upload (artifact without pointer) is invisible.
//! KV has no compare-and-swap: an upload re-reads the pointer after writing it and rewrites the
//! newest one it knows if an older one landed last (see `admin`); isolates still never go back.
//!
//! The pointer is read at most once per [`Config::check_interval_ms`](super::Config) per kind and
//! isolate, so a request costs no KV read in the steady state.

use super::http::Host;
use crate::model::{self, Header, Model, ModelKind};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::cmp::Ordering;

/// The KV key of an artifact.
pub fn artifact_key(kind: ModelKind, sha256: &str) -> String {
    format!("model:{}:{sha256}", kind.name())
}

/// The KV key of a kind's pointer.
pub fn pointer_key(kind: ModelKind) -> String {
    format!("model:{}:current", kind.name())
}

/// Which artifact serves a kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pointer {
    pub kind: ModelKind,
    pub sha256: String,
    /// The artifact's created-at stamp (ms): later uploads of later models are newer.
    pub version: i64,
}

impl Pointer {
    pub fn of(header: &Header) -> Pointer {
        Pointer {
            kind: header.kind,
            sha256: header.sha256.clone(),
            version: header.created_at_ms,
        }
    }

    /// A stored pointer for `kind`; anything else (garbage, another kind, a SHA that is not 64
    /// hex digits) is refused with a reason for the log.
    pub fn parse(bytes: &[u8], kind: ModelKind) -> Result<Pointer, String> {
        let p: Pointer = serde_json::from_slice(bytes)
            .map_err(|e| format!("the {} pointer is unreadable: {e}", kind.name()))?;
        if p.kind != kind {
            return Err(format!(
                "the {} pointer names a {} model",
                kind.name(),
                p.kind.name()
            ));
        }
        if p.sha256.len() != 64 || !p.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("the {} pointer's SHA is malformed", kind.name()));
        }
        Ok(p)
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Forward order: version, then SHA (so two uploads with one stamp still have one winner).
    pub fn order(&self, other: &Pointer) -> Ordering {
        (self.version, &self.sha256).cmp(&(other.version, &other.sha256))
    }
}

/// A model in service with the pointer and header it came with.
#[derive(Debug)]
pub struct Serving {
    pub pointer: Pointer,
    pub header: Header,
    pub model: Model,
}

impl Serving {
    /// Decode stored bytes and check them against the pointer that named them.
    pub fn load(pointer: &Pointer, bytes: &[u8]) -> Result<Serving, String> {
        let artifact = model::decode(bytes).map_err(|e| e.to_string())?;
        let found = Pointer::of(&artifact.header);
        if found != *pointer {
            return Err(format!(
                "the stored artifact ({} {} @{}) does not match its pointer ({} {} @{})",
                found.kind.name(),
                found.sha256,
                found.version,
                pointer.kind.name(),
                pointer.sha256,
                pointer.version
            ));
        }
        Ok(Serving {
            pointer: found,
            header: artifact.header,
            model: artifact.model,
        })
    }
}

#[derive(Debug, Default)]
struct Slot {
    serving: Option<Serving>,
    checked_at_ms: Option<i64>,
    /// The last pointer whose artifact was refused: not fetched again until it changes.
    refused: Option<Pointer>,
}

/// The per-isolate cache: one slot per kind. Borrowed briefly, never across an `await`.
#[derive(Debug, Default)]
pub struct Models {
    slots: RefCell<Vec<(ModelKind, Slot)>>,
    /// The isolate's feature-store cache (customer profiles), kept with the models.
    pub profiles: super::profiles::ProfileCache,
}

impl Models {
    fn with<T>(&self, kind: ModelKind, f: impl FnOnce(&mut Slot) -> T) -> T {
        let mut slots = self.slots.borrow_mut();
        let at = match slots.iter().position(|(k, _)| *k == kind) {
            Some(i) => i,
            None => {
                slots.push((kind, Slot::default()));
                slots.len() - 1
            }
        };
        f(&mut slots[at].1)
    }

    /// Run `f` on the model serving `kind`, if any.
    pub fn serving<T>(&self, kind: ModelKind, f: impl FnOnce(Option<&Serving>) -> T) -> T {
        self.with(kind, |s| f(s.serving.as_ref()))
    }

    /// The pointer of the model serving `kind`.
    pub fn pointer(&self, kind: ModelKind) -> Option<Pointer> {
        self.serving(kind, |s| s.map(|s| s.pointer.clone()))
    }

    /// Put `serving` in service unless a newer or equal model already is. Returns whether it
    /// was installed.
    pub fn install(&self, serving: Serving) -> bool {
        self.with(serving.pointer.kind, |slot| {
            let newer = slot
                .serving
                .as_ref()
                .is_none_or(|cur| serving.pointer.order(&cur.pointer) == Ordering::Greater);
            if newer {
                slot.serving = Some(serving);
            }
            newer
        })
    }

    /// Bring `kind` up to date with KV when the last check is older than `interval_ms`
    /// (0 = every call). A bad pointer or artifact is logged and the current model kept.
    pub async fn refresh(&self, host: &impl Host, kind: ModelKind, now_ms: i64, interval_ms: i64) {
        let due = self.with(kind, |slot| {
            let due = slot
                .checked_at_ms
                .is_none_or(|t| now_ms.saturating_sub(t) >= interval_ms || now_ms < t);
            if due {
                slot.checked_at_ms = Some(now_ms);
            }
            due
        });
        if !due {
            return;
        }
        let bytes = match host.get(&pointer_key(kind)).await {
            Ok(Some(b)) => b,
            Ok(None) => return,
            Err(e) => return host.log(&format!("reading the {} pointer failed: {e}", kind.name())),
        };
        let pointer = match Pointer::parse(&bytes, kind) {
            Ok(p) => p,
            Err(e) => return host.log(&format!("{e}; keeping the model in service")),
        };
        let wanted = self.with(kind, |slot| {
            slot.refused.as_ref() != Some(&pointer)
                && slot
                    .serving
                    .as_ref()
                    .is_none_or(|cur| pointer.order(&cur.pointer) == Ordering::Greater)
        });
        if !wanted {
            return;
        }
        let key = artifact_key(kind, &pointer.sha256);
        let loaded = match host.get(&key).await {
            Ok(Some(bytes)) => Serving::load(&pointer, &bytes),
            Ok(None) => Err(format!("{key} is missing")),
            Err(e) => return host.log(&format!("reading {key} failed: {e}")),
        };
        match loaded {
            Ok(serving) => {
                self.install(serving);
            }
            Err(e) => {
                host.log(&format!(
                    "stored {} model refused: {e}; keeping the model in service",
                    kind.name()
                ));
                self.with(kind, |slot| slot.refused = Some(pointer));
            }
        }
    }
}

/// What a client needs to know about a model in service (`null` fields when none is).
pub fn describe(serving: Option<&Serving>) -> serde_json::Value {
    match serving {
        None => serde_json::json!({ "loaded": false, "version": null }),
        Some(s) => serde_json::json!({
            "loaded": true,
            "kind": s.header.kind.name(),
            "version": s.header.sha256,
            "sha256": s.header.sha256,
            "created_at_ms": s.header.created_at_ms,
            "format_version": s.header.version,
        }),
    }
}
