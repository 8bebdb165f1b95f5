-- A video-rental shop on a schema shaped like the public Sakila/Pagila sample databases, written here from
-- their published table layout and cut down to the customer's side: customer -> address -> city -> country,
-- store and staff (with addresses of their own, and Pagila's store <-> staff cycle), film and inventory,
-- rental, and payment partitioned by month as in Pagila. Keys and foreign keys are Pagila's: every reference
-- to a customer or an address is NOT NULL. One table is the app's own addition: rewards, written by a nightly
-- job with no foreign key, as such tables often are. Its map (maps/rentals.yaml) maps it without a change.
DROP SCHEMA IF EXISTS rentals CASCADE;
CREATE SCHEMA rentals;
SET search_path TO rentals;

CREATE TABLE country (
    country_id  serial PRIMARY KEY,
    country     text NOT NULL,
    last_update timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE city (
    city_id     serial PRIMARY KEY,
    city        text NOT NULL,
    country_id  integer NOT NULL REFERENCES country (country_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE address (
    address_id  serial PRIMARY KEY,
    address     text NOT NULL,
    address2    text,
    district    text NOT NULL,
    city_id     integer NOT NULL REFERENCES city (city_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    postal_code text,
    phone       text NOT NULL,
    last_update timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_fk_city_id ON address (city_id);
CREATE TABLE store (
    store_id         serial PRIMARY KEY,
    manager_staff_id integer NOT NULL,
    address_id       integer NOT NULL REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE staff (
    staff_id    serial PRIMARY KEY,
    first_name  text NOT NULL,
    last_name   text NOT NULL,
    address_id  integer NOT NULL REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    email       text,
    store_id    integer NOT NULL REFERENCES store (store_id),
    active      boolean NOT NULL DEFAULT true,
    last_update timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE store ADD CONSTRAINT store_manager_staff_id_fkey FOREIGN KEY (manager_staff_id)
    REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED;
CREATE TABLE customer (
    customer_id serial PRIMARY KEY,
    store_id    integer NOT NULL REFERENCES store (store_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    first_name  text NOT NULL,
    last_name   text NOT NULL,
    email       text,
    address_id  integer NOT NULL REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    active      boolean NOT NULL DEFAULT true,
    create_date date NOT NULL DEFAULT CURRENT_DATE,
    last_update timestamptz DEFAULT now()
);
CREATE INDEX idx_fk_address_id ON customer (address_id);
CREATE TABLE film (
    film_id     serial PRIMARY KEY,
    title       text NOT NULL,
    last_update timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE inventory (
    inventory_id serial PRIMARY KEY,
    film_id      integer NOT NULL REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    store_id     integer NOT NULL REFERENCES store (store_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE rental (
    rental_id    serial PRIMARY KEY,
    rental_date  timestamptz NOT NULL,
    inventory_id integer NOT NULL REFERENCES inventory (inventory_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    customer_id  integer NOT NULL REFERENCES customer (customer_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    return_date  timestamptz,
    staff_id     integer NOT NULL REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_fk_customer_id ON rental (customer_id);
CREATE TABLE payment (
    payment_id   serial,
    customer_id  integer NOT NULL REFERENCES customer (customer_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    staff_id     integer NOT NULL REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    rental_id    integer REFERENCES rental (rental_id) ON UPDATE CASCADE ON DELETE SET NULL,
    amount       numeric(5, 2) NOT NULL,
    payment_date timestamptz NOT NULL,
    PRIMARY KEY (payment_date, payment_id)
) PARTITION BY RANGE (payment_date);
CREATE TABLE payment_p2026_01 PARTITION OF payment FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE payment_p2026_02 PARTITION OF payment FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE INDEX idx_fk_payment_customer_id ON payment (customer_id);
CREATE TABLE rewards (
    reward_id   serial PRIMARY KEY,
    customer_id integer NOT NULL,
    points      integer NOT NULL,
    earned_at   timestamptz NOT NULL DEFAULT now()
);
