-- A scope filter under OR restricts nothing: the second branch reads every site's posts.
-- dialect: sqlite
-- status: fixed
SELECT p.id FROM posts p WHERE p.site_id = :site OR p.id > 0
