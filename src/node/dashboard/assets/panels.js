// Rendering of the page's panels from API data. Text from the chain (pool names, ids) only ever
// goes in through textContent, never as HTML.
import { age, amount, bps, count, decimal, shortHash, shortId } from './format.js';

/** A tiny element builder: h('td', { className: 'num' }, 'text', childNode). */
/** Replaces a node's children by a list, one at a time: a spread of a long list overflows the stack. */
function setChildren(parent, nodes) {
  parent.replaceChildren();
  for (const node of nodes) parent.append(node);
}

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v);
    else el[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

function setKpi(name, value, hint) {
  const card = document.querySelector(`[data-kpi="${name}"]`);
  card.querySelector('.value').textContent = value;
  card.querySelector('.hint').textContent = hint;
}

export function renderHeader(node, peersCount) {
  const meta = document.getElementById('node-meta');
  const badges = [];
  if (node.dev) badges.push('dev');
  if (node.validator) badges.push('validator');
  meta.replaceChildren(
    h('span', {}, `chain ${node.chain_id ?? '?'} · block time ${count(node.block_time_ms ?? 0)} ms`),
    ...(peersCount === null ? [] : [h('span', {}, ` · ${count(peersCount)} ${peersCount === 1 ? 'peer' : 'peers'}`)]),
    ...badges.map((b) => h('span', { className: 'badge' }, b)),
  );
  const banner = document.getElementById('banner');
  banner.hidden = !node.halted;
  banner.textContent = node.halted ? `Block production halted: ${node.halted}` : '';
}

export function renderKpis(node, stats, series) {
  const head = series?.points?.at(-1);
  setKpi('head', count(node.head_height), `${shortHash(node.head_hash, 12)}${head ? ` · ${age(head.timestamp_ms)}` : ''}`);
  const max = stats.max_supply === null || stats.max_supply === undefined ? 'uncapped' : `${bps(stats.issued_bps)} of ${amount(stats.max_supply)} max`;
  setKpi('supply', amount(stats.circulating_supply), max);
  setKpi('minted', amount(stats.total_minted), `inflation ${bps(stats.inflation_rate_bps)} per inflation year`);
  setKpi('burned', amount(stats.total_burned), `fee burn ${bps(stats.burn_rate_bps)} of a transfer`);
  const rate = series?.burn_rate;
  if (rate) setKpi('burn-rate', `${decimal(rate.burned_per_block)} / block`, `${decimal(rate.burned_per_minute)} / min over ${count(rate.window_blocks)} blocks`);
  setKpi('effective', amount(stats.effective_supply), `reserve ${amount(stats.reserve_balance)}`);
  setKpi('pools', amount(stats.total_pool_liquidity), `${count(stats.pool_count ?? 0)} pools`);
  setKpi('mempool', count(node.mempool_size ?? 0), 'transactions waiting');
}

/** Rows keyed by `key`, newest first; a row not shown on the previous poll flashes once. */
function renderRows(tbody, items, key, cells, seen, dataset) {
  const fresh = seen.size > 0;
  setChildren(tbody, items.map((item) => {
    const id = key(item);
    return h('tr', { className: fresh && !seen.has(id) ? 'fresh' : '', dataset: dataset(item) }, ...cells(item));
  }));
  seen.clear();
  for (const item of items) seen.add(key(item));
}

const seenBlocks = new Set();
export function renderBlocks(blocks) {
  renderRows(document.querySelector('#blocks tbody'), blocks, (b) => b.hash, (b) => [
    h('td', {}, count(b.height)),
    h('td', {}, age(b.timestamp_ms)),
    h('td', { className: 'num' }, count(b.txs)),
    h('td', { className: 'num' }, amount(b.minted)),
    h('td', { className: `num${b.burned !== '0' ? ' burn' : ''}` }, amount(b.burned)),
    h('td', { className: 'mono', title: b.hash }, shortHash(b.hash, 16)),
  ], seenBlocks, (b) => ({ height: b.height, hash: b.hash }));
}

const seenTxs = new Set();
export function renderTxs(txs) {
  renderRows(document.querySelector('#txs tbody'), txs, (t) => t.hash, (t) => [
    h('td', { className: 'mono', title: t.hash }, shortHash(t.hash, 12)),
    h('td', {}, count(t.height)),
    h('td', {}, h('span', { className: 'type' }, t.type)),
    h('td', { className: 'mono', title: t.from }, shortId(t.from)),
    h('td', { className: 'mono', title: t.to ?? '' }, t.to ? shortId(t.to) : '–'),
    h('td', { className: 'num' }, t.amount === null ? '–' : amount(t.amount)),
    h('td', { className: 'num burn' }, t.burned === '0' ? '–' : amount(t.burned)),
  ], seenTxs, (t) => ({ txHash: t.hash, height: t.height }));
  document.getElementById('txs-empty').hidden = txs.length > 0;
}

export function renderPools(pools, note) {
  document.getElementById('pools-note').textContent = note;
  const box = document.getElementById('pools');
  if (pools.length === 0) {
    box.replaceChildren(h('p', { className: 'empty' }, 'No liquidity pools yet.'));
    return;
  }
  setChildren(box, pools.map((p) => {
    const available = BigInt(p.available ?? 0);
    const reserved = BigInt(p.reserved ?? 0);
    const total = available + reserved;
    // Widths in tenths of a percent, computed on BigInt so huge pools stay exact.
    const share = (v) => (total === 0n ? 0 : Number((v * 1000n) / total) / 10);
    return h('div', { className: 'pool', dataset: { poolId: p.id ?? '' } },
      h('div', { className: 'name' }, p.name ?? shortId(p.id), h('span', {}, `${amount(total)} total`)),
      h('div', { className: 'bar', title: `${share(available)} % available` },
        h('div', { className: 'available', style: { width: `${share(available)}%` } }),
        h('div', { className: 'reserved', style: { width: `${share(reserved)}%` } })),
      h('div', { className: 'legend' },
        h('span', {}, h('span', { className: 'swatch', style: { background: 'var(--green)' } }), `available ${amount(available)}`),
        h('span', {}, h('span', { className: 'swatch', style: { background: 'var(--amber)' } }), `reserved ${amount(reserved)}`)));
  }));
}

function scheduleStatus(s, headHeight) {
  if (s.cancelled) return 'cancelled';
  const start = BigInt(s.start_block);
  if (BigInt(headHeight) < start) return 'upcoming';
  if (s.duration_blocks !== null && s.duration_blocks !== undefined && BigInt(headHeight) >= start + BigInt(s.duration_blocks)) return 'ended';
  return 'active';
}

export function renderSchedules(schedules, note, headHeight) {
  document.getElementById('schedules-note').textContent = note;
  setChildren(document.querySelector('#schedules tbody'), schedules.map((s) => h('tr', {},
    h('td', {}, h('span', { className: 'type' }, s.recipient_type)),
    h('td', { className: 'num' }, amount(s.amount_per_interval)),
    h('td', { className: 'num' }, `${count(s.interval_blocks)} blocks`),
    h('td', { className: 'num' }, count(s.start_block)),
    h('td', { className: 'num' }, amount(s.paid_total)),
    h('td', { className: `num${s.shortfall_total && s.shortfall_total !== '0' ? ' burn' : ''}` }, amount(s.shortfall_total)),
    h('td', {}, scheduleStatus(s, headHeight)))));
  document.getElementById('schedules-empty').hidden = schedules.length > 0;
}

export function renderPeers(peers, note, node) {
  document.getElementById('peers-note').textContent = note;
  const list = document.getElementById('peers');
  if (peers === null) {
    list.replaceChildren();
    return;
  }
  if (peers.length === 0) {
    const why = node?.peer_id === null ? 'The network is off on this node (dev mode): no peers.' : 'No peers connected.';
    list.replaceChildren(h('li', { className: 'empty' }, why));
    return;
  }
  setChildren(list, peers.map((p) => {
    const id = typeof p === 'string' ? p : (p.peer_id ?? p.id ?? '?');
    const addr = typeof p === 'string' ? '' : (p.address ?? p.addr ?? (Array.isArray(p.addresses) ? p.addresses[0] : '') ?? '');
    const extra = [p.direction, p.bootstrap ? 'bootstrap' : null, p.score !== undefined ? `score ${p.score}` : null].filter(Boolean).join(' · ');
    return h('li', { dataset: { peerId: id } },
      h('div', { className: 'mono', title: id }, shortHash(id, 24)),
      h('div', { className: 'sub' }, [addr, extra].filter(Boolean).join(' · ')));
  }));
}
