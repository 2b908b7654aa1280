-- 012: agent ids, teams and queues as the product now keeps and compares them (canonicalName in
-- services/shared/call-metadata.ts): Unicode NFC, without bidirectional marks and invisible
-- characters. Rows from before kept the form the platform sent: an agent sent in NFD could no
-- longer be searched or summarised, and its own scope missed its history (review). normalize()
-- needs a UTF8 database, which names in every script need anyway.
UPDATE calls SET
  agent_id = regexp_replace(normalize(agent_id, NFC), E'[\u061c\u200b\u200e\u200f\u2060\ufeff]', '', 'g'),
  team = regexp_replace(normalize(team, NFC), E'[\u061c\u200b\u200e\u200f\u2060\ufeff]', '', 'g'),
  queue = regexp_replace(normalize(queue, NFC), E'[\u061c\u200b\u200e\u200f\u2060\ufeff]', '', 'g')
WHERE agent_id IS NOT NFC NORMALIZED OR team IS NOT NFC NORMALIZED OR queue IS NOT NFC NORMALIZED
  OR agent_id ~ E'[\u061c\u200b\u200e\u200f\u2060\ufeff]'
  OR team ~ E'[\u061c\u200b\u200e\u200f\u2060\ufeff]'
  OR queue ~ E'[\u061c\u200b\u200e\u200f\u2060\ufeff]';
