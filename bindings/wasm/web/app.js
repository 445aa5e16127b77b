// Preview page: reads a project file in the browser with the WASM reader, shows its
// summary, task table and a Gantt of the same rows, and downloads the MSPDI made here.
// Nothing is sent anywhere: the only requests are for this page's own files.
import init, { ProjectFile, read, toXml, version } from './pkg/mpp_wasm.js';

const $ = (id) => document.getElementById(id);
const ready = init();
let atual = null; // { file: ProjectFile, nome: string }

// Messages for the binding's error codes (`err.code`); the English detail goes to the console.
const ERROS = {
  password_protected: 'O arquivo está protegido por senha. Remova a senha no Microsoft Project e salve novamente.',
  not_compound_file: 'Este arquivo não é um projeto do Microsoft Project (.mpp).',
  not_project_file: 'Este arquivo não é um projeto do Microsoft Project (.mpp).',
  unsupported_version: 'Esta versão de arquivo do Microsoft Project não é suportada.',
  corrupt: 'O arquivo está corrompido ou incompleto.',
  too_large: 'O arquivo é grande demais (limite de 50 MB).',
  mspdi_unsupported: 'A leitura de arquivos XML (MSPDI) ainda não está disponível nesta versão; use o arquivo .mpp.',
};

const UNIDADES = {
  Minutes: ['min', 'min'], Hours: ['h', 'h'], Days: ['dia', 'dias'], Weeks: ['sem', 'sem'],
  Months: ['mês', 'meses'], Years: ['ano', 'anos'], Percent: ['%', '%'],
};
const MESES = ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'];
const numero = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 2 });

/** `YYYY-MM-DDTHH:MM:SS` (project-local time) → `DD/MM/AAAA`. */
export function formatarData(iso) {
  return iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '';
}

/** `{value, units}` → `5 dias`, `3,5 h`, `2 dias corridos`; `?` marks an estimate as Project does. */
export function formatarDuracao(d, estimada) {
  if (!d) return '';
  const corrida = d.units.startsWith('Elapsed');
  const [um, varios] = UNIDADES[corrida ? d.units.slice(7) : d.units] ?? ['', ''];
  const texto = `${numero.format(d.value)} ${Math.abs(d.value) === 1 ? um : varios}`;
  return texto + (corrida ? (Math.abs(d.value) === 1 ? ' corrido' : ' corridos') : '') + (estimada ? '?' : '');
}

/** Minutes since the epoch of a naive local timestamp (no time zone is applied). */
const minutos = (iso) => Date.parse(`${iso}Z`) / 60000;

/** The rows the page shows, in ID order: every task but the project summary (ID 0). */
export function linhasDaTabela(project) {
  const nomes = new Map(project.resources.map((r) => [r.uid, r.name ?? '']));
  const recursos = new Map();
  for (const a of project.assignments) {
    if (a.resource_uid == null || !nomes.has(a.resource_uid)) continue;
    const lista = recursos.get(a.task_uid) ?? [];
    lista.push(nomes.get(a.resource_uid));
    recursos.set(a.task_uid, lista);
  }
  return project.tasks
    .filter((t) => t.id !== 0)
    .map((t) => ({
      uid: t.uid,
      id: t.id,
      nula: t.is_null,
      nome: t.name ?? '',
      nivel: t.outline_level ?? 1,
      resumo: t.summary,
      marco: t.milestone,
      duracao: t.is_null ? '' : formatarDuracao(t.duration, t.estimated),
      inicio: t.start,
      termino: t.finish,
      pct: t.is_null || t.percent_complete == null ? null : t.percent_complete,
      recursos: (recursos.get(t.uid) ?? []).join('; '),
    }));
}

function estado(texto, erro = false) {
  const el = $('estado');
  el.textContent = texto;
  el.classList.toggle('erro', erro);
}

function celula(tr, classe, texto) {
  const td = document.createElement('td');
  td.className = classe;
  td.textContent = texto; // never innerHTML: names come from the file
  tr.appendChild(td);
  return td;
}

