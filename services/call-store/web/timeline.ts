/// <reference lib="dom" />
// The call timeline: four uPlot lanes (pitch, loudness, pace, tension) with agent and customer
// series, an emotion band per speaker coloured by label, alert markers on every lane, synced
// cursor and drag-to-zoom across lanes (double-click resets; buttons for the keyboard,
// timeline-zoom.ts), hover values in each legend.
// I/O: DOM only.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { EMOTION_COLORS, SPEAKER_COLORS, UNCERTAIN_OUTLINE } from './colors.ts';
import { clock, el } from './dom.ts';
import { emotionSpansTable, shownAt } from './emotion-spans.ts';
import { laneValues, PACE_WHILE_SPEAKING, type Col } from './lane-values.ts';
import { zoomControls } from './timeline-zoom.ts';
export interface TimelineData {
  durationMs: number | null;
  speakers: Record<
    'agent' | 'customer',
    { windows: Record<string, Col>; emotions: Record<string, (number | string | null)[]> }
  >;
  alerts: {
    alertId: string;
    ruleId: string;
    severity: string;
    startMs: number;
    message: string;
    acknowledgement: { by: string; at: string } | null;
    /** What became of it, in words (call-view.ts, from the call's alerts); absent: not known. */
    life?: string;
  }[];
}

const LANES = [
  { key: 'pitchHz', label: 'Pitch (Hz)', speechOnly: false },
  { key: 'loudnessDbfs', label: 'Loudness (dBFS)', speechOnly: false },
  { key: PACE_WHILE_SPEAKING, label: 'Pace while speaking (syllables/s; over 7 is fast)', speechOnly: true },
  { key: 'tension', label: 'Vocal tension (0–1)', speechOnly: true },
] as const;

const mid = (w: Record<string, Col>) =>
  w.startMs.map((s, i) => ((s as number) + (w.endMs[i] as number)) / 2000);

function alertLines(alerts: TimelineData['alerts']): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        ctx.save();
        for (const alert of alerts) {
          const x = u.valToPos(alert.startMs / 1000, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.strokeStyle = alert.acknowledgement ? '#555555' : '#000000';
          ctx.setLineDash(alert.acknowledgement ? [4, 4] : []);
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

/** Paints each speaker's emotion events as a row of coloured spans (agent above, customer below). */
function emotionBand(data: TimelineData): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        const rows = ['agent', 'customer'] as const;
        const rowHeight = u.bbox.height / rows.length;
        // Zoomed in, spans before or after the visible range were painted over the axis gutter.
        ctx.save();
        ctx.beginPath();
        ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
        ctx.clip();
        rows.forEach((speaker, r) => {
          const e = data.speakers[speaker].emotions;
          for (let i = 0; i < e.startMs.length; i++) {
            const start = (e.startMs[i] as number) / 1000;
            const next =
              i + 1 < e.startMs.length ? (e.startMs[i + 1] as number) / 1000 : (e.endMs[i] as number) / 1000;
            const x0 = u.valToPos(start, 'x', true);
            const x1 = u.valToPos(Math.min(next, (e.endMs[i] as number) / 1000), 'x', true);
            const shown = shownAt(e, i);
            ctx.fillStyle = EMOTION_COLORS[shown] ?? '#999999';
            const y = u.bbox.top + r * rowHeight + 2;
            ctx.fillRect(x0, y, Math.max(1, x1 - x0), rowHeight - 4);
            // Pale on the white card (1.2:1): outlined, as its legend swatch is (UX probe).
            if (shown === 'uncertain') {
              ctx.strokeStyle = UNCERTAIN_OUTLINE;
              ctx.lineWidth = devicePixelRatio;
              ctx.strokeRect(x0, y, Math.max(1, x1 - x0), rowHeight - 4);
            }
          }
        });
        ctx.restore();
      },
    },
  };
}

const two = (v: number | string | null): string => (typeof v === 'number' ? v.toFixed(2) : '—');

