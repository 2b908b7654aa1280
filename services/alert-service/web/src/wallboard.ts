/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Supervisor wallboard: a grid of live calls (agent, queue, duration, customer mood as colour,
// shape and word with a trend line, agent stress and pace) and the alerts, newest first, with an
// acknowledge button; filters by team and queue. Tiles are fixed-size and updated in place.
import type { AckView, AlertView, CallView, ServerFrame } from '../../protocol.ts';
import { clock, drawTrend, duration, el, fixed, mergeTrend, mood, severityLabel, stress } from './format.ts';
import { setAttr, setStyle, setText } from './dom-writes.ts';
import { serverNow } from './server-clock.ts';
import { endSession, openLive, statusText } from './live-socket.ts';
import { mayAcknowledge } from '../../../shared/auth/roles.ts';
import { callKey } from '../../../shared/call-key.ts';
import { isolate } from '../../../shared/bidi-isolate.ts';
import { showRemovedCall } from './removed-call.ts';
import { watchSignInExpiry } from './sign-in-expiry.ts';

interface Tile {
  root: HTMLElement;
  agent: HTMLElement;
  queue: HTMLElement;
  dur: HTMLElement;
  mood: HTMLElement;
  moodIcon: HTMLElement;
  moodWord: HTMLElement;
  trend: SVGSVGElement;
  stressFill: HTMLElement;
  stress: HTMLElement;
  pace: HTMLElement;
  history: HTMLElement;
  /** "On hold" while the platform holds the call (CallHold). */
  hold: HTMLElement;
  alert: HTMLElement;
}

const grid = document.getElementById('calls')!;
const alertList = document.getElementById('alerts')!;
const openCriticalButton = document.getElementById('open-critical') as HTMLButtonElement;
const teamFilter = document.getElementById('filter-team') as HTMLSelectElement;
const queueFilter = document.getElementById('filter-queue') as HTMLSelectElement;
const statusEl = document.getElementById('status')!;
const countEl = document.getElementById('call-count')!;
// Screen readers: a new alert is said at once (assertive), an acknowledgement when idle (polite).
const alertAnnouncer = document.getElementById('alert-announcer')!;
const ackAnnouncer = document.getElementById('ack-announcer')!;
// Calls, tiles and their latest alert are keyed by (tenant, call id): an every-tenant admin may
// watch two tenants' calls of one id.
const calls = new Map<string, CallView>();
const tiles = new Map<string, Tile>();
const alerts = new Map<string, { view: AlertView; item: HTMLLIElement }>();
const latestAlert = new Map<string, AlertView>();
/**
 * Alerts of an ended call whose id a later call took: still listed (they happened), never on the
 * new call's tile (another customer's). The server marks them in a snapshot (`earlierCall`); live,
 * the page sees the ended call come back live (nothing else un-ends a call).
 */
const ofEarlierCall = new Set<string>();
const keyOf = (c: { tenant: string; callId: string }): string => callKey(c.tenant, c.callId);
const MAX_ALERTS = 100;

document.getElementById('sign-out')!.addEventListener('click', () => endSession());

/**
 * Tiles on screen: the clock ticks only theirs. Ticking all of them rewrote 3 000 tiles a second
 * on a big site's wallboard (a 0.8 s freeze each second, wallboard probe); off screen, a tile is
 * not laid out at all (content-visibility in board.css) until it scrolls in.
 */
const onScreen = new Set<string>();
const visibility = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const key = (entry.target as HTMLElement).dataset.key ?? '';
    if (!entry.isIntersecting) {
      onScreen.delete(key);
      continue;
    }
    onScreen.add(key);
    // Its clock stopped off screen: right at once, not at the next tick.
    const call = calls.get(key);
    const tile = tiles.get(key);
    if (call && tile) setText(tile.dur, duration(call, serverNow()));
  }
});

