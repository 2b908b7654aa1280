// The form in which the product keeps and compares names (agent ids, teams, queues): shared by the
// services' edges (services/shared/call-metadata.ts) and the alert rules' queue names. Pure.

/**
 * Bidirectional marks (U+061C ALM, U+200E LRM, U+200F RLM) and invisible characters (U+200B zero
 * width space, U+2060 word joiner, U+FEFF): removed from names (canonicalName), not refused. In a
 * name they reorder it ("agent\u061c1-2" was drawn "agent2-1": locale probe) or make two ids look
 * the same; refusing them cut resumed calls and dead-lettered replayed records of calls accepted
 * before (review), and they are ordinary in mixed Hebrew or Arabic text. Joiners stay (emoji,
 * Persian). Not every default-ignorable character is here: U+00AD and others still pass.
 */
const NAME_MARKS = /[\u061c\u200b\u200e\u200f\u2060\ufeff]/g;

/**
 * A name as the product keeps and compares it: Unicode NFC, without bidirectional marks and
 * invisible characters (NAME_MARKS). "René" typed with a combining accent (NFD, as some platforms
 * and keyboards send it) was another agent than "René" (NFC): its calls missing from its agent
 * page, its summary split in two (locale probe). Applied to agent ids, teams and queues wherever
 * they enter (ingest, store records, users file, tokens, QA queries) before their length is
 * checked (NFC may lengthen one); not to customer references, whose pseudonym hashes them as sent.
 */
export function canonicalName(value: string): string {
  return value.normalize('NFC').replace(NAME_MARKS, '');
}
