//! The laundry scenario: machines are booked by customers through an app, and support staff
//! sometimes end a booking with a remote `reset`. Three sources, as the company keeps them:
//!
//! - `states.csv` (`booking,machine,state,timestamp,customer,model,software`): a normal booking
//!   goes `reserved` → `waiting for door opening` → `running` → `finish booking` → `logged out`;
//! - `commands.csv` (`machine,command,timestamp,sender,sender_role`): remote commands sent by
//!   `hotline` staff or `object manager`s;
//! - `errors.csv` (`machine,error,timestamp`): error messages of the machines.
//!
//! Planted causes of resets, each at a configurable per-booking rate:
//! a) **reserved**: the customer cannot cancel in the app; the hotline resets 5–40 min after
//!    `reserved`; then the same customer re-books the machine within 1–5 min
//!    (`rebook_same_share`), or it stays idle 2–10 h until another customer books it;
//! b) **card**: the card fails while `waiting for door opening`; the hotline sends a remote
//!    `start booking` and, a few minutes later, a `reset` to open the door;
//! c) **finish**: the customer does not log out; an object manager resets the machine left in
//!    `finish booking` 2–12 h later, and the next booking comes after that.
//!
//! Noise: status queries and remote starts that need no reset, routine error messages, and
//! rare `sensor error`s at random times (mostly between bookings, so unrelated to resets).
//! Red herrings: each machine's `model` and `software` are drawn from the same distributions
//! whatever happens on it. Everything follows from the seed; [`LaundryTruth`] counts what was
//! planted.

use crate::import::timestamp::{days_from_civil, format_iso};
use crate::leads::rng::Rng;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

#[cfg(test)]
mod tests;

/// The machine states of a booking, in their normal order.
pub const STATES: [&str; 5] = [
    "reserved",
    "waiting for door opening",
    "running",
    "finish booking",
    "logged out",
];
const RESERVED: u8 = 0;
const WAITING: u8 = 1;
const RUNNING: u8 = 2;
const FINISH: u8 = 3;
const LOGGED_OUT: u8 = 4;

const COMMANDS: [&str; 3] = ["reset", "start booking", "status query"];
const RESET: u8 = 0;
const START: u8 = 1;
const STATUS: u8 = 2;

const HOTLINE: [&str; 4] = ["hotline-anna", "hotline-ben", "hotline-cem", "hotline-dana"];
const MANAGERS: [&str; 6] = ["om-eva", "om-finn", "om-gul", "om-hugo", "om-ida", "om-jan"];
const ROLES: [&str; 2] = ["hotline", "object manager"];

const ERRORS: [&str; 4] = [
    "sensor error",
    "water pressure low",
    "detergent empty",
    "door lock warning",
];
const SENSOR: u8 = 0;

const MODELS: [(&str, f64); 3] = [("WM-500", 0.5), ("WM-700", 0.3), ("WX-900", 0.2)];
const SOFTWARE: [(&str, f64); 3] = [("3.1.4", 0.4), ("3.2.0", 0.4), ("4.0.1", 0.2)];

const MIN: i64 = 60;
const HOUR: i64 = 3600;

/// What to simulate. Rates are per booking unless said otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LaundryConfig {
    pub seed: u64,
    pub machines: u32,
    pub customers: u32,
    /// Rough length of the period (bookings are spread over it).
    pub days: u32,
    pub bookings: u32,
    /// Cause a: reset in `reserved`.
    pub rate_reserved: f64,
    /// Cause b: card problem, remote start then reset in `waiting for door opening`.
    pub rate_card: f64,
    /// Cause c: no log-out, object manager resets in `finish booking`.
    pub rate_finish: f64,
    /// After a reset in `reserved`: share of immediate re-bookings by the same customer.
    pub rebook_same_share: f64,
    /// Resets for no planted reason (object manager, in `running`); 0 by default.
    pub rate_random_reset: f64,
    /// `sensor error` messages per machine and day, at random times.
    pub sensor_error_rate: f64,
    /// Routine error messages during a booking.
    pub noise_error_rate: f64,
    /// Status queries by object managers (at random times around a booking).
    pub status_query_rate: f64,
    /// Remote `start booking` by the hotline that works without a reset.
    pub remote_start_rate: f64,
}

