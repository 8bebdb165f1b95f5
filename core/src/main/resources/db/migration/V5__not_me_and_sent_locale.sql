-- Issue 10.
-- "This wasn't me" on the confirm page cancels the request and owes the app's privacy contact a notice;
-- like the other mails, what is owed is the request's state (mail_pending), so a lost message is re-driven.
ALTER TABLE deletion_request DROP CONSTRAINT deletion_request_mail_pending_check;
ALTER TABLE deletion_request ADD CONSTRAINT deletion_request_mail_pending_check
    CHECK (mail_pending IN ('VERIFICATION', 'CONFIRMATION', 'NOT_ME'));

-- The language a notice was actually sent in. locale is the language asked for; when the incident has no
-- text in it, the notice goes in a fallback (BreachMails.localeFor), and the regulator's report counts
-- what users received, not what they asked for. NULL until sent.
ALTER TABLE breach_notice ADD COLUMN sent_locale text;
