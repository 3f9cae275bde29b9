// The dashboard: redraws from the node's API when a block arrives on its event stream (GET
// /v1/events, docs/protocol.md §16.1), every 15 s besides (mempool and peers change between
// blocks), and every 1.5 s while the stream is down (EventSource reconnects by itself; polling
// keeps the page live meanwhile). Routes that other parts of the
// node add later (pools, schedules, projection, peers, proposals) are used when the node reports them in
// /v1/stats/series `routes`, so the page never asks for a route that is not there.
import { getJson, listOf } from './api.js';
import { Chart } from './charts.js';
import { amount, count, duration, toNumber } from './format.js';
import { refreshGovernance } from './governance.js';
import { renderBlocks, renderHeader, renderKpis, renderPeers, renderPools, renderSchedules, renderTxs } from './panels.js';

const POLL_MS = 1500;
const QUIET_REFRESH_MS = 15_000;
const SLOW_EVERY = 4; // pools, schedules, peers: every 4th redraw
const PROJECTION_EVERY = 10;
const GOVERNANCE_EVERY = 2; // open proposals' tallies and the system accounts: every other redraw
const SERIES_POINTS = 400;
const BURN_WINDOW = 100;

const charts = {
  supply: new Chart(document.getElementById('chart-supply'), {
    series: [
      { label: 'Supply', color: 'rgba(37, 99, 235, .45)', scale: 'tokens', fill: 'rgba(37, 99, 235, .08)', width: 7 },
      // Supply is minted less burned: while little is burned the two lines coincide, so minted is
      // drawn thin and dashed over the wide supply line, and both stay visible.
      { label: 'Total minted', color: '#15803d', scale: 'tokens', dash: [8, 6] },
      { label: 'Total burned', color: '#dc2626', scale: 'burned' },
    ],
  }),
  // Burned in each block (averaged over the blocks a point covers), on its own: the cumulative
  // total is the supply chart's, and beside it these bars were too small to see.
  burn: new Chart(document.getElementById('chart-burn'), {
    series: [{ label: 'Burned / block', color: '#dc2626', scale: 'rate', bars: true, fill: 'rgba(220, 38, 38, .55)' }],
  }),
  projection: new Chart(document.getElementById('chart-projection'), {
    longRange: true,
    series: [
      { label: 'Projected supply', color: '#2563eb', scale: 'tokens', fill: 'rgba(37, 99, 235, .08)' },
      { label: 'Projected burned', color: '#dc2626', scale: 'burned' },
    ],
  }),
};

const state = { tick: 0, node: null, series: null, peers: null, projectedBurn: null, projectedAt: -Infinity };

/** The burn volume the projection assumes: the recent whole tokens per block. */
const recentBurn = (series) => (series.burn_rate?.burned_per_block ?? '0').split('.')[0];

function setLive(ok, text) {
  document.getElementById('live-dot').className = `dot ${ok ? 'ok' : 'bad'}`;
  document.getElementById('live-text').textContent = text;
}

function drawSeries(series) {
  const pts = series.points;
  const xs = pts.map((p) => Number(p.timestamp_ms) / 1000);
  charts.supply.set([xs, pts.map((p) => toNumber(p.supply)), pts.map((p) => toNumber(p.total_minted)), pts.map((p) => toNumber(p.total_burned))]);
  // A block that burned nothing is a 0, not a gap: the legend then reads 0, never "–".
  charts.burn.set([xs, pts.map((p) => Number(p.burned) / Math.max(1, Number(p.blocks)))]);
  const first = pts[0];
  const last = pts.at(-1);
  const backfill = series.backfill.state === 'done' ? `, ${count(series.backfill.blocks)} read back from the store at start` : series.backfill.state === 'running' ? ', reading older blocks from the store…' : '';
  document.getElementById('series-note').textContent = last
    ? `Blocks ${count(first.height)}–${count(last.height)} (${count(series.length)} kept of ${count(series.capacity)}${backfill}); ${pts.length} points.`
    : 'No blocks recorded yet.';
  const rate = series.burn_rate;
  document.getElementById('burn-note').textContent = rate
    ? `Last ${count(rate.window_blocks)} blocks: ${amount(rate.burned)} burned, ${amount(rate.minted)} minted.`
    : '';
}

async function optionalList(available, path, key, missing) {
  if (!available) return { items: null, note: missing };
  try {
    return { items: listOf(await getJson(path), key), note: '' };
  } catch (err) {
    return { items: null, note: `${path}: ${err.message}` };
  }
}

async function refreshSlow(series, node) {
  const routes = series.routes ?? {};
  const [pools, schedules, peers] = await Promise.all([
    optionalList(routes.pools, '/v1/pools', 'pools', 'No pools route yet (GET /v1/pools): figures read from the dashboard feed.'),
    optionalList(routes.schedules, '/v1/schedules', 'schedules', 'No schedules route yet (GET /v1/schedules): figures read from the dashboard feed.'),
    optionalList(routes.peers, '/v1/peers', 'peers', 'No peers route yet (GET /v1/peers): this node runs without the network.'),
  ]);
  renderPools(pools.items ?? series.pools, pools.note);
  renderSchedules(schedules.items ?? series.schedules, schedules.note, series.head_height);
  renderPeers(peers.items, peers.note, node);
  return peers.items === null ? null : peers.items.length;
}

