-- A synthetic multi-tenant schema (organizations) holding the table shapes of the real-world
-- reductions in this directory. Written for these cases; no product's DDL.
CREATE TABLE orgs (
  id uuid PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE customers (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  name text NOT NULL,
  tin text
);

CREATE TABLE invoices (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  total bigint NOT NULL,
  status integer NOT NULL
);

-- its own tenant column, and a single-column reference to invoices
CREATE TABLE credit_notes (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  invoice_id uuid NOT NULL REFERENCES invoices (id),
  amount bigint NOT NULL
);

CREATE TABLE suppliers (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  legal_name text NOT NULL,
  is_deleted boolean NOT NULL DEFAULT false
);

CREATE TABLE purchase_orders (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  supplier_id uuid NOT NULL REFERENCES suppliers (id),
  status text NOT NULL
);

-- scoped through its purchase order
CREATE TABLE attachments (
  id uuid PRIMARY KEY,
  po_id uuid NOT NULL REFERENCES purchase_orders (id),
  filename text NOT NULL
);

CREATE TABLE rate_limits (
  org_id uuid NOT NULL REFERENCES orgs (id),
  key text NOT NULL,
  value integer NOT NULL,
  limit_value integer NOT NULL,
  last_refill timestamptz NOT NULL,
  refill_window text NOT NULL,
  PRIMARY KEY (org_id, key)
);

CREATE TABLE sleeps (
  id bigint NOT NULL,
  org_id uuid NOT NULL REFERENCES orgs (id),
  sleep_until timestamptz NOT NULL,
  PRIMARY KEY (org_id, sleep_until, id)
);

CREATE TABLE actions (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  action_key text NOT NULL,
  UNIQUE (action_key, org_id)
);

-- a composite foreign key that includes the tenant column: a step's action is the same tenant's
CREATE TABLE steps (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  action_key text NOT NULL,
  FOREIGN KEY (action_key, org_id) REFERENCES actions (action_key, org_id)
);

CREATE TABLE slot_requests (
  org_id uuid NOT NULL REFERENCES orgs (id),
  step_id uuid NOT NULL,
  slot_type text NOT NULL,
  units integer NOT NULL,
  PRIMARY KEY (org_id, step_id, slot_type)
);

-- no primary key; every unique key includes the tenant column
CREATE TABLE media (
  id text NOT NULL,
  org_id uuid NOT NULL REFERENCES orgs (id),
  sha text NOT NULL,
  UNIQUE (org_id, id),
  UNIQUE (org_id, sha)
);

-- a global primary key next to a unique key with the tenant column
CREATE TABLE store (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  host text NOT NULL,
  idx bigint NOT NULL,
  UNIQUE (org_id, host, idx)
);

-- computes from its argument only
CREATE FUNCTION refill_value(r rate_limits) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  IF now() - r.last_refill >= r.refill_window::interval THEN
    RETURN r.limit_value;
  END IF;
  RETURN r.value;
END
$$;

-- computes from its argument only
CREATE FUNCTION duration_interval(d text) RETURNS interval LANGUAGE sql AS $$ SELECT d::interval $$;

-- reads a table: must stay opaque
CREATE FUNCTION org_of_invoice(i uuid) RETURNS uuid LANGUAGE sql AS $$ SELECT org_id FROM invoices WHERE id = i $$;
