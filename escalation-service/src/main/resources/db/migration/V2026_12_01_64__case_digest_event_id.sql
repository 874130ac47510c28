-- A digest entry's id is its event's id (for an org-wide grant, that id and the case: ':' and up to 16 more), and
-- consumers take event ids up to 255 characters (CloudEvent.MAX_ID): at 64, a longer one stopped the digest at that
-- record for good. SET DATA TYPE: PostgreSQL and H2.
ALTER TABLE case_digest ALTER COLUMN event_id SET DATA TYPE VARCHAR(300);