impl Default for LaundryConfig {
    fn default() -> Self {
        LaundryConfig {
            seed: 42,
            machines: 50,
            customers: 3000,
            days: 120,
            bookings: 20_000,
            rate_reserved: 0.004,
            rate_card: 0.005,
            rate_finish: 0.016,
            rebook_same_share: 0.6,
            rate_random_reset: 0.0,
            sensor_error_rate: 0.05,
            noise_error_rate: 0.03,
            status_query_rate: 0.02,
            remote_start_rate: 0.004,
        }
    }
}

/// What was planted, counted from the generated rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LaundryTruth {
    pub bookings: u64,
    pub state_rows: u64,
    pub command_rows: u64,
    pub error_rows: u64,
    /// All resets (= the sum of the four causes).
    pub resets: u64,
    pub resets_reserved: u64,
    pub resets_card: u64,
    pub resets_finish: u64,
    pub resets_random: u64,
    pub resets_by_hotline: u64,
    pub resets_by_object_manager: u64,
    /// After a reset in `reserved`: the same customer booked the machine again within 5 min.
    pub rebooked_same_customer: u64,
    /// After a reset in `reserved`: another customer booked it hours later.
    pub rebooked_other_customer: u64,
    /// Remote `start booking` commands followed by a reset in the same booking (cause b).
    pub remote_starts_before_reset: u64,
    /// Remote `start booking` commands without a reset.
    pub remote_starts_without_reset: u64,
    pub status_queries: u64,
    pub sensor_errors: u64,
    /// Resets with a `sensor error` on the same machine in the hour before.
    pub resets_after_sensor_error: u64,
    pub noise_errors: u64,
    /// Mean minutes from entering the state to the reset, per cause.
    pub mean_minutes_to_reset_reserved: f64,
    pub mean_minutes_to_reset_card: f64,
    pub mean_minutes_to_reset_finish: f64,
}

/// The three sources (CSV bytes) and the truth.
#[derive(Debug, Clone, PartialEq)]
pub struct LaundryData {
    pub states: Vec<u8>,
    pub commands: Vec<u8>,
    pub errors: Vec<u8>,
    pub truth: LaundryTruth,
}

impl LaundryData {
    /// The three sources as files, in merge order (primary first), named as `spur simulate
    /// laundry` writes them.
    pub fn files(&self) -> [(&'static str, &[u8]); 3] {
        [
            (MERGE_SOURCES[0].0, &self.states),
            (MERGE_SOURCES[1].0, &self.commands),
            (MERGE_SOURCES[2].0, &self.errors),
        ]
    }
}

/// How the sources are merged (as `scripts/demo.sh` runs `spur merge`): file name and role
/// overrides (`merge::sources::parse_roles` syntax), primary first.
pub const MERGE_SOURCES: [(&str, &str); 3] = [
    ("states.csv", "case=booking,activity=state"),
    ("commands.csv", "activity=command,resource=sender"),
    ("errors.csv", "activity=error"),
];
/// The entity attribute the sources are merged on.
pub const MERGE_ENTITY: &str = "machine";
/// The activity that ends a booking.
pub const MERGE_CLOSES: &str = "logged out";

struct StateRow {
    t: i64,
    machine: u32,
    booking: u32,
    state: u8,
    customer: u32,
}

struct CommandRow {
    t: i64,
    machine: u32,
    command: u8,
    sender: &'static str,
    role: u8,
}

struct ErrorRow {
    t: i64,
    machine: u32,
    error: u8,
}

#[derive(Default)]
struct Sim {
    states: Vec<StateRow>,
    commands: Vec<CommandRow>,
    errors: Vec<ErrorRow>,
    /// Per booking (generation order): its start time and machine.
    starts: Vec<(i64, u32)>,
    truth: LaundryTruth,
    minutes: [f64; 3],
}

fn uniform(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    lo + rng.below((hi - lo + 1).max(1) as usize) as i64
}

fn pick<'a>(rng: &mut Rng, table: &[(&'a str, f64)]) -> &'a str {
    let weights: Vec<f64> = table.iter().map(|(_, w)| *w).collect();
    table[rng.weighted(&weights)].0
}

