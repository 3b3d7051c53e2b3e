/* The live page of jevons: sliders, a verdict line and four Plotly charts.
 *
 * Live mode (`jevons serve`, config.api set): a move posts the moved sliders to the API, which
 * reruns the simulator. At most one request is in flight; moves made meanwhile are merged and
 * sent, latest values only, when it returns.
 * Grid mode (`jevons export-html`, config.grid set): a move looks up a precomputed run.
 *
 * Every text comes from the config and goes into the page as text (textContent), never as HTML.
 * window.jevons reports what the tests measure: latencies (ms, from the first input event of a
 * move to Plotly.react resolved for all four charts), drawing (ms of those spent in Plotly),
 * the number of draws, the last error.
 */
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("config").textContent);
  const words = config.words;
  const times = config.times;
  const grid = config.grid || null;
  const locale = config.lang === "fr" ? "fr-FR" : "en-GB";
  // Chart text follows the page's (see page.css): 17 px on a 1920 px wide screen, 13 px at least.
  const FONT = {
    family: "system-ui, 'DejaVu Sans', 'Segoe UI', Arial, sans-serif", color: "#222",
    size: Math.round(Math.min(17, Math.max(13, window.innerWidth / 113))),
  };
  const PLOT = { displayModeBar: false, responsive: true };
  const probe = (window.jevons = { latencies: [], drawing: [], draws: 0, busy: false, lastError: null });
  const state = { moved: {}, inFlight: false, again: false, since: null };
  const charts = {
    energy: document.getElementById("chart-energy"),
    rebound: document.getElementById("chart-rebound"),
    stack: document.getElementById("chart-stack"),
    climate: document.getElementById("chart-climate"),
  };

  function say(key, fields) {
    return words[key].replace(/\{(\w+)\}/g, (_, name) => String(fields[name]));
  }

  function shown(value, decimals) {
    return new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: false,
    }).format(value).replace("-", "\u2212");
  }

  // --- sliders ------------------------------------------------------------------------------

  function valueOf(slider, input) {
    return grid ? slider.choices[Number(input.value)] : Number(input.value);
  }

  function showValue(slider, output, value) {
    output.textContent = shown(value, slider.decimals) + (slider.unit ? "\u00a0" + slider.unit : "");
  }

  function buildSliders() {
    const box = document.getElementById("controls");
    const inputs = [];
    for (const slider of config.sliders) {
      const row = document.createElement("div");
      row.className = "slider";
      const label = document.createElement("label");
      const track = document.createElement("div");
      const output = document.createElement("output");
      const input = document.createElement("input");
      input.type = "range";
      input.id = label.htmlFor = "slider-" + slider.name;
      input.name = slider.name;
      if (grid) {
        input.min = 0; input.max = slider.choices.length - 1; input.step = 1;
      } else {
        input.min = slider.min; input.max = slider.max; input.step = slider.step;
      }
      label.textContent = slider.label;
      output.htmlFor = input.id;
      track.append(input, output);
      row.append(label, track);
      box.append(row);
      const reset = () => {
        input.value = grid ? slider.start : slider.value;
        showValue(slider, output, slider.value);
      };
      input.addEventListener("input", () => {
        const value = valueOf(slider, input);
        showValue(slider, output, value);
        move(slider.name, value);
      });
      reset();
      inputs.push(reset);
    }
    const button = document.getElementById("reset");
    button.textContent = words.reset;
    button.addEventListener("click", () => {
      inputs.forEach((reset) => reset());
      state.moved = {};
      state.since = state.since ?? performance.now();
      grid ? lookUp() : send();
    });
  }

  function move(name, value) {
    state.moved[name] = value;
    state.since = state.since ?? performance.now();
    grid ? lookUp() : send();
  }

  // --- live mode: one request in flight, later moves merged --------------------------------

  // Moves made while a request is out only mark the state; when its answer comes back, one
  // request with the latest values leaves before that answer is drawn, so that the server
  // computes the next run while the browser draws the last one.
  async function send() {
    if (state.inFlight) {
      state.again = true;
      return;
    }
    state.inFlight = probe.busy = true;
    let pending = request();
    while (pending) {
      const answer = await pending;
      pending = state.again ? request() : null;
      await show(answer);
      if (!pending && state.again) pending = request();
    }
    state.inFlight = probe.busy = false;
  }

  function request() {
    state.again = false;
    const since = state.since;
    state.since = null;
    const body = JSON.stringify({ lang: config.lang, values: state.moved });
    return fetch(config.api, { method: "POST", headers: { "Content-Type": "application/json" }, body })
      .then(async (response) => ({ since, ok: response.ok, answer: await response.json() }))
      .catch(() => ({ since, ok: false, answer: null }));
  }

  async function show({ since, ok, answer }) {
    if (ok) {
      await draw(answer, since);
    } else {
      showError(answer ? say("bad_move", { message: answer.error }) : words.no_server);
    }
  }

  // --- grid mode: the nearest precomputed run -----------------------------------------------

  function lookUp() {
    let index = 0;
    grid.params.forEach((name, i) => {
      const slider = config.sliders[i];
      const value = name in state.moved ? state.moved[name] : slider.value;
      index = index * slider.choices.length + slider.choices.indexOf(value);
    });
    const since = state.since;
    state.since = null;
    draw(grid.points[index], since);
  }

  // --- drawing ------------------------------------------------------------------------------

  function showError(text) {
    const box = document.getElementById("error");
    box.textContent = text;
    box.hidden = false;
    probe.lastError = text;
  }

  async function draw(numbers, since) {
    if (numbers.error) {
      showError(say("bad_move", { message: numbers.error }));
      return;
    }
    document.getElementById("error").hidden = true;
    const verdict = document.getElementById("verdict");
    document.getElementById("verdict-text").textContent = numbers.verdict.text;
    document.getElementById("verdict-detail").textContent = numbers.verdict.detail;
    verdict.dataset.kind = numbers.verdict.kind;
    verdict.style.background = config.verdict_colours[numbers.verdict.kind];
    const start = performance.now();
    await Promise.all([
      Plotly.react(charts.energy, energyTraces(numbers), energyLayout(), PLOT),
      Plotly.react(charts.rebound, reboundTraces(numbers), reboundLayout(numbers), PLOT),
      Plotly.react(charts.stack, stackTraces(numbers.stack, config.stack.bands, "energy"),
        layout(config.stack.axis), PLOT),
      Plotly.react(charts.climate, stackTraces(numbers.climate, config.climate.phases, "climate"),
        layout(config.climate.axis), PLOT),
    ]);
    probe.draws += 1;
    probe.drawing.push(performance.now() - start);
    if (since !== null) probe.latencies.push(performance.now() - since);
  }

  // The chart's title and legend are HTML above it (drawn once: a legend costs Plotly a third of a
  // draw), and tick labels may overflow (checking that they do not costs another tenth).
  function layout(axis, extra) {
    return Object.assign({
      font: FONT,
      separators: config.separators,
      margin: { l: 88, r: 30, t: 12, b: 54 },
      paper_bgcolor: "white", plot_bgcolor: "white",
      hovermode: "x unified",
      showlegend: false,
      xaxis: {
        title: { text: words.year, standoff: 6 }, range: [times[0], times[times.length - 1]], tickformat: "d",
        gridcolor: "#E3E3E3", zeroline: false, ticklabeloverflow: "allow",
      },
      yaxis: {
        title: { text: axis }, gridcolor: "#E3E3E3", rangemode: "tozero", separatethousands: true,
        exponentformat: "none", zeroline: false, ticklabeloverflow: "allow",
      },
    }, extra || {});
  }

  function energyLayout() {
    const extra = layout(config.energy.axis);
    if (config.energy.log) {
      extra.yaxis.type = "log";
      extra.yaxis.dtick = 1; // a label at each power of ten only
      delete extra.yaxis.rangemode;
    }
    return extra;
  }

  function energyTraces(numbers) {
    const e = numbers.energy;
    const styles = config.energy.variants;
    const regions = config.energy.regions;
    const pair = (f) => e.actual.map((a, i) => (a === null || e.frozen[i] === null ? null : f(a, i)));
    // Rebound: from the engineering estimate up to the actual run, capped at the frozen run;
    // backfire: the actual run above the frozen one.
    const rebound = pair((a, i) => Math.max(e.engineering[i], Math.min(a, e.frozen[i])));
    const backfire = pair((a, i) => Math.max(a, e.frozen[i]));
    const base = { x: times, mode: "lines", line: { width: 0 }, hoverinfo: "skip" };
    const line = (v) => ({
      x: times, y: e[v], mode: "lines", name: styles[v].name,
      line: { color: styles[v].colour, dash: styles[v].dash, width: styles[v].width },
    });
    return [
      { ...base, y: e.engineering },
      { ...base, y: rebound, fill: "tonexty", fillcolor: regions.rebound, name: words.rebound_region },
      { ...base, y: e.frozen },
      { ...base, y: backfire, fill: "tonexty", fillcolor: regions.backfire, name: words.backfire_region },
      line("frozen"), line("engineering"), line("actual"),
    ];
  }

  function reboundTraces(numbers) {
    return [{
      x: times, y: numbers.rebound || [], mode: "lines", name: words.rebound_line,
      line: { color: config.rebound.colour, width: 3.4 },
    }];
  }

  function reboundLayout(numbers) {
    const finite = (numbers.rebound || []).filter((v) => v !== null);
    const low = Math.min(-10, ...finite);
    const high = Math.max(120, ...finite);
    const pad = 0.08 * (high - low);
    const range = [low - pad, high + pad];
    const level = (y) => ({
      type: "line", xref: "paper", x0: 0, x1: 1, y0: y, y1: y, line: { color: "#555", width: 1.5, dash: "dash" },
    });
    const extra = layout(words.rebound_axis, {
      shapes: [
        { type: "rect", xref: "paper", x0: 0, x1: 1, y0: 100, y1: range[1], fillcolor: config.rebound.backfire,
          opacity: 0.45, line: { width: 0 }, layer: "below" },
        level(0), level(100),
      ],
      annotations: [
        lineLabel(numbers.rebound || [], 100, words.backfire_line, range, true),
        lineLabel(numbers.rebound || [], 0, words.zero_line, range, false),
      ],
    });
    extra.yaxis.range = range;
    extra.yaxis.ticksuffix = config.lang === "fr" ? "\u202f%" : " %";
    delete extra.yaxis.rangemode;
    return extra;
  }

  // A label on a horizontal line, at the end (left or right third) where the curve is farthest away.
  function lineLabel(curve, y, text, range, above) {
    const third = Math.floor(curve.length / 3);
    const distance = (part) => Math.min(Infinity, ...part.filter((v) => v !== null).map((v) => Math.abs(v - y)));
    const left = distance(curve.slice(0, third + 1)) >= distance(curve.slice(curve.length - third - 1));
    return {
      xref: "paper", x: left ? 0.01 : 0.99, xanchor: left ? "left" : "right", y,
      yanchor: above ? "bottom" : "top", text, showarrow: false, font: { size: FONT.size - 2, color: "#333" },
      bgcolor: "rgba(255,255,255,0.75)",
    };
  }

  // Stacked areas, the first band at the bottom.
  function stackTraces(series, bands, group) {
    return series.map((values, i) => ({
      x: times, y: values, name: bands[i].name, stackgroup: group, mode: "lines",
      line: { width: 0.6, color: "white" }, fillcolor: bands[i].colour,
      fillpattern: bands[i].pattern
        ? { shape: bands[i].pattern, bgcolor: bands[i].colour, fgcolor: "white", size: 10 } : undefined,
    }));
  }

  // --- legends: HTML, drawn once ------------------------------------------------------------

  const SVG = "http://www.w3.org/2000/svg";
  const DASHES = { solid: "", dash: "9 5", dot: "2 4", dashdot: "9 4 2 4" };

  function swatch(item) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "36");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    const shape = document.createElementNS(SVG, item.dash === undefined ? "rect" : "line");
    if (item.dash === undefined) {
      Object.entries({ width: 36, height: 16, fill: item.colour }).forEach(([k, v]) => shape.setAttribute(k, v));
    } else {
      Object.entries({ x1: 0, y1: 8, x2: 36, y2: 8, stroke: item.colour, "stroke-width": item.width,
        "stroke-dasharray": DASHES[item.dash] }).forEach(([k, v]) => shape.setAttribute(k, v));
    }
    svg.append(shape);
    if (item.pattern) { // hatched, as the band is drawn
      const hatch = document.createElementNS(SVG, "path");
      Object.entries({ d: "M-4 16L12 0M8 16L24 0M20 16L36 0M32 16L48 0", stroke: "white", "stroke-width": 2 })
        .forEach(([k, v]) => hatch.setAttribute(k, v));
      svg.append(hatch);
    }
    return svg;
  }

  function legend(name, items) {
    const box = document.getElementById("legend-" + name);
    for (const item of items) {
      const entry = document.createElement("span");
      entry.append(swatch(item), item.name);
      box.append(entry);
    }
  }

  function buildLegends() {
    const v = config.energy.variants;
    legend("energy", [
      v.actual, v.engineering, v.frozen,
      { name: words.rebound_region, colour: config.energy.regions.rebound },
      { name: words.backfire_region, colour: config.energy.regions.backfire },
    ]);
    legend("stack", config.stack.bands.slice().reverse()); // top band first, as drawn
    legend("climate", config.climate.phases.slice().reverse());
  }

  // --- start --------------------------------------------------------------------------------

  document.getElementById("title").textContent = config.title;
  for (const name of Object.keys(charts)) {
    document.getElementById("title-" + name).textContent = words[name + "_title"];
  }
  document.getElementById("description").textContent = config.description;
  document.getElementById("source").textContent = config.source;
  document.getElementById("note").textContent = grid
    ? say("grid_note", { count: grid.points.length }) : words.live_note;
  buildSliders();
  buildLegends();
  if (grid) {
    lookUp();
  } else {
    draw(config.initial, null);
  }
})();
