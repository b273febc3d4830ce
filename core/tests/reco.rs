//! The recommender (issue 12): V-SKNN by hand on a tiny fixture, planted structure recovered on
//! the synthetic shop, determinism, artifact round trip and hostile artifact bytes, business
//! rules, clickstreams with epoch timestamps.

use spur_core::import::{import_bytes, ImportOptions, Mapping};
use spur_core::reco::artifact;
use spur_core::reco::blend::BlendWeights;
use spur_core::reco::clicks::{ClickColumns, ClickLog};
use spur_core::reco::evaluate::{evaluate, Evaluation};
use spur_core::reco::generate::{shop, ShopOptions};
use spur_core::reco::model::RecoParams;
use spur_core::reco::recommend::{recommend, BusinessRules, Request};
use spur_core::reco::train::{fit, train, TrainOptions};
use spur_core::reco::tune::Control;
use spur_core::reco::vsknn::{SessionIndex, VsknnParams};
use spur_core::reco::RecoModel;

fn sessions(list: &[&[u32]]) -> SessionIndex {
    SessionIndex::build(list.iter().copied(), 5)
}

#[test]
fn vsknn_scores_match_hand_computation() {
    // a=0 b=1 c=2 d=3 e=4; sessions oldest first.
    let idx = sessions(&[&[0, 1, 2], &[1, 3], &[0, 3, 4]]);
    let mut p = VsknnParams {
        idf_weighting: 0.0,
        ..VsknnParams::default()
    };
    // Current session a, b: position weights a = 1/2, b = 1; similarities s0 = (0.5 + 1) / 2,
    // s1 = 1 / 2, s2 = 0.5 / 2; decay: s0 and s1 match b one step back (1), s2 matches a two
    // steps back (1/2).
    let n = idx.neighbours(&[0, 1], &p);
    assert_eq!(n, vec![(0, 0.75), (1, 0.5), (2, 0.25)]);
    let s = idx.score(&[0, 1], &[0.0; 5], &p);
    assert_eq!(
        s,
        vec![(0, 0.875), (1, 1.25), (2, 0.75), (3, 0.625), (4, 0.125)]
    );
    // IDF weighting: score × (1 + idf × w), idf = ln(sessions / item events).
    p.idf_weighting = 1.0;
    let idf = spur_core::reco::vsknn::idf(&[2, 2, 1, 2, 1], 3);
    let s = idx.score(&[0, 1], &idf, &p);
    let ln3 = 3f64.ln();
    assert!((s[2].1 - 0.75 * (1.0 + ln3)).abs() < 1e-12, "{s:?}");
    assert!((s[4].1 - 0.125 * (1.0 + ln3)).abs() < 1e-12, "{s:?}");
    // Recent sampling: sample_size 2 keeps the two most recent sessions (s2, s1).
    p.idf_weighting = 0.0;
    p.sample_size = 2;
    let s = idx.score(&[0, 1], &[0.0; 5], &p);
    assert_eq!(s, vec![(0, 0.125), (1, 0.5), (3, 0.625), (4, 0.125)]);
}

fn shop_split(sessions: usize, seed: u64) -> (ClickLog, ClickLog) {
    let s = shop(&ShopOptions {
        sessions,
        items: 1000,
        seed,
    });
    let log = clicks_of(&s.clicks_csv);
    log.split_last_days(3.0).expect("timed")
}

fn clicks_of(csv: &str) -> ClickLog {
    let options = ImportOptions {
        mapping: Mapping {
            case: Some("session_id".into()),
            activity: Some("item_id".into()),
            timestamp: Some("timestamp".into()),
            ..Mapping::default()
        },
        ..ImportOptions::default()
    };
    let (log, _) = import_bytes("clicks.csv", csv.as_bytes(), &options).expect("imports");
    ClickLog::from_event_log(&log, &ClickColumns::default()).expect("clicks")
}

fn run_eval(train_log: &ClickLog, test_log: &ClickLog, seed: u64) -> (Evaluation, RecoModel) {
    let options = TrainOptions {
        seed,
        ..TrainOptions::default()
    };
    let (e, _, m) = evaluate(train_log, test_log, &options, 20, 20, &mut |_| {
        Control::Continue
    })
    .expect("evaluates");
    (e, m)
}

