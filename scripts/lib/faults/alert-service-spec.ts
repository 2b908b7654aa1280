// The alert service as an extra process of a bench pipeline on topics with a run's suffix (its
// variables are TOPIC_*, not the workers' *_TOPIC), with its own groups. I/O: picks a free port.
import { randomBytes } from 'node:crypto';
import { freePort } from '../../../devkit/free-port.ts';
import { TOPICS } from '../../../services/shared/topics.ts';

export async function alertServiceSpec(suffix: string) {
  const tag = `.${suffix}`;
  const groupId = `va-alert-service${tag}`;
  return {
    groupId,
    alertsTopic: TOPICS.alerts + tag,
    extra: {
      name: 'alert-service',
      service: 'alert-service',
      env: {
        CALLS_TOPIC: TOPICS.calls + tag,
        FEATURES_TOPIC: TOPICS.features + tag,
        EMOTIONS_TOPIC: TOPICS.emotions + tag,
        ALERTS_TOPIC: TOPICS.alerts + tag,
        DEADLETTER_TOPIC: TOPICS.deadletter + tag,
        ERASURES_TOPIC: TOPICS.erasures + tag,
        ALERT_PORT: String(await freePort()),
        ALERT_HOST: '127.0.0.1',
        JWT_SECRET: randomBytes(32).toString('base64url'),
        ALERT_GROUP_ID: groupId,
        ALERT_FANOUT_GROUP_PREFIX: `va-alert-fanout${tag}`,
      },
    },
  };
}
