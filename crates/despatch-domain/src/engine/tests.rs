//! Engine tests live in `tests/` of this crate (definition + commands → path, deadlines, events).
