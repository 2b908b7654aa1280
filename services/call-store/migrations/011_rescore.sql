-- 011: summarise again every ended call whose detail rows are kept: the scorecard now gives no
-- score when a side spoke under 10 s or too few parts apply (a 0.2 s call had scored 100), counts
-- customer emotion time up to the next event (anger was overcounted ~1 s per turn), and judges
-- agent pace per second of speech (pipelines/scorecard/README.md). finalize.ts picks the rows up
-- in batches; a call kept without its details (no consent) keeps its summary, as on a late event.
UPDATE calls SET needs_summary = true
WHERE status = 'ended' AND summary IS NOT NULL AND store_features;