/// Generate the scenario described by `cfg` (the same config gives the same bytes).
pub fn generate(cfg: &LaundryConfig) -> LaundryData {
    let mut rng = Rng::new(cfg.seed);
    let machines = cfg.machines.max(1);
    let customers = cfg.customers.max(2);
    let clamp = |p: f64| {
        if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let machine_props: Vec<(&str, &str)> = (0..machines)
        .map(|_| (pick(&mut rng, &MODELS), pick(&mut rng, &SOFTWARE)))
        .collect();
    let t0 = days_from_civil(2024, 1, 1) * 86_400;
    let span = i64::from(cfg.days.max(1)) * 86_400;
    let per_machine = |m: u32| cfg.bookings / machines + u32::from(m < cfg.bookings % machines);
    let mut sim = Sim::default();
    for m in 0..machines {
        let n = per_machine(m);
        // Mean idle gap so that the bookings roughly fill the period (a booking takes ~75 min).
        let gap = (span / i64::from(n.max(1)) - 75 * MIN).max(10 * MIN) as f64;
        let idle = |rng: &mut Rng| (-(1.0 - rng.f64()).ln() * gap) as i64 + 5 * MIN;
        let mut t = t0 + uniform(&mut rng, 0, 12 * HOUR);
        let mut customer = rng.below(customers as usize) as u32;
        let mut k = 0;
        while k < n {
            let outcome = sim.booking(&mut rng, cfg, m, t, customer, clamp);
            k += 1;
            // What comes next on this machine.
            let (next_t, same) = match outcome {
                Outcome::Reserved(reset) if rng.chance(clamp(cfg.rebook_same_share)) && k < n => {
                    sim.truth.rebooked_same_customer += 1;
                    (reset + uniform(&mut rng, MIN, 5 * MIN), true)
                }
                Outcome::Reserved(reset) => {
                    if k < n {
                        sim.truth.rebooked_other_customer += 1;
                    }
                    (reset + uniform(&mut rng, 2 * HOUR, 10 * HOUR), false)
                }
                Outcome::Ended(end) => (end + idle(&mut rng), false),
            };
            if !same {
                let previous = customer;
                customer = rng.below(customers as usize) as u32;
                if customer == previous {
                    customer = (customer + 1) % customers;
                }
            }
            t = next_t;
        }
        // Sensor errors: at random times over the machine's period, whatever else happens.
        let end = t;
        let rate = if cfg.sensor_error_rate.is_finite() {
            cfg.sensor_error_rate.clamp(0.0, 1000.0)
        } else {
            0.0
        };
        let expected = rate * ((end - t0) as f64 / 86_400.0).max(0.0);
        let count = expected.floor() as u64 + u64::from(rng.chance(expected.fract()));
        for _ in 0..count {
            let at = uniform(&mut rng, t0, end);
            sim.errors.push(ErrorRow {
                t: at,
                machine: m,
                error: SENSOR,
            });
            sim.truth.sensor_errors += 1;
        }
    }
    sim.finish(&machine_props)
}

enum Outcome {
    /// Reset in `reserved` at this time.
    Reserved(i64),
    /// The booking ended (last event) at this time.
    Ended(i64),
}

impl Sim {
    fn state(&mut self, t: i64, machine: u32, state: u8, customer: u32) {
        let booking = self.starts.len() as u32 - 1;
        self.states.push(StateRow {
            t,
            machine,
            booking,
            state,
            customer,
        });
    }

    fn command(&mut self, rng: &mut Rng, t: i64, machine: u32, command: u8, role: u8) {
        let sender = if role == 0 {
            HOTLINE[rng.below(HOTLINE.len())]
        } else {
            MANAGERS[rng.below(MANAGERS.len())]
        };
        self.commands.push(CommandRow {
            t,
            machine,
            command,
            sender,
            role,
        });
        if command == RESET {
            self.truth.resets += 1;
            if role == 0 {
                self.truth.resets_by_hotline += 1;
            } else {
                self.truth.resets_by_object_manager += 1;
            }
        }
    }

    /// One booking starting at `t`; returns how it ended.
    fn booking(
        &mut self,
        rng: &mut Rng,
        cfg: &LaundryConfig,
        m: u32,
        t: i64,
        customer: u32,
        clamp: impl Fn(f64) -> f64,
    ) -> Outcome {
        self.starts.push((t, m));
        self.truth.bookings += 1;
        let r = rng.f64();
        let (a, b, c) = (
            clamp(cfg.rate_reserved),
            clamp(cfg.rate_card),
            clamp(cfg.rate_finish),
        );
        let random = clamp(cfg.rate_random_reset);
        self.state(t, m, RESERVED, customer);
        if r < a {
            let reset = t + uniform(rng, 5 * MIN, 40 * MIN);
            self.command(rng, reset, m, RESET, 0);
            self.truth.resets_reserved += 1;
            self.minutes[0] += (reset - t) as f64 / 60.0;
            return Outcome::Reserved(reset);
        }
        let waiting = t + uniform(rng, MIN, 10 * MIN);
        self.state(waiting, m, WAITING, customer);
        if r < a + b {
            let start = waiting + uniform(rng, 2 * MIN, 10 * MIN);
            self.command(rng, start, m, START, 0);
            let reset = start + uniform(rng, MIN, 5 * MIN);
            self.command(rng, reset, m, RESET, 0);
            self.truth.resets_card += 1;
            self.truth.remote_starts_before_reset += 1;
            self.minutes[1] += (reset - waiting) as f64 / 60.0;
            return Outcome::Ended(reset);
        }
        let mut running = waiting + uniform(rng, MIN, 5 * MIN);
        if rng.chance(clamp(cfg.remote_start_rate)) {
            let start = waiting + uniform(rng, 2 * MIN, 8 * MIN);
            self.command(rng, start, m, START, 0);
            self.truth.remote_starts_without_reset += 1;
            running = start + uniform(rng, 10, 90);
        }
        self.state(running, m, RUNNING, customer);
        let finish = running + uniform(rng, 30 * MIN, 90 * MIN);
        if rng.chance(clamp(cfg.noise_error_rate)) {
            self.errors.push(ErrorRow {
                t: uniform(rng, running + 1, finish - 1),
                machine: m,
                error: 1 + rng.below(ERRORS.len() - 1) as u8,
            });
            self.truth.noise_errors += 1;
        }
        if rng.chance(clamp(cfg.status_query_rate)) {
            let at = uniform(rng, t + 1, finish + 2 * HOUR);
            self.command(rng, at, m, STATUS, 1);
            self.truth.status_queries += 1;
        }
        if r >= a + b + c && r < a + b + c + random {
            let reset = uniform(rng, running + MIN, finish - MIN);
            self.command(rng, reset, m, RESET, 1);
            self.truth.resets_random += 1;
            return Outcome::Ended(reset);
        }
        self.state(finish, m, FINISH, customer);
        if r < a + b + c {
            let reset = finish + uniform(rng, 2 * HOUR, 12 * HOUR);
            self.command(rng, reset, m, RESET, 1);
            self.truth.resets_finish += 1;
            self.minutes[2] += (reset - finish) as f64 / 60.0;
            return Outcome::Ended(reset);
        }
        let out = finish + uniform(rng, MIN, 15 * MIN);
        self.state(out, m, LOGGED_OUT, customer);
        Outcome::Ended(out)
    }

    fn finish(mut self, props: &[(&str, &str)]) -> LaundryData {
        // Booking ids in order of start time (ties by machine).
        let mut order: Vec<u32> = (0..self.starts.len() as u32).collect();
        order.sort_by_key(|&b| self.starts[b as usize]);
        let mut id_of = vec![0u32; order.len()];
        for (rank, &b) in order.iter().enumerate() {
            id_of[b as usize] = rank as u32 + 1;
        }
        self.states.sort_by_key(|r| (r.t, r.machine, r.state));
        self.commands.sort_by_key(|r| (r.t, r.machine, r.command));
        self.errors.sort_by_key(|r| (r.t, r.machine, r.error));
        // Resets with a sensor error on the same machine in the hour before.
        let mut sensor: Vec<(u32, i64)> = self
            .errors
            .iter()
            .filter(|e| e.error == SENSOR)
            .map(|e| (e.machine, e.t))
            .collect();
        sensor.sort_unstable();
        for r in self.commands.iter().filter(|c| c.command == RESET) {
            let i = sensor.partition_point(|&(m, t)| (m, t) < (r.machine, r.t - HOUR));
            if sensor
                .get(i)
                .is_some_and(|&(m, t)| m == r.machine && t <= r.t)
            {
                self.truth.resets_after_sensor_error += 1;
            }
        }
        let mean = |sum: f64, n: u64| if n == 0 { 0.0 } else { sum / n as f64 };
        let t = &mut self.truth;
        t.mean_minutes_to_reset_reserved = mean(self.minutes[0], t.resets_reserved);
        t.mean_minutes_to_reset_card = mean(self.minutes[1], t.resets_card);
        t.mean_minutes_to_reset_finish = mean(self.minutes[2], t.resets_finish);
        t.state_rows = self.states.len() as u64;
        t.command_rows = self.commands.len() as u64;
        t.error_rows = self.errors.len() as u64;

        let mut states = String::with_capacity(self.states.len() * 80);
        states.push_str("booking,machine,state,timestamp,customer,model,software\n");
        for r in &self.states {
            let (model, software) = props[r.machine as usize];
            let _ = writeln!(
                states,
                "B{:06},{},{},{},C{:05},{model},{software}",
                id_of[r.booking as usize],
                machine_id(r.machine),
                STATES[r.state as usize],
                time(r.t),
                r.customer
            );
        }
        let mut commands = String::with_capacity(self.commands.len() * 70);
        commands.push_str("machine,command,timestamp,sender,sender_role\n");
        for r in &self.commands {
            let _ = writeln!(
                commands,
                "{},{},{},{},{}",
                machine_id(r.machine),
                COMMANDS[r.command as usize],
                time(r.t),
                r.sender,
                ROLES[r.role as usize]
            );
        }
        let mut errors = String::with_capacity(self.errors.len() * 50);
        errors.push_str("machine,error,timestamp\n");
        for r in &self.errors {
            let _ = writeln!(
                errors,
                "{},{},{}",
                machine_id(r.machine),
                ERRORS[r.error as usize],
                time(r.t)
            );
        }
        LaundryData {
            states: states.into_bytes(),
            commands: commands.into_bytes(),
            errors: errors.into_bytes(),
            truth: self.truth,
        }
    }
}

fn machine_id(m: u32) -> String {
    format!("M{:03}", m + 1)
}

/// `YYYY-MM-DD HH:MM:SS` of seconds since the epoch.
fn time(secs: i64) -> String {
    let iso = format_iso(secs.saturating_mul(1000));
    match (iso.get(..10), iso.get(11..19)) {
        (Some(d), Some(t)) => format!("{d} {t}"),
        _ => iso,
    }
}
