// va.routing.v1 records: the RoutingHint protobuf (proto/va/events/v1/routing_hint.proto), whose
// friendly enum names are the engine's ('senior', 'call-start', …), so a hint maps 1:1. Pure.
import type { RoutingHint } from '../../pipelines/routing/index.ts';
import { createCodec } from '../shared/codec.ts';

export const routingHintCodec = createCodec<RoutingHint>('va.events.v1.RoutingHint', {
  check: (v) => (v.hintId && v.callId ? null : 'hintId and callId are required'),
});
