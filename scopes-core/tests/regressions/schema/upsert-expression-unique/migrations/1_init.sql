CREATE TABLE users (id BIGSERIAL PRIMARY KEY, org_id BIGINT NOT NULL, email TEXT NOT NULL);
-- Globally unique: two tenants cannot share an address.
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE TABLE invoices (id BIGSERIAL PRIMARY KEY, org_id BIGINT NOT NULL, number TEXT NOT NULL,
    deleted_at TIMESTAMPTZ);
-- Unique per tenant among live rows.
CREATE UNIQUE INDEX invoices_number ON invoices (org_id, number) WHERE deleted_at IS NULL;
