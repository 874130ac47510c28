-- A revoked org API token keeps its row, marked, so that a creation applied after its revocation (the issuing
-- service records both at once; the topic brings them again later) cannot make it work again.
ALTER TABLE api_token_registry ADD COLUMN revoked_at TIMESTAMP WITH TIME ZONE;
