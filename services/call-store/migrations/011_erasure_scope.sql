-- 011: an erasure is of a customer (every call linked to the pseudonym) or of one call
-- (DELETE /calls/{id}: a call without a customer reference, a recording made in error); the audit
-- row says which. Rows from before are customer erasures (store/erasure.ts).
ALTER TABLE customer_erasures ADD COLUMN scope text NOT NULL DEFAULT 'customer';
