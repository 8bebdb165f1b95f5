-- The demo app: an online shop modelled on the seed policies' data (Deepen 3.1.1, MEGABITE-CRM 2.1,
-- oshto.kg 2.3): users with name, e-mail, phone; profiles; orders with delivery address; access logs
-- with IP, user agent, pages and times; sessions and cookies; device data; marketing consents.
DROP SCHEMA IF EXISTS demo_app CASCADE;
CREATE SCHEMA demo_app;
SET search_path TO demo_app;

CREATE TABLE users (
    id              bigint PRIMARY KEY,
    full_name       text NOT NULL,
    email           text NOT NULL UNIQUE,
    phone           text,
    locale          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz
);
CREATE TABLE profiles (
    user_id      bigint PRIMARY KEY REFERENCES users (id),
    patronymic   text,
    city         text,
    organisation text,
    position     text
);
CREATE TABLE orders (
    id               bigint PRIMARY KEY,
    user_id          bigint REFERENCES users (id),
    recipient_name   text,
    delivery_address text,
    phone            text,
    total_sum        numeric(14, 2) NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_user ON orders (user_id);
CREATE TABLE order_items (
    id        bigint PRIMARY KEY,
    order_id  bigint NOT NULL REFERENCES orders (id),
    sku       text NOT NULL,
    gift_note text
);
CREATE INDEX order_items_order ON order_items (order_id);
CREATE TABLE access_logs (
    id          bigserial PRIMARY KEY,
    user_id     bigint REFERENCES users (id),
    ip          inet,
    user_agent  text,
    page        text,
    accessed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_logs_user ON access_logs (user_id);
CREATE INDEX access_logs_accessed_at ON access_logs (accessed_at);
CREATE TABLE sessions (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    cookie_id    text NOT NULL,
    ip           inet,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE devices (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    device_model text,
    os           text,
    push_token   text
);
CREATE INDEX devices_user ON devices (user_id);
CREATE TABLE marketing_consents (
    user_id    bigint NOT NULL REFERENCES users (id),
    channel    text NOT NULL,
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, channel)
);
-- Himoya's ledger in the app's store (docs/privacy-map.md, "The ledger"), as the app's DBA creates it.
CREATE TABLE himoya_ledger (
    request_id uuid        NOT NULL,
    step       text        NOT NULL,
    counts     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, step)
);

RESET search_path;
