//! Implementations of the ports: one SQL data layer over SQLite and
//! PostgreSQL, object storage, mailers, and the Mercado Pago REST client.

pub mod blob;
pub mod db;
pub mod mailer;
pub mod mercadopago;
