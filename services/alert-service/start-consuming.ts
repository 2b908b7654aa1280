// How the alert service starts reading: readiness and the shutdown order of its parts, then its
// consumers, the fan-out first and the evaluator once the fan-out has caught up; an instance that
// finds its fan-out group shared with a running one stops. I/O: Kafka (through the consumers), timers.
import type { ConsumerRunner } from '../shared/consumer-runner.ts';
import { ConfigError } from '../shared/config.ts';
import type { RuleSources } from '../shared/alert-rules/rule-sources.ts';
import type { ServiceBase } from '../shared/service-base.ts';
import { waitFor } from '../shared/wait-for.ts';
import type { Fanout } from './fanout.ts';
import type { Hub } from './hub.ts';
import type { WebServer } from './web-server.ts';

export interface Running {
  hub: Hub;
  web: WebServer;
  rules: RuleSources;
  runner: ConsumerRunner;
  fanout: Fanout;
}

/** How long the leader of a shared fan-out group waits for the others to refuse and go. */
const SHARED_LEADER_WAIT_MS = 60_000;

/** Readiness, the shutdown order, then the consumers: the fan-out first, the evaluator once it caught up. */
export async function startConsuming(
  base: ServiceBase,
  { hub, web, rules, runner, fanout }: Running,
): Promise<void> {
  base.ops.addReadiness('evaluator', () => runner.ready());
  base.ops.addReadiness('fanout', () => fanout.ready());
  base.shutdown.add('websocket clients and pages', async () => {
    await hub.close();
    await web.close();
  });
  base.shutdown.add('rules watcher', () => rules.close());
  base.shutdown.add('evaluator (finish batch, produce, commit)', () => runner.stop());
  base.shutdown.add('fan-out consumer', () => fanout.stop());

  // The fan-out joins first: it is the only path to clients. Its rebuild of the live view may take
  // longer than a join: /readyz says "fanout" until it has read what the topics held at start.
  await fanout.start();
  await waitFor('the Kafka consumers to join', () => fanout.joined(), 60_000, 50);
  // The evaluator names each alert's agent, team and queue (and skips erased calls) from what the
  // fan-out has read: joined before the fan-out had read the calls' starts (a rolling deploy, a
  // scale-out), it fired the live calls' alerts to no agent or team. No deadline: the catch-up
  // grows with the topics; the other instances evaluate meanwhile, and a stop ends the wait.
  // The group's leader waits for the others to go; one that stays (a running instance that was
  // out of the group, restarting its consumer, when this one joined and led it) makes it go too.
  let leadingSharedSince: number | null = null;
  while (!fanout.ready()) {
    if (base.shutdown.signal.aborted) return;
    leadingSharedSince = fanout.sharedLeading() ? (leadingSharedSince ?? Date.now()) : null;
    const stayed = leadingSharedSince !== null && Date.now() - leadingSharedSince > SHARED_LEADER_WAIT_MS;
    if (fanout.shared() || stayed) {
      // The running instance that has this id keeps its pages; this one must not split them.
      await base.shutdown.run('fan-out group shared');
      throw new ConfigError([
        'ALERT_INSTANCE_ID: another running instance uses this id, so both would read in one fan-out group and each show only part of the calls: give every instance its own (or leave it unset)',
      ]);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await runner.start();
  await waitFor('the Kafka consumers to join', () => fanout.joined() && runner.ready(), 60_000, 50);
}
