//! Unit tests of the lead-table importer: small tables in, column rendering out.

use super::*;

fn check(input: &str, config: ImportConfig, expect: &str) {
    let got = match import_csv(input.as_bytes(), &config) {
        Err(e) => format!("error {}: {e}", e.code()),
        Ok(imp) => {
            let mut out = String::new();
            for c in &imp.columns {
                out.push_str(&format!(
                    "{} {:?} {:?} missing={} distinct={} grouped={}\n",
                    c.name, c.kind, c.role, c.missing, c.distinct, c.grouped
                ));
            }
            for f in &imp.dataset.features {
                match &f.data {
                    FeatureData::Numeric(v) => out.push_str(&format!("{} = {v:?}\n", f.name)),
                    FeatureData::Categorical { levels, codes } => {
                        out.push_str(&format!("{} = {levels:?} {codes:?}\n", f.name))
                    }
                }
            }
            out.push_str(&format!("outcome = {:?}\n", imp.dataset.outcome));
            if let Some(d) = &imp.dataset.date {
                out.push_str(&format!("date = {d:?}\n"));
            }
            for r in &imp.rejected {
                out.push_str(&format!(
                    "rejected line {} {:?}: {}\n",
                    r.line, r.column, r.reason
                ));
            }
            out
        }
    };
    assert_eq!(got.trim_end(), expect.trim_end());
}

#[test]
fn infers_types_and_roles() {
    let mut cfg = ImportConfig::new("won");
    cfg.value = Some("value".into());
    cfg.rare_count = 2;
    check(
            "size,industry,fast,created,won,value,const\n\
             10,energy,yes,2024-01-02,1,100,x\n\
             ,retail,no,2024-01-03T10:00:00Z,0,,x\n\
             30,energy,,2024-01-04,true,50,x\n\
             40,weird,yes,NA,won,7,x\n\
             5,retail,no,2024-01-05,maybe,1,x\n\
             1,2\n",
            cfg,
            "size Numeric Feature missing=1 distinct=3 grouped=0
industry Categorical Feature missing=0 distinct=3 grouped=2
fast Boolean Feature missing=1 distinct=2 grouped=0
created Date Date missing=1 distinct=3 grouped=0
won Categorical Outcome missing=0 distinct=4 grouped=0
value Numeric Value missing=1 distinct=3 grouped=0
const Categorical Constant missing=0 distinct=1 grouped=0
size = [Some(10.0), None, Some(30.0), Some(40.0)]
industry = [\"(missing)\", \"other\", \"energy\"] [2, 1, 2, 1]
fast = [\"(missing)\", \"other\", \"false\", \"true\"] [3, 2, 0, 3]
outcome = [true, false, true, true]
date = [Some(1704153600000), Some(1704276000000), Some(1704326400000), None]
rejected line 6 Some(\"won\"): `maybe` is not an outcome (expected true/false, 1/0, yes/no, won/lost)
rejected line 7 None: 2 fields, the header has 7",
        );
}

#[test]
fn refusals() {
    check(
        "a,b\n1,2\n",
        ImportConfig::new("won"),
        "error no_such_column: no column `won` (columns: a, b)",
    );
    check(
        "a,won\n1,x\n",
        ImportConfig::new("won"),
        "error no_rows: no usable rows (1 rejected)",
    );
    check(
        "a,won\n1,\"x\n",
        ImportConfig::new("won"),
        "error invalid_csv: line 2, column 2: a quoted field is never closed",
    );
    let mut cfg = ImportConfig::new("won");
    cfg.exclude = vec!["a".into()];
    check(
        "a,won\n1,1\n2,0\n",
        cfg,
        "error no_features: no feature columns left after exclusions",
    );
}

#[test]
fn dates_parse_strictly() {
    assert_eq!(parse_date("1970-01-01"), Some(0));
    assert_eq!(parse_date("1970-01-01T00:00:01.5Z"), Some(1500));
    assert_eq!(parse_date("1970-01-01 01:00+01:00"), Some(0));
    assert_eq!(parse_date("1970-13-01"), None);
    assert_eq!(parse_date("1970-01-01X"), None);
    assert_eq!(parse_date("é970-01-01"), None);
}