/** Ticks across the Gantt column for the span [ini, fim] in minutes: weeks, months or years. */
function escala(ini, fim) {
  const el = $('escala');
  el.replaceChildren();
  const total = fim - ini;
  const dia = 1440;
  const d0 = new Date(ini * 60000);
  let modo = 'mes';
  if (total / dia <= 100) modo = 'semana';
  else if (total / 525600 > 3) modo = 'ano';
  let d;
  let passo = 1;
  if (modo === 'semana') {
    // Mondays, every one or two weeks.
    d = new Date(Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), d0.getUTCDate() + ((8 - d0.getUTCDay()) % 7)));
    passo = total / dia > 50 ? 14 : 7;
  } else if (modo === 'mes') {
    d = new Date(Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), 1));
    passo = Math.max(1, Math.ceil(total / 43200 / 12)); // at most ~12 month labels
  } else {
    d = new Date(Date.UTC(d0.getUTCFullYear(), 0, 1));
    passo = Math.max(1, Math.ceil(total / 525600 / 12));
  }
  const dois = (n) => String(n).padStart(2, '0');
  for (let n = 0; n < 200 && d.getTime() / 60000 <= fim; n++) {
    const pos = (d.getTime() / 60000 - ini) / total;
    if (pos >= 0) {
      const s = document.createElement('span');
      s.style.left = `${(pos * 100).toFixed(3)}%`;
      s.textContent =
        modo === 'semana' ? `${dois(d.getUTCDate())}/${dois(d.getUTCMonth() + 1)}`
          : modo === 'mes' ? `${MESES[d.getUTCMonth()]}/${String(d.getUTCFullYear()).slice(2)}`
            : `${d.getUTCFullYear()}`;
      el.appendChild(s);
    }
    d = modo === 'semana' ? new Date(d.getTime() + passo * dia * 60000)
      : modo === 'mes' ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + passo, 1))
        : new Date(Date.UTC(d.getUTCFullYear() + passo, 0, 1));
  }
}

function mostrar(project, nomeArquivo, ms) {
  const p = project.properties;
  const linhas = linhasDaTabela(project);
  const titulo = p.title || nomeArquivo.replace(/\.[^.]*$/, '');
  $('nome-projeto').textContent = titulo;
  $('r-arquivo').textContent = nomeArquivo;
  $('r-formato').textContent = [p.file_format?.toUpperCase(), p.application?.replace('Microsoft.Project', 'Project')].filter(Boolean).join(' · ') || '—';
  $('r-inicio').textContent = formatarData(p.start_date) || '—';
  $('r-termino').textContent = formatarData(p.finish_date) || '—';
  $('r-tarefas').textContent = linhas.filter((l) => !l.nula).length;
  $('r-recursos').textContent = project.resources.filter((r) => !r.is_null && r.id !== 0).length;
  $('r-atribuicoes').textContent = project.assignments.filter((a) => a.resource_uid != null).length;
  $('r-vinculos').textContent = project.tasks.reduce((n, t) => n + t.predecessors.length, 0);
  $('r-calendarios').textContent = project.calendars.length;
  $('r-tempo').textContent = `${numero.format(ms)} ms`;

  // Gantt span: the rows' dates, else the project's.
  let ini = Infinity;
  let fim = -Infinity;
  for (const l of linhas) {
    if (l.inicio) ini = Math.min(ini, minutos(l.inicio));
    if (l.termino) fim = Math.max(fim, minutos(l.termino));
  }
  if (!Number.isFinite(ini) && p.start_date) ini = minutos(p.start_date);
  if (!Number.isFinite(fim) && p.finish_date) fim = minutos(p.finish_date);
  const temEscala = Number.isFinite(ini) && Number.isFinite(fim) && fim > ini;
  if (temEscala) {
    const folga = (fim - ini) * 0.02;
    ini -= folga;
    fim += folga;
    escala(ini, fim);
  } else {
    $('escala').replaceChildren();
  }

  const corpo = document.createDocumentFragment();
  for (const l of linhas) {
    const tr = document.createElement('tr');
    tr.dataset.uid = l.uid;
    tr.dataset.nivel = l.nivel;
    if (l.inicio) tr.dataset.inicio = l.inicio;
    if (l.termino) tr.dataset.termino = l.termino;
    if (l.resumo) tr.classList.add('resumo-tarefa');
    if (l.nula) tr.classList.add('nula');
    celula(tr, 'c-id', String(l.id));
    const nome = celula(tr, 'c-nome', l.nome);
    nome.style.paddingLeft = `${0.5 + 1.1 * Math.max(0, l.nivel - 1)}rem`;
    nome.title = l.nome;
    celula(tr, 'c-dur', l.duracao);
    celula(tr, 'c-data', formatarData(l.inicio));
    celula(tr, 'c-data', formatarData(l.termino));
    celula(tr, 'c-pct', l.pct == null ? '' : `${numero.format(l.pct)}%`);
    celula(tr, 'c-rec', l.recursos).title = l.recursos;
    const g = celula(tr, 'c-gantt', '');
    if (temEscala && l.inicio && l.termino && !l.nula) {
      const a = (minutos(l.inicio) - ini) / (fim - ini);
      const b = (minutos(l.termino) - ini) / (fim - ini);
      if (l.marco) {
        const m = document.createElement('div');
        m.className = 'marco';
        m.style.left = `${(a * 100).toFixed(3)}%`;
        g.appendChild(m);
      } else {
        const barra = document.createElement('div');
        barra.className = l.resumo ? 'barra resumo-barra' : 'barra';
        barra.style.left = `${(a * 100).toFixed(3)}%`;
        barra.style.width = `${(Math.max(0, b - a) * 100).toFixed(3)}%`;
        if (!l.resumo && l.pct) {
          const feito = document.createElement('div');
          feito.className = 'feito';
          feito.style.width = `${Math.min(100, l.pct)}%`;
          barra.appendChild(feito);
        }
        g.appendChild(barra);
      }
    }
    corpo.appendChild(tr);
  }
  $('tarefas').tBodies[0].replaceChildren(corpo);
  $('resultado').hidden = false;
}

