// This instance's own fan-out consumer (a group per instance): it keeps the call registry and
// pushes to this instance's WebSocket clients. I/O: Kafka.
import type { ServiceBase } from '../shared/service-base.ts';
import type { CallRegistry } from './call-registry.ts';
import type { AlertServiceConfig } from './config.ts';
import { createFanout, type Fanout, type FanoutOptions } from './fanout.ts';
import type { Hub } from './hub.ts';
import { SERVICE } from './service-name.ts';

export interface FanoutWiring {
  instanceId: string;
  registry: CallRegistry;
  hub: Hub;
  onCallEnded: FanoutOptions['onCallEnded'];
  onCallEvent: FanoutOptions['onCallEvent'];
}

/**
 * This instance's own consumer (a group per instance) of calls, emotions, features and alerts:
 * it keeps the call registry and pushes to this instance's WebSocket clients.
 */
export function instanceFanout(config: AlertServiceConfig, base: ServiceBase, w: FanoutWiring): Fanout {
  return createFanout({
    kafka: base.kafka,
    producer: base.producer,
    service: SERVICE,
    groupId: `${config.ALERT_FANOUT_GROUP_PREFIX}-${w.instanceId}`,
    rebuildMs: config.ALERT_LIVE_REBUILD_MS,
    topics: {
      calls: config.CALLS_TOPIC,
      emotions: config.EMOTIONS_TOPIC,
      features: config.FEATURES_TOPIC,
      alerts: config.ALERTS_TOPIC,
      erasures: config.ERASURES_TOPIC,
    },
    registry: w.registry,
    hub: w.hub,
    logger: base.logger,
    onCallEnded: w.onCallEnded,
    onCallEvent: w.onCallEvent,
    metrics: base.metrics,
  });
}
