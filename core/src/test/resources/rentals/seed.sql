-- Four customers: Dilnoza (1) and Rustam (2) share one address (a household), Aziza (3) and Bekzod (4) have
-- their own. The store and its staff member have addresses of their own too. Customer 1 has two rentals with
-- their payments, and a late fee paid without a rental; rewards points for customers 1 and 3.
SET search_path TO rentals;
INSERT INTO country (country_id, country) VALUES (1, 'Uzbekistan');
INSERT INTO city (city_id, city, country_id) VALUES (1, 'Tashkent', 1), (2, 'Samarkand', 1);
INSERT INTO address (address_id, address, district, city_id, postal_code, phone) VALUES
    (1, 'Amir Temur 1', 'Mirobod', 1, '100000', '+998711000001'),
    (2, 'Navoiy 7', 'Shayxontohur', 1, '100011', '+998711000002'),
    (10, 'Yunusobod 4-12', 'Yunusobod', 1, '100093', '+998901112233'),
    (11, 'Registon 3', 'Markaz', 2, '140100', '+998662223344'),
    (12, 'Chilonzor 9-40', 'Chilonzor', 1, '100115', '+998935556677');
BEGIN;
INSERT INTO store (store_id, manager_staff_id, address_id) VALUES (1, 1, 1);
INSERT INTO staff (staff_id, first_name, last_name, address_id, email, store_id) VALUES
    (1, 'Sherzod', 'Aliyev', 2, 'sherzod@rentals.example', 1);
COMMIT;
INSERT INTO customer (customer_id, store_id, first_name, last_name, email, address_id, create_date) VALUES
    (1, 1, 'Dilnoza', 'Karimova', 'dilnoza@rentals.example', 10, '2025-03-01'),
    (2, 1, 'Rustam', 'Karimov', 'rustam@rentals.example', 10, '2025-03-02'),
    (3, 1, 'Aziza', 'Yusupova', 'aziza@rentals.example', 11, '2025-04-10'),
    (4, 1, 'Bekzod', 'Tursunov', 'bekzod@rentals.example', 12, '2025-05-20');
SELECT setval('customer_customer_id_seq', 4), setval('address_address_id_seq', 12);
INSERT INTO film (film_id, title) VALUES (1, 'Academy Dinosaur'), (2, 'Ace Goldfinger');
INSERT INTO inventory (inventory_id, film_id, store_id) VALUES (1, 1, 1), (2, 2, 1), (3, 1, 1);
INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, return_date, staff_id) VALUES
    (101, '2026-01-05 10:00+05', 1, 1, '2026-01-07 10:00+05', 1),
    (102, '2026-02-02 18:30+05', 2, 1, NULL, 1),
    (103, '2026-01-09 12:00+05', 3, 2, '2026-01-10 12:00+05', 1),
    (104, '2026-02-11 09:15+05', 1, 3, '2026-02-12 09:15+05', 1),
    (105, '2026-02-14 20:00+05', 2, 4, NULL, 1);
INSERT INTO payment (payment_id, customer_id, staff_id, rental_id, amount, payment_date) VALUES
    (1001, 1, 1, 101, 2.99, '2026-01-05 10:01+05'),
    (1002, 1, 1, 102, 4.99, '2026-02-02 18:31+05'),
    (1003, 1, 1, NULL, 1.00, '2026-02-20 11:00+05'),
    (1004, 2, 1, 103, 2.99, '2026-01-09 12:01+05'),
    (1005, 3, 1, 104, 0.99, '2026-02-11 09:16+05'),
    (1006, 4, 1, 105, 3.99, '2026-02-14 20:01+05');
INSERT INTO rewards (customer_id, points) VALUES (1, 120), (1, 30), (3, 50);
