// The page: picks files, hashes the download as a stream, verifies (against a layout, its
// links and the owner's key, or against an attestation and its signer's key), shows the
// answer. The WebAssembly package is imported by relative path from this repository's
// bindings-wasm/ (build it first: `cd bindings-wasm && npm install && npm run build`).
import init, { verifyLayout, verifyAttestation, Digester, version } from '../../bindings-wasm/index.js';
import { sortMetadata, planVerification, checkDownload, overall, hashStream } from './chain.js';
import { envelopesIn, preferredEnvelope, attestationRequest, CHECK_LABELS } from './attestation.js';

const $ = (id) => document.getElementById(id);

let runs = 0;
const state = {
  ready: false,
  mode: 'layout', // or 'attestation': which metadata the Verify button uses
  download: null, // { file, digests: Promise<Digests>, done: Digests | null }
  metadata: null, // the result of sortMetadata
  attestation: null, // { name, envelopes: [{ index, text, label }] }
  attestationKeys: [], // [{ name, bytes }]
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
  const ready =
    state.mode === 'layout'
      ? m && m.layout && m.keys.length > 0
      : state.attestation && state.attestation.envelopes.length > 0 && state.attestationKeys.length > 0;
  $('verify').disabled = !(state.ready && ready);
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
  preselectEnvelope();
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

const TABS = [
  ['choose-layout', 'panel-layout', 'layout'],
  ['choose-attestation', 'panel-attestation', 'attestation'],
];
for (const [tab, , mode] of TABS) {
  $(tab).addEventListener('click', () => {
    state.mode = mode;
    document.body.dataset.mode = mode;
    for (const [t, p, m] of TABS) {
      $(t).classList.toggle('active', m === mode);
      $(t).setAttribute('aria-selected', String(m === mode));
      $(p).hidden = m !== mode;
    }
    updateButton();
  });
}

// --- 2b. an attestation and its signer's key -------------------------------------------

$('attestation').addEventListener('change', async () => {
  const file = $('attestation').files[0];
  if (!file) return;
  const envelopes = envelopesIn(new Uint8Array(await file.arrayBuffer()));
  state.attestation = { name: file.name, envelopes };
  const select = $('attestation-line');
  select.replaceChildren(...envelopes.map((e, i) => el('option', { value: String(i) }, e.label)));
  $('attestation-line-field').hidden = envelopes.length < 2;
  preselectEnvelope();
  listAttestation();
  updateButton();
});

/** With several envelopes, preselects the one whose (unverified) subject names the download. */
async function preselectEnvelope() {
  if (!state.attestation || state.attestation.envelopes.length < 2 || !state.download) return;
  const digests = await state.download.digests.catch(() => null);
  $('attestation-line').value = String(preferredEnvelope(state.attestation.envelopes, digests));
}

$('attestation-key').addEventListener('change', async () => {
  state.attestationKeys = await Promise.all([...$('attestation-key').files].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  listAttestation();
  updateButton();
});

function listAttestation() {
  const list = $('attestation-list');
  list.replaceChildren();
  const a = state.attestation;
  if (a) {
    const n = a.envelopes.length;
    list.append(el('li', {}, el('span', { class: 'kind' }, 'envelope'), `${a.name}${n > 1 ? ` (${n} envelopes, one per line)` : ''}`));
  }
  for (const k of state.attestationKeys) list.append(el('li', {}, el('span', { class: 'kind' }, 'key'), k.name));
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
    const started = performance.now();
    if (state.mode === 'attestation') {
      const envelope = state.attestation.envelopes[Number($('attestation-line').value || 0)] ?? state.attestation.envelopes[0];
      const request = attestationRequest({
        envelope: envelope.text,
        keys: state.attestationKeys.map((k) => k.bytes),
        digests: download && download.digests,
        policy: {
          predicateType: $('expect-predicate-type').value,
          builderId: $('expect-builder-id').value,
          sourceUri: $('expect-source-uri').value,
        },
      });
      const report = verifyAttestation(request);
      renderAttestation(report, download);
    } else {
      const plan = planVerification(state.metadata, download, new Date().toISOString());
      const report = verifyLayout(plan.request);
      const check = plan.mode === 'skip' && download && report.verdict === 'pass' ? checkDownload(report, state.metadata.links, download) : null;
      render(report, plan, check, download);
    }
    const ms = performance.now() - started;
    $('status').textContent = `Verified in ${ms.toFixed(0)} ms.`;
    runs += 1;
    $('result').dataset.run = String(runs); // for tests: a new answer is shown
  } catch (e) {
    $('status').textContent = `Something went wrong: ${e.message ?? e}`;
  } finally {
    updateButton();
  }
});

