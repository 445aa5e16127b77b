-- Operations (issue 7): refunds, order-correlated log lines, LGPD requests and
-- their proof, incidents and post-mortems. Same dialect rules as 0001.

-- One refund per order (the primary key), whatever the retries: the row is
-- claimed before Mercado Pago is called, with a fixed idempotency key.
CREATE TABLE refunds (
    order_id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    mp_refund_id TEXT,
    error TEXT,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX refunds_status ON refunds (status);

-- JSON log lines that carry an order_id, from every process (API and workers).
CREATE TABLE log_lines (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    process TEXT NOT NULL,
    level TEXT NOT NULL,
    line TEXT NOT NULL
);
CREATE INDEX log_lines_order ON log_lines (order_id, at);
CREATE INDEX log_lines_at ON log_lines (at);

CREATE TABLE privacy_requests (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    email TEXT NOT NULL,
    order_id TEXT,
    status TEXT NOT NULL,
    notes TEXT NOT NULL,
    actor TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    completed_at BIGINT
);
CREATE INDEX privacy_requests_due ON privacy_requests (status, due_at);

-- Proof of what was done for a request: who, when, what (JSON with order ids,
-- object keys, rows anonymised).
CREATE TABLE privacy_log (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL,
    details TEXT NOT NULL
);
CREATE INDEX privacy_log_request ON privacy_log (request_id);

CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    priority TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    ticket_id TEXT,
    actor TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    resolved_at BIGINT,
    postmortem_key TEXT,
    postmortem_md TEXT,
    postmortem_due_at BIGINT
);
CREATE INDEX incidents_status ON incidents (status, opened_at);

CREATE TABLE incident_updates (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX incident_updates_incident ON incident_updates (incident_id, at)