#[test]
fn planted_structure_is_recovered_and_beats_the_baselines() {
    let (tr, te) = shop_split(12_000, 7);
    let (e, _) = run_eval(&tr, &te, 7);
    eprintln!("{}", serde_json::to_string_pretty(&e).unwrap_or_default());
    assert!(e.test_positions > 1000, "{e:?}");
    assert!(e.spur.hr > 0.5, "{e:?}");
    assert!(e.spur.hr > e.baselines.item_knn.hr + 0.08, "{e:?}");
    assert!(e.spur.hr > e.baselines.pop.hr + 0.3, "{e:?}");
    assert!(e.spur.mrr > e.baselines.item_knn.mrr, "{e:?}");
    assert!(e.spur.coverage > 0.2 && e.spur.coverage <= 1.0, "{e:?}");
    assert!(e.spur.popularity_bias > 0.0 && e.spur.popularity_bias < 1.0);
}

#[test]
fn same_seed_same_model_bytes_and_scores() {
    let (tr, _) = shop_split(3000, 3);
    let opts = TrainOptions {
        seed: 11,
        ..TrainOptions::default()
    };
    let a = train(&tr, &opts, &mut |_| Control::Continue).expect("trains");
    let b = train(&tr, &opts, &mut |_| Control::Continue).expect("trains");
    assert_eq!(artifact::encode(&a, 5), artifact::encode(&b, 5));
    let req = Request {
        clicks: vec![a.items[0].clone(), a.items[1].clone()],
        k: 10,
        ..Request::default()
    };
    assert_eq!(recommend(&a, &req), recommend(&b, &req));
}

#[test]
fn tuning_reports_progress_and_can_be_cancelled() {
    let (tr, _) = shop_split(3000, 3);
    let mut calls = 0;
    let r = train(&tr, &TrainOptions::default(), &mut |p| {
        calls += 1;
        assert!(p.done <= p.total);
        Control::Stop
    });
    assert_eq!(r.map(|_| ()), Err(spur_core::reco::RecoError::Cancelled));
    assert_eq!(calls, 1);
}

fn small_model() -> RecoModel {
    let (tr, _) = shop_split(2000, 5);
    train(&tr, &TrainOptions::default(), &mut |_| Control::Continue).expect("trains")
}

#[test]
fn artifact_round_trip_is_exact() {
    let m = small_model();
    let bytes = artifact::encode(&m, 1_700_000_000_000);
    let (h, back) = artifact::decode(&bytes).expect("decodes");
    assert_eq!(h.kind, spur_core::model::ModelKind::Recommender);
    assert_eq!(
        serde_json::to_value(h.kind).ok(),
        Some(serde_json::json!("reco"))
    );
    assert_eq!(h.summary["items"], m.items.len() as u64);
    assert_eq!(back, m);
    let req = Request {
        clicks: vec![m.items[3].clone(), m.items[9].clone()],
        k: 20,
        ..Request::default()
    };
    assert_eq!(recommend(&m, &req), recommend(&back, &req));
    // A lead decoder refuses it by kind.
    assert_eq!(
        spur_core::model::decode_leads(&bytes)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("artifact_wrong_kind")
    );
}

/// Recompute the checksum so damage reaches the body decoder.
fn reseal(mut b: Vec<u8>) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let at = b.len() - 32;
    let d = Sha256::digest(&b[..at]);
    b[at..].copy_from_slice(&d);
    b
}

