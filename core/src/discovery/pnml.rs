//! PNML read and write, compatible with pm4py and ProM.
//!
//! Reading follows pm4py's importer: a place's name is `name/text` (its id otherwise), its
//! initial tokens `initialMarking/text`; a transition is silent when a ProM `toolspecific`
//! element has an `activity` containing "invisible"; arcs carry `inscription/text` weights; the
//! final marking is `finalmarkings/marking` or, when absent, one token on every place without
//! outgoing arcs (pm4py's guess). Unlike pm4py, an arc naming an unknown node, an arc between two
//! places or two transitions, a reset/inhibitor arc and nets past [`PnmlLimits`] are refused
//! with an error that names the line.

use super::petri::{Arc, PetriNet, Place, Transition};
use crate::import::lines::Lines;
use hashbrown::HashMap;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::fmt::Write as _;

/// Size limits for reading: past them the net is refused, not half-read.
#[derive(Debug, Clone, Copy)]
pub struct PnmlLimits {
    pub max_bytes: usize,
    pub max_places: usize,
    pub max_transitions: usize,
    pub max_arcs: usize,
}

impl Default for PnmlLimits {
    fn default() -> Self {
        PnmlLimits {
            max_bytes: 64 << 20,
            max_places: 20_000,
            max_transitions: 20_000,
            max_arcs: 200_000,
        }
    }
}

/// Why a PNML document was refused, with the 1-based line where it was noticed (0 = the whole
/// document).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PNML line {line}: {message}")]
pub struct PnmlError {
    pub line: usize,
    pub message: String,
}

#[derive(Default)]
struct Pending {
    id: String,
    name: Option<String>,
    tokens: u32,
    invisible: bool,
    source: String,
    target: String,
    weight: u32,
    line: usize,
}

