-- Which sweep invocation works a retention rule of an app (issue 12, part 8). It replaces a session-level
-- advisory lock, which pins the connection to one database backend behind RDS Proxy for as long as the rule
-- is worked (up to the sweep function's 15 minutes). A claim is a row taken in a short transaction and ends
-- at a time: an invocation that died leaves a claim that lapses by itself. No personal data.
CREATE TABLE retention_rule_claim (
    app_id     text NOT NULL,
    rule       text NOT NULL,
    run_id     uuid NOT NULL,
    holder     uuid NOT NULL,               -- one sweep invocation (SweepEngine)
    expires_at timestamptz NOT NULL,        -- renewed with every batch; past it, another sweep may take the rule
    PRIMARY KEY (app_id, rule)
);