function emotionAt(data: TimelineData, speaker: 'agent' | 'customer', seconds: number): string {
  const e = data.speakers[speaker].emotions;
  let found = '—';
  for (let i = 0; i < e.startMs.length && (e.startMs[i] as number) / 1000 <= seconds; i++) {
    found = `${shownAt(e, i)} (valence ${two(e.valence[i])}, arousal ${two(e.arousal[i])})`;
  }
  return found;
}

/**
 * Time-axis steps (s): never finer than the tenths the labels show (a 0.2 s call's axis read
 * "0:00.0" twenty times).
 */
const TIME_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** Axis ticks as m:ss, with tenths when they are less than a second apart (zoomed in). */
function tickLabels(ticks: number[]): string[] {
  const fine = ticks.length > 1 && ticks[1] - ticks[0] < 1;
  return ticks.map((t) =>
    fine ? `${clock(Math.floor(t))}.${Math.floor((t - Math.floor(t)) * 10 + 1e-6)}` : clock(t),
  );
}

export function renderTimeline(container: HTMLElement, data: TimelineData): () => void {
  const width = Math.max(600, container.clientWidth - 20);
  const agent = data.speakers.agent.windows;
  const customer = data.speakers.customer.windows;
  const charts: uPlot[] = [];
  const endS =
    // At least a tenth of a second: a 0 s call's scale had no width.
    Math.max(
      0.1,
      (data.durationMs ?? Math.max(0, ...(agent.endMs as number[]), ...(customer.endMs as number[]))) / 1000,
    );
  let syncing = false;
  const syncZoom: ((u: uPlot, key: string) => void)[] = [
    (u: uPlot, key: string) => {
      if (key !== 'x' || syncing) return;
      syncing = true;
      const { min, max } = u.scales.x;
      for (const other of charts)
        if (other !== u) other.setScale('x', { min: min as number, max: max as number });
      placeMarkers();
      zoom.update();
      syncing = false;
    },
  ];
  const axes = (label: string): uPlot.Axis[] => [
    { incrs: TIME_STEPS, values: (_u, ticks) => tickLabels(ticks) },
    { label, size: 60 },
  ];
  const base = (height: number, label: string): Omit<uPlot.Options, 'series'> => ({
    width,
    height,
    scales: { x: { time: false, min: 0, max: endS } },
    cursor: {
      sync: { key: 'call-timeline' },
      drag: { x: true, y: false },
      // A double-click shows the whole call, as the zoom buttons' "Whole call" does: uPlot's own
      // reset fitted each chart to its data, and a lane's first and last window centres are not
      // the call's start and end.
      bind: {
        dblclick: () => (event) => {
          if (event.button === 0) band.setScale('x', { min: 0, max: endS });
          return null;
        },
      },
    },
    axes: axes(label),
    hooks: { setScale: syncZoom },
  });

  // Emotion band first: the alert markers sit on it.
  const bandWrap = el('div', { class: 'band', 'data-testid': 'emotion-band' });
  const hover = el(
    'p',
    { class: 'band-hover', 'data-testid': 'band-hover' },
    'Hover the timeline for the emotion at that moment.',
  );
  const zoom = zoomControls(
    endS,
    () => ({ min: band.scales.x.min ?? 0, max: band.scales.x.max ?? endS }),
    (range) => band.setScale('x', range),
  );
  container.append(
    el('h3', {}, 'Emotion (agent row above, customer row below)'),
    zoom.element,
    hover,
    bandWrap,
  );
  const bandX = Array.from({ length: Math.max(2, Math.ceil(endS) + 1) }, (_, i) => i);
  const band = new uPlot(
    {
      ...base(110, 'emotion'),
      series: [
        { label: 'time', value: (_u, v) => (v === null ? '—' : clock(v)) },
        // Shown but invisible: uPlot hides the axis of a scale with no shown series, and the band's
        // plot area then started 65 px left of the lanes' (one moment drawn at two places).
        { label: 'band', stroke: 'transparent', points: { show: false } },
      ],
      // Labelled as the lanes' are, so it takes the same room.
      axes: [
        { incrs: TIME_STEPS, values: (_u, ticks) => tickLabels(ticks) },
        { label: 'emotion', size: 60, values: (_u, ticks) => ticks.map(() => '') },
      ],
      legend: { show: false },
      plugins: [emotionBand(data), alertLines(data.alerts)],
      hooks: {
        setScale: syncZoom,
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            if (idx === null || idx === undefined) return;
            const seconds = u.posToVal(u.cursor.left ?? 0, 'x');
            hover.textContent = `${clock(seconds)} · agent: ${emotionAt(data, 'agent', seconds)} · customer: ${emotionAt(data, 'customer', seconds)}`;
          },
        ],
      },
    },
    [bandX, bandX.map(() => 0)],
    bandWrap,
  );
  charts.push(band);
  zoom.update();
  const legend = el(
    'p',
    { class: 'legend' },
    ...Object.entries(EMOTION_COLORS).map(([name, color]) =>
      el(
        'span',
        { class: 'swatch-item' },
        el('span', { class: 'swatch', style: `background:${color}` }),
        name,
      ),
    ),
  );
  container.append(legend);

  const markers = el('div', { class: 'markers' });
  bandWrap.style.position = 'relative';
  bandWrap.append(markers);
  function placeMarkers() {
    markers.replaceChildren();
    const { min, max } = band.scales.x;
    for (const alert of data.alerts) {
      // Outside the zoomed range: no marker (one at left:2548px widened the page).
      const at = alert.startMs / 1000;
      if (min !== undefined && max !== undefined && (at < min || at > max)) continue;
      const left = band.valToPos(at, 'x') + band.bbox.left / devicePixelRatio;
      const name = `${clock(at)} ${alert.message} — ${
        alert.life ??
        (alert.acknowledgement ? `acknowledged by ${alert.acknowledgement.by}` : 'not acknowledged')
      }`;
      const marker = el(
        'button',
        {
          class: `alert-marker${alert.acknowledgement ? ' acked' : ''}`,
          'data-alert-id': alert.alertId,
          title: name,
          // The button's text is "▼": its name for keyboard and screen-reader users.
          'aria-label': `Alert at ${name}`,
          style: `left:${left}px`,
          onclick: () => {
            // The alert itself takes the focus (it stayed on the marker, now off screen), without
            // motion for those who asked for less.
            const target = document.getElementById(`alert-${alert.alertId}`);
            if (!target) return;
            const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
            target.scrollIntoView({ behavior: still ? 'auto' : 'smooth' });
            target.tabIndex = -1;
            target.focus({ preventScroll: true });
          },
        },
        '▼',
      );
      markers.append(marker);
    }
  }
  placeMarkers();

  const joined = uPlot.join([
    [mid(agent), ...LANES.map((l) => laneValues(agent, l.key, l.speechOnly))],
    [mid(customer), ...LANES.map((l) => laneValues(customer, l.key, l.speechOnly))],
  ] as uPlot.AlignedData[]);
  LANES.forEach((lane, i) => {
    const wrap = el('div', {
      class: 'lane',
      'data-testid': `lane-${lane.key}`,
      role: 'group',
      'aria-label': lane.label,
    });
    container.append(wrap);
    const series: uPlot.Series[] = [
      { label: 'time', value: (_u, v) => (v === null ? '—' : clock(v)) },
      { label: 'agent', stroke: SPEAKER_COLORS.agent, width: 1.5, spanGaps: false },
      { label: 'customer', stroke: SPEAKER_COLORS.customer, width: 1.5, dash: [6, 3], spanGaps: false },
    ];
    const data3 = [joined[0], joined[1 + i], joined[1 + LANES.length + i]] as uPlot.AlignedData;
    charts.push(
      new uPlot({ ...base(150, lane.label), series, plugins: [alertLines(data.alerts)] }, data3, wrap),
    );
  });
  container.append(
    el(
      'p',
      { class: 'hint' },
      'Drag across a lane to zoom, or use the buttons above the band; double-click to reset.',
    ),
    emotionSpansTable({ agent: data.speakers.agent.emotions, customer: data.speakers.customer.emotions }),
  );
  return () => charts.forEach((chart) => chart.destroy());
}