/// Read a PNML document (the first `<net>`).
pub fn read_pnml(text: &str, limits: &PnmlLimits) -> Result<PetriNet, PnmlError> {
    if text.len() > limits.max_bytes {
        return Err(PnmlError {
            line: 0,
            message: format!(
                "document is {} bytes, above the limit of {}",
                text.len(),
                limits.max_bytes
            ),
        });
    }
    let mut lines = Lines::new(text.as_bytes());
    let mut line_at = |pos: u64| lines.at(pos) as usize;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut net = PetriNet::default();
    let mut place_ids: HashMap<String, usize> = HashMap::new();
    let mut trans_ids: HashMap<String, usize> = HashMap::new();
    let mut arcs: Vec<Pending> = Vec::new();
    let mut final_marking: Option<Vec<(String, u32, usize)>> = None;
    let mut cur: Option<(String, Pending)> = None;
    let mut fm_place: Option<String> = None;
    let mut text_buf = String::new();
    let mut nets_seen = 0usize;
    let mut in_first_net = false;
    let mut saw_root = false;
    loop {
        let pos = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| PnmlError {
            line: line_at(reader.error_position()),
            message: format!("not well-formed XML: {e}"),
        })?;
        let line = line_at(pos);
        let err = |message: String| PnmlError { line, message };
        match ev {
            Event::Start(_) | Event::Empty(_) => {
                let (Event::Start(e) | Event::Empty(e)) = &ev else {
                    continue;
                };
                let empty = matches!(ev, Event::Empty(_));
                let name = local(e);
                if stack.is_empty() {
                    if name != "pnml" {
                        return Err(err(format!("root element is <{name}>, not <pnml>")));
                    }
                    saw_root = true;
                }
                if name == "net" && stack.len() == 1 {
                    nets_seen += 1;
                    in_first_net = nets_seen == 1;
                }
                if in_first_net {
                    match name.as_str() {
                        "place" if cur.is_none() && !stack.iter().any(|s| s == "finalmarkings") => {
                            let id =
                                attr(e, "id").ok_or_else(|| err("place without an id".into()))?;
                            cur = Some((
                                "place".into(),
                                Pending {
                                    id,
                                    line,
                                    ..Pending::default()
                                },
                            ));
                        }
                        "transition" if cur.is_none() => {
                            let id = attr(e, "id")
                                .ok_or_else(|| err("transition without an id".into()))?;
                            cur = Some((
                                "transition".into(),
                                Pending {
                                    id,
                                    line,
                                    ..Pending::default()
                                },
                            ));
                        }
                        "arc" if cur.is_none() => {
                            let id = attr(e, "id").unwrap_or_default();
                            let source = attr(e, "source")
                                .ok_or_else(|| err(format!("arc '{id}' without a source")))?;
                            let target = attr(e, "target")
                                .ok_or_else(|| err(format!("arc '{id}' without a target")))?;
                            cur = Some((
                                "arc".into(),
                                Pending {
                                    id,
                                    source,
                                    target,
                                    weight: 1,
                                    line,
                                    ..Pending::default()
                                },
                            ));
                        }
                        "finalmarkings" => {
                            final_marking.get_or_insert_with(Vec::new);
                        }
                        "place" if stack.iter().any(|s| s == "finalmarkings") => {
                            fm_place = attr(e, "idref");
                        }
                        "toolspecific" => {
                            if let Some((kind, p)) = cur.as_mut() {
                                if kind == "transition"
                                    && attr(e, "tool").is_some_and(|t| t.contains("ProM"))
                                    && attr(e, "activity").is_some_and(|a| a.contains("invisible"))
                                {
                                    p.invisible = true;
                                }
                            }
                        }
                        _ => {}
                    }
                }
                text_buf.clear();
                if empty {
                    close(
                        &name,
                        &mut stack,
                        &mut cur,
                        &mut fm_place,
                        &text_buf,
                        line,
                        &mut net,
                        &mut place_ids,
                        &mut trans_ids,
                        &mut arcs,
                        &mut final_marking,
                        limits,
                        in_first_net,
                    )?;
                } else {
                    stack.push(name);
                    if stack.len() > 64 {
                        return Err(err("elements nested more than 64 deep".into()));
                    }
                }
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    return Err(err("closing tag without an opening one".into()));
                };
                if in_first_net {
                    close(
                        &name,
                        &mut stack,
                        &mut cur,
                        &mut fm_place,
                        &text_buf,
                        line,
                        &mut net,
                        &mut place_ids,
                        &mut trans_ids,
                        &mut arcs,
                        &mut final_marking,
                        limits,
                        in_first_net,
                    )?;
                }
                if name == "net" && stack.len() == 1 {
                    in_first_net = false;
                }
                text_buf.clear();
            }
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) => text_buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text_buf.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    text_buf.push_str(s);
                } else {
                    return Err(err(format!("unknown entity &{};", &*r)));
                }
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(err(format!(
                        "not well-formed XML: the document ends inside <{open}>"
                    )));
                }
                break;
            }
            _ => {}
        }
    }
    if !saw_root {
        return Err(PnmlError {
            line: 1,
            message: "no <pnml> element: not a PNML document".into(),
        });
    }
    if nets_seen == 0 {
        return Err(PnmlError {
            line: 1,
            message: "no <net> element".into(),
        });
    }
    for a in arcs {
        let arc = match (
            place_ids.get(&a.source),
            trans_ids.get(&a.target),
            trans_ids.get(&a.source),
            place_ids.get(&a.target),
        ) {
            (Some(&p), Some(&t), _, _) => Arc::In {
                place: p,
                transition: t,
                weight: a.weight,
            },
            (_, _, Some(&t), Some(&p)) => Arc::Out {
                transition: t,
                place: p,
                weight: a.weight,
            },
            _ => {
                return Err(PnmlError {
                    line: a.line,
                    message: format!(
                    "arc '{}' from '{}' to '{}' does not join a place and a transition of this net",
                    a.id, a.source, a.target
                ),
                })
            }
        };
        net.arcs.push(arc);
    }
    match final_marking {
        Some(fm) => {
            for (id, n, line) in fm {
                let &p = place_ids.get(&id).ok_or_else(|| PnmlError {
                    line,
                    message: format!("final marking names unknown place '{id}'"),
                })?;
                if n > 0 {
                    net.final_marking.push((p, n));
                }
            }
        }
        None => {
            let mut has_out = vec![false; net.places.len()];
            for a in &net.arcs {
                if let Arc::In { place, .. } = a {
                    has_out[*place] = true;
                }
            }
            net.final_marking = (0..net.places.len())
                .filter(|&p| !has_out[p])
                .map(|p| (p, 1))
                .collect();
        }
    }
    Ok(net)
}

