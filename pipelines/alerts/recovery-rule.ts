// Which rules are recoveries: an alert of such a rule ends the customer's alerts raised before it
// (the QA call page's "ended: RECOVERED"). A rule says so with `endsEarlierAlerts: true`; before
// that field a recovery was told by its id alone (a customer rule id containing "recovered"), so a
// tenant who renamed the rule got "call ended". A rule that does not say keeps that reading (files
// written for it keep working), and check-rules warns (recoveryByNameWarnings). Pure, no I/O.
import type { AlertRule, Subject } from './types.ts';

/** The word in a rule id that made a customer rule a recovery before `endsEarlierAlerts`. */
export const RECOVERY_RULE_WORD = 'recovered';

/** Today's reading of a rule, or an alert record, that does not say: by its subject and id. */
export function isRecoveryByName(subject: Subject | string | null, ruleId: string): boolean {
  return subject === 'customer' && ruleId.includes(RECOVERY_RULE_WORD);
}

/** Whether the rule's alerts end the customer's earlier alerts: as it says, else by its name. */
export function endsEarlierAlerts(rule: Pick<AlertRule, 'subject' | 'id' | 'endsEarlierAlerts'>): boolean {
  return rule.endsEarlierAlerts ?? isRecoveryByName(rule.subject, rule.id);
}

/** One warning per rule read as a recovery by its name only: say `endsEarlierAlerts` instead. */
export function recoveryByNameWarnings(rules: readonly AlertRule[]): string[] {
  return rules
    .filter((rule) => rule.endsEarlierAlerts === null && isRecoveryByName(rule.subject, rule.id))
    .map(
      (rule) =>
        `rule "${rule.id}" is read as a recovery (it ends the customer's earlier alerts) because its id contains "${RECOVERY_RULE_WORD}": add endsEarlierAlerts: true (or false), or renaming it changes what it does`,
    );
}