async function abrir(arquivo) {
  estado(`Lendo ${arquivo.name}…`);
  try {
    await ready;
    const bytes = new Uint8Array(await arquivo.arrayBuffer());
    const t0 = performance.now();
    const lido = new ProjectFile(bytes, arquivo.name);
    const project = lido.project();
    const ms = performance.now() - t0;
    atual?.file.free();
    atual = { file: lido, nome: arquivo.name };
    mostrar(project, arquivo.name, ms);
    document.body.dataset.leituraMs = ms.toFixed(2);
    estado(`${arquivo.name} lido em ${numero.format(ms)} ms.`);
  } catch (e) {
    console.error(e);
    estado(ERROS[e?.code] ?? `Não foi possível ler ${arquivo.name}: ${e?.message ?? e}`, true);
  }
}

function baixar() {
  if (!atual) return;
  const bytes = atual.file.toXmlBytes(); // UTF-8, exactly what `mpp convert` writes
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = atual.nome.replace(/\.[^.]*$/, '') + '.xml';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

const soltar = $('soltar');
for (const ev of ['dragenter', 'dragover']) {
  soltar.addEventListener(ev, (e) => {
    e.preventDefault();
    soltar.classList.add('sobre');
  });
}
for (const ev of ['dragleave', 'drop']) soltar.addEventListener(ev, () => soltar.classList.remove('sobre'));
soltar.addEventListener('drop', (e) => {
  e.preventDefault();
  const f = e.dataTransfer?.files?.[0];
  if (f) abrir(f);
});
// A file dropped outside the box must not make the browser navigate away.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());
$('arquivo').addEventListener('change', (e) => {
  const f = e.target.files?.[0];
  if (f) abrir(f);
  e.target.value = '';
});
$('baixar').addEventListener('click', baixar);

ready.then(
  () => {
    $('versao').textContent = version();
    document.body.dataset.pronto = '1';
    estado('Pronto. Escolha um arquivo.');
  },
  (e) => estado(`Não foi possível carregar o leitor: ${e?.message ?? e}`, true),
);

// Offline: keep this page's files in a service worker cache (only on http(s) origins).
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('sw.js').catch((e) => console.warn('service worker:', e));
}

// For scripts and tests in this page (e.g. timing the reader without the DOM).
window.mppWasm = { ready, read, toXml, ProjectFile, linhasDaTabela };
