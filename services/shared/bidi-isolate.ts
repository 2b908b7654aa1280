// A name from a call (agent, team, queue) isolated for the bidi algorithm (FSI … PDI, Unicode
// UAX #9 §2.7) where several are joined in one line: an Arabic agent and queue were drawn in
// swapped order ("time · queue · agent" to an English reader: locale probe). Used by the
// wallboard and the QA pages. Pure.
export const isolate = (text: string): string => `\u2068${text}\u2069`;
