/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Agent view: the agent's own live call (the server sends nothing else): customer mood meter and
// trend, own pace and tension, the current cue in plain words, and this call's alerts.
import type { AlertView, CallView, ServerFrame } from '../../protocol.ts';
import { clock, drawTrend, duration, el, fixed, mergeTrend, mood, severityLabel, stress } from './format.ts';
import { setAttr, setStyle, setText } from './dom-writes.ts';
import { serverNow } from './server-clock.ts';
import { endSession, openLive, statusText } from './live-socket.ts';
import { callKey } from '../../../shared/call-key.ts';
import { moodValue } from '../../../../pipelines/emotion/mood-value.ts';
import { AGENT_PACE_LIMIT } from '../../../../pipelines/alerts/agent-pace.ts';
import { showRemovedCall } from './removed-call.ts';
import { watchSignInExpiry } from './sign-in-expiry.ts';

// Keyed by (tenant, call id), as the wallboard: the server scopes an agent to its tenant, but a
// call id alone names a call only within one.
const calls = new Map<string, CallView>();
const alerts: AlertView[] = [];
const statusEl = document.getElementById('status')!;
const history = document.getElementById('history')!;
let current: string | null = null;

document.getElementById('sign-out')!.addEventListener('click', () => endSession());

function pickCurrent(): CallView | undefined {
  const live = [...calls.values()]
    .filter((c) => c.endedAtMs === null)
    .sort((a, b) => b.startedAtMs - a.startedAtMs);
  const chosen = live[0] ?? [...calls.values()].sort((a, b) => b.startedAtMs - a.startedAtMs)[0];
  current = chosen ? callKey(chosen.tenant, chosen.callId) : null;
  return chosen;
}

/** The signed-in user's role (from the welcome); null before it. */
let role: string | null = null;

function render(): void {
  const call = pickCurrent();
  const info = document.getElementById('call-info')!;
  const historyLine = document.getElementById('customer-history')!;
  historyLine.hidden = !call?.history;
  setText(historyLine, call?.history ? `Customer history: ${call.history}` : '');
  if (!call) {
    // The agent view follows the signed-in agent's own calls: anyone else waited here for ever.
    setText(
      info,
      role === null || role === 'agent'
        ? 'waiting for a call'
        : `this page shows an agent's own call: as ${role}, open the wallboard (/wallboard.html)`,
    );
    clearCall();
    return;
  }
  setText(
    info,
    `${call.queue || 'call'} · ${duration(call, serverNow())}${call.endedAtMs !== null ? ' · ended' : call.onHold ? ' · On hold' : ''}`,
  );
  const m = mood(call.customer);
  const marker = document.getElementById('mood-marker')!;
  // On the side of the word beside it (mood-value.ts); silent: in the middle (no side, grey).
  const markerAt = call.customer.speaking ? moodValue(call.customer.state, call.customer.valence) : null;
  setStyle(marker, 'left', `${Math.round((markerAt ?? 0.5) * 100)}%`);
  setAttr(marker, 'class', `mood-marker ${m.cls}`);
  const label = document.getElementById('mood-label')!;
  setText(label, `${m.icon} ${m.word}`);
  setAttr(label, 'class', `big-label ${m.cls}`);
  drawTrend(document.getElementById('mood-trend') as unknown as SVGSVGElement, call.moodTrend);
  const pace = call.agent.pace;
  setText(document.getElementById('pace')!, `${fixed(pace)} syl/s`);
  setText(
    document.getElementById('pace-note')!,
    pace === null
      ? ''
      : call.agent.paceTooFast
        ? '▲ too fast: slow down'
        : paceWord(pace, call.agent.paceLimit),
  );
  const s = stress(call.agent.tensionRise, call.agent.tensionFrom);
  const fill = document.getElementById('tension-bar')!;
  setStyle(fill, 'width', `${Math.round(s.fill * 100)}%`);
  setAttr(fill, 'class', `bar-fill ${s.high ? 'bar-high' : ''}`);
  setText(document.getElementById('tension')!, s.word);
  // A live region: written only when the cue changes, or a screen reader reads it every second.
  // A cue addresses the live call: on an ended one "acknowledge the feeling" speaks to nobody.
  setText(document.getElementById('cue')!, (call.endedAtMs === null && call.cue) || NO_CUE);
  renderHistory();
}

const NO_CUE = 'No cue right now.';

/**
 * A pace over the limit that has not held yet (agent-pace.ts) is said, without the warning. The
 * limit is the call's agent-too-fast rule's; with none in force (null: the tenant switched it off,
 * or it judges other queues) the page judges no pace and shows the number alone.
 */
function paceWord(pace: number, limit: number | null = AGENT_PACE_LIMIT): string {
  if (limit === null) return '';
  return pace > limit ? 'fast for a moment' : 'good pace';
}

/**
 * No call to show (it ended and went, moved to another agent, was erased): nothing of it stays
 * under "waiting for a call" (its cue, the customer's mood and its alerts had stayed until the
 * next call).
 */
