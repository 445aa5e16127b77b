//! Reader unit tests.