/** The projection route's points, whatever their exact field names, as [blocks ahead, supply, burned]. */
function projectionPoints(body) {
  const from = body?.from_height !== undefined ? BigInt(body.from_height) : null;
  return listOf(body, 'points').map((p) => {
    const ahead = p.blocks_ahead ?? p.blocks ?? (from !== null && p.height !== undefined ? String(BigInt(p.height) - from) : undefined);
    const supply = p.total_supply ?? p.supply ?? p.circulating_supply;
    return ahead === undefined || supply === undefined ? null : [Number(ahead), toNumber(supply), toNumber(p.total_burned ?? p.burned ?? null)];
  }).filter((p) => p !== null);
}

async function refreshProjection(series, node) {
  const note = document.getElementById('projection-note');
  if (!series.routes?.projection) {
    note.textContent = 'No projection route yet (GET /v1/projection).';
    charts.projection.message('projection not available on this node');
    return;
  }
  const blockTime = Number(node.block_time_ms ?? 1000);
  // "years:N" is N inflation years of blocks_per_year blocks (docs/protocol.md §13.1), the node's
  // own meaning of a year; "ms:T" is wall-clock time at the block time.
  const [unit, value] = document.getElementById('projection-horizon').value.split(':');
  const span = unit === 'years' ? `years=${Number(value)}` : `blocks=${Math.max(1, Math.floor(Number(value) / blockTime))}`;
  const burn = recentBurn(series);
  state.projectedBurn = burn;
  state.projectedAt = state.tick;
  try {
    const body = await getJson(`/v1/projection?${span}&burn_per_block=${burn}&points=120`);
    const pts = projectionPoints(body);
    if (pts.length < 2) {
      note.textContent = 'The projection route answered in a form this page does not read.';
      charts.projection.message('projection format not understood');
      return;
    }
    const start = Number(series.points.at(-1)?.timestamp_ms ?? Date.now()) / 1000;
    charts.projection.set([pts.map((p) => start + (p[0] * blockTime) / 1000), pts.map((p) => p[1]), pts.map((p) => p[2])]);
    const blocks = Number(body.to_height) - Number(body.from_height);
    const years = unit === 'years' ? `${count(value)} inflation year${Number(value) === 1 ? '' : 's'} = ` : '';
    note.textContent = `Next ${years}${count(blocks)} blocks (about ${duration(blocks * blockTime)} at ${count(blockTime)} ms blocks) at ${amount(burn)} burned per block (the recent rate), under the current parameters and schedules.`;
  } catch (err) {
    note.textContent = `GET /v1/projection: ${err.message}`;
    charts.projection.message('projection unavailable');
  }
}

async function tick() {
  const [node, stats, series, recent] = await Promise.all([
    getJson('/v1/node'),
    getJson('/v1/stats'),
    getJson(`/v1/stats/series?points=${SERIES_POINTS}&window=${BURN_WINDOW}`),
    getJson('/v1/stats/recent?blocks=12&txs=15'),
  ]);
  state.node = node;
  state.series = series;
  renderKpis(node, stats, series);
  drawSeries(series);
  renderBlocks(recent.blocks);
  renderTxs(recent.txs);
  if (state.tick % SLOW_EVERY === 0) state.peers = await refreshSlow(series, node);
  if (state.tick % GOVERNANCE_EVERY === 0) await refreshGovernance(series.routes ?? {}, node, series.head_height);
  renderHeader(node, state.peers ?? null);
  // Again when the recent burn rate moved (at most every other redraw), else every PROJECTION_EVERY polls.
  const burnMoved = recentBurn(series) !== state.projectedBurn && state.tick - state.projectedAt >= 2;
  if (burnMoved || state.tick - state.projectedAt >= PROJECTION_EVERY) await refreshProjection(series, node);
  state.tick++;
}

const live = { streaming: false, running: false, again: false, lastMs: 0 };

/** One redraw at a time; a block that arrives during one asks for one more after it. */
async function refresh() {
  if (live.running) {
    live.again = true;
    return;
  }
  live.running = true;
  try {
    await tick();
    setLive(true, `live · head ${count(state.node.head_height)}${live.streaming ? '' : ' (polling)'}`);
  } catch (err) {
    setLive(false, `disconnected: ${err.message}`);
  } finally {
    live.running = false;
    live.lastMs = Date.now();
    if (live.again) {
      live.again = false;
      void refresh();
    }
  }
}

function connect() {
  const source = new EventSource('/v1/events?topics=blocks');
  source.addEventListener('open', () => {
    live.streaming = true;
  });
  source.addEventListener('block', () => void refresh());
  source.addEventListener('error', () => {
    live.streaming = false;
  });
  // A typed end of stream (the node stops, or this page fell behind): reconnect in a moment.
  source.addEventListener('end', () => {
    live.streaming = false;
    source.close();
    setTimeout(connect, 2_000);
  });
}

document.getElementById('projection-horizon').addEventListener('change', () => {
  if (state.series && state.node) void refreshProjection(state.series, state.node);
});

setInterval(() => {
  const quiet = Date.now() - live.lastMs;
  if (live.streaming ? quiet >= QUIET_REFRESH_MS : quiet >= POLL_MS) void refresh();
}, 500);
connect();
void refresh();
