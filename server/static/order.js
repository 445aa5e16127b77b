const id = location.pathname.split('/').pop();
const token = new URLSearchParams(location.search).get('token') || '';
const q = '?token=' + encodeURIComponent(token);
const $ = s => document.getElementById(s);
let timer = null;
async function load() {
  const r = await fetch('/api/orders/' + id + q);
  const o = await r.json();
  if (!r.ok) { $('status').textContent = o.message || 'Erro'; return; }
  $('status').textContent = o.status_label; $('oid').textContent = o.id; $('file').textContent = o.file_name;
  $('counts').textContent = o.preview.tasks + ' / ' + o.preview.resources; $('price').textContent = o.price;
  $('failure').textContent = o.failure ? 'Motivo: ' + o.failure : '';
  $('pay').hidden = o.status !== 'PENDING';
  if (o.payment && o.payment.qr_code) showPix(o.payment);
  $('test').hidden = !(o.test_mode && o.payment && o.status === 'PENDING');
  if (o.status === 'COMPLETED') { $('done').hidden = false; $('dl').href = o.download_url; }
  const final = o.status === 'COMPLETED' || o.status === 'FAILED';
  if (!final && !timer) timer = setInterval(load, 2000);
  if (final && timer) { clearInterval(timer); timer = null; }
}
function showPix(p) {
  $('pix-box').hidden = false; $('qr').innerHTML = p.qr_svg || ''; $('pix-code').textContent = p.qr_code;
  $('pix-exp').textContent = p.expires_at ? 'Válido até ' + new Date(p.expires_at).toLocaleString('pt-BR') : '';
}
async function pay(body) {
  $('pay-msg').className = ''; $('pay-msg').textContent = 'Criando pagamento…';
  const r = await fetch('/api/orders/' + id + '/payments' + q, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) { $('pay-msg').className = 'err'; $('pay-msg').textContent = j.message; return; }
  $('pay-msg').textContent = j.method === 'pix' ? 'PIX gerado. Aguardando confirmação…' : 'Pagamento enviado: ' + j.status;
  if (j.qr_code) showPix(j);
  load();
}
$('pix').onclick = () => pay({ method: 'pix' });
$('card').onclick = () => { $('card-form').hidden = false; };
$('card-go').onclick = () => pay({ method: 'card', card_token: $('card-token').value });
$('copy').onclick = async () => { await navigator.clipboard.writeText($('pix-code').textContent).catch(() => {}); $('copy').textContent = 'Copiado!'; };
$('approve').onclick = async () => {
  const r = await fetch('/api/orders/' + id + '/sandbox-approve' + q, { method: 'POST' });
  $('pay-msg').textContent = r.ok ? 'Pagamento aprovado (teste). Convertendo…' : 'Falha ao aprovar.';
  load();
};
load();
