// A speaker's feature window record as the dsp-worker writes it to va.features.v1, for tests that
// feed the emotion classifier directly. Pure.
import { FUNCTIONAL_NAMES } from '../../pipelines/dsp/index.ts';
import type { SpeakerWindow } from '../../pipelines/dsp/types.ts';
import { toFeatureWindowRecord } from '../../services/shared/mapping.ts';
import { outRecord, type OutRecord } from '../../services/shared/producer.ts';
import { featureWindowCodec } from '../../services/shared/records.ts';
import { speakerWindow } from '../../devkit/records/speaker-window.ts';

/** Speaker window i of a call (tenant `demo`) with the model's functionals; `over` replaces fields. */
export function featureWindowOut(
  topic: string,
  callId: string,
  channel: 'agent' | 'customer',
  i: number,
  over: Partial<SpeakerWindow> = {},
): OutRecord {
  // Values of a calm voice; what they are is not the point of these tests.
  const functionals = new Float64Array(FUNCTIONAL_NAMES.length).fill(0.1);
  const window = { ...speakerWindow(i, { speech: 0.7 }), functionals, ...over };
  const meta = { callId, channel, tenant: 'demo', producedAtMs: Date.now(), audioCompletedAtMs: Date.now() };
  return outRecord(topic, featureWindowCodec, callId, toFeatureWindowRecord(window, meta));
}
