//! The casework domain of Despatch: case types as validated data, the workflow engine as a pure
//! function, and the working-day calendar.
//!
//! **Architecture invariant:** this crate does no IO. It knows no SQL, no HTTP and no files; the
//! callers hand it text (definition TOML, bank-holiday JSON) and values (`now`), and get values back.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod command;
pub mod definition;
pub mod directory;
pub mod engine;
pub mod event;
pub mod notify;
pub mod reference;
pub mod standard_line;
pub mod testkit;
