/*
 * The bedside page's live updates. The server renders the tiles (templates/page.html); this script only
 *  - replaces them with the fragment each server-sent event carries (once a second), so that nothing is rendered twice;
 *  - keeps one small uPlot chart per numeric (the last 30 minutes), filled from /api/trends and extended with the latest
 *    value of each event, and moves it into its place in the freshly rendered tiles;
 *  - says so, in words, when the events stop: "Live updates lost — reconnecting", the tiles dimmed.
 * Nothing is fetched from anywhere but the gateway.
 */
(function () {
  'use strict';
  var WINDOW_MS = 30 * 60 * 1000;
  /* A longer silence between two points is drawn as a gap, never as a line across it. */
  var GAP_MS = 10 * 1000;
  /* Events come every second: this long without one means the stream is gone, even if the socket did not say. */
  var STALE_MS = 5 * 1000;
  var HEIGHT = 70;

  var body = document.body;
  var tiles = document.getElementById('tiles');
  var liveText = document.getElementById('live-text');
  var charts = new Map();
  var serverNow = Date.now();
  var lastEventAt = 0;
  var lastUpdated = '';
  var source = null;
  var live = false;

  function setLive(ok, text) {
    live = ok;
    body.classList.toggle('lost', !ok);
    liveText.textContent = text;
  }

  function lost() {
    setLive(false, 'Live updates lost — reconnecting…' + (lastUpdated ? ' The values shown are from ' + lastUpdated + '.' : ''));
  }

  function options(width) {
    var axis = { size: 24, font: '10px system-ui, sans-serif', stroke: '#52606d', grid: { stroke: '#e4e7eb', width: 1 }, ticks: { show: false } };
    return {
      width: width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: true, range: function () { return [(serverNow - WINDOW_MS) / 1000, serverNow / 1000]; } },
        // A steady value gets a band around it, not an axis from zero: the line stays in view.
        y: {
          range: function (u, min, max) {
            if (min == null || max == null) { return [0, 1]; }
            var pad = Math.max((max - min) * 0.1, Math.abs(max) * 0.02, 0.5);
            return [min - pad, max + pad];
          }
        }
      },
      axes: [Object.assign({}, axis, { values: '{HH}:{mm}' }), Object.assign({}, axis, { size: 38 })],
      series: [{}, { stroke: '#1d4ed8', width: 1.5, spanGaps: false, points: { show: false } }]
    };
  }

  function widthOf(placeholder) {
    return Math.max(80, Math.floor(placeholder.clientWidth));
  }

  function data(c) {
    return [c.t.map(function (x) { return x / 1000; }), c.v];
  }

  function trim(c) {
    var cutoff = serverNow - WINDOW_MS;
    var drop = 0;
    while (drop < c.t.length && c.t[drop] < cutoff) { drop++; }
    if (drop > 0) { c.t.splice(0, drop); c.v.splice(0, drop); }
  }

  function redraw(c) {
    trim(c);
    if (c.u) { c.u.setData(data(c)); }
  }

  /* Moves every chart into its placeholder in the tiles just rendered; forgets charts whose numeric is gone. */
  function attach() {
    var seen = new Set();
    tiles.querySelectorAll('.trend[data-series]').forEach(function (placeholder) {
      var series = placeholder.getAttribute('data-series');
      seen.add(series);
      var c = charts.get(series);
      if (!c) {
        var el = document.createElement('div');
        el.className = 'trend-chart';
        c = { el: el, u: null, t: [], v: [] };
        charts.set(series, c);
      }
      placeholder.appendChild(c.el);
      var width = widthOf(placeholder);
      if (!c.u) {
        c.u = new uPlot(options(width), data(c), c.el);
      } else if (c.u.width !== width) {
        c.u.setSize({ width: width, height: HEIGHT });
      }
    });
    charts.forEach(function (c, series) {
      if (!seen.has(series)) {
        if (c.u) { c.u.destroy(); }
        charts.delete(series);
      }
    });
  }

  function addPoint(p) {
    var c = charts.get(p.s);
    if (!c) { return; }
    var n = c.t.length;
    if (n > 0 && p.t <= c.t[n - 1]) { return; }
    if (n > 0 && p.t - c.t[n - 1] > GAP_MS) { c.t.push(c.t[n - 1] + 1); c.v.push(null); }
    c.t.push(p.t);
    c.v.push(p.v);
  }

  function loadTrends() {
    return fetch('api/trends', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (d) {
        serverNow = d.now;
        d.trends.forEach(function (trend) {
          var c = charts.get(trend.series);
          if (c) { c.t = trend.t.slice(); c.v = trend.v.slice(); }
        });
        charts.forEach(redraw);
      })
      .catch(function () { /* The next event or reconnection tries again. */ });
  }

  function onEvent(message) {
    var e = JSON.parse(message.data);
    lastEventAt = Date.now();
    serverNow = e.now;
    lastUpdated = e.updated;
    tiles.innerHTML = e.html;
    attach();
    e.points.forEach(addPoint);
    charts.forEach(redraw);
    if (!live) { setLive(true, 'Live updates: on (every second)'); }
  }

  function connect() {
    source = new EventSource('api/status/stream');
    source.onopen = function () { loadTrends(); };
    source.onmessage = onEvent;
    source.onerror = function () {
      lost();
      // A refused or broken response closes the source for good: open a new one; otherwise the browser retries.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 3000);
      }
    };
  }

  setInterval(function () {
    if (live && Date.now() - lastEventAt > STALE_MS) {
      // The socket may look open while nothing comes (a proxy, a suspended laptop): start again.
      lost();
      if (source) { source.close(); }
      connect();
    }
  }, 1000);
  window.addEventListener('resize', attach);

  attach();
  loadTrends();
  connect();
})();
