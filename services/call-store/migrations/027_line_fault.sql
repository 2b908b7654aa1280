-- 027: how much of each dynamics window the customer's line was suspected one-way (the
-- dsp-worker's DynamicsWindow.customer_line_fault_ms, pipelines/dsp/line-watch.ts): the summary's
-- customerLineFaultS comes from it, the scorecard then judges neither talk ratio nor mutual
-- silence, and the QA page names the fault. Nullable, no default (NULL = a window from before the
-- line watch, or none): catalogue-only at any size.
SET LOCAL lock_timeout = '5s';
ALTER TABLE dynamics_windows ADD COLUMN customer_line_fault_ms int;
