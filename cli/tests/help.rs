//! The command tree as clap declares it: `spur --help` and `spur SUB --help` list the
//! subcommands and flags (stdout, exit 0), and usage errors — an unknown flag, a missing
//! argument, no command at all — exit with the usage code 2 and name what is wrong.

mod support;

use support::spur;

/// Every subcommand existing scripts call, as `spur --help` lists it.
const SUBCOMMANDS: [&str; 20] = [
    "stats",
    "leads",
    "reco",
    "bench",
    "compare",
    "convert",
    "map",
    "ocel",
    "bench-log",
    "bench-toolkit",
    "merge",
    "simulate",
    "filter",
    "before",
    "after",
    "roles",
    "discover",
    "conformance",
    "stream",
    "run",
];

#[test]
fn help_lists_every_subcommand_and_the_exit_codes() {
    for flag in ["--help", "-h", "help"] {
        let r = spur(&[flag]);
        assert_eq!(r.code, 0, "{flag}: {}", r.stderr);
        assert!(r.stderr.is_empty(), "{flag}: {}", r.stderr);
        for sub in SUBCOMMANDS {
            assert!(
                r.stdout.contains(&format!("\n  {sub} ")),
                "{flag} lists `{sub}`:\n{}",
                r.stdout
            );
        }
        assert!(r.stdout.contains("1 the input was refused"), "{}", r.stdout);
    }
}

#[test]
fn subcommand_help_lists_its_flags() {
    for (args, flags) in [
        (
            vec!["stats", "--help"],
            vec![
                "--json",
                "--filter <F>",
                "--engine <duckdb|spark>",
                "--delimiter <D>",
            ],
        ),
        (
            vec!["filter", "--help"],
            vec!["[LOG]", "[FILTER]...", "-o, --output <OUT>", "--forms"],
        ),
        (
            vec!["before", "--help"],
            vec![
                "<LOG>",
                "<ACTIVITY>",
                "--where <ATTR=VALUE>",
                "--within <DURATION>",
            ],
        ),
        (
            vec!["stream", "--help"],
            vec!["--key <COL>", "--window <WINDOW>", "--checkpoint <FILE>"],
        ),
        (
            vec!["ocel", "map", "--help"],
            vec!["--types <A,B>", "--max-edges <N>", "-o, --output <MAP.svg>"],
        ),
        (
            vec!["leads", "--help"],
            vec!["evaluate", "train", "score", "generate", "activities"],
        ),
        (vec!["help", "discover"], vec!["--noise <X>", "--variant"]),
    ] {
        let r = spur(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        for flag in flags {
            assert!(
                r.stdout.contains(flag),
                "{args:?} lists `{flag}`:\n{}",
                r.stdout
            );
        }
    }
}

#[test]
fn an_unknown_flag_is_a_usage_error_that_names_it() {
    for (args, flag) in [
        (
            vec!["stats", "tests/data/small.csv", "--bogus"],
            "'--bogus'",
        ),
        (
            vec!["map", "tests/data/small.csv", "--colour", "red"],
            "'--colour'",
        ),
        (
            vec!["ocel", "stats", "x.jsonocel", "--type", "order"],
            "'--type'",
        ),
    ] {
        let r = spur(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(
            r.stderr
                .starts_with(&format!("spur: unexpected argument {flag} found")),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("Usage: spur "), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn usage_errors_exit_2_and_say_what_is_missing() {
    // No command at all: the help, on stderr.
    let r = spur(&[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("Usage: spur <COMMAND>"), "{}", r.stderr);
    let r = spur(&["frobnicate"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("spur: unrecognized subcommand 'frobnicate'"),
        "{}",
        r.stderr
    );
    let r = spur(&["conformance", "tests/data/small.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("<MODEL>"), "{}", r.stderr);
    // A value clap checks names the flag, the value and the accepted ones.
    let r = spur(&["conformance", "a.csv", "m.pnml", "--method", "fast"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("'fast'")
            && r.stderr.contains("--method")
            && r.stderr.contains("alignments"),
        "{}",
        r.stderr
    );
}

#[test]
fn repeated_flags_take_the_last_value_as_before() {
    let a = spur(&["roles", "tests/data/small.csv", "--top", "1", "--top", "3"]);
    let b = spur(&["roles", "tests/data/small.csv", "--top", "3"]);
    assert_eq!((a.code, &a.stdout), (0, &b.stdout), "{}", a.stderr);
}
