// An agent-too-fast rule as a tenant's or the global file writes it (config/alert-rules.yaml's
// shape), with the condition and extra fields of the test: the pace note's tests
// (pipelines/alerts/pace-line.ts) change only the line.

/** One rules-file entry of id agent-too-fast; `extra`: further fields, each "\n    key: value". */
export function paceRuleYaml(
  when = '{ metric: articulationRate, gt: 8 }',
  extra = '',
  minSpeechFraction = 0.5,
): string {
  return `  - id: agent-too-fast
    name: Agent speaking too fast
    subject: agent
    when: ${when}
    minSpeechFraction: ${minSpeechFraction}
    minDurationMs: 15000
    audience: agent
    severity: info
    message: 'Agent pace {articulationRate} for {durationS} s'
    cue: 'Slow down'${extra}
`;
}
