//! Working-day calendar (filled in next).