#[allow(clippy::too_many_arguments)]
fn close(
    name: &str,
    stack: &mut [String],
    cur: &mut Option<(String, Pending)>,
    fm_place: &mut Option<String>,
    text: &str,
    line: usize,
    net: &mut PetriNet,
    place_ids: &mut HashMap<String, usize>,
    trans_ids: &mut HashMap<String, usize>,
    arcs: &mut Vec<Pending>,
    final_marking: &mut Option<Vec<(String, u32, usize)>>,
    limits: &PnmlLimits,
    in_net: bool,
) -> Result<(), PnmlError> {
    let err = |message: String| PnmlError { line, message };
    if !in_net {
        return Ok(());
    }
    let parent = |k: usize| {
        stack
            .len()
            .checked_sub(k)
            .and_then(|i| stack.get(i))
            .map(String::as_str)
    };
    if name == "text" {
        let t = text.trim();
        if let Some(fp) = fm_place.as_ref() {
            if parent(1) == Some("place") {
                let n: u32 = t.parse().map_err(|_| {
                    err(format!(
                        "final marking of '{fp}' is '{t}', not a token count"
                    ))
                })?;
                final_marking
                    .get_or_insert_with(Vec::new)
                    .push((fp.clone(), n, line));
            }
            return Ok(());
        }
        if let Some((kind, p)) = cur.as_mut() {
            match (parent(1), parent(2)) {
                (Some("name"), Some(k))
                    if k == kind.as_str() && !t.is_empty() && p.name.is_none() =>
                {
                    p.name = Some(text.to_string());
                }
                (Some("initialMarking"), Some("place")) => {
                    p.tokens = t.parse().map_err(|_| {
                        err(format!(
                            "initial marking of '{}' is '{t}', not a token count",
                            p.id
                        ))
                    })?;
                }
                (Some("arctype"), Some("arc")) if !t.is_empty() && t != "normal" => {
                    return Err(err(format!(
                        "arc '{}' is of type '{t}': only normal arcs are supported",
                        p.id
                    )));
                }
                (Some("inscription"), Some("arc")) => {
                    p.weight = t.parse().map_err(|_| {
                        err(format!(
                            "weight of arc '{}' is '{t}', not a positive integer",
                            p.id
                        ))
                    })?;
                    if p.weight == 0 {
                        return Err(err(format!("weight of arc '{}' is 0", p.id)));
                    }
                }
                _ => {}
            }
        }
        return Ok(());
    }
    if name == "place" && fm_place.is_some() {
        *fm_place = None;
        return Ok(());
    }
    let Some((kind, _)) = cur.as_ref() else {
        return Ok(());
    };
    if kind != name {
        return Ok(());
    }
    let Some((_, p)) = cur.take() else {
        return Ok(());
    };
    match name {
        "place" => {
            if net.places.len() >= limits.max_places {
                return Err(err(format!(
                    "more than {} places: refused",
                    limits.max_places
                )));
            }
            if place_ids.contains_key(&p.id) || trans_ids.contains_key(&p.id) {
                return Err(err(format!("duplicate id '{}'", p.id)));
            }
            place_ids.insert(p.id.clone(), net.places.len());
            if p.tokens > 0 {
                net.initial_marking.push((net.places.len(), p.tokens));
            }
            net.places.push(Place {
                name: p.name.unwrap_or_else(|| p.id.clone()),
            });
        }
        "transition" => {
            if net.transitions.len() >= limits.max_transitions {
                return Err(err(format!(
                    "more than {} transitions: refused",
                    limits.max_transitions
                )));
            }
            if place_ids.contains_key(&p.id) || trans_ids.contains_key(&p.id) {
                return Err(err(format!("duplicate id '{}'", p.id)));
            }
            trans_ids.insert(p.id.clone(), net.transitions.len());
            let label = if p.invisible {
                None
            } else {
                Some(p.name.unwrap_or_else(|| p.id.clone()))
            };
            net.transitions.push(Transition { name: p.id, label });
        }
        "arc" => {
            if arcs.len() >= limits.max_arcs {
                return Err(err(format!("more than {} arcs: refused", limits.max_arcs)));
            }
            arcs.push(p);
        }
        _ => {}
    }
    Ok(())
}

