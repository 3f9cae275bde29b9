// The governance panel: open proposals with their running tally and deadline, past outcomes, and
// the system accounts' balances over time. Reads GET /v1/proposals (two bounded pages) and
// /v1/stats/system-accounts; asks only when the node reports the proposals route.
import { getJson, listOf } from './api.js';
import { Chart } from './charts.js';
import { amount, count, toNumber } from './format.js';
import { h } from './panels.js';

const OPEN_LIMIT = 20;
const PAST_LIMIT = 20;
const ACCOUNTS = [
  ['treasury', '#2563eb'], ['dev-fund', '#16a34a'], ['airdrop', '#d97706'], ['relay-fund', '#7c3aed'], ['reserve', '#6b7482'],
];
const OPTIONS = ['yes', 'no', 'abstain', 'veto'];

let chart = null;

function systemChart() {
  chart ??= new Chart(document.getElementById('chart-system'), {
    series: ACCOUNTS.map(([label, color]) => ({ label, color, scale: 'tokens' })),
  });
  return chart;
}

function fill(tbody, rows) {
  tbody.replaceChildren();
  for (const row of rows) tbody.append(row);
}

/** Widths in tenths of a percent of the turnout, on BigInt so any stake stays exact. */
function tallyBar(tally) {
  const turnout = BigInt(tally.turnout);
  const share = (v) => (turnout === 0n ? 0 : Number((BigInt(v) * 1000n) / turnout) / 10);
  return h('div', { className: 'bar tally', title: OPTIONS.map((o) => `${o} ${amount(tally[o])}`).join(' · ') },
    ...OPTIONS.map((o) => h('div', { className: o, style: { width: `${share(tally[o])}%` } })));
}

function deadline(p, headHeight, blockTimeMs) {
  if (p.deadline === null) return '–';
  const left = BigInt(p.deadline) - BigInt(headHeight);
  const seconds = Number(left > 0n ? left : 0n) * blockTimeMs / 1000;
  return `block ${count(p.deadline)} (${left > 0n ? `in ${count(left)} blocks, ≈ ${count(Math.round(seconds))} s` : 'now'})`;
}

function renderOpen(proposals, headHeight, blockTimeMs) {
  fill(document.querySelector('#gov-open tbody'), proposals.map((p) => h('tr', { dataset: { proposalId: p.id, status: p.status } },
    h('td', { title: p.id }, p.title),
    h('td', {}, h('span', { className: 'type' }, p.kind)),
    h('td', {}, p.status === 'deposit' ? `deposit ${amount(p.deposited)} / ${amount(p.min_deposit)}` : 'voting'),
    h('td', {}, tallyBar(p.tally)),
    h('td', { className: 'num' }, `${amount(p.tally.turnout)} / ${amount(p.tally.quorum_turnout)}`),
    h('td', {}, p.tally.outcome_now ?? '–'),
    h('td', {}, deadline(p, headHeight, blockTimeMs)))));
  document.getElementById('gov-open-empty').hidden = proposals.length > 0;
}

function renderPast(proposals) {
  fill(document.querySelector('#gov-past tbody'), proposals.map((p) => h('tr', { dataset: { proposalId: p.id, status: p.status } },
    h('td', { title: p.id }, p.title),
    h('td', {}, h('span', { className: 'type' }, p.kind)),
    h('td', {}, h('span', { className: `outcome ${p.status}` }, p.status)),
    h('td', { className: 'num' }, amount(p.tally.yes)),
    h('td', { className: 'num' }, amount(p.tally.no)),
    h('td', { className: 'num' }, amount(p.tally.veto)),
    h('td', { className: 'num' }, p.closed_height === null ? '–' : count(p.closed_height)))));
  document.getElementById('gov-past-empty').hidden = proposals.length > 0;
}

async function refreshSystemAccounts() {
  const note = document.getElementById('system-note');
  try {
    const body = await getJson('/v1/stats/system-accounts?points=300');
    const pts = body.points;
    if (pts.length < 2) {
      systemChart().message('waiting for blocks');
      note.textContent = 'Balances are recorded from each new block since this node started.';
      return;
    }
    systemChart().set([pts.map((p) => Number(p.timestamp_ms) / 1000), ...ACCOUNTS.map(([name]) => pts.map((p) => toNumber(p.balances[name])))]);
    const last = pts.at(-1);
    note.textContent = `Blocks ${count(pts[0].height)}–${count(last.height)} since this node started: ${ACCOUNTS.map(([name]) => `${name} ${amount(last.balances[name])}`).join(' · ')}.`;
  } catch (err) {
    note.textContent = `GET /v1/stats/system-accounts: ${err.message}`;
    systemChart().message('system accounts unavailable');
  }
}

/** One poll of the panel; `routes` is /v1/stats/series `routes`. */
export async function refreshGovernance(routes, node, headHeight) {
  const note = document.getElementById('gov-note');
  await refreshSystemAccounts();
  if (!routes.proposals) {
    note.textContent = 'No proposals route yet (GET /v1/proposals).';
    return;
  }
  try {
    const [open, recent] = await Promise.all([
      getJson(`/v1/proposals?status=open&limit=${OPEN_LIMIT}`),
      getJson(`/v1/proposals?limit=${PAST_LIMIT + OPEN_LIMIT}`),
    ]);
    const past = listOf(recent, 'proposals').filter((p) => p.status !== 'deposit' && p.status !== 'voting').slice(0, PAST_LIMIT);
    renderOpen(listOf(open, 'proposals'), headHeight, Number(node.block_time_ms ?? 1000));
    renderPast(past);
    note.textContent = 'Stake-weighted: a tally needs the quorum of turnout; the bar splits the turnout into yes, no, abstain and veto.';
  } catch (err) {
    note.textContent = `GET /v1/proposals: ${err.message}`;
  }
}
