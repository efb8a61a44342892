/* StreamAE live dashboard: fleet list, sensor charts (uPlot), pushed updates (Server-Sent Events). */
(function () {
  'use strict';
  const PAGE = 50;
  const COLORS = { score: '#4da3ff', alarm: '#f0524f', rec: '#b48cff', pred: '#e0a526', threshold: '#f0524f',
    reading: '#d8dee6', expected: '#4da3ff', band: 'rgba(77,163,255,0.16)', bandLine: 'rgba(77,163,255,0.35)' };
  const state = { summary: null, offset: 0, filter: '', selected: null, sensor: null, selectedIdx: null,
    pinned: false, charts: {}, featureKey: '', clockSkew: 0, inflight: false, dirty: false, lastVersion: -1 };
  const $ = id => document.getElementById(id);
  document.body.dataset.loadToken = String(Math.random()).slice(2);

  // ---------- formatting ----------
  const nf = new Intl.NumberFormat('en-US');
  const fmtInt = n => nf.format(n);
  const pad = n => String(n).padStart(2, '0');
  function fmtTime(ms) {
    if (ms == null) return '—';
    const d = new Date(ms);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
  function fmtAgo(ms) {
    if (ms < 0) ms = 0;
    const s = Math.round(ms / 1000);
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    return (s / 3600).toFixed(1) + ' h ago';
  }
  const fmtNum = v => v == null ? '—' : (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));
  const esc = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  // ---------- data ----------
  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-store' });
    if (r.status === 404) return null;
    if (!r.ok) throw new Error(url + ': ' + r.status);
    return r.json();
  }

  async function refresh() {
    if (state.inflight) { state.dirty = true; return; }
    state.inflight = true;
    try {
      const fleet = await getJson(`/api/fleet?offset=${state.offset}&limit=${PAGE}&q=${encodeURIComponent(state.filter)}`);
      renderFleet(fleet);
      // Until a sensor is picked, the detail follows the sensor that needs attention most.
      if (!state.pinned && state.offset === 0 && !state.filter && fleet.rows.length) {
        state.selected = fleet.rows[0].id;
        for (const row of document.querySelectorAll('#fleet-rows tr')) row.classList.toggle('selected', row.dataset.sensor === state.selected);
      }
      if (state.selected) {
        const points = Math.max(100, Math.min(2000, Math.floor(($('chart-score').clientWidth || 800))));
        const sensor = await getJson(`/api/sensor/${encodeURIComponent(state.selected)}?points=${points}`);
        renderSensor(sensor);
      }
    } catch (e) {
      console.warn(e);
    } finally {
      state.inflight = false;
      if (state.dirty) { state.dirty = false; setTimeout(refresh, 50); }
    }
  }

  // ---------- summary ----------
  function renderSummary(s) {
    state.summary = s;
    state.clockSkew = Date.now() - s.serverTime;
    $('source').textContent = (s.source || '') + (s.problem ? ' — ' + s.problem : '');
    $('source').classList.toggle('problem', !!s.problem);
    $('kpi-sensors').textContent = fmtInt(s.sensors);
    $('kpi-sensors-sub').textContent = s.evicted > 0
      ? `${fmtInt(s.evicted)} evicted (max ${fmtInt(s.maxSensors)})` : (s.warmingUp ? `${fmtInt(s.warmingUp)} warming up` : 'all live');
    $('kpi-alarming').textContent = fmtInt(s.alarming);
    $('kpi-alarming').parentElement.classList.toggle('active', s.alarming > 0);
    $('kpi-alarming-sub').textContent = s.alarming ? 'alarm in their last windows' : 'no sensor alarming';
    $('kpi-windows').textContent = fmtInt(s.windows);
    $('kpi-alarms').textContent = `${fmtInt(s.alarms)} alarm windows` + (s.unreadable ? ` · ${fmtInt(s.unreadable)} unreadable` : '');
    $('kpi-dead-letters').textContent = fmtInt(s.deadLettersTotal);
    const reasons = Object.entries(s.deadLetters || {}).sort((a, b) => b[1] - a[1]);
    $('kpi-dead-reasons').textContent = reasons.length ? reasons.map(([r, n]) => `${r} ${fmtInt(n)}`).join(' · ') : 'none';
    $('kpi-dead-reasons').title = $('kpi-dead-reasons').textContent;
    if (s.lag == null) {
      $('kpi-lag').textContent = '—';
      $('kpi-lag-sub').textContent = s.source && s.source.startsWith('Kafka') ? 'not assigned yet' : 'file followed as written';
    } else {
      $('kpi-lag').textContent = fmtInt(s.lag);
      $('kpi-lag-sub').textContent = 'records behind the results topic';
    }
    $('bounds').textContent = `Holding up to ${fmtInt(s.maxSensors)} sensors × ${fmtInt(s.historyPerSensor)} windows · alarm level ${s.alarmLevel.toFixed(3)}`;
    renderFreshness();
  }

  function renderFreshness() {
    const s = state.summary;
    if (!s) return;
    if (s.lastResultAt == null) {
      $('kpi-fresh').textContent = '—';
      $('kpi-fresh-sub').textContent = 'no result yet';
      return;
    }
    const serverNow = Date.now() - state.clockSkew;
    $('kpi-fresh').textContent = fmtAgo(serverNow - s.lastResultAt);
    $('kpi-fresh-sub').textContent = 'newest window ' + fmtTime(s.newestWindowEnd) + ' UTC';
  }

  // ---------- fleet ----------
  function renderFleet(f) {
    const body = $('fleet-rows');
    const rows = f.rows.map(r => {
      const score = r.score == null ? 0 : r.score;
      const cls = r.status === 'ALARM' ? 'hot' : (score >= (state.summary ? state.summary.alarmLevel * 0.75 : 0.35) ? 'warm' : '');
      const label = r.status === 'WARMING_UP' ? 'WARMING' : r.status;
      return `<tr data-sensor="${esc(r.id)}" data-status="${r.status}" class="${r.id === state.selected ? 'selected' : ''}"
        title="${esc(r.id)} · last window ${fmtTime(r.lastTs)} UTC${r.topFeature ? ' · top feature ' + esc(r.topFeature) : ''}">
        <td><span class="pill ${r.status}">${label}</span></td>
        <td>${esc(r.id)}</td>
        <td class="num"><div class="scorecell"><span>${r.score == null ? '—' : score.toFixed(3)}</span><span class="bar"><i class="${cls}" style="width:${Math.min(100, score * 100)}%"></i></span></div></td>
        <td class="num">${fmtInt(r.alarms)}</td>
        <td>${esc(r.modelVersion || '—')}</td></tr>`;
    });
    body.innerHTML = rows.join('');
    $('fleet-empty').style.display = f.total ? 'none' : 'block';
    $('fleet-empty').textContent = state.filter ? 'No sensor matches.' : 'Waiting for results…';
    const from = f.total ? f.offset + 1 : 0;
    $('page-info').textContent = `${fmtInt(from)}–${fmtInt(f.offset + f.rows.length)} of ${fmtInt(f.total)}`;
    $('prev').disabled = f.offset <= 0;
    $('next').disabled = f.offset + f.rows.length >= f.total;
  }

  $('fleet-rows').addEventListener('click', e => {
    const tr = e.target.closest('tr[data-sensor]');
    if (!tr) return;
    state.selected = tr.dataset.sensor;
    state.pinned = true;
    state.selectedIdx = null;
    for (const row of document.querySelectorAll('#fleet-rows tr')) row.classList.toggle('selected', row === tr);
    refresh();
  });
  $('prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE); refresh(); });
  $('next').addEventListener('click', () => { state.offset += PAGE; refresh(); });
  let filterTimer;
  $('filter').addEventListener('input', e => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => { state.filter = e.target.value.trim(); state.offset = 0; refresh(); }, 200);
  });

  // ---------- sensor ----------
  const sync = uPlot.sync('sensor');

  function baseOpts(height, series, extra) {
    const width = Math.max(300, $('chart-score').clientWidth || 800);
    const axis = { stroke: '#8593a3', grid: { stroke: '#26303a', width: 1 }, ticks: { stroke: '#26303a', width: 1 }, font: '11px system-ui' };
    const timeAxis = Object.assign({}, axis, { values: timeTicks, space: 70 });
    return Object.assign({
      width, height,
      tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      cursor: { sync: { key: sync.key, setSeries: false }, drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [timeAxis, Object.assign({ size: 56 }, axis)],
      series: [{}].concat(series),
      legend: { show: true, live: true },
      plugins: [overlay()],
    }, extra || {});
  }

  /** 24-hour UTC tick labels; the date under the first tick and under each midnight. */
  function timeTicks(u, splits) {
    let lastDay = null;
    return splits.map(v => {
      if (v == null) return '';
      const d = new Date(v * 1000);
      const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
      const label = day !== lastDay ? hm + '\n' + day : hm;
      lastDay = day;
      return label;
    });
  }

  /** Shades alarm episodes and marks the selected window on every chart. */
  function overlay() {
    return {
      hooks: {
        drawClear: u => {
          const s = state.sensor;
          if (!s) return;
          const ctx = u.ctx;
          const { left, top, width, height } = u.bbox;
          ctx.save();
          ctx.beginPath(); ctx.rect(left, top, width, height); ctx.clip();
          ctx.fillStyle = 'rgba(240, 82, 79, 0.16)';
          for (const e of s.episodes) {
            let x0 = u.valToPos(e.start / 1000, 'x', true);
            let x1 = u.valToPos(e.end / 1000, 'x', true);
            if (x1 - x0 < 4) { x0 -= 2; x1 += 2; }
            ctx.fillRect(x0, top, x1 - x0, height);
          }
          if (state.selectedIdx != null && s.ts[state.selectedIdx] != null) {
            const x = u.valToPos(s.ts[state.selectedIdx] / 1000, 'x', true);
            ctx.strokeStyle = 'rgba(216, 222, 230, 0.55)';
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
          }
          ctx.restore();
        },
        ready: u => {
          u.over.addEventListener('click', () => {
            if (u.cursor.idx != null) {
              state.selectedIdx = u.cursor.idx;
              renderAttribution();
              for (const c of allCharts()) c.redraw(false);
            }
          });
        },
      },
    };
  }

  function allCharts() {
    const list = [];
    if (state.charts.score) list.push(state.charts.score);
    if (state.charts.errors) list.push(state.charts.errors);
    for (const c of state.charts.features || []) list.push(c);
    return list;
  }

  function destroyCharts() {
    for (const c of allCharts()) c.destroy();
    state.charts = {};
    $('feature-charts').innerHTML = '';
  }

  function renderSensor(s) {
    if (!s) {
      $('sensor-title').textContent = state.selected + ' (no longer held)';
      return;
    }
    const changed = !state.sensor || state.sensor.id !== s.id;
    if (changed) state.selectedIdx = null;
    state.sensor = s;
    const last = s.ts.length - 1;
    $('sensor-title').textContent = s.id;
    $('sensor-meta').textContent = `model ${s.modelVersion || '—'} · ${fmtInt(s.windows)} windows, ${fmtInt(s.alarms)} alarms · last window ${fmtTime(s.ts[last])} UTC · ${fmtInt(s.held)} held`
      + (state.pinned ? '' : ' · following the sensor on top (click one to pin it)');
    const pill = $('sensor-status');
    pill.className = 'pill ' + s.status;
    pill.textContent = s.status === 'WARMING_UP' ? 'WARMING UP' : s.status;

    const x = s.ts.map(t => t / 1000);
    const key = s.id + '|' + s.features.join(',');
    if (key !== state.featureKey) {
      destroyCharts();
      state.featureKey = key;
    }
    // Anomaly score, alarm level, alarm windows as dots.
    const level = x.map(() => s.alarmLevel);
    const alarmDots = s.score.map((v, i) => s.anomalous[i] ? v : null);
    const scoreData = [x, s.score, level, alarmDots];
    if (!state.charts.score) {
      state.charts.score = new uPlot(baseOpts(170, [
        { label: 'score', stroke: COLORS.score, width: 1.5, fill: 'rgba(77,163,255,0.08)' },
        { label: 'alarm level', stroke: COLORS.alarm, width: 1, dash: [6, 4], points: { show: false } },
        { label: 'alarm', stroke: COLORS.alarm, paths: () => null, points: { show: true, size: 5, fill: COLORS.alarm, stroke: COLORS.alarm } },
      ], { scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } } }), scoreData, $('chart-score'));
    } else {
      state.charts.score.setData(scoreData);
    }
    $('chart-score').dataset.points = String(s.ts.length);

    const thr = s.threshold == null ? null : s.threshold;
    const positive = v => v != null && v > 0 ? v : null; // log scale
    const errData = [x, s.reconstructionError.map(positive), s.predictionError.map(positive), x.map(() => positive(thr))];
    if (!state.charts.errors) {
      state.charts.errors = new uPlot(baseOpts(140, [
        { label: 'reconstruction', stroke: COLORS.rec, width: 1.5 },
        { label: 'prediction', stroke: COLORS.pred, width: 1.2, spanGaps: true },
        { label: 'threshold', stroke: COLORS.threshold, width: 1, dash: [6, 4], points: { show: false } },
      ], { scales: { x: { time: true }, y: { distr: 3 } } }), errData, $('chart-errors'));
    } else {
      state.charts.errors.setData(errData);
    }
    $('chart-errors').dataset.points = String(s.ts.length);

    // Readings against the model's expectation, one small chart per feature.
    if (!state.charts.features) {
      state.charts.features = [];
      for (const f of s.features) {
        const wrap = document.createElement('div');
        wrap.className = 'feature-chart';
        wrap.dataset.feature = f;
        wrap.innerHTML = `<div class="feature-name">${esc(f)} <span class="next"></span></div><div class="plot"></div>`;
        $('feature-charts').appendChild(wrap);
        const chart = new uPlot(baseOpts(130, [
          { label: 'reading', stroke: COLORS.reading, width: 1.4 },
          { label: 'expected ±3σ', stroke: COLORS.expected, width: 1, dash: [4, 3], spanGaps: true, points: { show: false } },
          { label: 'band high', stroke: COLORS.bandLine, width: 0.5, spanGaps: true, points: { show: false } },
          { label: 'band low', stroke: COLORS.bandLine, width: 0.5, spanGaps: true, points: { show: false } },
        ], { bands: [{ series: [3, 4], fill: COLORS.band }] }), featureData(s, f), wrap.querySelector('.plot'));
        state.charts.features.push(chart);
        wrap.dataset.ready = '1';
      }
    } else {
      s.features.forEach((f, i) => state.charts.features[i].setData(featureData(s, f)));
    }
    for (const wrap of document.querySelectorAll('.feature-chart')) {
      const f = wrap.dataset.feature;
      const next = s.next && s.next.values ? s.next.values[f] : null;
      wrap.querySelector('.next').textContent = next == null ? '' : `· next expected ${fmtNum(next)} at ${fmtTime(s.next.ts)}`;
    }
    renderAttribution();
    renderEpisodes();
  }

  function featureData(s, f) {
    return [s.ts.map(t => t / 1000), s.values[f], s.expected[f], s.expectedHigh[f], s.expectedLow[f]];
  }

  function renderAttribution() {
    const s = state.sensor;
    if (!s || !s.ts.length) return;
    const idx = state.selectedIdx == null ? s.ts.length - 1 : state.selectedIdx;
    const errs = s.features.map(f => s.featureErrors[f][idx] || 0);
    const total = errs.reduce((a, b) => a + b, 0);
    const rows = s.features.map((f, i) => ({ f, share: total > 0 ? errs[i] / total : 0, err: errs[i] }))
      .sort((a, b) => b.share - a.share);
    $('attr-when').textContent = (state.selectedIdx == null ? 'latest window, ' : 'selected window, ')
      + fmtTime(s.ts[idx]) + ' UTC' + (s.anomalous[idx] ? ' · ALARM' : '') + ' · click a chart to choose';
    $('attribution').innerHTML = rows.map((r, i) => `<div class="attr-row ${i === 0 && s.anomalous[idx] ? 'top' : ''}" data-feature="${esc(r.f)}" data-share="${r.share.toFixed(4)}"
      title="feature error ${fmtNum(r.err)}"><span class="attr-name">${esc(r.f)}</span>
      <span class="attr-bar"><i style="width:${(r.share * 100).toFixed(1)}%"></i></span>
      <span class="attr-share">${(r.share * 100).toFixed(1)}%</span></div>`).join('');
  }

  function renderEpisodes() {
    const s = state.sensor;
    const list = $('episodes');
    if (!s.episodes.length) {
      list.innerHTML = '<li class="muted">No alarm in the windows held.</li>';
      return;
    }
    list.innerHTML = s.episodes.slice().reverse().map(e =>
      `<li><span class="when">${fmtTime(e.start)} → ${fmtTime(e.end)}</span><span>${fmtInt(e.alarms)} alarms · max ${e.maxScore.toFixed(2)}</span></li>`).join('');
  }

  window.addEventListener('resize', () => {
    const width = Math.max(300, $('chart-score').clientWidth || 800);
    for (const c of allCharts()) c.setSize({ width, height: c.height });
  });

  // ---------- push ----------
  function connect() {
    const es = new EventSource('/api/events');
    es.addEventListener('open', () => { $('conn-dot').className = 'dot live'; $('conn-text').textContent = 'live'; });
    es.addEventListener('error', () => { $('conn-dot').className = 'dot down'; $('conn-text').textContent = 'reconnecting…'; });
    es.addEventListener('update', e => {
      const s = JSON.parse(e.data);
      renderSummary(s);
      if (s.version !== state.lastVersion) {
        state.lastVersion = s.version;
        refresh();
      }
    });
  }
  setInterval(renderFreshness, 1000);
  connect();
})();
