// Screen pop (ADR 0025): while the caller screen waits for a call to be verified, listen to the server's event
// stream and open the caller's card as soon as the IVR has verified the call. Without this script the page offers
// "Aktualisieren".
(function () {
  'use strict';
  var panel = document.getElementById('screen-pop');
  if (!panel || typeof window.EventSource !== 'function') {
    return;
  }
  var url = panel.getAttribute('data-events');
  if (!url || url.indexOf('/arbeitsplatz/anrufer/ereignisse?') !== 0) {
    return;
  }
  var status = document.getElementById('screen-pop-status');
  var source = new EventSource(url);
  source.addEventListener('verified', function (event) {
    var data;
    try {
      data = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (typeof data.href !== 'string' || data.href.indexOf('/arbeitsplatz/anrufer?') !== 0) {
      return;
    }
    source.close();
    // Show the verification at once ("Verifiziert, Niveau hoch, 14:02 über IVR"), then load the caller's card.
    if (status) {
      status.textContent = typeof data.text === 'string' ? data.text : (panel.getAttribute('data-verified-text') || '');
    }
    window.location.assign(data.href);
  });
  if (status) {
    status.textContent = panel.getAttribute('data-live-text') || '';
  }
})();
