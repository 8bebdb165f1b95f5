-- The demo users of demo/seed.sql, row for row (cookie ids hash the same strings, so they are equal too).
-- Times are UTC: the test server runs with time_zone +00:00. All names, addresses and numbers are invented.
USE demo_kg;
INSERT INTO users (id, full_name, email, phone, locale, created_at, last_sign_in_at) VALUES
 (1001, 'Dilnoza Karimova', 'dilnoza@demo.example', '+998901112233', 'uz',      UTC_TIMESTAMP(6) - INTERVAL 400 DAY, UTC_TIMESTAMP(6) - INTERVAL 2 DAY),
 (1002, 'Шерзод Тошматов',  'sherzod@demo.example', '+998935556677', 'uz-Cyrl', UTC_TIMESTAMP(6) - INTERVAL 300 DAY, UTC_TIMESTAMP(6) - INTERVAL 10 DAY),
 (1003, 'Анна Петрова',     'anna@demo.example',    '+79161234567',  'ru',      UTC_TIMESTAMP(6) - INTERVAL 900 DAY, UTC_TIMESTAMP(6) - INTERVAL 800 DAY),
 (1004, 'Айгүл Асанова',    'aigul@demo.example',   '+996555123456', 'ky',      UTC_TIMESTAMP(6) - INTERVAL 120 DAY, UTC_TIMESTAMP(6) - INTERVAL 1 DAY),
 (1005, 'John Smith',       'john@demo.example',    '+447700900123', 'en',      UTC_TIMESTAMP(6) - INTERVAL 50 DAY,  UTC_TIMESTAMP(6) - INTERVAL 3 DAY),
 (1006, 'Bekzod Yusupov',   'bekzod@demo.example',  NULL,            NULL,      UTC_TIMESTAMP(6) - INTERVAL 30 DAY,  NULL);
INSERT INTO profiles (user_id, patronymic, city, organisation, position) VALUES
 (1001, 'Akmalovna', 'Toshkent', 'Demo LLC', 'Menejer'),
 (1002, 'Баходирович', 'Самарқанд', NULL, NULL),
 (1004, 'Кубанычбековна', 'Бишкек', 'Ош Базар', 'Бухгалтер');
INSERT INTO orders (id, user_id, recipient_name, delivery_address, phone, total_sum, created_at) VALUES
 (5001, 1001, 'Dilnoza Karimova', 'Toshkent, Chilonzor 7-12', '+998901112233', 350000.00, UTC_TIMESTAMP(6) - INTERVAL 200 DAY),
 (5002, 1001, 'Dilnoza Karimova', 'Toshkent, Yunusobod 4-3',  '+998901112233', 120000.00, UTC_TIMESTAMP(6) - INTERVAL 20 DAY),
 (5003, 1004, 'Айгүл Асанова',    'Бишкек, Манас 15',         '+996555123456', 2500.00,   UTC_TIMESTAMP(6) - INTERVAL 60 DAY),
 (5004, 1005, 'John Smith',       'London, 1 Demo Street',    '+447700900123', 45.00,     UTC_TIMESTAMP(6) - INTERVAL 10 DAY);
INSERT INTO order_items (id, order_id, sku, gift_note) VALUES
 (9001, 5001, 'SKU-TEA-01', 'Onajonimga sovg''a'),
 (9002, 5001, 'SKU-CUP-02', NULL),
 (9003, 5002, 'SKU-BAG-03', NULL),
 (9004, 5003, 'SKU-HAT-04', NULL),
 (9005, 5004, 'SKU-PEN-05', 'Happy birthday');
-- generate_series(1, n) of the PostgreSQL seed, as a recursive CTE in a derived table (MySQL 8 and MariaDB).
INSERT INTO access_logs (user_id, ip, user_agent, page, accessed_at)
SELECT u.id, CONCAT('10.0.', u.id % 250, '.', g.n), 'Mozilla/5.0 (Android 14)', CONCAT('/catalog/', g.n),
       UTC_TIMESTAMP(6) - INTERVAL g.n DAY
  FROM users u
  JOIN (WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 30) SELECT n FROM s) g
 ORDER BY u.id, g.n;
INSERT INTO sessions (user_id, cookie_id, ip, created_at, last_seen_at)
SELECT u.id, MD5(CONCAT(u.id, g.n)), CONCAT('10.1.', u.id % 250, '.', g.n), UTC_TIMESTAMP(6) - INTERVAL g.n * 7 DAY,
       UTC_TIMESTAMP(6) - INTERVAL (g.n * 7 - 1) DAY
  FROM users u
  JOIN (WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 3) SELECT n FROM s) g
 ORDER BY u.id, g.n;
INSERT INTO devices (user_id, device_model, os, push_token) VALUES
 (1001, 'Samsung A54', 'Android 14', 'push-demo-1001'),
 (1002, 'iPhone 13', 'iOS 18', 'push-demo-1002'),
 (1004, 'Redmi Note 12', 'Android 13', 'push-demo-1004');
INSERT INTO marketing_consents (user_id, channel, granted_at) VALUES
 (1001, 'email', UTC_TIMESTAMP(6) - INTERVAL 300 DAY),
 (1001, 'sms', UTC_TIMESTAMP(6) - INTERVAL 300 DAY),
 (1005, 'email', UTC_TIMESTAMP(6) - INTERVAL 40 DAY);
-- Rows past their retention, for the sweep: old access logs of Anna (1003) and John (1005), and sessions
-- of Anna unused for months. Anna has not signed in for over two years.
INSERT INTO access_logs (user_id, ip, user_agent, page, accessed_at)
SELECT u.id, CONCAT('10.2.0.', g.n), 'Mozilla/5.0 (Windows NT 10.0)', CONCAT('/old/', g.n),
       UTC_TIMESTAMP(6) - INTERVAL (90 + g.n * 5) DAY
  FROM (SELECT 1003 AS id UNION ALL SELECT 1005) u
  JOIN (WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 10) SELECT n FROM s) g
 ORDER BY u.id, g.n;
INSERT INTO sessions (user_id, cookie_id, ip, created_at, last_seen_at)
SELECT 1003, MD5(CONCAT('old', g.n)), CONCAT('10.3.0.', g.n), UTC_TIMESTAMP(6) - INTERVAL (800 + g.n) DAY,
       UTC_TIMESTAMP(6) - INTERVAL (790 + g.n) DAY
  FROM (WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 2) SELECT n FROM s) g;
-- Not in the PostgreSQL demo: support notes on Dilnoza (1001) and Aigul (1004).
INSERT INTO `CustomerNotes` (`CustomerId`, `NoteText`) VALUES
 (1001, 'Prefers delivery after 18:00'),
 (1001, 'Asked about gift wrapping'),
 (1004, 'Wholesale customer');
