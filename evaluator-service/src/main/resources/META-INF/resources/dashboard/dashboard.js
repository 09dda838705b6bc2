// The StreamTrain dashboard: finds this deployment's pipeline, draws its snapshot
// (GET /pipelines/{name}/dashboard) and redraws on every server-sent event of .../dashboard/stream.
"use strict";

const COLOURS = ["#2f6fdf", "#e0652b", "#1f8f4e", "#9b3fc4", "#c4a23f", "#3fb6c4", "#c43f6f", "#555"];
const charts = {};
let metricChoice = null;

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function number(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return "-";
  }
  return digits === undefined ? Math.round(value).toLocaleString("en") : Number(value).toFixed(digits);
}

function rows(tableId, cells) {
  const body = document.querySelector("#" + tableId + " tbody");
  body.innerHTML = "";
  for (const row of cells) {
    const tr = document.createElement("tr");
    for (const cell of row) {
      const td = document.createElement("td");
      if (cell && typeof cell === "object") {
        td.textContent = cell.text;
        if (cell.className) {
          td.className = cell.className;
        }
      } else {
        td.textContent = cell;
      }
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}

// Several curves of [x, y] points on one x axis: uPlot wants [xs, ys1, ys2, ...] with null where a curve has no
// point at that x.
function align(curves) {
  const xs = [...new Set(curves.flatMap(points => points.map(p => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const data = [xs];
  for (const points of curves) {
    const ys = new Array(xs.length).fill(null);
    for (const p of points) {
      ys[index.get(p[0])] = p[1];
    }
    data.push(ys);
  }
  return data;
}

// Creates the chart the first time (or when its series change), then only replaces its data.
function draw(id, labels, data, options) {
  const element = document.getElementById(id);
  const key = labels.join("|");
  let chart = charts[id];
  if (!chart || chart.key !== key) {
    if (chart) {
      chart.plot.destroy();
    }
    const series = [{label: options.x}].concat(labels.map((label, i) => Object.assign({
      label: label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true,
    }, (options.series || {})[i] || {})));
    const plot = new uPlot({
      width: Math.max(300, element.clientWidth), height: 250, series: series,
      // Times are epoch milliseconds (ms: 1): uPlot then gives a curve of one point in time (records that all
      // arrived within a second) a day's worth of milliseconds, 86 s, instead of a day's worth of seconds.
      ms: 1,
      scales: {x: {time: options.time === true}},
      axes: [{label: options.x}, {label: options.y}],
    }, data, element);
    chart = charts[id] = {plot: plot, key: key};
  } else {
    chart.plot.setData(data);
  }
}

function render(s) {
  text("pipeline", s.pipeline);
  text("updated", s.updatedAt ? "last event " + new Date(s.updatedAt).toLocaleTimeString() : "no events yet");
  text("records-in", number(s.recordsIn));
  text("records-accepted", number(s.accepted));
  text("records-rejected", number(s.rejected));
  const recent = s.recentBad;
  text("recent-bad", recent.records === 0 ? "-" : (100 * recent.share).toFixed(1) + "% of the last "
      + number(recent.records) + (recent.overBudget ? " - over the budget of " : " - budget ") + recent.budget);
  document.getElementById("recent-bad").classList.toggle("alarm", recent.overBudget);
  text("evaluation-count", number(s.evaluations));

  if (s.records.length > 0) {
    const r = s.records;
    draw("records-chart", ["in", "accepted", "rejected"],
        [r.map(p => p[0]), r.map(p => p[1]), r.map(p => p[2]), r.map(p => p[3])],
        {x: "time", y: "records", time: true});
  }
  rows("rejected-reasons", Object.entries(s.rejectedByReason).map(([reason, count]) => [reason, number(count)]));
  rows("lag", s.lag.map(stage => [stage.service + " (" + stage.group + ")", stage.members,
    stage.lag === null ? "-" : number(stage.lag)]));

  const trainers = Object.entries(s.trainers);
  if (trainers.length > 0) {
    draw("loss-chart", trainers.map(([name]) => name), align(trainers.map(([, t]) => t.loss)),
        {x: "step", y: "loss"});
    draw("rate-chart", trainers.map(([name]) => name),
        align(trainers.map(([, t]) => t.samplesPerSecond)),
        {x: "time", y: "samples/s", time: true});
  }
  rows("trainers", trainers.map(([name, t]) => [name, t.last.epoch, number(t.last.step), number(t.last.loss, 4),
    number(t.last.samplesPerSecond), number(t.last.lag), new Date(t.last.createdAt).toLocaleTimeString()]));

  const choice = document.getElementById("metric-choice");
  const names = Object.keys(s.metrics);
  if (choice.options.length !== names.length) {
    choice.innerHTML = "";
    for (const name of names) {
      choice.add(new Option(name, name));
    }
    const gate = s.latestVerdicts.length > 0 ? s.latestVerdicts[0].metric : null;
    metricChoice = metricChoice || (names.includes(gate) ? gate : names[0]);
    choice.value = metricChoice;
  }
  const points = s.metrics[metricChoice];
  if (points) {
    draw("metric-chart", [metricChoice, "promoted"], [points.map(p => p[0]), points.map(p => p[1]),
      points.map(p => p[2] === 1 ? p[1] : null)], {x: "step", y: metricChoice, series: [{}, {
        stroke: "#1f8f4e", width: 0, points: {show: true, size: 9, fill: "#1f8f4e"}, spanGaps: false}]});
  }

  const champion = s.champion;
  if (champion) {
    const m = champion.model;
    text("champion-checkpoint", m.checkpointId + " (epoch " + m.epoch + ", step " + number(m.step) + ", by "
        + m.promotedBy + ")");
    rows("champion-metrics", Object.entries(m.metrics || {}).map(([name, value]) => [name, number(value, 4)]));
    picture(champion);
  }
  rows("verdicts", s.latestVerdicts.map(v => [v.checkpointId, number(v.step), number(v.value, 4),
    {text: v.verdict, className: v.verdict}, v.reason]));
}

// The champion's confusion matrix (classification) or its residual summary (regression).
function picture(champion) {
  const element = document.getElementById("champion-picture");
  element.innerHTML = "";
  const table = document.createElement("table");
  if (champion.confusionMatrix && champion.classes) {
    table.className = "matrix";
    const matrix = champion.confusionMatrix;
    const max = Math.max(1, ...matrix.flat());
    const header = table.insertRow();
    header.insertCell().textContent = "actual \\ predicted";
    champion.classes.forEach(c => { header.insertCell().textContent = c; });
    matrix.forEach((row, i) => {
      const tr = table.insertRow();
      tr.insertCell().textContent = champion.classes[i];
      row.forEach(count => {
        const cell = tr.insertCell();
        cell.textContent = count;
        const shade = count === 0 ? 0 : 0.15 + 0.85 * Math.log(1 + count) / Math.log(1 + max);
        cell.style.background = "rgba(47, 111, 223, " + shade.toFixed(2) + ")";
      });
    });
  } else if (champion.residuals) {
    const caption = document.createElement("div");
    caption.className = "label";
    caption.textContent = "residuals (predicted - actual): box 5th-95th percentile, line median, dot mean ± std";
    element.appendChild(caption);
    element.appendChild(residualPlot(champion.residuals));
    for (const [name, value] of Object.entries(champion.residuals)) {
      const tr = table.insertRow();
      tr.insertCell().textContent = "residual " + name;
      tr.insertCell().textContent = number(value, 3);
    }
  }
  element.appendChild(table);
}

// The champion's residuals (predicted minus actual, in the target's units) on a symmetric axis: the box spans the
// 5th to the 95th percentile with the median across it, the dot is the mean with one standard deviation either side.
function residualPlot(r) {
  const width = 380, height = 80, pad = 24, middle = 38;
  const extent = Math.max(r.maxAbs, Math.abs(r.p05), Math.abs(r.p95), Math.abs(r.mean) + r.std) || 1;
  const x = v => (pad + (v + extent) / (2 * extent) * (width - 2 * pad)).toFixed(1);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "residuals");
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("width", "100%");
  svg.style.maxWidth = width + "px";
  const shapes = [
    ["line", {x1: x(-extent), x2: x(extent), y1: middle + 22, y2: middle + 22, stroke: "#999"}],
    ["line", {x1: x(0), x2: x(0), y1: 8, y2: middle + 22, stroke: "#555", "stroke-dasharray": "3 3"}],
    ["rect", {x: x(r.p05), y: middle - 14, width: Math.max(1, x(r.p95) - x(r.p05)), height: 28,
      fill: "rgba(47, 111, 223, 0.25)", stroke: "#2f6fdf"}],
    ["line", {x1: x(r.p50), x2: x(r.p50), y1: middle - 14, y2: middle + 14, stroke: "#2f6fdf", "stroke-width": 2}],
    ["line", {x1: x(r.mean - r.std), x2: x(r.mean + r.std), y1: middle, y2: middle, stroke: "#e0652b"}],
    ["circle", {cx: x(r.mean), cy: middle, r: 4, fill: "#e0652b"}],
  ];
  for (const [value, anchor] of [[-extent, "start"], [0, "middle"], [extent, "end"]]) {
    shapes.push(["text", {x: x(value), y: height - 4, "text-anchor": anchor, "font-size": 11, fill: "#555",
      text: number(value, 2)}]);
  }
  for (const [tag, attributes] of shapes) {
    const shape = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") {
        shape.textContent = value;
      } else {
        shape.setAttribute(name, value);
      }
    }
    svg.appendChild(shape);
  }
  return svg;
}

async function main() {
  const pipeline = (await (await fetch("/pipelines")).json()).pipelines[0];
  document.getElementById("metric-choice").addEventListener("change", event => {
    metricChoice = event.target.value;
  });
  render(await (await fetch("/pipelines/" + encodeURIComponent(pipeline) + "/dashboard")).json());
  const badge = document.getElementById("connection");
  const events = new EventSource("/pipelines/" + encodeURIComponent(pipeline) + "/dashboard/stream");
  events.onopen = () => { badge.textContent = "live"; badge.className = "badge live"; };
  events.onerror = () => { badge.textContent = "reconnecting"; badge.className = "badge lost"; };
  events.onmessage = message => render(JSON.parse(message.data));
}

main();
