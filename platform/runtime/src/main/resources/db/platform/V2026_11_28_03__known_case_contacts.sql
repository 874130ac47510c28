-- The admins associated with a known case (its contacts; the opener is known_case.opened_by).
CREATE TABLE known_case_contact (
    case_number VARCHAR(16)  NOT NULL,
    contact_id  VARCHAR(255) NOT NULL,
    PRIMARY KEY (case_number, contact_id)
);
