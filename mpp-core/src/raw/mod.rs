//! On-disk block layouts shared by the MPP9, MPP12 and MPP14 formats.
//!
//! These types borrow or copy raw bytes and know nothing about the project
//! model; `crate::read` turns them into tasks, resources and so on.

pub mod field_map;
pub mod fixed;
pub mod props;
pub mod var;