/** The verdict banner and its message. */
function showVerdict(verdictWord, failure, message) {
  const verdict = $('verdict');
  verdict.className = `verdict ${verdictWord}`;
  verdict.dataset.verdict = verdictWord;
  verdict.replaceChildren(verdictWord.toUpperCase());
  if (failure) verdict.append(el('span', { class: 'code' }, failure.code));
  $('verdict-message').textContent = failure ? failure.message : message;
}

function renderAttestation(report, download) {
  const f = report.failure;
  const statement = report.statement;
  showVerdict(
    report.verdict,
    f,
    download
      ? `“${download.name}” is what the attestation${statement ? ` (${statement.predicate_type})` : ''} is about, and it is signed by the key you gave.`
      : 'The attestation is signed by the key you gave. No file was picked, so it is not bound to one (see the warning).',
  );
  const details = $('failure-details');
  details.replaceChildren();
  const row = (k, v) => v !== undefined && v !== null && v !== '' && details.append(el('tr', {}, el('th', {}, k), el('td', {}, v)));
  if (f) {
    row('expected', f.expected !== undefined ? el('code', {}, f.expected) : undefined);
    row('actual', f.expected !== undefined ? el('code', {}, f.actual ?? '(none)') : undefined);
    row('where', f.path);
    row('key id', f.keyid);
  }
  $('plan').textContent = download
    ? `The download's sha256, sha384 and sha512 (hashed in this page) were given as the artifact digest; a Statement subject must match them.`
    : '';
  const dc = $('download-check');
  dc.className = 'note';
  dc.textContent = '';
  $('warnings').replaceChildren(...report.warnings.map((w) => el('li', {}, `${w.code}: ${w.message}`)));

  const summary = $('attestation-summary');
  summary.replaceChildren();
  const srow = (k, v) => v !== undefined && v !== null && v !== '' && summary.append(el('tr', {}, el('th', {}, k), el('td', {}, v)));
  if (report.envelope) {
    srow('payload type', el('code', {}, report.envelope.payload_type));
    srow(
      'signed by',
      report.envelope.signers.length ? el('code', {}, report.envelope.signers.map((s) => s.keyid).join(', ')) : 'no key you gave verified a signature',
    );
  }
  if (statement) {
    srow('statement', `in-toto Statement ${statement.version}`);
    srow('predicate type', el('code', {}, statement.predicate_type));
    const subjects = Array.isArray(statement.body.subject) ? statement.body.subject : [];
    srow('subjects', `${subjects.length}`);
  }
  const matched = $('matched-subjects');
  matched.replaceChildren(
    ...(report.matched_subjects.length
      ? report.matched_subjects.map((m) => el('li', { class: 'ok' }, `✓ subject ${m.index}${m.name ? ` “${m.name}”` : ''}: ${m.algorithms.join(', ')} equal`))
      : [el('li', { class: 'muted' }, report.artifact ? 'none matches the download' : 'not checked (no download)')]),
  );
  const checks = $('policy-checks');
  checks.replaceChildren(el('tr', {}, el('th', {}, 'check'), el('th', {}, ''), el('th', {}, 'expected'), el('th', {}, 'actual')));
  for (const c of report.checks) {
    checks.append(
      el(
        'tr',
        {},
        el('td', {}, CHECK_LABELS[c.check] ?? c.check),
        el('td', { class: c.passed ? 'ok' : 'bad' }, c.passed ? '✓' : `✗ ${c.code}`),
        el('td', {}, el('code', {}, c.expected)),
        el('td', {}, el('code', {}, c.actual ?? '(none)')),
      ),
    );
  }
  if (report.checks.length === 0) {
    // A failed check is always listed, so no checks and a failure means it stopped earlier.
    const why = f ? 'not evaluated: verification stopped before the policy' : 'none asked for';
    checks.append(el('tr', {}, el('td', { class: 'muted', colspan: '4' }, why)));
  }
  $('layout-result').hidden = true;
  $('attestation-result').hidden = false;
  $('report-json').textContent = JSON.stringify(report, null, 2);
  $('result').hidden = false;
}

function render(report, plan, check, download) {
  const answer = overall(report, check);
  const f = answer.failure;
  showVerdict(
    answer.verdict,
    f,
    download ? `“${download.name}” is what the supply chain produced, and every step and rule of the layout verified.` : 'The layout and its links verified.',
  );

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
  $('layout-result').hidden = false;
  $('attestation-result').hidden = true;
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
