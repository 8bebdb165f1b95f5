-- The demo app of demo/schema.sql (an online shop: users, profiles, orders, access logs, sessions, devices,
-- marketing consents) for MySQL 8 / MariaDB 10.6+: the same tables, columns, keys and foreign keys, in
-- MariaDB's types: timestamptz as DATETIME(6) holding UTC (TIMESTAMP(6) for last_sign_in_at, so both
-- temporal kinds are covered), inet as VARCHAR(45), text as TEXT or VARCHAR where a key or index needs a
-- width. One table more, CustomerNotes, is spelled in PascalCase as some apps on MySQL are, to prove that
-- every identifier Himoya writes is quoted.
DROP DATABASE IF EXISTS demo_kg;
CREATE DATABASE demo_kg CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE demo_kg;

CREATE TABLE users (
    id              BIGINT NOT NULL PRIMARY KEY,
    full_name       TEXT NOT NULL,
    email           VARCHAR(254) NOT NULL UNIQUE,
    phone           VARCHAR(64),
    locale          VARCHAR(16),
    created_at      DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
    last_sign_in_at TIMESTAMP(6) NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE TABLE profiles (
    user_id      BIGINT NOT NULL PRIMARY KEY,
    patronymic   TEXT,
    city         VARCHAR(100),
    organisation TEXT,
    position     TEXT,
    CONSTRAINT profiles_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE TABLE orders (
    id               BIGINT NOT NULL PRIMARY KEY,
    user_id          BIGINT,
    recipient_name   TEXT,
    delivery_address TEXT,
    phone            VARCHAR(64),
    total_sum        DECIMAL(14, 2) NOT NULL,
    created_at       DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
    INDEX orders_user (user_id),
    CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE TABLE order_items (
    id        BIGINT NOT NULL PRIMARY KEY,
    order_id  BIGINT NOT NULL,
    sku       VARCHAR(64) NOT NULL,
    gift_note TEXT,
    INDEX order_items_order (order_id),
    CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE TABLE access_logs (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT,
    ip          VARCHAR(45),
    user_agent  TEXT,
    page        TEXT,
    accessed_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
    INDEX access_logs_user (user_id),
    INDEX access_logs_accessed_at (accessed_at),
    CONSTRAINT access_logs_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE TABLE sessions (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    cookie_id    VARCHAR(64) NOT NULL,
    ip           VARCHAR(45),
    created_at   DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
    last_seen_at DATETIME(6),
    INDEX sessions_user (user_id),
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE TABLE devices (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    device_model TEXT,
    os           TEXT,
    push_token   TEXT,
    INDEX devices_user (user_id),
    CONSTRAINT devices_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE TABLE marketing_consents (
    user_id    BIGINT NOT NULL,
    channel    VARCHAR(32) NOT NULL,
    granted_at DATETIME(6) NOT NULL,
    PRIMARY KEY (user_id, channel),
    CONSTRAINT marketing_consents_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
-- Not in the PostgreSQL demo: notes support staff keep on a customer, removed with the customer.
CREATE TABLE `CustomerNotes` (
    `Id`         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `CustomerId` BIGINT NOT NULL,
    `NoteText`   TEXT NOT NULL,
    `CreatedAt`  DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
    INDEX `CustomerNotesCustomer` (`CustomerId`),
    CONSTRAINT `CustomerNotesCustomerFk` FOREIGN KEY (`CustomerId`) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
