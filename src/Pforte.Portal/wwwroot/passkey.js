// The portal's only script (issue 12, ADR 0015): passkeys need the browser's WebAuthn API. Every other page works
// without JavaScript, and so does every account (the authenticator app). A form with data-passkey="create" or "get"
// fetches its options from data-options (a POST with the form's antiforgery token), lets the browser's authenticator
// answer, and submits the answer as the field "credential".
(() => {
  'use strict';
  const supported = typeof window.PublicKeyCredential === 'function'
    && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
    && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';
  document.querySelectorAll('form[data-passkey]').forEach((form) => {
    const section = form.closest('[data-passkey-section]') || form;
    const status = section.querySelector('[data-passkey-status]');
    const say = (text) => {
      if (status) {
        status.textContent = text;
        status.hidden = false;
        status.focus();
      }
    };
    if (!supported) {
      section.hidden = false;
      form.hidden = true;
      say(form.dataset.unsupported);
      return;
    }
    section.hidden = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const response = await fetch(form.dataset.options, { method: 'POST', body: new FormData(form), credentials: 'same-origin' });
        if (!response.ok) {
          throw new Error('options: ' + response.status);
        }
        const options = await response.json();
        const credential = form.dataset.passkey === 'create'
          ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
          : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        form.querySelector('input[name="credential"]').value = JSON.stringify(credential.toJSON());
        form.submit();
      } catch (error) {
        say(form.dataset.failed);
      }
    });
  });
})();