function clearCall(): void {
  setText(document.getElementById('cue')!, NO_CUE);
  const marker = document.getElementById('mood-marker')!;
  setStyle(marker, 'left', '50%');
  setAttr(marker, 'class', 'mood-marker mood-unknown');
  const label = document.getElementById('mood-label')!;
  setText(label, '—');
  setAttr(label, 'class', 'big-label');
  drawTrend(document.getElementById('mood-trend') as unknown as SVGSVGElement, []);
  setText(document.getElementById('pace')!, '—');
  setText(document.getElementById('pace-note')!, '');
  const fill = document.getElementById('tension-bar')!;
  setStyle(fill, 'width', '0%');
  setAttr(fill, 'class', 'bar-fill');
  setText(document.getElementById('tension')!, '—');
  renderHistory();
}

/** The list as last drawn (alert ids): redrawn only when it changes. */
let drawnHistory = '';

function renderHistory(): void {
  const mine = alerts.filter((a) => callKey(a.tenant, a.callId) === current);
  const drawn = mine.map((a) => a.alertId).join('\n');
  if (drawn === drawnHistory) return;
  drawnHistory = drawn;
  history.replaceChildren(
    ...mine.map((a) => {
      const s = severityLabel(a.severity);
      const item = el('li', `alert sev-${a.severity}`);
      item.dataset.alertId = a.alertId;
      item.append(
        el('span', 'sev-badge', `${s.icon} ${s.word}`),
        el('strong', 'alert-title', a.cue ?? a.ruleName),
        el('span', 'alert-meta num', clock(a.firedAtMs)),
      );
      return item;
    }),
  );
}

/**
 * An ended call live again is a new call that took its id (nothing else un-ends a call): the
 * ended call's alerts are another customer's, not this call's.
 */
const tookEndedId = (before: CallView | undefined, now: CallView): boolean =>
  before !== undefined && before.endedAtMs !== null && now.endedAtMs === null;

/** `endedAtMs`: only the ones fired by then (the new call's own may have come first: review revF29). */
function dropAlertsOf(key: string, endedAtMs = Infinity): void {
  alerts.splice(
    0,
    alerts.length,
    ...alerts.filter((a) => callKey(a.tenant, a.callId) !== key || a.firedAtMs > endedAtMs),
  );
}

/**
 * A call left the page (purged, moved to another agent) with its alerts: kept, they came back
 * under a later call of the same id. Handed back, the call brings again the ones the agent may
 * see (hub-handover.ts), as a reload lists them.
 */
function dropCall(key: string): void {
  calls.delete(key);
  dropAlertsOf(key);
}

function onFrame(frame: ServerFrame): void {
  if (frame.type === 'welcome') {
    document.getElementById('user')!.textContent = frame.user.displayName;
    role = frame.user.role;
  } else if (frame.type === 'snapshot') {
    // Every call of this agent now: one the snapshot lacks ended while the page was away.
    const present = new Set(frame.calls.map((c) => callKey(c.tenant, c.callId)));
    for (const key of [...calls.keys()]) if (!present.has(key)) dropCall(key);
    for (const c of frame.calls) {
      const key = callKey(c.tenant, c.callId);
      // Its id taken by the next call while the page was away (a reload lists none of the
      // ended call's alerts there; the resume's snapshot lists none of the page's: it kept them).
      if (tookEndedId(calls.get(key), c)) dropAlertsOf(key);
      calls.set(key, c);
    }
    // A full snapshot is the whole list (an alert missing from it was erased while away).
    if (frame.full) alerts.splice(0, alerts.length);
    for (const a of frame.alerts) if (!alerts.some((x) => x.alertId === a.alertId)) alerts.push(a);
    alerts.sort((a, b) => b.firedAtMs - a.firedAtMs);
  } else if (frame.type === 'state') {
    for (const c of frame.calls) {
      const key = callKey(c.tenant, c.callId);
      const before = calls.get(key);
      const reused = tookEndedId(before, c);
      // The ended call's later alerts (late records) come marked earlierCall from the service.
      if (reused) dropAlertsOf(key, before!.endedAtMs!);
      calls.set(key, { ...c, moodTrend: reused ? c.moodTrend : mergeTrend(before, c) });
    }
    for (const gone of frame.removed) dropCall(callKey(gone.tenant, gone.callId));
  } else if (frame.type === 'alert') {
    // Marked at a resume: an ended call's, whose id the agent's next call took while the page was
    // away (it never saw the call end): not the new call's (a reload lists none of them).
    if (frame.alert.earlierCall) {
      const id = frame.alert.alertId;
      alerts.splice(0, alerts.length, ...alerts.filter((a) => a.alertId !== id));
    } else if (!alerts.some((x) => x.alertId === frame.alert.alertId)) alerts.unshift(frame.alert);
  } else if (frame.type === 'erased') {
    // The customer was erased, or withdrew analytics consent: the call and its alerts leave the
    // page, and a neutral line says so (why, never whose).
    showRemovedCall(document.getElementById('removed-note')!, frame.erased);
    calls.delete(callKey(frame.erased.tenant, frame.erased.callId));
    const gone = new Set(frame.erased.alertIds);
    alerts.splice(0, alerts.length, ...alerts.filter((a) => !gone.has(a.alertId)));
  } else return;
  render();
}

watchSignInExpiry(document.getElementById('sign-in-note')!);
openLive(onFrame, (status) => {
  statusEl.textContent = statusText(status);
  statusEl.className = `status status-${status}`;
});
setInterval(render, 1000);
