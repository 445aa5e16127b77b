const drop = document.getElementById('drop'), input = document.getElementById('file');
const msg = document.getElementById('msg');
let chosen = null;
function choose(f) { chosen = f; document.getElementById('chosen').textContent = f ? 'Arquivo: ' + f.name + ' (' + (f.size / 1048576).toFixed(2) + ' MB)' : ''; }
drop.onclick = () => input.click();
drop.onkeydown = e => { if (e.key === 'Enter' || e.key === ' ') input.click(); };
input.onchange = () => choose(input.files[0]);
['dragenter', 'dragover'].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.add('over'); }));
['dragleave', 'drop'].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.remove('over'); }));
drop.addEventListener('drop', e => { if (e.dataTransfer.files.length) choose(e.dataTransfer.files[0]); });
document.getElementById('f').onsubmit = async e => {
  e.preventDefault();
  msg.className = ''; msg.textContent = '';
  if (!chosen) { msg.className = 'err'; msg.textContent = 'Escolha um arquivo .mpp.'; return; }
  if (chosen.size > 50 * 1024 * 1024) { msg.className = 'err'; msg.textContent = 'O arquivo é maior que o limite de 50 MB.'; return; }
  const fd = new FormData();
  fd.append('name', document.getElementById('name').value);
  fd.append('email', document.getElementById('email').value);
  fd.append('file', chosen, chosen.name);
  const btn = document.getElementById('send'); btn.disabled = true; msg.textContent = 'Enviando e validando…';
  try {
    const r = await fetch('/api/orders', { method: 'POST', body: fd });
    const j = await r.json().catch(() => ({ message: 'Resposta inválida do servidor.' }));
    if (!r.ok) { msg.className = 'err'; msg.textContent = j.message || ('Erro ' + r.status); return; }
    msg.className = 'ok'; msg.textContent = 'Arquivo válido!';
    const o = j.order, p = o.preview;
    for (const [k, v] of [['file', o.file_name], ['version', p.version], ['tasks', p.tasks], ['resources', p.resources], ['assignments', p.assignments], ['calendars', p.calendars], ['price', o.price]])
      document.getElementById('p-' + k).textContent = v;
    document.getElementById('go').href = j.order_url;
    document.getElementById('preview').hidden = false;
  } catch (err) { msg.className = 'err'; msg.textContent = 'Falha no envio: ' + err; }
  finally { btn.disabled = false; }
};
