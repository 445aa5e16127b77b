//! Business rules, free of HTTP and SQL: the order state machine, validation
//! and conversion (the only caller of `mpp-core`/`mpp-xml`), prices, tokens.

pub mod conversion;
pub mod orders;
pub mod tokens;