function tileFor(call: CallView): Tile {
  let tile = tiles.get(keyOf(call));
  if (tile) return tile;
  const root = el('article', 'tile');
  root.dataset.callId = call.callId;
  root.dataset.tenant = call.tenant;
  root.dataset.key = keyOf(call);
  const head = el('header', 'tile-head');
  const agent = el('span', 'tile-agent');
  const queue = el('span', 'tile-queue');
  const dur = el('span', 'num tile-dur');
  head.append(agent, queue, dur);
  // Its own line (the head's three columns are full): shown only while the call is on hold.
  const hold = el('p', 'tile-hold', 'On hold');
  hold.hidden = true;
  const moodRow = el('div', 'tile-mood mood-unknown');
  const moodIcon = el('span', 'mood-icon');
  const moodWord = el('span', 'mood-word');
  const trend = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  trend.setAttribute('viewBox', '0 0 200 40');
  trend.setAttribute('preserveAspectRatio', 'none');
  trend.setAttribute('class', 'trend');
  trend.setAttribute('aria-hidden', 'true');
  moodRow.append(el('span', 'label', 'Customer'), moodIcon, moodWord, trend);
  const metrics = el('div', 'tile-metrics');
  const bar = el('span', 'bar');
  const stressFill = el('span', 'bar-fill');
  bar.append(stressFill);
  const stress = el('span', 'num');
  const pace = el('span', 'num');
  metrics.append(el('span', 'label', 'Agent voice stress'), bar, stress, el('span', 'label', 'Pace'), pace);
  const history = el('p', 'tile-history');
  const alert = el('p', 'tile-alert');
  root.append(head, hold, history, moodRow, metrics, alert);
  grid.append(root);
  visibility.observe(root);
  tile = {
    root,
    agent,
    queue,
    dur,
    mood: moodRow,
    moodIcon,
    moodWord,
    trend,
    stressFill,
    stress,
    pace,
    history,
    hold,
    alert,
  };
  tiles.set(keyOf(call), tile);
  // A call back on the board (a snapshot of a service still catching up had lacked it) shows
  // the alerts the list already holds for it: they are not sent again.
  const listed = [...alerts.values()].map((a) => a.view).filter((v) => keyOf(v) === keyOf(call));
  for (const view of listed.sort((a, b) => a.firedAtMs - b.firedAtMs)) offerTileAlert(view);
  return tile;
}

/** Only what changed is written (setText, setAttr): a state push re-lays out the tiles it changes. */
function renderCall(call: CallView): void {
  const t = tileFor(call);
  const agent = call.agentId || 'unknown agent';
  const queue = [call.team, call.queue].filter(Boolean).map(isolate).join(' · ');
  setText(t.agent, agent);
  setText(t.queue, queue);
  // Long ids are cut to the tile's width: the whole of each, and the call id, on hover.
  setAttr(t.agent, 'title', `${agent} · call ${call.callId}`);
  setAttr(t.queue, 'title', queue);
  setText(t.dur, duration(call, serverNow()));
  t.hold.hidden = !call.onHold;
  setText(t.history, call.history ?? '');
  setAttr(t.history, 'title', call.history ?? '');
  t.history.hidden = !call.history;
  t.root.classList.toggle('tile-with-history', Boolean(call.history));
  const m = mood(call.customer);
  setAttr(t.mood, 'class', `tile-mood ${m.cls}`);
  setText(t.moodIcon, m.icon);
  setText(t.moodWord, m.word);
  drawTrend(t.trend, call.moodTrend);
  const s = stress(call.agent.tensionRise, call.agent.tensionFrom);
  setStyle(t.stressFill, 'width', `${Math.round(s.fill * 100)}%`);
  setAttr(t.stressFill, 'class', `bar-fill ${s.high ? 'bar-high' : ''}`);
  setText(t.stress, s.word);
  setText(t.pace, `${fixed(call.agent.pace)} syl/s`);
  const ended = call.endedAtMs !== null;
  t.root.classList.toggle('tile-ended', ended);
  // Its name for a screen reader (the tile's text ran together), with what the dashed border says.
  setAttr(
    t.root,
    'aria-label',
    `${agent}, ${queue || 'no queue'}: customer ${m.word}${ended ? ', call ended' : ''}`,
  );
  renderTileAlert(keyOf(call));
  applyFilter(call);
}

const SEVERITY_RANK: Record<string, number> = { info: 0, warning: 1, critical: 2 };
const severityRank = (severity: string): number => SEVERITY_RANK[severity] ?? 0;

function renderTileAlert(key: string): void {
  const t = tiles.get(key);
  if (!t) return;
  const a = latestAlert.get(key);
  const open = a && a.acknowledgedBy === null;
  for (const severity of ['info', 'warning', 'critical'])
    t.root.classList.toggle(`sev-${severity}`, open === true && a?.severity === severity);
  const s = a ? severityLabel(a.severity) : null;
  setText(
    t.alert,
    a && s ? `${s.icon} ${s.word}: ${a.ruleName}${open ? '' : ' (acknowledged)'}` : 'No alerts',
  );
}