fn local(e: &BytesStart<'_>) -> String {
    let n = e.local_name();
    let s: &str = n.as_ref();
    s.to_string()
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// Write a net as PNML in pm4py's layout (ProM `$invisible$` marks silent transitions, final
/// marking under `finalmarkings`), which pm4py and ProM read back.
pub fn write_pnml(net: &PetriNet) -> String {
    let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
    let mut o = String::new();
    let _ = writeln!(o, "<?xml version='1.0' encoding='UTF-8'?>\n<pnml>");
    let name = if net.name.is_empty() {
        "net"
    } else {
        &net.name
    };
    let _ = writeln!(o, "  <net id=\"{0}\" type=\"http://www.pnml.org/version-2009/grammar/pnmlcoremodel\">\n    <name>\n      <text>{0}</text>\n    </name>\n    <page id=\"n0\">", esc(name));
    // Ids are the names when those are unique (pm4py orders places by name when it replays), else
    // positional.
    let unique = |names: Vec<&str>| {
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        (sorted.len() == names.len() && names.iter().all(|n| !n.is_empty()))
            .then(|| names.iter().map(|n| esc(n)).collect::<Vec<String>>())
    };
    let pids = unique(net.places.iter().map(|p| p.name.as_str()).collect());
    let tids = unique(net.transitions.iter().map(|t| t.name.as_str()).collect());
    let pid = |p: usize| {
        pids.as_ref()
            .map_or_else(|| format!("p{p}"), |v| v[p].clone())
    };
    let tid = |t: usize| {
        tids.as_ref()
            .map_or_else(|| format!("t{t}"), |v| v[t].clone())
    };
    let tokens =
        |m: &[(usize, u32)], p: usize| m.iter().filter(|x| x.0 == p).map(|x| x.1).sum::<u32>();
    for (i, p) in net.places.iter().enumerate() {
        let _ = write!(
            o,
            "      <place id=\"{}\">\n        <name>\n          <text>{}</text>\n        </name>\n",
            pid(i),
            esc(&p.name)
        );
        let n = tokens(&net.initial_marking, i);
        if n > 0 {
            let _ = write!(
                o,
                "        <initialMarking>\n          <text>{n}</text>\n        </initialMarking>\n"
            );
        }
        o.push_str("      </place>\n");
    }
    for (i, t) in net.transitions.iter().enumerate() {
        let shown = t.label.as_deref().unwrap_or(&t.name);
        let _ = write!(o, "      <transition id=\"{}\">\n        <name>\n          <text>{}</text>\n        </name>\n", tid(i), esc(shown));
        if t.label.is_none() {
            let _ = writeln!(o, "        <toolspecific tool=\"ProM\" version=\"6.4\" activity=\"$invisible$\" localNodeID=\"{}\"/>", tid(i));
        }
        o.push_str("      </transition>\n");
    }
    for (i, a) in net.arcs.iter().enumerate() {
        let (s, t, w) = match *a {
            Arc::In {
                place,
                transition,
                weight,
            } => (pid(place), tid(transition), weight),
            Arc::Out {
                transition,
                place,
                weight,
            } => (tid(transition), pid(place), weight),
        };
        if w == 1 {
            let _ = writeln!(o, "      <arc id=\"a{i}\" source=\"{s}\" target=\"{t}\"/>");
        } else {
            let _ = writeln!(o, "      <arc id=\"a{i}\" source=\"{s}\" target=\"{t}\">\n        <inscription>\n          <text>{w}</text>\n        </inscription>\n      </arc>");
        }
    }
    o.push_str("    </page>\n    <finalmarkings>\n      <marking>\n");
    for &(p, n) in &net.final_marking {
        let _ = write!(
            o,
            "        <place idref=\"{}\">\n          <text>{n}</text>\n        </place>\n",
            pid(p)
        );
    }
    o.push_str("      </marking>\n    </finalmarkings>\n  </net>\n</pnml>\n");
    o
}
