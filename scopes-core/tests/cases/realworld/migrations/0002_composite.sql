-- Composite tenant foreign keys (issue 11): keys that carry the tenant column, Citus style, and
-- the near misses that must prove nothing. Written for tests/cases/realworld/composite_fk.sql.
CREATE TABLE products (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  name text NOT NULL,
  UNIQUE (org_id, id),
  UNIQUE (org_id, id, name)
);

-- the key carries the tenant column: a line's product is a product of the line's tenant
CREATE TABLE order_lines (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  product_id uuid NOT NULL,
  qty integer NOT NULL,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id)
);

-- a one-column key: it can point at any tenant's product
CREATE TABLE wishlist_items (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  product_id uuid NOT NULL REFERENCES products (id)
);

-- the tenant column at the wrong position: (product_id, org_id) -> (org_id, id)
CREATE TABLE swapped_lines (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  product_id uuid NOT NULL,
  FOREIGN KEY (product_id, org_id) REFERENCES products (org_id, id)
);

-- the parent's key is (org_id, id): an id alone matches other tenants' items
CREATE TABLE catalog_items (
  org_id uuid NOT NULL REFERENCES orgs (id),
  id uuid NOT NULL,
  name text NOT NULL,
  PRIMARY KEY (org_id, id)
);

CREATE TABLE catalog_lines (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  item_id uuid NOT NULL,
  FOREIGN KEY (org_id, item_id) REFERENCES catalog_items (org_id, id)
);

-- checked at commit only: inside a transaction a line can point at any product
CREATE TABLE draft_lines (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  product_id uuid NOT NULL,
  FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) DEFERRABLE INITIALLY DEFERRED
);

-- added NOT VALID: the rows older than the key are not checked
CREATE TABLE legacy_lines (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  product_id uuid NOT NULL
);
ALTER TABLE legacy_lines ADD CONSTRAINT legacy_lines_product
  FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) NOT VALID;

-- a drop the loader cannot identify: the keys of the table are uncertain
CREATE TABLE returned_lines (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  product_id uuid NOT NULL,
  FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id)
);
ALTER TABLE returned_lines DROP CONSTRAINT IF EXISTS returned_lines_legacy_key;

-- a nullable column in the key: with label NULL the key is not checked at all
CREATE TABLE bundle_lines (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  product_id uuid NOT NULL,
  label text,
  FOREIGN KEY (org_id, product_id, label) REFERENCES products (org_id, id, name)
);

-- a parent keyed by three columns, none unique alone
CREATE TABLE variants (
  org_id uuid NOT NULL REFERENCES orgs (id),
  product_id uuid NOT NULL,
  size text NOT NULL,
  PRIMARY KEY (org_id, product_id, size)
);

CREATE TABLE variant_lines (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  product_id uuid NOT NULL,
  size text NOT NULL,
  FOREIGN KEY (org_id, product_id, size) REFERENCES variants (org_id, product_id, size)
);

-- a composite key without the tenant column
CREATE TABLE regions (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  code text NOT NULL,
  UNIQUE (id, code)
);

CREATE TABLE region_lines (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  region_id uuid NOT NULL,
  region_code text NOT NULL,
  FOREIGN KEY (region_id, region_code) REFERENCES regions (id, code)
);