const passesFilter = (call: CallView): boolean =>
  (!teamFilter.value || call.team === teamFilter.value) &&
  (!queueFilter.value || call.queue === queueFilter.value);

function applyFilter(call: CallView): void {
  const t = tiles.get(keyOf(call));
  if (!t) return;
  t.root.hidden = !passesFilter(call);
  for (const [select, value] of [
    [teamFilter, call.team],
    [queueFilter, call.queue],
  ] as const) {
    if (value && ![...select.options].some((o) => o.value === value)) select.append(new Option(value, value));
  }
}

/** Live calls, of those the filters show ("12 of 22 live calls": it said 22 over 12 tiles). */
function refreshCount(): void {
  const liveCalls = [...calls.values()].filter((c) => c.endedAtMs === null);
  const live = liveCalls.length;
  const shown = liveCalls.filter(passesFilter).length;
  const noun = `live call${live === 1 ? '' : 's'}`;
  countEl.textContent = shown === live ? `${live} ${noun}` : `${shown} of ${live} ${noun}`;
}

/** `announce`: a new alert, said to a screen reader (not the ones a snapshot lists again). */
function renderAlert(view: AlertView, announce = false): void {
  if (alerts.has(view.alertId)) return;
  const s = severityLabel(view.severity);
  const item = el('li', `alert sev-${view.severity}`);
  item.dataset.alertId = view.alertId;
  const badge = el('span', 'sev-badge', `${s.icon} ${s.word}`);
  const title = el(
    'strong',
    'alert-title',
    view.kind === 'escalated' ? `Escalated: ${view.ruleName}` : view.ruleName,
  );
  const meta = el(
    'span',
    'alert-meta num',
    `${clock(view.firedAtMs)} · ${isolate(view.agentId || 'unknown agent')} · ${isolate(view.queue)}`,
  );
  const message = el('p', 'alert-message', view.message);
  title.title = title.textContent ?? '';
  const action = el('div', 'alert-action');
  item.append(badge, title, meta, message, action);
  alerts.set(view.alertId, { view, item });
  renderAck(view);
  alertList.prepend(item);
  trimAlerts();
  showOpenCritical();
  offerTileAlert(view);
  renderTileAlert(keyOf(view));
  if (announce)
    alertAnnouncer.textContent = `${s.word} alert: ${title.textContent} on ${view.agentId || 'an unknown agent'}'s call`;
}

const openCritical = (entry: { view: AlertView }): boolean =>
  entry.view.severity === 'critical' && entry.view.acknowledgedBy === null;

/**
 * Keeps MAX_ALERTS in the list, the oldest going first, but never a critical alert nobody has
 * acknowledged while another can go: on a big site a hundred later warnings pushed it out within
 * minutes, and its call's tile could be anywhere among thousands (admin probe).
 */
function trimAlerts(): void {
  while (alertList.children.length > MAX_ALERTS) {
    // The newest item never goes (with 100 open critical alerts, the one just added did, after it
    // had been announced); past it, the oldest that is not an open critical, else the oldest.
    const newest = alertList.firstElementChild;
    let victim = alertList.lastElementChild as HTMLElement;
    for (let item = victim; item && item !== newest; item = item.previousElementSibling as HTMLElement) {
      const entry = alerts.get(item.dataset.alertId ?? '');
      if (!entry || !openCritical(entry)) {
        victim = item;
        break;
      }
    }
    alerts.delete(victim.dataset.alertId ?? '');
    ofEarlierCall.delete(victim.dataset.alertId ?? '');
    victim.remove();
  }
}

/** "N critical not acknowledged": a way to the oldest of them, however far down the list it is. */
function showOpenCritical(): void {
  let count = 0;
  let oldest: { view: AlertView; item: HTMLElement } | null = null;
  // By when it fired, not by place: a reconnect's snapshot lists older alerts above newer ones.
  for (const entry of alerts.values())
    if (openCritical(entry)) {
      count++;
      if (!oldest || entry.view.firedAtMs < oldest.view.firedAtMs) oldest = entry;
    }
  openCriticalButton.hidden = count === 0;
  setText(openCriticalButton, `⚠ ${count} critical not acknowledged: show the oldest`);
  openCriticalButton.onclick = () => {
    if (!oldest) return;
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    oldest.item.scrollIntoView({ behavior: still ? 'auto' : 'smooth', block: 'center' });
    oldest.item.tabIndex = -1;
    oldest.item.focus({ preventScroll: true });
  };
}

