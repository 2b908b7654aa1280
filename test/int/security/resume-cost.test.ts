// Penetration review (sec30): a resume from the start of a full replay log (ALERT_REPLAY_CAPACITY,
// 5 000 entries) sent every entry the user may see, ~16 times what a reload sends; ten sockets of
// one read-only QA reviewer or supervisor resuming so held the event loop of every tenant's pages
// for 650-950 ms a round. A page that missed more than a reload carries gets the reload's full
// snapshot instead; one that missed a little still gets its replay. Real service and WebSockets.
import { describe, expect, it } from 'vitest';
import { MAX_RESUME_ENTRIES } from '../../../services/alert-service/hub-snapshot.ts';
import { connect, fakeAlert, login, startHarness, type Harness } from '../alerts/harness.ts';

/** Where a page of `token` stands now: the instance and the last number it was sent. */
async function placeOf(h: Harness, token: string) {
  const page = await connect(h, token);
  page.ws.terminate();
  return {
    instanceId: page.frames.find((f) => f.type === 'welcome')!.instanceId as string,
    lastSeq: page.frames.find((f) => f.type === 'snapshot')!.seq as number,
  };
}

describe('a resume', () => {
  it('costs no more than a reload: past what a snapshot carries it gets the full snapshot', async () => {
    const h = await startHarness();
    const token = await login(h, 'qa');
    let n = 0;
    const publish = (count: number) => {
      for (let i = 0; i < count; i += 1)
        h.service.hub.publishAlert(fakeAlert(`call-${n % 200}`, (n += 1), 300));
    };

    // A little missed: replayed, as before.
    const near = await placeOf(h, token);
    publish(10);
    const back = await connect(h, token, { resume: near });
    await back.waitFor((f) => f.type === 'resumed');
    expect(back.frames.find((f) => f.type === 'snapshot')?.full).toBe(false);
    expect(back.frames.filter((f) => f.type === 'alert').length).toBe(10);

    // More than a snapshot carries: the full snapshot (at most the tenant's newest 300 alerts).
    const far = await placeOf(h, token);
    publish(MAX_RESUME_ENTRIES + 1);
    const again = await connect(h, token, { resume: far });
    const snapshot = again.frames.find((f) => f.type === 'snapshot')!;
    expect(snapshot.full).toBe(true);
    expect((snapshot.alerts as unknown[]).length).toBeLessThanOrEqual(300);
    // Nothing replayed after it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(again.frames.filter((f) => f.type === 'alert' || f.type === 'resumed')).toEqual([]);
  });
});
