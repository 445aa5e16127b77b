// Headless Chromium walks the support desk on the embedded service: support
// form → ticket → console login → reply with a runbook template → escalate →
// resolve → CSAT → metrics, then a runbook action ("gerar link" on a converted
// order, put into a reply), saving target/screenshots/support-*.png.
// Usage: node support-walk.mjs CONVERSOR_BIN OUTDIR
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [conversor, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const data = mkdtempSync(join(tmpdir(), 'conversor-desk-walk-'));
const env = { ...process.env, CONVERSOR_DATA_DIR: data };
// The first console user, as an operator creates it (password from the environment).
execFileSync(conversor, ['user', 'add', '--email', 'agente@conversormpp.com', '--role', '1'],
  { env: { ...env, CONVERSOR_USER_PASSWORD: 'senha-do-agente-1' }, stdio: ['ignore', 'ignore', 'inherit'] });
const server = spawn(conversor, ['serve', '--bind', '127.0.0.1:0'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const profile = mkdtempSync(join(tmpdir(), 'chromium-'));
let browser;
try {
  const addrFile = join(data, 'serve.addr');
  for (let i = 0; i < 200 && !existsSync(addrFile); i++) await new Promise(r => setTimeout(r, 50));
  const base = 'http://' + readFileSync(addrFile, 'utf8').trim();
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1100, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  const shot = async name => page.screenshot({ path: join(outDir, name), fullPage: true });

  // The customer opens a ticket with an attachment.
  await page.goto(base + '/suporte');
  assert.match(await page.textContent('h1'), /Fale com o suporte/);
  await page.fill('#nome', 'Ana Souza');
  await page.fill('#email', 'ana@example.com');
  await page.fill('#descricao', 'Paguei via PIX e não recebi o link. Segue o comprovante.');
  const proof = join(data, 'comprovante.png');
  writeFileSync(proof, Buffer.from('89504e470d0a1a0a', 'hex'));
  await page.setInputFiles('#anexos', proof);
  await shot('support-1-form.png');
  await page.click('#send');
  await page.waitForSelector('#done:not([hidden])');
  const ticket = (await page.textContent('#t-id')).trim();
  assert.match(await page.textContent('#t-priority'), /^P4 \(Baixa\)$/);
  assert.equal(await page.textContent('#t-sla'), '2 dias úteis');
  await shot('support-2-ticket.png');

  // The agent logs in; the console lists the ticket by SLA due time.
  await page.goto(base + '/admin');
  assert.ok(page.url().endsWith('/admin/login'));
  await page.fill('#email', 'agente@conversormpp.com');
  await page.fill('#password', 'errada-errada');
  await page.click('#login');
  assert.match(await page.textContent('[role=alert]'), /E-mail ou senha incorretos/);
  await page.fill('#email', 'agente@conversormpp.com');
  await page.fill('#password', 'senha-do-agente-1');
  await shot('support-3-login.png');
  await page.click('#login');
  await page.waitForSelector('#tickets');
  assert.match(await page.textContent('#tickets'), /Ana Souza/);
  await shot('support-4-list.png');

  // Reply with the runbook's "proof of payment" template, filled automatically.
  await page.click(`a[href="/admin/tickets/${ticket}"]`);
  await page.waitForSelector('#timeline');
  assert.match(await page.textContent('#reasons'), /dúvida ou sugestão/);
  await page.click('#tpl-proof_request');
  await page.waitForSelector('#subject');
  assert.match(await page.inputValue('#subject'), /^Verificação de pagamento necessária/);
  assert.match(await page.inputValue('#body'), /^Olá Ana Souza,/);
  await shot('support-5-reply.png');
  await page.click('#send-reply');
  await page.waitForSelector('.flash');
  assert.match(await page.textContent('.flash'), /Resposta enviada/);

  // Escalate to Nível 2 (no Slack configured here: the outbox gets it).
  await page.fill('#reason', 'Cliente afirma ter pago; precisa de verificação no Mercado Pago.');
  await page.click('#escalate');
  await page.waitForSelector('.flash');
  assert.match(await page.textContent('.flash'), /escalado/);
  assert.equal(await page.textContent('#level'), '2');
  await shot('support-6-escalated.png');

  // Resolve; the survey link is in the timeline.
  await page.fill('#resolution', 'Pagamento localizado e conversão concluída. O link foi reenviado.');
  await page.click('#resolve');
  await page.waitForSelector('.flash');
  assert.match(await page.textContent('#status'), /Resolvido/);
  const timeline = await page.textContent('#timeline');
  for (const step of ['chamado aberto', 'triagem', 'confirmação enviada', 'resposta', 'escalonamento', 'resolução'])
    assert.ok(timeline.includes(step), `timeline shows ${step}`);
  await shot('support-7-resolved.png');
  const csat = timeline.match(/https?:\/\/\S+\/csat\/[0-9a-f]+/)[0];

  // The customer answers the survey.
  await page.goto(csat);
  await shot('support-8-csat.png');
  await page.click('#score-5');
  await page.waitForSelector('#csat-thanks');

  await page.goto(base + '/admin/metrics');
  assert.match(await page.textContent('#m-csat'), /100 %/);
  assert.equal((await page.textContent('#m-escalations')).trim(), '1');
  await shot('support-9-metrics.png');

  // A runbook action from the console: a converted order whose customer lost
  // the link gets a new 24 h link ("gerar link"), put into a reply.
  const sample = process.env.SAMPLE_MPP
    || '../shared/corpus/mpp/generated/task-costs/task-costs-project2010-mpp14.mpp';
  if (existsSync(sample)) {
    const fd = new FormData();
    fd.append('name', 'Bruno Lima');
    fd.append('email', 'bruno@example.com');
    fd.append('file', new Blob([readFileSync(sample)]), 'plano.mpp');
    const order = await (await fetch(base + '/api/orders', { method: 'POST', body: fd })).json();
    const q = '?token=' + order.access_token;
    const pay = await fetch(`${base}/api/orders/${order.id}/payments${q}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'pix' }),
    });
    assert.equal(pay.status, 201);
    assert.equal((await fetch(`${base}/api/orders/${order.id}/sandbox-approve${q}`, { method: 'POST' })).status, 204);
    let status;
    for (let i = 0; i < 300 && status !== 'COMPLETED'; i++) {
      status = (await (await fetch(`${base}/api/orders/${order.id}${q}`)).json()).status;
      if (status !== 'COMPLETED') await new Promise(r => setTimeout(r, 100));
    }
    assert.equal(status, 'COMPLETED');
    await page.goto(base + '/suporte');
    await page.fill('#order_id', order.id);
    await page.fill('#nome', 'Bruno Lima');
    await page.fill('#email', 'bruno@example.com');
    await page.fill('#descricao', 'O link de download expirou, não consigo baixar o XML.');
    await page.click('#send');
    await page.waitForSelector('#done:not([hidden])');
    const t2 = (await page.textContent('#t-id')).trim();
    await page.goto(`${base}/admin/tickets/${t2}`);
    await page.waitForSelector('#acoes');
    assert.match(await page.textContent('#reasons'), /baixar/);
    await page.click('#act-presign');
    await page.waitForSelector('#presign-link');
    assert.match(await page.textContent('.flash'), /link de download gerado/);
    assert.match(await page.textContent('#timeline'), /link de download/);
    await shot('support-10-action-link.png');
    // The link works: the converted XML.
    const link = await page.getAttribute('#presign-link a', 'href');
    const xml = await fetch(link);
    assert.equal(xml.status, 200);
    assert.match(await xml.text(), /<Project/);
    await page.click('#link-to-reply');
    await page.waitForSelector('#subject');
    assert.match(await page.inputValue('#subject'), /^Novo link de download/);
    assert.ok((await page.inputValue('#body')).includes(link), 'the link is in the reply');
    await shot('support-11-link-reply.png');
    await page.click('#send-reply');
    await page.waitForSelector('.flash');
    assert.match(await page.textContent('.flash'), /Resposta enviada/);
  } else {
    console.log(`skipping the runbook action walk: ${sample} missing`);
  }
  console.log(`support walk ok: ticket ${ticket}, screenshots support-*.png in ${outDir}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(profile, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
}