/**
 * The tile shows the most severe open alert (a later warning must not hide a critical one a
 * supervisor has not acknowledged yet), else the latest.
 */
function offerTileAlert(view: AlertView): void {
  if (view.earlierCall || ofEarlierCall.has(view.alertId)) return;
  const key = keyOf(view);
  const prev = latestAlert.get(key);
  const outranked =
    prev && prev.acknowledgedBy === null && severityRank(prev.severity) > severityRank(view.severity);
  if (!prev || (!outranked && prev.firedAtMs <= view.firedAtMs)) latestAlert.set(key, view);
}

/** The server refuses acknowledgements of read-only roles (QA reviewers): no button for them. */
let canAcknowledge = true;

function renderAck(view: AlertView): void {
  const entry = alerts.get(view.alertId);
  if (!entry) return;
  const action = entry.item.querySelector('.alert-action')!;
  // The button a keyboard user pressed goes away: focus stays on its alert, not on the page's top.
  const hadFocus = action.contains(document.activeElement);
  action.replaceChildren();
  if (hadFocus) {
    entry.item.tabIndex = -1;
    entry.item.focus();
  }
  if (view.acknowledgedBy !== null) {
    entry.item.classList.add('acked');
    action.append(
      el(
        'span',
        'acked-note',
        `✓ Acknowledged by ${view.acknowledgedBy} at ${clock(view.acknowledgedAtMs ?? 0)}`,
      ),
    );
  } else if (canAcknowledge) {
    const button = el('button', 'ack', 'Acknowledge');
    button.type = 'button';
    button.setAttribute('aria-label', `Acknowledge alert: ${view.ruleName} on ${view.agentId}'s call`);
    // Pending is aria-disabled, not disabled: a disabled button drops the keyboard focus to the
    // page's top (a screen-reader user lost their place at every acknowledgement).
    const pending = (on: boolean) => setAttr(button, 'aria-disabled', String(on));
    button.addEventListener('click', () => {
      if (button.getAttribute('aria-disabled') === 'true') return;
      // Offline the click is not queued: say so and keep the button for a retry once reconnected.
      if (!live.send({ type: 'ack', alertId: view.alertId })) {
        button.textContent = 'Not sent (offline): retry';
        return;
      }
      pending(true);
      button.textContent = 'Sending…';
      // No answer (the connection dropped after sending): the button comes back after 10 s.
      setTimeout(() => {
        if (!button.isConnected || button.getAttribute('aria-disabled') !== 'true') return;
        pending(false);
        button.textContent = 'No answer: retry';
      }, 10_000);
    });
    action.append(button);
  }
}

function onAck(ack: AckView): void {
  const entry = alerts.get(ack.alertId);
  if (!entry) return;
  const mine = entry.item.contains(document.activeElement);
  entry.view.acknowledgedBy = ack.acknowledgedBy;
  entry.view.acknowledgedAtMs = ack.acknowledgedAtMs;
  renderAck(entry.view);
  showOpenCritical();
  if (mine) ackAnnouncer.textContent = `Acknowledged: ${entry.view.ruleName}`;
  renderTileAlert(keyOf(entry.view));
}

/** A new call took the id of an ended call the page shows: its tile drops the ended call's alerts. */
function takeCall(call: CallView): void {
  const key = keyOf(call);
  const before = calls.get(key);
  if (before === undefined || before.endedAtMs === null || call.endedAtMs !== null) return;
  // Only the ones fired by its end: the new call's own first alert may have come before the state
  // push that shows it live (the service marks the ended call's later ones: earlierCall frames).
  const listed = [...alerts.values()].map((a) => a.view).filter((v) => keyOf(v) === key);
  for (const view of listed) if (view.firedAtMs <= before.endedAtMs) ofEarlierCall.add(view.alertId);
  latestAlert.delete(key);
  for (const v of listed.sort((a, b) => a.firedAtMs - b.firedAtMs)) offerTileAlert(v);
}

/** The alert is an earlier call's: its tile shows the call's alert among the others it has. */
function forgetTileAlert(view: AlertView): void {
  const key = keyOf(view);
  ofEarlierCall.add(view.alertId);
  latestAlert.delete(key);
  const listed = [...alerts.values()].map((a) => a.view).filter((v) => keyOf(v) === key);
  for (const v of listed.sort((a, b) => a.firedAtMs - b.firedAtMs)) offerTileAlert(v);
  renderTileAlert(key);
}

