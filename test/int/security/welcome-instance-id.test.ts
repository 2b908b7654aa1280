// Pen-test pen31: the WebSocket welcome told every signed-in user, of every tenant, the alert
// service's fan-out id, `<host name>-<port>` (or ALERT_INSTANCE_ID): the pod or machine name
// and the port behind the load balancer. The page needs only something to resume with, so the
// welcome now carries a random id per run; a resume with it is still a resume. Real service and
// WebSockets.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { connect, fakeAlert, login, startHarness } from '../alerts/harness.ts';

describe('the welcome', () => {
  it('names no host, port or fan-out id, and its id still resumes the page', async () => {
    const h = await startHarness();
    const token = await login(h, 'agent-1');
    const page = await connect(h, token);
    const welcome = page.frames.find((f) => f.type === 'welcome')!;
    const id = welcome.instanceId as string;
    expect(id).not.toBe(h.service.instanceId);
    expect(id).not.toContain(
      hostname()
        .replace(/[^\w.-]/g, '')
        .slice(0, 40),
    );
    expect(JSON.stringify(welcome)).not.toContain(h.service.instanceId);
    const lastSeq = page.frames.find((f) => f.type === 'snapshot')!.seq as number;
    page.ws.terminate();

    h.service.hub.publishAlert(fakeAlert('call-w', 1, 300));
    const back = await connect(h, token, { resume: { instanceId: id, lastSeq } });
    await back.waitFor((f) => f.type === 'resumed');
    expect(back.frames.find((f) => f.type === 'snapshot')?.full).toBe(false);
    expect(back.frames.find((f) => f.type === 'welcome')?.instanceId).toBe(id);
  });
});
