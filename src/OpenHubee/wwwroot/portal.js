// Portal behaviours that need a script. The Content-Security-Policy forbids inline scripts: everything is here.

const modal = (id) => document.getElementById(id);
const open = (id) => window.dsfr && window.dsfr(modal(id)).modal.disclose();
const close = (id) => window.dsfr && window.dsfr(modal(id)).modal.conceal();

// « MODALITÉ D'ACCÈS »: choosing a mode opens its confirmation dialog; the mandatory checkbox enables « Valider ».
const saved = document.querySelector('input[name="AccessMode"]:checked')?.value ?? null;
for (const radio of document.querySelectorAll('input[name="AccessMode"][data-confirm]')) {
  radio.addEventListener('change', () => {
    if (radio.value !== saved) open(radio.dataset.confirm);
  });
}
for (const box of document.querySelectorAll('input[data-confirms]')) {
  box.addEventListener('change', () => {
    document.querySelector(`button[data-validate="${box.dataset.confirms}"]`).disabled = !box.checked;
  });
}
for (const button of document.querySelectorAll('button[data-validate]')) {
  button.addEventListener('click', () => {
    document.getElementById('confirmation-modalite-hidden').checked = true;
    const editor = document.getElementById('section-editeur');
    if (editor) editor.hidden = modal(button.dataset.validate).dataset.radio !== 'modalite-api';
    close(button.dataset.validate);
  });
}
for (const button of document.querySelectorAll('button[data-cancel]')) {
  button.addEventListener('click', () => {
    const radio = document.querySelector(`input[name="AccessMode"][value="${saved}"]`);
    if (radio) radio.checked = true; else for (const r of document.querySelectorAll('input[name="AccessMode"]')) r.checked = false;
    close(button.dataset.cancel);
  });
}

// « Copier »: the clear value is fetched only when asked (each retrieval is audited), then put on the clipboard.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.addEventListener('click', async () => {
    const status = document.getElementById('copie-statut');
    const token = button.form.querySelector('input[name="__RequestVerificationToken"]').value;
    const response = await fetch(button.dataset.url, { method: 'POST', headers: { 'RequestVerificationToken': token } });
    if (!response.ok) { status.textContent = 'La copie a échoué.'; return; }
    const credentials = await response.json();
    await navigator.clipboard.writeText(credentials[button.dataset.copy]);
    status.textContent = button.dataset.copy === 'secret' ? 'Clé secrète copiée dans le presse-papiers.' : 'Identifiant client copié dans le presse-papiers.';
  });
}

// « Instruire les télédossiers »: download confirmations carry the chosen télédossier or attachment; a confirmed
// download closes its dialog (the file arrives as a download; reloading the page shows the new status).
for (const button of document.querySelectorAll('button[data-download]')) {
  button.addEventListener('click', () => {
    document.getElementById('telecharger-id').value = button.dataset.download;
    document.getElementById('telecharger-numero').textContent = button.dataset.number;
  });
}
for (const button of document.querySelectorAll('button[data-attachment]')) {
  button.addEventListener('click', () => { document.getElementById('telecharger-piece').value = button.dataset.attachment; });
}
for (const button of document.querySelectorAll('button[data-close]')) {
  button.addEventListener('click', () => {
    setTimeout(() => close(button.dataset.close), 0);
  });
}
