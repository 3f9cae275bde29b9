/**
 * A small live status page at `/` (head, supply, recent blocks), served until the full dashboard
 * with charts arrives. It only reads the public JSON API.
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dchat node</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}
td,th{padding:.25rem .75rem;text-align:right;border-bottom:1px solid #ddd}th{text-align:left}
h1{font-size:1.3rem}code{font-size:12px}</style></head>
<body><h1>dchat node</h1><p id="node">loading…</p>
<h2>Supply</h2><table id="stats"></table><h2>Latest blocks</h2><table id="blocks"></table>
<script>
const fmt = (s) => BigInt(s).toLocaleString('en-US');
async function refresh() {
  const [node, stats] = await Promise.all([fetch('/v1/node').then(r => r.json()), fetch('/v1/stats').then(r => r.json())]);
  document.getElementById('node').textContent = node.chain_id + ' · head ' + node.head_height + ' · mempool ' + node.mempool_size + (node.halted ? ' · HALTED: ' + node.halted : '');
  const rows = [['Circulating supply', stats.circulating_supply], ['Total minted', stats.total_minted], ['Total burned', stats.total_burned],
    ['Effective supply', stats.effective_supply], ['Reserve', stats.reserve_balance], ['Pool liquidity', stats.total_pool_liquidity]];
  document.getElementById('stats').innerHTML = rows.map(([k, v]) => '<tr><th>' + k + '</th><td>' + fmt(v) + '</td></tr>').join('');
  const head = Number(node.head_height);
  const blocks = await Promise.all([...Array(Math.min(head + 1, 8)).keys()].map(i => fetch('/v1/blocks/' + (head - i)).then(r => r.json())));
  document.getElementById('blocks').innerHTML = '<tr><th>height</th><th>txs</th><th>hash</th></tr>' +
    blocks.map(b => '<tr><td>' + b.height + '</td><td>' + b.txs.length + '</td><td><code>' + b.hash.slice(0, 16) + '…</code></td></tr>').join('');
}
refresh(); setInterval(() => refresh().catch(() => {}), 2000);
</script></body></html>`;