#[test]
fn hostile_artifact_bytes_are_refused_without_panic() {
    let m = small_model();
    let good = artifact::encode(&m, 0);
    let summary_len = u32::from_le_bytes([good[20], good[21], good[22], good[23]]) as usize;
    let body_at = 24 + summary_len + 8;
    let n = good.len();
    let mut rng = spur_core::leads::rng::Rng::new(9);
    let mut refused = 0;
    for round in 0..400 {
        let mut b = good.clone();
        match round % 4 {
            0 => b.truncate(rng.below(n)),
            1 => {
                let at = body_at + rng.below(n - 32 - body_at);
                b[at] = rng.next_u64() as u8;
                b = reseal(b);
            }
            2 => {
                // Overwrite a run of body bytes with large varints.
                let at = body_at + rng.below(n - 40 - body_at);
                for x in &mut b[at..at + 8] {
                    *x = 0xff;
                }
                b = reseal(b);
            }
            _ => {
                let cut = body_at + rng.below(n - 32 - body_at);
                let mut t = b[..cut].to_vec();
                let len = (cut - body_at) as u64;
                t[body_at - 8..body_at].copy_from_slice(&len.to_le_bytes());
                t.extend_from_slice(&[0; 32]);
                b = reseal(t);
            }
        }
        match artifact::decode(&b) {
            Err(_) => refused += 1,
            Ok((_, back)) => {
                // A change that still decodes must give a valid model that scores.
                let _ = recommend(
                    &back,
                    &Request {
                        clicks: vec![back.items[0].clone()],
                        k: 100,
                        ..Request::default()
                    },
                );
            }
        }
    }
    assert!(refused > 300, "{refused}");
}

#[test]
fn business_rules_and_reasons() {
    let m = small_model();
    let clicks: Vec<String> = m.sessions.session(m.sessions.len() - 1)[..1]
        .iter()
        .map(|&i| m.name(i).to_string())
        .collect();
    let plain = recommend(
        &m,
        &Request {
            clicks: clicks.clone(),
            k: 10,
            ..Request::default()
        },
    );
    assert_eq!(plain.items.len(), 10);
    assert_eq!(plain.degraded, None);
    assert!(plain.items.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(
        plain
            .items
            .iter()
            .any(|r| r.reason == format!("often viewed after {}", clicks[0])),
        "{plain:?}"
    );
    // Basket and out-of-stock items are dropped; the cap per category holds.
    let top = plain.items[0].item.clone();
    let second = plain.items[1].item.clone();
    let r = recommend(
        &m,
        &Request {
            clicks: clicks.clone(),
            basket: vec![top.clone()],
            k: 10,
            rules: BusinessRules {
                out_of_stock: vec![second.clone()],
                max_per_category: Some(2),
                ..BusinessRules::default()
            },
            ..Request::default()
        },
    );
    assert!(r.items.iter().all(|x| x.item != top && x.item != second));
    let mut per: std::collections::HashMap<Option<&str>, usize> = Default::default();
    for x in &r.items {
        *per.entry(m.item(&x.item).and_then(|i| m.category(i)))
            .or_insert(0) += 1;
    }
    assert!(per.iter().all(|(c, &n)| c.is_none() || n <= 2), "{per:?}");
    assert!(r
        .items
        .iter()
        .all(|x| m.item(&x.item).is_some_and(|i| !m.out_of_stock[i as usize])));
    // Unknown session: popularity, flagged; a profile puts its category first.
    let cat = m.categories[3].clone();
    let u = recommend(
        &m,
        &Request {
            clicks: vec!["no-such-item".into()],
            k: 5,
            profile: Some(spur_core::reco::profile::CustomerProfile {
                customer_id: "C1".into(),
                preferred_categories: vec![cat.clone()],
            }),
            ..Request::default()
        },
    );
    assert_eq!(u.degraded.as_deref(), Some("unknown_items"));
    assert!(u.profile);
    assert_eq!(u.items.len(), 5);
    assert_eq!(u.items[0].reason, "popular in your category", "{u:?}");
    assert_eq!(
        m.item(&u.items[0].item).and_then(|i| m.category(i)),
        Some(cat.as_str())
    );
    let e = recommend(&m, &Request::default());
    assert!(
        e.items.iter().all(|x| x.reason == "fallback: popular"),
        "{e:?}"
    );
}

#[test]
fn fixed_blend_without_tuning_uses_given_params() {
    let (tr, _) = shop_split(1000, 2);
    let params = RecoParams {
        blend: BlendWeights {
            knn: 0.0,
            rules: 1.0,
            repeat: 0.0,
            pop: 0.0,
        },
        ..RecoParams::default()
    };
    let m = fit(&tr, params, None).expect("fits");
    assert_eq!(m.params, params);
    assert!(m.validation.is_none());
}

#[test]
fn clickstreams_with_epoch_times_and_tabs() {
    // Session-rec's layout: tab-separated, float epoch seconds; and integer milliseconds.
    for (name, text) in [
        (
            "yoochoose.tsv",
            "SessionId\tItemId\tTime\n1\t10\t1396321232.5\n1\t11\t1396321240.25\n2\t10\t1396321300.0\n2\t12\t1396321310\n",
        ),
        (
            "ms.csv",
            "session,item,time\n1,10,1396321232500\n1,11,1396321240250\n2,10,1396321300000\n2,12,1396321310000\n",
        ),
    ] {
        let cols: Vec<&str> = text.lines().next().unwrap_or("").split(['\t', ',']).collect();
        let options = ImportOptions {
            mapping: Mapping {
                case: Some(cols[0].into()),
                activity: Some(cols[1].into()),
                timestamp: Some(cols[2].into()),
                ..Mapping::default()
            },
            ..ImportOptions::default()
        };
        let (log, _) = import_bytes(name, text.as_bytes(), &options).expect(name);
        let c = ClickLog::from_event_log(&log, &ClickColumns::default()).expect("clicks");
        assert!(c.timed, "{name}");
        assert_eq!(c.sessions.len(), 2);
        assert_eq!(c.sessions[0].end_ms, 1_396_321_240_250, "{name}");
        assert_eq!(c.sessions[1].end_ms, 1_396_321_310_000, "{name}");
    }
}

/// Spur's V-SKNN alone equals the Python port of session-rec's `vsknn.py`
/// (`bench/reco_vsknn.py`, figures committed in `test_data/reco/vsknn-reference.json`).
#[test]
fn vsknn_alone_equals_the_python_reference() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test_data/reco/vsknn-reference.json"
    );
    let text = std::fs::read_to_string(path).expect("reference figures");
    let want: serde_json::Value = serde_json::from_str(&text).expect("json");
    let s = shop(&ShopOptions {
        sessions: 3000,
        items: 1000,
        seed: 3,
    });
    let (tr, te) = clicks_of(&s.clicks_csv)
        .split_last_days(3.0)
        .expect("timed");
    let mut options = TrainOptions {
        tune: false,
        ..TrainOptions::default()
    };
    options.params.blend = BlendWeights {
        knn: 1.0,
        rules: 0.0,
        repeat: 0.0,
        pop: 0.0,
    };
    let (e, _, _) =
        evaluate(&tr, &te, &options, 20, 20, &mut |_| Control::Continue).expect("evaluates");
    assert_eq!(Some(e.train_sessions), want["train_sessions"].as_u64());
    assert_eq!(Some(e.test_positions), want["test_positions"].as_u64());
    let close = |a: f64, key: &str| (a - want[key].as_f64().unwrap_or(-1.0)).abs() < 1e-9;
    assert!(close(e.spur.hr, "hr"), "{} vs {}", e.spur.hr, want["hr"]);
    assert!(
        close(e.spur.mrr, "mrr"),
        "{} vs {}",
        e.spur.mrr,
        want["mrr"]
    );
}

