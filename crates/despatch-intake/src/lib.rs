//! Letter intake (to be written).
