//! Fixture files: `core/test_data/leads/{ok,err}/NNN_name.csv` (outcome column `won`), each
//! with the expected rendering in `NNN_name.txt` next to it. `UPDATE_EXPECT=1` blesses.

use super::*;

fn render(bytes: &[u8]) -> String {
    match import_csv(bytes, &ImportConfig::new("won")) {
        Err(e) => format!("error {}: {e}\n", e.code()),
        Ok(imp) => {
            let mut out = String::new();
            for c in &imp.columns {
                out.push_str(&format!(
                    "column {} {:?} {:?} missing={} distinct={}\n",
                    c.name, c.kind, c.role, c.missing, c.distinct
                ));
            }
            out.push_str(&format!(
                "rows {} won {:?}\n",
                imp.dataset.rows(),
                imp.dataset.outcome
            ));
            for r in &imp.rejected {
                let column = r.column.as_deref().unwrap_or("-");
                out.push_str(&format!(
                    "rejected line {} column {column}: {}\n",
                    r.line, r.reason
                ));
            }
            out
        }
    }
}

#[test]
fn fixture_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/leads");
    let mut seen = 0;
    for dir in ["ok", "err"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("fixture dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        files.sort();
        for path in files {
            let got = render(&std::fs::read(&path).expect("fixture"));
            assert_eq!(
                got.starts_with("error"),
                dir == "err",
                "{}: {got}",
                path.display()
            );
            expect_test::expect_file![path.with_extension("txt")].assert_eq(&got);
            seen += 1;
        }
    }
    assert!(seen >= 10, "{seen} fixtures");
}
