-- Support desk (issue 7). Same conventions as 0001: TEXT ids, BIGINT unix milliseconds.
-- (No semicolons inside comments: the migration runner splits statements on them.)
-- A ticket keeps the customer's nome/email (what LGPD anonymisation rewrites), the
-- order it is about (nullable), its priority and SLA due times, and counters the
-- support metrics read. Every action is a row of ticket_events (actor, kind, detail).
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    order_id TEXT,
    nome TEXT NOT NULL,
    email TEXT NOT NULL,
    descricao TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    category TEXT NOT NULL,
    level BIGINT NOT NULL,
    triage TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    first_response_due BIGINT NOT NULL,
    resolution_due BIGINT,
    postmortem_due BIGINT,
    first_response_at BIGINT,
    resolved_at BIGINT,
    replies BIGINT NOT NULL,
    escalations BIGINT NOT NULL,
    csat_token TEXT UNIQUE,
    csat_score BIGINT,
    csat_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tickets_due ON tickets (status, first_response_due);
CREATE INDEX tickets_order ON tickets (order_id);

-- The ticket's timeline: who (customer e-mail, "triage", "agent:{email}"), what kind
-- (created, triage, ack_sent, reply, note, escalated, resolved, csat, kb_link, ...), detail text.
CREATE TABLE ticket_events (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, at);

-- Files the customer attached, the bytes live in the object store at object_key
-- (support/{ticket_id}/{n}-{file_name}).
CREATE TABLE ticket_attachments (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    object_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id);

-- Console users: role 1 = agent, 2 = SRE/on-call, 3 = CTO, argon2id PHC hashes.
CREATE TABLE support_users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Console sessions: the cookie carries a random token, only its SHA-256 is stored.
CREATE TABLE support_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE kb_articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE ticket_kb (
    ticket_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, article_id)
);
