// Headless Chromium (Debian's, driven by playwright-core) walks the embedded
// service: upload → preview → PIX in test mode → approve → download, saving a
// screenshot at each step. Usage: node walk.mjs CONVERSOR_BIN MPP_BIN FILE.mpp OUTDIR
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [conversor, mpp, file, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const data = mkdtempSync(join(tmpdir(), 'conversor-walk-'));
const server = spawn(conversor, ['serve', '--bind', '127.0.0.1:0', '--data-dir', data], { stdio: ['ignore', 'ignore', 'inherit'] });
const profile = mkdtempSync(join(tmpdir(), 'chromium-'));
let browser;
try {
  const addrFile = join(data, 'serve.addr');
  for (let i = 0; i < 200 && !existsSync(addrFile); i++) await new Promise(r => setTimeout(r, 50));
  const base = 'http://' + readFileSync(addrFile, 'utf8').trim();

  // A fresh profile directory (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 900, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  const shot = async name => page.screenshot({ path: join(outDir, name), fullPage: true });

  await page.goto(base + '/');
  assert.match(await page.textContent('h1'), /Conversor MPP/);
  await shot('1-upload.png');
  // Drop the file on the drop zone, as a user dragging it would.
  const bytes = readFileSync(file).toString('base64');
  await page.evaluate(async ([b64, name]) => {
    const bin = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bin], name));
    document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [bytes, file.split('/').pop()]);
  assert.match(await page.textContent('#chosen'), /\.mpp/);
  await page.fill('#name', 'Ana Souza');
  await page.fill('#email', 'ana@example.com');
  await page.click('#send');
  await page.waitForSelector('#preview:not([hidden])');
  const tasks = Number(await page.textContent('#p-tasks'));
  assert.ok(tasks > 0, 'preview shows tasks');
  assert.match(await page.textContent('#p-price'), /R\$ 19,90/);
  await shot('2-preview.png');

  await page.click('#go');
  await page.waitForSelector('#pay:not([hidden])');
  await page.click('#pix');
  await page.waitForSelector('#pix-box:not([hidden]) svg');
  assert.match(await page.textContent('#pix-code'), /^000201/);
  await page.waitForSelector('#test:not([hidden])');
  await shot('3-pix.png');

  await page.click('#approve');
  await page.waitForSelector('#done:not([hidden])', { timeout: 30000 });
  assert.equal(await page.textContent('#status'), 'Concluído');
  await shot('4-done.png');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl button')]);
  const got = join(data, 'downloaded.xml');
  await download.saveAs(got);
  const ref = join(data, 'ref.xml');
  execFileSync(mpp, ['convert', file, '-o', ref]);
  assert.ok(readFileSync(got).equals(readFileSync(ref)), 'downloaded XML equals `mpp convert`');

  // A friendly page for unknown addresses.
  await page.goto(base + '/nada');
  assert.match(await page.textContent('h1'), /não encontrada/);
  await shot('5-not-found.png');
  console.log(`browser walk ok: ${tasks} tasks, download ${download.suggestedFilename()}, screenshots in ${outDir}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(profile, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
}
