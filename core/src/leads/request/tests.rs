//! The scoring request parser on good, hostile and random bodies (corpus:
//! `core/test_data/leads/hostile-requests.json`).

use super::*;

fn err(body: &str) -> RequestError {
    parse_score_request(body.as_bytes()).unwrap_err()
}

#[test]
fn accepts_one_lead_and_a_batch() {
    let one = parse_score_request(br#"{"industry":"energy","company_size":250}"#).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].company_size, Some(250.0));
    let two = parse_score_request(br#"{"leads":[{"id":"a"},{"id":"b","company":null}]}"#).unwrap();
    assert_eq!(two.len(), 2);
    let empty = parse_score_request(b"{}").unwrap();
    assert_eq!(empty, vec![Lead::default()]);
    let edge = format!(r#"{{"company_size":0,"hours_to_first_response":{MAX_NUMBER}}}"#);
    assert_eq!(
        parse_score_request(edge.as_bytes()).unwrap()[0].company_size,
        Some(0.0)
    );
}

#[test]
fn refusals_name_the_field() {
    assert_eq!(
        err(r#"{"leads":[{"id":"a"},{"company_size":"big"}]}"#).to_string(),
        "field `leads[1].company_size`: invalid type: string \"big\", expected a number from 0 to 1e12, or null"
    );
    assert!(err(r#"{"industy":"energy"}"#)
        .to_string()
        .contains("unknown field `industy`"));
    assert_eq!(err("[1,2]").code(), "invalid_field");
    assert!(err("[1,2]").to_string().contains("expected a JSON object"));
    assert_eq!(err("{\"id\": ").code(), "invalid_json");
    assert_eq!(err("{} x").code(), "invalid_json");
    assert_eq!(err("   ").code(), "empty_body");
    assert_eq!(err(r#"{"leads":[]}"#).code(), "no_leads");
}

/// Hostile bodies from the corpus: each is refused with the code and a message fragment named
/// in `core/test_data/leads/hostile-requests.json`.
#[test]
fn hostile_bodies_are_refused_with_their_code() {
    let table: Vec<serde_json::Value> = serde_json::from_str(include_str!(
        "../../../test_data/leads/hostile-requests.json"
    ))
    .unwrap();
    for case in table {
        let body = case["body"].as_str().unwrap();
        let e = err(body);
        assert_eq!(e.code(), case["code"], "{body}: {e}");
        let fragment = case["contains"].as_str().unwrap();
        assert!(e.to_string().contains(fragment), "{body}: {e}");
    }
}

#[test]
fn limits_hold_before_allocation() {
    let many = format!("{{\"leads\":[{}]}}", vec!["{}"; MAX_BATCH + 1].join(","));
    assert_eq!(err(&many).code(), "too_many_leads");
    // ~350k empty leads in 1 MiB: refused at element 1,001 (not after building them all);
    // the rest of the body (even its missing closing bracket) is never read.
    let mut flood = String::from("{\"leads\":[");
    while flood.len() < MAX_BODY_BYTES - 4 {
        flood.push_str("{},");
    }
    assert_eq!(err(&flood).code(), "too_many_leads");
    let exactly = format!("{{\"leads\":[{}]}}", vec!["{}"; MAX_BATCH].join(","));
    assert_eq!(
        parse_score_request(exactly.as_bytes()).unwrap().len(),
        MAX_BATCH
    );
    let big = vec![b' '; MAX_BODY_BYTES + 1];
    assert_eq!(parse_score_request(&big).unwrap_err().status(), 413);
}

#[test]
fn long_strings_and_deep_nesting_are_refused_and_not_echoed_whole() {
    let long = format!(r#"{{"company":"{}"}}"#, "x".repeat(MAX_STRING_BYTES + 1));
    assert_eq!(
        err(&long).to_string(),
        format!(
            "field `company`: {} bytes; the limit is {MAX_STRING_BYTES}",
            MAX_STRING_BYTES + 1
        )
    );
    let ok = format!(r#"{{"company":"{}"}}"#, "é".repeat(MAX_STRING_BYTES / 2));
    assert!(parse_score_request(ok.as_bytes()).is_ok());
    let huge_key = format!(r#"{{"{}":1}}"#, "k".repeat(100_000));
    assert!(err(&huge_key).to_string().len() <= MAX_MESSAGE_CHARS + 64);
    let huge_value = format!(r#"{{"company_size":"{}"}}"#, "v".repeat(100_000));
    assert!(err(&huge_value).to_string().len() <= MAX_MESSAGE_CHARS + 64);
    for deep in [
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("{{\"leads\":[{}]}}", "[".repeat(100_000)),
        format!("{{\"id\":{}}}", "{\"a\":".repeat(50_000)),
    ] {
        let e = err(&deep);
        assert!(e.status() == 400, "{e}");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any bytes give leads within the limits or a refusal; never a panic.
        #[test]
        fn any_bytes_are_parsed_or_refused(body in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Ok(leads) = parse_score_request(&body) {
                prop_assert!(!leads.is_empty() && leads.len() <= MAX_BATCH);
            }
        }

        /// Every accepted number is in range; every refused one names its field.
        #[test]
        fn numbers_are_in_range_or_refused(x in any::<f64>()) {
            let body = format!(r#"{{"company_size":{x:e}}}"#);
            match parse_score_request(body.as_bytes()) {
                Ok(leads) => {
                    let v = leads[0].company_size.unwrap();
                    prop_assert!((0.0..=MAX_NUMBER).contains(&v) && !(v == 0.0 && v.is_sign_negative()));
                }
                Err(e) => prop_assert!(e.status() == 400),
            }
        }
    }
}
