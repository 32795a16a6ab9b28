// The page: picks files, hashes the download as a stream, verifies, shows the answer.
// The WebAssembly package is imported by relative path from this repository's
// bindings-wasm/ (build it first: `cd bindings-wasm && npm install && npm run build`).
import init, { verifyLayout, Digester, version } from '../../bindings-wasm/index.js';
import { sortMetadata, planVerification, checkDownload, overall, hashStream } from './chain.js';

const $ = (id) => document.getElementById(id);

let runs = 0;
const state = {
  ready: false,
  download: null, // { file, digests: Promise<Digests>, done: Digests | null }
  metadata: null, // the result of sortMetadata
};

/** Makes an element; children are nodes or text (never parsed as HTML). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function formatBytes(n) {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i += 1;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

function updateButton() {
  const m = state.metadata;
  $('verify').disabled = !(state.ready && m && m.layout && m.keys.length > 0);
}

// --- 1. the download: hashed as a stream (File.stream()), never read whole -------------

$('download').addEventListener('change', () => {
  const file = $('download').files[0];
  if (!file) return;
  $('artifact-name').value = file.name;
  const digestLine = $('digest');
  delete digestLine.dataset.sha256;
  digestLine.classList.add('muted');
  digestLine.textContent = `Hashing ${file.name} (${formatBytes(file.size)})…`;
  const started = performance.now();
  const entry = { file, done: null, digests: null };
  entry.digests = (async () => {
    await initialised;
    let last = 0;
    const digests = await hashStream(file.stream(), Digester, (n) => {
      const now = performance.now();
      if (now - last > 200) {
        last = now;
        digestLine.textContent = `Hashing ${file.name}: ${file.size ? Math.floor((100 * n) / file.size) : 100}% of ${formatBytes(file.size)}…`;
      }
    });
    entry.done = digests;
    const ms = performance.now() - started;
    const took = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
    digestLine.replaceChildren(el('strong', {}, 'sha256 '), digests.sha256, el('span', { class: 'muted' }, `  (${formatBytes(file.size)}, hashed in ${took})`));
    digestLine.classList.remove('muted');
    digestLine.dataset.sha256 = digests.sha256;
    return digests;
  })();
  entry.digests.catch((e) => {
    digestLine.textContent = `Could not read the file: ${e.message ?? e}`;
  });
  state.download = entry;
});

// --- 2. the metadata -----------------------------------------------------------------

$('metadata').addEventListener('change', async () => {
  const picked = await Promise.all(
    [...$('metadata').files].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
  const m = sortMetadata(picked);
  state.metadata = m;
  const list = $('metadata-list');
  list.replaceChildren();
  if (m.layout) list.append(el('li', {}, el('span', { class: 'kind' }, 'layout'), m.layout.name));
  for (const k of m.keys) list.append(el('li', {}, el('span', { class: 'kind' }, 'key'), k.name));
  for (const n of Object.keys(m.links)) list.append(el('li', {}, el('span', { class: 'kind' }, 'link'), n));
  for (const n of m.ignored) list.append(el('li', { class: 'muted' }, el('span', { class: 'kind' }, 'ignored'), n));
  for (const p of m.problems) list.append(el('li', { class: 'bad' }, p));
  updateButton();
});

for (const [tab, panel] of [
  ['choose-layout', 'panel-layout'],
  ['choose-attestation', 'panel-attestation'],
]) {
  $(tab).addEventListener('click', () => {
    for (const [t, p] of [
      ['choose-layout', 'panel-layout'],
      ['choose-attestation', 'panel-attestation'],
    ]) {
      $(t).classList.toggle('active', t === tab);
      $(t).setAttribute('aria-selected', String(t === tab));
      $(p).hidden = p !== panel;
    }
  });
}

// --- 3. verify -----------------------------------------------------------------------

$('verify').addEventListener('click', async () => {
  $('verify').disabled = true;
  $('status').textContent = 'Verifying…';
  try {
    let download = null;
    if (state.download) {
      const digests = await state.download.digests;
      const name = $('artifact-name').value.trim() || state.download.file.name;
      download = { name, digests };
    }
    const plan = planVerification(state.metadata, download, new Date().toISOString());
    const started = performance.now();
    const report = verifyLayout(plan.request);
    const ms = performance.now() - started;
    const check = plan.mode === 'skip' && download && report.verdict === 'pass' ? checkDownload(report, state.metadata.links, download) : null;
    render(report, plan, check, download);
    $('status').textContent = `Verified in ${ms.toFixed(0)} ms.`;
    runs += 1;
    $('result').dataset.run = String(runs); // for tests: a new answer is shown
  } catch (e) {
    $('status').textContent = `Something went wrong: ${e.message ?? e}`;
  } finally {
    updateButton();
  }
});

function render(report, plan, check, download) {
  const answer = overall(report, check);
  const verdict = $('verdict');
  verdict.className = `verdict ${answer.verdict}`;
  verdict.dataset.verdict = answer.verdict;
  verdict.replaceChildren(answer.verdict.toUpperCase());
  const f = answer.failure;
  if (f) verdict.append(el('span', { class: 'code' }, f.code));
  $('verdict-message').textContent = f
    ? f.message
    : download
      ? `“${download.name}” is what the supply chain produced, and every step and rule of the layout verified.`
      : 'The layout and its links verified.';

  const details = $('failure-details');
  details.replaceChildren();
  const row = (k, v) => v !== undefined && v !== null && v !== '' && details.append(el('tr', {}, el('th', {}, k), el('td', {}, v)));
  for (let cur = f, depth = 0; cur; cur = cur.cause, depth += 1) {
    if (depth > 0) row('because', `${cur.code}: ${cur.message}`);
    row('step', cur.step);
    row('inspection', cur.inspection);
    if (cur.rule) row(`rule${cur.side ? ` (${cur.side})` : ''}`, el('code', {}, cur.rule.join(' ')));
    if (cur.artifacts && cur.artifacts.length) row('artifacts', el('code', {}, cur.artifacts.join(', ')));
    row('key id', cur.keyid);
    row('file', cur.path);
    if (cur.page) row('checked by', 'this page (the final step’s product, after the verifier passed)');
  }

  $('plan').textContent = plan.note;
  const dc = $('download-check');
  dc.className = 'note';
  dc.textContent = '';
  if (check && check.ok !== false) {
    // (a mismatch is the verdict itself, above)
    dc.classList.add(check.ok ? 'good' : 'note');
    dc.textContent = `${check.ok ? '✓' : '?'} ${check.detail}.`;
  } else if (check && check.expected && check.expected.sha256) {
    dc.textContent = `${check.link} records sha256 ${check.expected.sha256} for it.`;
  }

  const warnings = $('warnings');
  warnings.replaceChildren(...report.warnings.map((w) => el('li', {}, `${w.code}: ${w.message}`)));

  const steps = $('steps');
  steps.replaceChildren(el('tr', {}, el('th', {}, 'step / inspection'), el('th', {}, 'links'), el('th', {}, 'rules')));
  for (const s of report.steps) {
    const links = s.links.map((l) => el('div', {}, el('span', { class: l.status === 'accepted' ? 'ok' : 'bad' }, l.status), ' ', el('code', {}, l.path)));
    steps.append(el('tr', {}, el('td', {}, s.name), el('td', {}, ...links), el('td', {}, `${s.materials.length + s.products.length} checked`)));
  }
  for (const i of report.inspections) {
    steps.append(
      el('tr', {}, el('td', {}, `${i.name} (inspection)`), el('td', {}, i.return_value === undefined ? '' : `returned ${i.return_value}`), el('td', {}, `${i.materials.length + i.products.length} checked`)),
    );
  }
  $('report-json').textContent = JSON.stringify(report, null, 2);
  $('result').hidden = false;
}

// --- start ---------------------------------------------------------------------------

const initialised = init().then(
  () => {
    state.ready = true;
    $('engine').textContent = `intoto-verify ${version()} (WebAssembly) is ready.`;
    document.body.dataset.ready = 'true';
    updateButton();
  },
  (e) => {
    $('engine').textContent = `The verifier did not load: ${e.message ?? e}. Was bindings-wasm built (npm run build)?`;
  },
);
