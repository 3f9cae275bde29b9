// Line and bar charts on uPlot (served from the node's own node_modules, no CDN). A chart is built
// once and fed new data on every poll; it follows its box's width and says when it has no data yet.
import uPlot from './vendor/uPlot.esm.js';

const full = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const compactWith = [0, 1, 2, 3, 4, 5, 6].map((digits) => new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: digits }));

/**
 * Tick labels as short as they can be while still telling the ticks apart: a supply of 100 billion
 * that grows by thousands needs more digits than "100B", so we add them until the labels differ.
 */
function tickLabels(values) {
  const shown = values.filter((v) => v !== null);
  for (const format of compactWith) {
    const labels = shown.map((v) => format.format(v));
    if (new Set(labels).size === labels.length) return values.map((v) => (v === null ? '' : format.format(v)));
  }
  return values.map((v) => (v === null ? '' : full.format(v)));
}

/** Axis width from its longest label (uPlot calls this after computing the labels). */
function axisSize(u, values, axisIdx, cycleNum) {
  const axis = u.axes[axisIdx];
  if (cycleNum > 1) return axis._size; // keep the width once settled, as uPlot's own examples do
  // A loop, not Math.max(...values): a spread of a long list overflows the stack.
  let longest = 0;
  for (const v of values ?? []) longest = Math.max(longest, String(v).length);
  return Math.max(40, Math.ceil(longest * 7.2) + 18);
}

function axis(scale, side, color) {
  return {
    scale,
    side,
    stroke: color ?? '#5b6472',
    grid: { show: side === 3, stroke: '#e8ebf0', width: 1 },
    ticks: { show: false },
    size: axisSize,
    values: (_u, values) => tickLabels(values),
  };
}

/** Legend figure: the hovered point's, or the latest one when the cursor is off the chart. */
function legendValue(u, v, seriesIdx, idx) {
  const value = idx === null || idx === undefined ? u.data[seriesIdx]?.at(-1) : v;
  return value === null || value === undefined ? '–' : full.format(value);
}

const timeFormat = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' });

/**
 * @param {HTMLElement} box  element that receives the chart
 * @param {{ time?: boolean, longRange?: boolean, xLabel?: string, series: { label: string, color: string, scale?: string, bars?: boolean, fill?: string, width?: number, dash?: number[] }[] }} spec
 */
export class Chart {
  constructor(box, spec) {
    this.box = box;
    this.empty = document.createElement('div');
    this.empty.className = 'chart-empty';
    this.empty.textContent = 'waiting for blocks…';
    box.append(this.empty);
    const scales = [...new Set(spec.series.map((s) => s.scale ?? 'y'))];
    const opts = {
      width: Math.max(200, box.clientWidth),
      height: box.dataset.height ? Number(box.dataset.height) : 220,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: spec.time !== false }, ...Object.fromEntries(scales.map((s) => [s, { auto: true }])) },
      series: [
        {
          label: spec.xLabel ?? 'Time',
          value: (u, v, _s, idx) => {
            const x = idx === null || idx === undefined ? u.data[0]?.at(-1) : v;
            if (x === null || x === undefined) return '–';
            if (spec.time === false) return full.format(x);
            return spec.longRange ? dateFormat.format(new Date(x * 1000)) : timeFormat.format(new Date(x * 1000));
          },
        },
        ...spec.series.map((s) => ({
          label: s.label,
          scale: s.scale ?? 'y',
          stroke: s.color,
          width: s.width ?? 2,
          fill: s.fill,
          ...(s.dash ? { dash: s.dash } : {}),
          points: { show: false },
          value: legendValue,
          ...(s.bars ? { paths: uPlot.paths.bars({ size: [0.9, 24] }), fill: s.fill ?? s.color } : {}),
        })),
      ],
      axes: [
        { stroke: '#5b6472', grid: { show: false }, ticks: { show: false }, ...(spec.time === false ? { values: (_u, vs) => tickLabels(vs) } : {}) },
        ...scales.map((s, i) => axis(s, i === 0 ? 3 : 1, spec.series.find((x) => (x.scale ?? 'y') === s && scales.length > 1)?.color)),
      ],
    };
    this.plot = new uPlot(opts, [[], ...spec.series.map(() => [])], box);
    new ResizeObserver(() => {
      const width = Math.max(200, box.clientWidth);
      if (width !== this.plot.width) this.plot.setSize({ width, height: this.plot.height });
    }).observe(box);
  }

  /** data: [xs, ys1, ys2, …] as plain numbers (x in seconds for a time chart). */
  set(data) {
    this.empty.hidden = (data[0]?.length ?? 0) >= 2;
    this.plot.setData(data);
  }

  message(text) {
    this.empty.textContent = text;
    this.empty.hidden = false;
  }
}
