-- expect: rejected unscoped-view
SELECT email FROM directory;

-- expect: accepted
SELECT code FROM codes;
