// The "Verified balance" card: the light client (src/light, served with its types stripped under
// /dashboard/light/) checks the node's answers in this page against a genesis file the user
// picks, remembered in localStorage. The page asks its own origin, so it verifies whatever node
// (or proxy) served it.
import { trustedGenesisFromJson, verifiedAccount } from './light/index.ts';

const STORE = 'dchat.trusted-genesis';
const $ = (id) => document.getElementById(id);

function trusted() {
  const text = localStorage.getItem(STORE);
  return text === null ? null : trustedGenesisFromJson(JSON.parse(text));
}

function showTrusted() {
  const genesis = trusted();
  $('verify-trusted').textContent = genesis === null ? 'no genesis loaded' : `trusting ${genesis.chainId}, ${genesis.validators.length} validator(s)`;
}

function result(text, ok) {
  const el = $('verify-result');
  el.textContent = text;
  el.className = `verify-result ${ok ? 'ok' : 'bad'}`;
}

$('verify-genesis').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (file === undefined) return;
  try {
    const text = await file.text();
    trustedGenesisFromJson(JSON.parse(text));
    localStorage.setItem(STORE, text);
    showTrusted();
  } catch (err) {
    result(`Not a genesis file: ${err.message}`, false);
  }
});

$('verify-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const genesis = trusted();
  if (genesis === null) return result('Load a trusted genesis file first.', false);
  const id = $('verify-account').value.trim().toLowerCase();
  result('verifying…', true);
  try {
    const { account, height } = await verifiedAccount({ genesis, node: '' }, id);
    result(`${account.balance.toLocaleString('en-US')} tokens, verified at height ${height}`, true);
  } catch (err) {
    result(`Refused: ${err.code ?? 'Error'}: ${err.message}`, false);
  }
});

showTrusted();
