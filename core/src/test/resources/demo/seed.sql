-- Demo users in every language Himoya writes in. All names, addresses and numbers are invented.
SET search_path TO demo_app;
INSERT INTO users (id, full_name, email, phone, locale, created_at, last_sign_in_at) VALUES
 (1001, 'Dilnoza Karimova',    'dilnoza@demo.example',  '+998901112233', 'uz',      now() - interval '400 days', now() - interval '2 days'),
 (1002, 'Шерзод Тошматов',     'sherzod@demo.example',  '+998935556677', 'uz-Cyrl', now() - interval '300 days', now() - interval '10 days'),
 (1003, 'Анна Петрова',        'anna@demo.example',     '+79161234567',  'ru',      now() - interval '900 days', now() - interval '800 days'),
 (1004, 'Айгүл Асанова',       'aigul@demo.example',    '+996555123456', 'ky',      now() - interval '120 days', now() - interval '1 day'),
 (1005, 'John Smith',          'john@demo.example',     '+447700900123', 'en',      now() - interval '50 days',  now() - interval '3 days'),
 (1006, 'Bekzod Yusupov',      'bekzod@demo.example',   NULL,            NULL,      now() - interval '30 days',  NULL);
INSERT INTO profiles (user_id, patronymic, city, organisation, position) VALUES
 (1001, 'Akmalovna', 'Toshkent', 'Demo LLC', 'Menejer'),
 (1002, 'Баходирович', 'Самарқанд', NULL, NULL),
 (1004, 'Кубанычбековна', 'Бишкек', 'Ош Базар', 'Бухгалтер');
INSERT INTO orders (id, user_id, recipient_name, delivery_address, phone, total_sum, created_at) VALUES
 (5001, 1001, 'Dilnoza Karimova', 'Toshkent, Chilonzor 7-12', '+998901112233', 350000.00, now() - interval '200 days'),
 (5002, 1001, 'Dilnoza Karimova', 'Toshkent, Yunusobod 4-3',  '+998901112233', 120000.00, now() - interval '20 days'),
 (5003, 1004, 'Айгүл Асанова',    'Бишкек, Манас 15',         '+996555123456', 2500.00,   now() - interval '60 days'),
 (5004, 1005, 'John Smith',       'London, 1 Demo Street',    '+447700900123', 45.00,     now() - interval '10 days');
INSERT INTO order_items (id, order_id, sku, gift_note) VALUES
 (9001, 5001, 'SKU-TEA-01', 'Onajonimga sovg''a'),
 (9002, 5001, 'SKU-CUP-02', NULL),
 (9003, 5002, 'SKU-BAG-03', NULL),
 (9004, 5003, 'SKU-HAT-04', NULL),
 (9005, 5004, 'SKU-PEN-05', 'Happy birthday');
INSERT INTO access_logs (user_id, ip, user_agent, page, accessed_at)
SELECT u.id, ('10.0.' || (u.id % 250) || '.' || g)::inet, 'Mozilla/5.0 (Android 14)', '/catalog/' || g,
       now() - (g || ' days')::interval
  FROM users u, generate_series(1, 30) g;
INSERT INTO sessions (user_id, cookie_id, ip, created_at, last_seen_at)
SELECT u.id, md5(u.id::text || g), ('10.1.' || (u.id % 250) || '.' || g)::inet, now() - (g * 7 || ' days')::interval,
       now() - (g * 7 - 1 || ' days')::interval
  FROM users u, generate_series(1, 3) g;
INSERT INTO devices (user_id, device_model, os, push_token) VALUES
 (1001, 'Samsung A54', 'Android 14', 'push-demo-1001'),
 (1002, 'iPhone 13', 'iOS 18', 'push-demo-1002'),
 (1004, 'Redmi Note 12', 'Android 13', 'push-demo-1004');
INSERT INTO marketing_consents (user_id, channel, granted_at) VALUES
 (1001, 'email', now() - interval '300 days'),
 (1001, 'sms', now() - interval '300 days'),
 (1005, 'email', now() - interval '40 days');
-- Rows past their retention, for the sweep: old access logs of Anna (1003) and John (1005), and sessions
-- of Anna unused for months. Anna has not signed in for over two years.
INSERT INTO access_logs (user_id, ip, user_agent, page, accessed_at)
SELECT u, ('10.2.0.' || g)::inet, 'Mozilla/5.0 (Windows NT 10.0)', '/old/' || g, now() - ((90 + g * 5) || ' days')::interval
  FROM unnest(ARRAY[1003, 1005]) u, generate_series(1, 10) g;
INSERT INTO sessions (user_id, cookie_id, ip, created_at, last_seen_at)
SELECT 1003, md5('old' || g), ('10.3.0.' || g)::inet, now() - ((800 + g) || ' days')::interval,
       now() - ((790 + g) || ' days')::interval
  FROM generate_series(1, 2) g;
RESET search_path;
