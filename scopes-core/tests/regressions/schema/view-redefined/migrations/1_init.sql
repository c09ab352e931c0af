CREATE TABLE users (id BIGINT PRIMARY KEY, org_id BIGINT NOT NULL, email VARCHAR(99));
CREATE TABLE countries (code CHAR(2) PRIMARY KEY);
CREATE VIEW directory AS SELECT code AS email FROM countries;
ALTER VIEW directory AS SELECT email FROM users;
CREATE VIEW codes AS SELECT code FROM countries;
