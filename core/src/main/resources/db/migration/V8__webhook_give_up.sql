-- Issue 11, part 7: Himoya stops trying a system after the map's maxAttempts or giveUpAfter
-- (uz.himoya.deletion.SystemSteps). first_attempt_at is when the current run of attempts began: set by the
-- first attempt, cleared (with attempts) when ops re-drive a FAILED part. While a step is WAITING,
-- next_attempt_at is when its callback window ends and the same job is sent again.
ALTER TABLE deletion_step ADD COLUMN first_attempt_at timestamptz;
