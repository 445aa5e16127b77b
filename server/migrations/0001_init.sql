-- One schema for SQLite and PostgreSQL (sqlx Any): TEXT ids, BIGINT unix milliseconds.
CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    email TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    price_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    tasks BIGINT NOT NULL,
    resources BIGINT NOT NULL,
    assignments BIGINT NOT NULL,
    calendars BIGINT NOT NULL,
    mpp_version TEXT NOT NULL,
    payment_id TEXT,
    failure TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orders_status ON orders (status);

CREATE TABLE order_events (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, at);

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    qr_code TEXT,
    qr_code_base64 TEXT,
    ticket_url TEXT,
    expires_at TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payments_order ON payments (order_id);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    lease_until BIGINT,
    lease_token TEXT,
    worker TEXT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_ready ON jobs (state, run_at);

CREATE TABLE emails (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts BIGINT NOT NULL,
    UNIQUE (order_id, kind)
);

CREATE TABLE webhook_seen (
    key TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);

CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    heartbeat_at BIGINT NOT NULL
);
