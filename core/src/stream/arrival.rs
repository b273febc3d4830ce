//! Arrival order for a log that has none of its own.
//!
//! A CSV file's row order is the stream's arrival order (`spur stream`, the Stream screen). XES,
//! Parquet, Arrow and logs merged from several sources have no such order: an imported log is
//! grouped by case, which replayed as is would look like wild disorder. Such a log is replayed
//! as if each event arrived when it happened: its events in event-time order (ties keep the
//! log's order), written as CSV with pm4py's column names so that the CLI and the browser feed
//! the operator the very same rows. Events without a timestamp come last, where the replay
//! rejects them with a count rather than dropping them.

use crate::export::csv::{write_rows, CsvExportOptions};
use crate::log::EventLog;
use crate::open::{detect, LogFormat};

/// The columns of [`in_event_time_order`]'s CSV that the replay reads by default: pm4py's names.
pub const KEY: &str = "case:concept:name";
pub const ACTIVITY: &str = "concept:name";
pub const TIME: &str = "time:timestamp";

/// True when the file's own row order is its arrival order (plain CSV/TSV); false when it must be
/// imported and put in event-time order with [`in_event_time_order`] first.
pub fn has_row_order(file_name: &str, head: &[u8]) -> bool {
    detect(file_name, head) == LogFormat::Csv
}

/// The log's events as CSV in event-time order (see the module documentation). The columns are
/// the case (`case:concept:name`), the activity (`concept:name`), the timestamp
/// (`time:timestamp`) and then every other attribute, as `spur convert` writes them.
pub fn in_event_time_order(log: &EventLog) -> Vec<u8> {
    let mut order: Vec<usize> = (0..log.num_events()).collect();
    // Stable: events at the same instant keep the log's order.
    order.sort_by_key(|&e| log.timestamp(e).map_or((1, 0), |t| (0, t)));
    write_rows(log, &CsvExportOptions::default(), order)
}

/// What a shell tells the user when it replays `file_name` in event-time order.
pub fn note(file_name: &str) -> String {
    format!(
        "{file_name} has no row order of its own (it is not a CSV file, or it was merged): \
         its events are replayed in event-time order, as if each arrived when it happened; \
         columns: case:concept:name (key), concept:name (activity), time:timestamp (time)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_bytes, ImportOptions};

    fn log(csv: &str) -> EventLog {
        import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
            .expect("the test log imports")
            .0
    }

    #[test]
    fn csv_has_row_order_and_the_others_do_not() {
        assert!(has_row_order("a.csv", b"case,activity\n"));
        assert!(has_row_order("a.tsv", b"case\tactivity\n"));
        assert!(!has_row_order("a.xes", b"<?xml version"));
        assert!(!has_row_order("a.xes.gz", &[0x1f, 0x8b, 8]));
        assert!(!has_row_order("a.parquet", b"PAR1...."));
        assert!(!has_row_order("a.arrow", b"ARROW1\0\0"));
    }

    #[test]
    fn events_come_in_time_order_with_ties_in_log_order_and_untimed_last() {
        // Imported logs are grouped by case: b's first event happened before a's second.
        let l = log("case,activity,timestamp\n\
                     a,A1,2024-01-01T10:00:00Z\n\
                     a,A2,2024-01-01T12:00:00Z\n\
                     b,B1,2024-01-01T11:00:00Z\n\
                     b,B2,2024-01-01T12:00:00Z\n\
                     b,B3,\n");
        let text = String::from_utf8(in_event_time_order(&l)).expect("utf-8");
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows[0], "case:concept:name,concept:name,time:timestamp");
        let acts: Vec<&str> = rows[1..]
            .iter()
            .map(|r| r.split(',').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(acts, ["A1", "B1", "A2", "B2", "B3"]);
    }

    #[test]
    fn the_replay_reads_the_rows_back_in_order() {
        use crate::stream::replay::{Replay, ReplaySetup};
        let l = log("case,activity,timestamp\n\
                     a,x,2024-01-01T10:00:00Z\n\
                     a,y,2024-01-01T10:30:00Z\n\
                     b,x,2024-01-01T10:10:00Z\n");
        let setup = ReplaySetup {
            key: "case:concept:name".into(),
            time: "time:timestamp".into(),
            activity: "concept:name".into(),
            window: "tumbling:1h".into(),
            aggs: "count".into(),
            batch: "1m".into(),
            ..ReplaySetup::default()
        };
        let mut r = Replay::new(&in_event_time_order(&l), &setup).expect("replay opens");
        r.run_to_end();
        let stats = r.lane(crate::stream::replay::ReplayMode::PerEvent).stats();
        assert_eq!((stats.events, stats.late), (3, 0));
    }
}
