-- What the mail provider reports after it accepted a breach notice (issue 12, part 2): in AWS, SES publishes
-- bounces and complaints through the configuration set every mail names, and the mail-feedback function
-- records them here (uz.himoya.breach.BreachFeedback), so the incident's report counts the users a notice did
-- not reach instead of counting them as told.
--   BOUNCED: the receiving side returned it (last_error says how: ses-bounce-permanent-..., -transient-,
--            -undetermined-). Final, like FAILED; the address is long gone, only the keyed hash stays.
--   complained_at: the user received it and marked it as spam; the notice stays SENT (it was delivered), and
--            the report counts complaints, which SES weighs against the sending account's reputation.
ALTER TABLE breach_notice DROP CONSTRAINT breach_notice_status_check;
ALTER TABLE breach_notice ADD CONSTRAINT breach_notice_status_check
    CHECK (status IN ('PENDING', 'SENDING', 'SENT', 'FAILED', 'BOUNCED'));
ALTER TABLE breach_notice ADD COLUMN complained_at timestamptz;
