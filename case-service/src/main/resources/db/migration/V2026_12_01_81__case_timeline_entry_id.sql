-- A timeline entry of an org-wide grant is its event's id and the case (':' and up to 16 more), and consumers take
-- event ids up to 255 characters (CloudEvent.MAX_ID): at 255, one of 239 or more stopped the timeline's consumer at
-- that record for good. SET DATA TYPE: PostgreSQL and H2.
ALTER TABLE case_timeline ALTER COLUMN entry_id SET DATA TYPE VARCHAR(300);