#[test]
fn item_ids_the_artifact_cannot_carry_are_refused_at_training() {
    let long = "x".repeat(300);
    let log = ClickLog::from_sessions(&[vec![long.as_str(), "a"], vec!["a", "b"]]);
    let e = fit(&log, RecoParams::default(), None).map(|_| ());
    assert_eq!(e.map_err(|e| e.code()), Err("invalid"));
    let ok = ClickLog::from_sessions(&[vec!["a", "b"], vec!["b", "c"]]);
    let m = fit(&ok, RecoParams::default(), None).expect("fits");
    let (_, back) = artifact::decode(&artifact::encode(&m, 0)).expect("decodes");
    assert_eq!(back, m);
}

/// The cross-shell fixture: a small `reco` artifact, request bodies and the answers natively
/// (the same files are checked in Chromium by `tests/wasm.rs`, and are there for the CLI and
/// workerd). `UPDATE_EXPECT=1` rewrites them.
#[test]
fn cross_shell_fixture_answers_natively() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/reco/cross-shell");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(&dir).expect("dir");
        let s = shop(&ShopOptions {
            sessions: 1500,
            items: 300,
            seed: 4,
        });
        let log = clicks_of(&s.clicks_csv);
        let m = train(&log, &TrainOptions::default(), &mut |_| Control::Continue).expect("trains");
        std::fs::write(
            dir.join("model.spur"),
            artifact::encode(&m, 1_764_633_600_000),
        )
        .expect("write");
        let requests = serde_json::json!([
            {"clicks": ["P00003", "P00120"], "basket": ["P00010"], "k": 10},
            {"session_id": "s", "clicks": ["P00007"], "k": 5},
            {"clicks": ["P00200", "P00011", "P00200"], "basket": [], "k": 20},
            {"clicks": ["unknown"], "k": 3},
            {"clicks": []}
        ]);
        let mut expected = Vec::new();
        for r in requests.as_array().into_iter().flatten() {
            let req = spur_core::reco::request::parse_recommend_request(r.to_string().as_bytes())
                .expect("valid");
            expected.push(recommend(&m, &req.to_request(None)));
        }
        std::fs::write(
            dir.join("requests.json"),
            serde_json::to_string_pretty(&requests).unwrap_or_default(),
        )
        .expect("write");
        std::fs::write(
            dir.join("expected.json"),
            serde_json::to_string_pretty(&expected).unwrap_or_default(),
        )
        .expect("write");
    }
    let bytes = std::fs::read(dir.join("model.spur")).expect("fixture model");
    let (_, m) = artifact::decode(&bytes).expect("decodes");
    let requests: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(dir.join("requests.json")).expect("requests"))
            .expect("json");
    let expected: Vec<spur_core::reco::Recommendations> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).expect("expected"))
            .expect("json");
    assert_eq!(requests.len(), expected.len());
    for (r, want) in requests.iter().zip(&expected) {
        let req = spur_core::reco::request::parse_recommend_request(r.to_string().as_bytes())
            .expect("valid");
        let got = recommend(&m, &req.to_request(None));
        assert_eq!(&got, want, "{r}");
    }
}

