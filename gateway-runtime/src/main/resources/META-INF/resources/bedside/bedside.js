// The bedside page: a barcode scanner types the MRN into the field and sends Enter (docs/patients.md, "At the
// bedside"). Every request is a change for the gateway (a POST with the CSRF header): it asks for a clinician or an
// operator, and the name and birth date come only in the answer to that signed-in user.
'use strict';

function post(path, body) {
  return fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { 'Content-Type': 'application/json', 'X-Requested-By': 'bedside-page' },
    body: JSON.stringify(body),
  }).then(function (r) {
    return r.json().catch(function () { return {}; }).then(function (j) {
      if (!r.ok) {
        throw new Error(j.error || r.headers.get('X-Bedside-Refused') || ('HTTP ' + r.status));
      }
      return j;
    });
  });
}

// Shows what a lookup found: the name and birth date to check against the wristband, the MRN, what confirming does.
function show(found, p, verb) {
  found.querySelector('.name').textContent = p.name || '(no name on the server)';
  found.querySelector('.birth').textContent = p.birthDate || '(no birth date on the server)';
  found.querySelector('.mrn').textContent = p.mrn;
  found.querySelector('.what').textContent = verb + ' ' + p.confirming + '.';
  found.hidden = false;
}

document.querySelectorAll('section.bed').forEach(function (section) {
  var scan = section.querySelector('form.scan');
  var found = section.querySelector('.found');
  var answer = section.querySelector('.answer');
  if (!scan) {
    return;
  }
  var pending = null;
  function say(text) { answer.textContent = text; }
  function clear() {
    pending = null;
    found.hidden = true;
    found.querySelectorAll('.name, .birth, .mrn, .what').forEach(function (e) { e.textContent = ''; });
  }
  scan.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clear();
    var request = { bed: scan.dataset.bed, mrn: scan.elements.mrn.value.trim() };
    if (scan.elements.authority) {
      request.authority = scan.elements.authority.value;
    }
    say('Looking up…');
    post('api/bedside/lookup', request).then(function (p) {
      pending = request;
      show(found, p, 'Confirming');
      say('Check name and birth date against the wristband.');
    }).catch(function (e) { say(e.message); });
  });
  found.querySelector('.cancel').addEventListener('click', function () {
    clear();
    scan.reset();
    say('Nothing was changed.');
  });
  found.querySelector('.confirm').addEventListener('click', function () {
    if (!pending) {
      return;
    }
    post('api/bedside/confirm', pending).then(function (r) {
      clear();
      scan.reset();
      say('Confirmed (' + r.outcome + '); the bed is ' + r.state + '. Reloading…');
      setTimeout(function () { location.reload(); }, 1500);
    }).catch(function (e) { say(e.message); });
  });
  var release = section.querySelector('form.release');
  if (release) {
    release.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var until = new Date(release.dataset.until);
      var from = new Date(until.getTime() - Number(release.elements.minutes.value) * 60000);
      post('api/bedside/release', {
        bed: release.dataset.bed,
        mrn: release.dataset.mrn,
        authority: release.dataset.authority,
        from: from.toISOString(),
        until: release.dataset.until,
      }).then(function (r) {
        say('Released (' + r.release + '): ' + r.from + ' to ' + r.until + '. Reloading…');
        setTimeout(function () { location.reload(); }, 1500);
      }).catch(function (e) { say(e.message); });
    });
  }
});

// Devices that travel with the patient: scan the device's label (its id or a pump's serial), then the wristband.
document.querySelectorAll('section.travelling').forEach(function (section) {
  var form = section.querySelector('form.pair');
  var found = section.querySelector('.found');
  var answer = section.querySelector('.answer');
  var pending = null;
  function say(text) { answer.textContent = text; }
  function request() {
    var r = { device: form.elements.device.value.trim(), mrn: form.elements.mrn.value.trim() };
    if (form.elements.authority) {
      r.authority = form.elements.authority.value;
    }
    return r;
  }
  function clear() {
    pending = null;
    found.hidden = true;
    found.querySelectorAll('.name, .birth, .mrn, .what').forEach(function (e) { e.textContent = ''; });
  }
  function done(text) {
    clear();
    form.reset();
    say(text + ' Reloading…');
    setTimeout(function () { location.reload(); }, 1500);
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clear();
    var r = request();
    say('Looking up…');
    post('api/bedside/lookup', r).then(function (p) {
      pending = r;
      show(found, p, 'Pairing');
      say('Check name and birth date against the wristband.');
    }).catch(function (e) { say(e.message); });
  });
  found.querySelector('.cancel').addEventListener('click', function () {
    clear();
    form.reset();
    say('Nothing was changed.');
  });
  found.querySelector('.confirm').addEventListener('click', function () {
    if (pending) {
      post('api/bedside/pair', pending).then(function (r) {
        done('Paired (' + r.outcome + '); the device is ' + r.state + '.');
      }).catch(function (e) { say(e.message); });
    }
  });
  section.querySelector('.unpair').addEventListener('click', function () {
    post('api/bedside/unpair', request()).then(function (r) {
      done('The pairing is ended; the device is ' + r.state + '.');
    }).catch(function (e) { say(e.message); });
  });
});
