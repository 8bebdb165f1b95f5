-- Issue 11, part 7: an app's systems that Himoya reaches by signed webhooks take part in a deletion like its
-- stores, each as one deletion_step named system:<name> (uz.himoya.deletion.SystemSteps).
--   PENDING  the job is still to be sent, or is to be sent again at next_attempt_at (5xx, timeout, outage);
--   WAITING  the system answered 202 and owes a signed callback (POST /v1/callbacks/<request>/<name>);
--   DONE     the system reported its result (outcome: {"rows":..,"categories":[..]}), no personal data;
--   FAILED   the system refused the job (a 4xx, kept in last_error) or reported that it failed.
ALTER TABLE deletion_step DROP CONSTRAINT deletion_step_status_check;
ALTER TABLE deletion_step ADD CONSTRAINT deletion_step_status_check
    CHECK (status IN ('PENDING', 'WAITING', 'DONE', 'FAILED'));
ALTER TABLE deletion_step ADD COLUMN next_attempt_at timestamptz;