function removeCall(key: string): void {
  calls.delete(key);
  const root = tiles.get(key)?.root;
  if (root) visibility.unobserve(root);
  root?.remove();
  onScreen.delete(key);
  tiles.delete(key);
  latestAlert.delete(key);
}

const ackOf = (a: AlertView): AckView => ({
  seq: a.seq,
  alertId: a.alertId,
  callId: a.callId,
  acknowledgedBy: a.acknowledgedBy ?? '',
  acknowledgedAtMs: a.acknowledgedAtMs ?? 0,
});

function onFrame(frame: ServerFrame): void {
  if (frame.type === 'welcome') {
    document.getElementById('user')!.textContent = `${frame.user.displayName} (${frame.user.role})`;
    canAcknowledge = mayAcknowledge(frame.user);
  } else if (frame.type === 'snapshot') {
    // Every call this user may see now: one the page still shows but the snapshot lacks ended
    // while the page was away (or the service restarted), and no `removed` will ever name it.
    const present = new Set(frame.calls.map(keyOf));
    for (const key of [...calls.keys()]) if (!present.has(key)) removeCall(key);
    for (const call of frame.calls) {
      takeCall(call);
      calls.set(keyOf(call), call);
    }
    for (const call of frame.calls) renderCall(call);
    if (frame.full) {
      // The whole list: an alert the page holds that is not in it was erased while it was away.
      const kept = new Set(frame.alerts.map((a) => a.alertId));
      for (const [id, entry] of [...alerts]) {
        if (kept.has(id)) continue;
        entry.item.remove();
        alerts.delete(id);
        ofEarlierCall.delete(id);
      }
      showOpenCritical();
    }
    for (const a of [...frame.alerts].reverse()) {
      // An alert already listed may have been acknowledged meanwhile.
      if (alerts.has(a.alertId) && a.acknowledgedBy !== null) onAck(ackOf(a));
      else renderAlert(a);
    }
    if (frame.full) {
      // The tiles too show what a reload shows: each its call's alert among the list's (one the
      // list dropped stayed on its tile, border and all).
      latestAlert.clear();
      for (const a of [...frame.alerts].reverse()) offerTileAlert(alerts.get(a.alertId)?.view ?? a);
      for (const key of tiles.keys()) renderTileAlert(key);
    }
    refreshCount();
  } else if (frame.type === 'state') {
    for (const view of frame.calls) {
      const call = { ...view, moodTrend: mergeTrend(calls.get(keyOf(view)), view) };
      takeCall(call);
      calls.set(keyOf(call), call);
      renderCall(call);
    }
    for (const gone of frame.removed) removeCall(keyOf(gone));
    refreshCount();
  } else if (frame.type === 'alert') {
    // Marked at a resume: an ended call's alert the page holds, whose id a new call took while the
    // page was away (it never saw the call end): off the new call's tile.
    if (frame.alert.earlierCall && alerts.has(frame.alert.alertId)) forgetTileAlert(frame.alert);
    // A handed-over call's earlier alerts are not news (a reload announces none of them).
    else renderAlert(frame.alert, !frame.handedOver && !frame.alert.earlierCall);
  } else if (frame.type === 'ack') onAck(frame.ack);
  else if (frame.type === 'erased') {
    // The customer was erased, or withdrew analytics consent: the call and its alerts leave the
    // page (and the server's memory), and a neutral line says so (why, never whose).
    showRemovedCall(document.getElementById('removed-note')!, frame.erased);
    removeCall(keyOf(frame.erased));
    for (const id of frame.erased.alertIds) {
      alerts.get(id)?.item.remove();
      alerts.delete(id);
      ofEarlierCall.delete(id);
    }
    showOpenCritical();
    refreshCount();
  } else if (frame.type === 'error') {
    for (const button of alertList.querySelectorAll<HTMLButtonElement>('button.ack[aria-disabled="true"]')) {
      button.setAttribute('aria-disabled', 'false');
      button.textContent = 'Acknowledge';
    }
  }
}

watchSignInExpiry(document.getElementById('sign-in-note')!);
const live = openLive(onFrame, (status) => {
  statusEl.textContent = statusText(status);
  statusEl.className = `status status-${status}`;
});

for (const select of [teamFilter, queueFilter])
  select.addEventListener('change', () => {
    calls.forEach(applyFilter);
    refreshCount();
  });
setInterval(() => {
  const now = serverNow();
  for (const key of onScreen) {
    const call = calls.get(key);
    const t = tiles.get(key);
    if (call && t && call.endedAtMs === null) setText(t.dur, duration(call, now));
  }
}, 1000);
