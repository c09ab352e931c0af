CREATE TABLE orgs (id BIGINT PRIMARY KEY);
CREATE TABLE regions (
    id BIGINT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs (id),
    code TEXT NOT NULL,
    UNIQUE (id, code)
);
-- A composite key without the tenant column.
CREATE TABLE region_lines (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs (id),
    region_id BIGINT NOT NULL,
    region_code TEXT NOT NULL,
    FOREIGN KEY (region_id, region_code) REFERENCES regions (id, code)
);
CREATE TABLE products (
    id BIGINT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs (id),
    UNIQUE (org_id, id)
);
-- A composite key with the tenant column.
CREATE TABLE order_lines (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs (id),
    product_id BIGINT NOT NULL,
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id)
);