#[test]
fn the_recommend_response_shape() {
    use spur_core::reco::request::parse_recommend_request;
    use spur_core::reco::response::respond;
    let req = parse_recommend_request(br#"{"clicks":["P00003"],"k":3}"#).expect("valid");
    let none = serde_json::to_value(respond(None, &req, None)).expect("json");
    assert_eq!(
        none,
        serde_json::json!({"items": [], "model": null, "profile": false, "degraded": "no_model"})
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/reco/cross-shell");
    let bytes = std::fs::read(dir.join("model.spur")).expect("fixture model");
    let (h, m) = artifact::decode(&bytes).expect("decodes");
    let v = serde_json::to_value(respond(Some((&h, &m)), &req, None)).expect("json");
    assert_eq!(v["model"]["kind"], "reco");
    assert_eq!(v["model"]["sha256"], h.sha256.as_str());
    assert_eq!(v["model"]["created_at"], "2025-12-02T00:00:00.000Z");
    assert_eq!(v["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["degraded"], serde_json::Value::Null);
}

/// The web app's "(none)" for a shop column: an empty name turns the field off even when a
/// column has the default name; an absent named column is still an error.
#[test]
fn an_empty_shop_column_name_turns_the_field_off() {
    let csv = "session_id,item_id,timestamp,category,customer\ns1,a,1,c1,u1\ns1,b,2,c2,u1\n";
    let options = ImportOptions {
        mapping: Mapping {
            case: Some("session_id".into()),
            activity: Some("item_id".into()),
            timestamp: Some("timestamp".into()),
            ..Mapping::default()
        },
        ..ImportOptions::default()
    };
    let (log, _) = import_bytes("c.csv", csv.as_bytes(), &options).expect("imports");
    let by_default = ClickLog::from_event_log(&log, &ClickColumns::default()).expect("clicks");
    assert_eq!(by_default.info[0].category.as_deref(), Some("c1"));
    assert_eq!(by_default.sessions[0].customer.as_deref(), Some("u1"));
    let off = ClickColumns {
        category: Some(String::new()),
        customer: Some(String::new()),
        ..ClickColumns::default()
    };
    let c = ClickLog::from_event_log(&log, &off).expect("clicks");
    assert_eq!(c.info[0].category, None);
    assert_eq!(c.sessions[0].customer, None);
    let missing = ClickColumns {
        price: Some("cost".into()),
        ..ClickColumns::default()
    };
    assert!(ClickLog::from_event_log(&log, &missing).is_err());
}
