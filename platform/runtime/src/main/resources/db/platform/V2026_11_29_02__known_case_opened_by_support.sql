-- The support principal that opened a known case on a customer's behalf (null when an org admin opened it): it
-- does not work that case in the other contexts. Cases known before this column read as opened by a customer.
ALTER TABLE known_case ADD COLUMN opened_by_support VARCHAR(255);
