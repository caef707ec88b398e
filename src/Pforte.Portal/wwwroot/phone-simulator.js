// Telefon-Simulator: reads the prompts aloud with the browser's speech synthesis, when the visitor switched it on.
// Everything else works without this script.
(function () {
    'use strict';
    var box = document.getElementById('vorlesen');
    if (!box) {
        return;
    }
    if (!('speechSynthesis' in window)) {
        box.disabled = true;
        return;
    }
    box.checked = window.localStorage.getItem('pforte-vorlesen') === '1';
    function speak() {
        window.speechSynthesis.cancel();
        document.querySelectorAll('[data-prompt]').forEach(function (item) {
            var utterance = new SpeechSynthesisUtterance(item.textContent);
            utterance.lang = 'de-DE';
            window.speechSynthesis.speak(utterance);
        });
    }
    box.addEventListener('change', function () {
        window.localStorage.setItem('pforte-vorlesen', box.checked ? '1' : '0');
        if (box.checked) {
            speak();
        } else {
            window.speechSynthesis.cancel();
        }
    });
    if (box.checked) {
        speak();
    }
})();
