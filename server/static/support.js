// Sends the support form as multipart and shows the ticket.
const f = document.getElementById('f'), msg = document.getElementById('msg');
f.addEventListener('submit', async ev => {
  ev.preventDefault();
  const files = document.getElementById('anexos').files;
  if (files.length > 5) { msg.className = 'err'; msg.textContent = 'Envie no máximo 5 anexos.'; return; }
  for (const x of files) if (x.size > 10 * 1024 * 1024) { msg.className = 'err'; msg.textContent = `${x.name} passa de 10 MB.`; return; }
  document.getElementById('send').disabled = true;
  msg.className = ''; msg.textContent = 'Enviando…';
  try {
    const r = await fetch('/api/support', { method: 'POST', body: new FormData(f) });
    const j = await r.json();
    if (r.status !== 201) throw new Error(j.message || 'Falha no envio.');
    document.getElementById('t-id').textContent = j.id;
    document.getElementById('t-priority').textContent = `${j.priority} (${j.priority_label})`;
    document.getElementById('t-sla').textContent = j.sla.response_time;
    f.hidden = true;
    document.getElementById('done').hidden = false;
  } catch (e) {
    msg.className = 'err'; msg.textContent = e.message;
    document.getElementById('send').disabled = false;
  }
});
