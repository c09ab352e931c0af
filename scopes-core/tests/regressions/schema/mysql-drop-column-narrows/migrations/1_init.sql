CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, org_id BIGINT NOT NULL,
    region VARCHAR(8), email VARCHAR(99) NOT NULL, UNIQUE KEY users_region_email (region, email));
ALTER TABLE users DROP COLUMN region;
