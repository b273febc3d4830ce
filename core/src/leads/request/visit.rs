//! Serde visitors that read a scoring request straight from the JSON bytes, refusing as early as
//! possible: an unknown or duplicate key, an over-long string or an out-of-range number is an
//! error at the value itself, and the batch stops at element `MAX_BATCH + 1`, so a hostile body
//! never builds more than [`MAX_BATCH`] leads or any intermediate `serde_json::Value`.
//!
//! Nesting is bounded by the schema: a lead holds scalars only, so an array or object where a
//! scalar belongs is refused at its first byte (depth ≤ 3: body, `leads`, lead).

use super::{Lead, RequestError, MAX_BATCH, MAX_NUMBER, MAX_STRING_BYTES};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};
use std::cell::Cell;
use std::fmt;

/// Fields of a lead, in declaration order (also the order named in "expected one of").
const FIELDS: [&str; 8] = [
    "id",
    "company",
    "company_size",
    "industry",
    "channel",
    "hours_to_first_response",
    "response_weekday",
    "response_channel",
];

/// Longest piece of the caller's input echoed back in an error message, in characters.
pub(super) const MAX_ECHO_CHARS: usize = 64;

/// `s`, cut to [`MAX_ECHO_CHARS`] characters with an ellipsis.
pub(super) fn cap(s: &str, chars: usize) -> String {
    match s.char_indices().nth(chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// What the body held: one lead, or a batch.
pub(super) enum Top {
    One(Lead),
    Batch(Vec<Lead>),
}

/// The whole body. `stop` receives a refusal that is not a serde error (too many leads).
pub(super) struct TopSeed<'s> {
    pub stop: &'s Cell<Option<RequestError>>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = Top;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Top, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = Top;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object (one lead, or {\"leads\": [...]})")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut lead = LeadFields::default();
        let mut batch = None;
        while let Some(key) = map.next_key_seed(KeySeed { top: true })? {
            match key {
                Key::Leads if batch.is_some() => {
                    return Err(de::Error::custom("duplicate field `leads`"))
                }
                Key::Leads if lead.seen != 0 => return Err(mixed()),
                Key::Leads => batch = Some(map.next_value_seed(LeadsSeed { stop: self.stop })?),
                Key::Field(_) if batch.is_some() => return Err(mixed()),
                Key::Field(i) => lead.read(i, &mut map)?,
            }
        }
        Ok(match batch {
            Some(leads) => Top::Batch(leads),
            None => Top::One(lead.lead),
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Top, E> {
        Err(E::invalid_type(
            Unexpected::Str(&cap(v, MAX_ECHO_CHARS)),
            &self,
        ))
    }
}

fn mixed<E: de::Error>() -> E {
    E::custom(
        "`leads` cannot be mixed with lead fields: send one lead object or {\"leads\": [...]}",
    )
}

/// `leads`: at most [`MAX_BATCH`] lead objects; reading stops at the one after.
struct LeadsSeed<'s> {
    stop: &'s Cell<Option<RequestError>>,
}

impl<'de> DeserializeSeed<'de> for LeadsSeed<'_> {
    type Value = Vec<Lead>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<Lead>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LeadsSeed<'_> {
    type Value = Vec<Lead>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of lead objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Lead>, A::Error> {
        let mut leads = Vec::new();
        loop {
            if leads.len() == MAX_BATCH {
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    self.stop
                        .set(Some(RequestError::TooManyLeads { limit: MAX_BATCH }));
                    return Err(de::Error::custom("too many leads"));
                }
                return Ok(leads);
            }
            match seq.next_element_seed(LeadSeed)? {
                Some(lead) => leads.push(lead),
                None => return Ok(leads),
            }
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<Lead>, E> {
        Err(E::invalid_type(
            Unexpected::Str(&cap(v, MAX_ECHO_CHARS)),
            &self,
        ))
    }
}

/// One element of `leads`.
struct LeadSeed;

impl<'de> DeserializeSeed<'de> for LeadSeed {
    type Value = Lead;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Lead, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LeadSeed {
    type Value = Lead;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a lead object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lead, A::Error> {
        let mut lead = LeadFields::default();
        while let Some(key) = map.next_key_seed(KeySeed { top: false })? {
            match key {
                Key::Field(i) => lead.read(i, &mut map)?,
                Key::Leads => return Err(de::Error::custom("a lead cannot hold `leads`")),
            }
        }
        Ok(lead.lead)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Lead, E> {
        Err(E::invalid_type(
            Unexpected::Str(&cap(v, MAX_ECHO_CHARS)),
            &self,
        ))
    }
}

/// A lead being read, with the fields already seen (to refuse duplicates, `null` included).
#[derive(Default)]
struct LeadFields {
    lead: Lead,
    seen: u16,
}

impl LeadFields {
    fn read<'de, A: MapAccess<'de>>(&mut self, i: usize, map: &mut A) -> Result<(), A::Error> {
        if self.seen & (1 << i) != 0 {
            return Err(de::Error::custom(format_args!(
                "duplicate field `{}`",
                FIELDS[i]
            )));
        }
        self.seen |= 1 << i;
        let l = &mut self.lead;
        let text = match i {
            0 => &mut l.id,
            1 => &mut l.company,
            3 => &mut l.industry,
            4 => &mut l.channel,
            6 => &mut l.response_weekday,
            7 => &mut l.response_channel,
            2 => {
                l.company_size = map.next_value_seed(NumberSeed)?;
                return Ok(());
            }
            _ => {
                l.hours_to_first_response = map.next_value_seed(NumberSeed)?;
                return Ok(());
            }
        };
        *text = map.next_value_seed(TextSeed)?;
        Ok(())
    }
}

/// A key: a lead field (its index in [`FIELDS`]) or, at the top level, `leads`.
enum Key {
    Field(usize),
    Leads,
}

struct KeySeed {
    top: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        if let Some(i) = FIELDS.iter().position(|f| *f == v) {
            return Ok(Key::Field(i));
        }
        if self.top && v == "leads" {
            return Ok(Key::Leads);
        }
        let expected = FIELDS.map(|f| format!("`{f}`")).join(", ");
        let or_leads = if self.top {
            ", or `leads` for a batch"
        } else {
            ""
        };
        Err(E::custom(format_args!(
            "unknown field `{}`, expected one of {expected}{or_leads}",
            cap(v, MAX_ECHO_CHARS)
        )))
    }
}

/// A string field: at most [`MAX_STRING_BYTES`] bytes, or `null`.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Option<String>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for TextSeed {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.len() > MAX_STRING_BYTES {
            return Err(E::custom(format_args!(
                "{} bytes; the limit is {MAX_STRING_BYTES}",
                v.len()
            )));
        }
        Ok(Some(v.to_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A number field: finite, in `0..=MAX_NUMBER`, not `-0`; or `null`.
struct NumberSeed;

impl<'de> DeserializeSeed<'de> for NumberSeed {
    type Value = Option<f64>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for NumberSeed {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a number from 0 to {MAX_NUMBER:e}, or null")
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Self::Value, E> {
        if x == 0.0 && x.is_sign_negative() {
            return Err(E::custom("-0 is not a count: send 0"));
        }
        if !(0.0..=MAX_NUMBER).contains(&x) {
            return Err(E::custom(format_args!(
                "{} is outside 0 to {MAX_NUMBER:e}",
                cap(&x.to_string(), 24)
            )));
        }
        Ok(Some(x))
    }
    fn visit_u64<E: de::Error>(self, x: u64) -> Result<Self::Value, E> {
        self.visit_f64(x as f64)
    }
    fn visit_i64<E: de::Error>(self, x: i64) -> Result<Self::Value, E> {
        self.visit_f64(x as f64)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Err(E::invalid_type(
            Unexpected::Str(&cap(v, MAX_ECHO_CHARS)),
            &self,
        ))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}
