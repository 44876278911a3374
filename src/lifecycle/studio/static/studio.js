// lifecycle studio: the page. Plain JavaScript, no framework, nothing from
// outside this server. Every piece of text from a workflow is inserted with
// textContent, never as markup.
"use strict";

const state = {
  file: null,          // the served file shown
  view: null,          // the last /api/workflow answer
  scope: "",           // "", "phase:ID", "journey:ID" or "overview"
  removed: [],         // what-if targets: "person:ID", "role:ID"
  mapKey: null,        // what the map on screen shows
  viewBox: null,       // [x, y, w, h] of the map on screen
  baseBox: null,       // the whole map's box
  selected: null,      // the finding clicked
  refreshing: null,    // the refresh under way
  again: false,        // a change came during it
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function getJSON(url) {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function query(extra) {
  const params = new URLSearchParams();
  params.set("file", state.file);
  for (const [key, value] of extra || []) params.append(key, value);
  return params;
}

function scopeParams() {
  const out = [];
  if (state.scope === "overview") out.push(["overview", "1"]);
  else if (state.scope.startsWith("phase:")) out.push(["phase", state.scope.slice(6)]);
  else if (state.scope.startsWith("journey:")) out.push(["journey", state.scope.slice(8)]);
  return out;
}

function withoutParams() {
  return state.removed.map((target) => ["without", target]);
}

// -- files and views ---------------------------------------------------------------

async function loadFiles() {
  const answer = await getJSON("/api/files");
  const select = $("file");
  const wanted = new URLSearchParams(location.search).get("file");
  select.replaceChildren(...answer.files.map((name) => el("option", { value: name }, name)));
  select.hidden = answer.files.length < 2;
  $("views").querySelector('[data-view="gates"]').hidden = !answer.gates;
  if (!state.file || !answer.files.includes(state.file)) {
    state.file = answer.files.includes(wanted) ? wanted : answer.default;
  }
  if (state.file) select.value = state.file;
  return answer;
}

function showView(name) {
  for (const button of $("views").querySelectorAll("button")) {
    button.classList.toggle("on", button.dataset.view === name);
  }
  for (const section of document.querySelectorAll(".view")) {
    section.hidden = section.id !== "view-" + name;
  }
  document.body.dataset.view = name;
  if (name === "gates") loadGates();
}

// -- the workflow --------------------------------------------------------------------

async function refresh() {
  if (!state.file) {
    $("map").replaceChildren(el("p", { class: "empty" }, "No workflow files are served here."));
    return;
  }
  // One refresh at a time; a change during one makes another run after it.
  if (state.refreshing) {
    state.again = true;
    return state.refreshing;
  }
  state.refreshing = (async () => {
    do {
      state.again = false;
      try {
        const view = await getJSON("/api/workflow?" + query());
        // The same version of the same file (the stream's hello just after the page
        // loaded, a change event for a save that changed nothing): nothing to redraw.
        if (state.view && view.file === state.view.file && view.version === state.view.version) continue;
        state.view = view;
        showErrors(view.errors);
        if (!view.loaded) {
          $("map").replaceChildren(el("p", { class: "empty" }, `${view.file} has not loaded yet: mend the errors above and save.`));
          state.mapKey = null;
        } else {
          $("workflow-title").textContent = view.title;
          document.title = view.title + " · lifecycle studio";
          fillScopes(view);
          showFindings($("findings"), view.findings, $("finding-count"));
          showResilience(view.resilience);
          showChips(view);
          showRaci(view.raci);
          await refreshWhatIf();
          await refreshMap();
        }
        document.body.dataset.version = String(view.version);
      } catch (error) {
        showErrors([{ where: state.file, severity: "error", code: "", message: String(error.message || error) }]);
      }
    } while (state.again);
  })();
  try {
    await state.refreshing;
  } finally {
    state.refreshing = null;
  }
}

function showErrors(errors) {
  const box = $("error");
  box.hidden = errors.length === 0;
  document.body.dataset.broken = errors.length ? "yes" : "no";
  $("error-lines").replaceChildren(
    ...errors.map((e) => el("li", {}, `${e.where}: ${e.severity} ${e.code}: ${e.message}` + (e.hint ? ` (${e.hint})` : ""))),
  );
}

function fillScopes(view) {
  const select = $("scope");
  const options = [el("option", { value: "" }, "Whole lifecycle (swimlane)")];
  for (const phase of view.phases) options.push(el("option", { value: "phase:" + phase.id }, "Phase: " + phase.title));
  for (const journey of view.journeys) {
    options.push(el("option", { value: "journey:" + journey.id }, "Journey: " + journey.title));
  }
  options.push(el("option", { value: "overview" }, "Lifecycle overview"));
  select.replaceChildren(...options);
  if (![...select.options].some((o) => o.value === state.scope)) state.scope = "";
  select.value = state.scope;
}

function showFindings(box, groups, counter) {
  const parts = [];
  let total = 0;
  for (const group of groups) {
    if (!group.findings.length) continue;
    total += group.findings.length;
    const heading = `${group.findings.length} ${group.noun}${group.findings.length === 1 ? "" : "s"}`;
    const items = group.findings.map((f) =>
      el("button", { type: "button", class: `finding ${f.severity}`, onclick: (event) => selectFinding(f, event.currentTarget) },
        el("span", { class: "code" }, f.code), " ", f.message,
        el("span", { class: "where" }, f.where + (f.element ? ` · ${f.element}` : ""))),
    );
    parts.push(el("div", { class: `group ${group.severity}` }, el("h3", {}, heading), ...items));
  }
  if (!total) parts.push(el("p", { class: "ok" }, "No findings: every check passes."));
  box.replaceChildren(...parts);
  if (counter) counter.textContent = String(total);
}

function showResilience(resilience, after) {
  const score = $("score");
  score.textContent = after ? `${resilience.score} → ${after.score}` : String(resilience.score);
  score.classList.toggle("low", (after || resilience).score < 50);
  const shown = after || resilience;
  const items = shown.losses.map((loss) =>
    el("li", {},
      el("button", { type: "button", class: "chip", onclick: () => takeOut("person:" + loss.person) }, loss.name),
      ` leaves ${loss.lost} piece${loss.lost === 1 ? "" : "s"} of work uncovered`),
  );
  if (!items.length) items.push(el("li", { class: "ok" }, "No single departure leaves work uncovered."));
  $("losses").replaceChildren(...items);
}

function showChips(view) {
  const chip = (target, label, extra) => el("button", {
    type: "button",
    class: "chip" + (state.removed.includes(target) ? " out" : "") + (extra || ""),
    dataset: { target },
    title: state.removed.includes(target) ? "Put back" : "Take out",
    onclick: () => (state.removed.includes(target) ? putBack(target) : takeOut(target)),
  }, label);
  $("people").replaceChildren(...view.people.map((p) =>
    chip("person:" + p.id, p.name, p.official ? "" : " unofficial")));
  $("roles").replaceChildren(...view.roles.map((r) => chip("role:" + r.id, r.title)));
}

function showRaci(raci) {
  const head = el("tr", {}, el("th", {}, "Phase"), el("th", {}, "Task"),
    ...raci.roles.map((r) => el("th", { class: "role", title: r.id }, r.title)));
  const rows = raci.rows.map((row) => el("tr", {},
    el("td", {}, row.phase), el("td", { title: row.task }, row.title),
    ...row.cells.map((c) => el("td", { class: "cell " + (c.startsWith("A") ? "A" : "") }, c))));
  $("raci").replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
}

// -- what-if ---------------------------------------------------------------------------

async function takeOut(target) {
  if (!state.removed.includes(target)) state.removed.push(target);
  await refreshWhatIf();
  showChips(state.view);
  await refreshMap();
}

async function putBack(target) {
  state.removed = state.removed.filter((t) => t !== target);
  await refreshWhatIf();
  showChips(state.view);
  await refreshMap();
}

async function refreshWhatIf() {
  const view = state.view;
  const names = new Map([...view.people.map((p) => ["person:" + p.id, p.name]), ...view.roles.map((r) => ["role:" + r.id, r.title])]);
  state.removed = state.removed.filter((t) => names.has(t));
  const bar = $("whatif-bar");
  if (!state.removed.length) {
    bar.hidden = true;
    $("added").hidden = true;
    document.body.dataset.score = String(view.resilience.score);
    showResilience(view.resilience);
    return;
  }
  const answer = await getJSON("/api/whatif?" + query(withoutParams()));
  bar.hidden = false;
  $("removed").replaceChildren(...state.removed.map((t) =>
    el("button", { type: "button", class: "chip out", title: "Put back", onclick: () => putBack(t) }, names.get(t) + " ×")));
  $("score-change").textContent = `Resilience ${answer.before.score} → ${answer.after.score}` +
    ` · ${answer.added_count} finding${answer.added_count === 1 ? "" : "s"} added`;
  showResilience(answer.before, answer.after);
  document.body.dataset.score = String(answer.after.score);
  $("added").hidden = false;
  showFindings($("added-list"), answer.added, null);
  $("resilience").scrollIntoView({ block: "nearest" });
}

// -- the map -----------------------------------------------------------------------------

async function refreshMap() {
  const params = query([...scopeParams(), ...withoutParams()]);
  const key = params.toString() + "#" + state.view.good_version;
  if (key === state.mapKey) return;
  for (const [id, what] of [["x-svg", "map.svg"], ["x-png", "map.png"], ["x-pdf", "map.pdf"]]) {
    $(id).href = `/export/${what}?` + params;
  }
  $("x-xlsx").href = "/export/raci.xlsx?" + query();
  $("x-json").href = "/export/findings.json?" + query();
  $("x-book").href = "/export/book.pdf?" + query();
  $("x-sarif").href = "/export/findings.sarif?" + query();
  const response = await fetch("/api/map.svg?" + params, { cache: "no-store" });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    if (response.status === 404 && state.scope) {
      state.scope = "";
      $("scope").value = "";
      return refreshMap();
    }
    throw new Error(body.error || response.statusText);
  }
  const text = await response.text();
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = parsed.documentElement;
  if (svg.nodeName !== "svg") throw new Error("the map could not be drawn");
  const keepBox = state.viewBox && state.mapKey && sameScope(state.mapKey, key);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  const box = (svg.getAttribute("viewBox") || "0 0 100 100").split(/[\s,]+/).map(Number);
  state.baseBox = box;
  const node = document.importNode(svg, true);
  $("map").replaceChildren(node);
  state.mapKey = key;
  setBox(keepBox ? state.viewBox : box);
  document.body.dataset.mapVersion = String(state.view.good_version);
  document.body.dataset.mapKey = key;
  if (state.selected) highlight(state.selected, false);
}

function sameScope(a, b) {
  const strip = (k) => k.split("#")[0].split("&").filter((p) => !p.startsWith("without=")).join("&");
  return strip(a) === strip(b);
}

function setBox(box) {
  state.viewBox = box;
  const svg = $("map").querySelector("svg");
  if (svg) svg.setAttribute("viewBox", box.map((v) => v.toFixed(1)).join(" "));
}

function zoom(factor, cx, cy) {
  if (!state.viewBox) return;
  const [x, y, w, h] = state.viewBox;
  const px = cx === undefined ? x + w / 2 : cx;
  const py = cy === undefined ? y + h / 2 : cy;
  const nw = Math.min(Math.max(w / factor, state.baseBox[2] / 40), state.baseBox[2] * 4);
  const scale = nw / w;
  setBox([px - (px - x) * scale, py - (py - y) * scale, nw, h * scale]);
}

function toMapPoint(svg, clientX, clientY) {
  const point = svg.createSVGPoint();
  point.x = clientX;
  point.y = clientY;
  const matrix = svg.getScreenCTM();
  return matrix ? point.matrixTransform(matrix.inverse()) : { x: 0, y: 0 };
}

function installPanZoom() {
  const map = $("map");
  map.addEventListener("wheel", (event) => {
    const svg = map.querySelector("svg");
    if (!svg) return;
    event.preventDefault();
    const p = toMapPoint(svg, event.clientX, event.clientY);
    zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, p.x, p.y);
  }, { passive: false });
  let drag = null;
  map.addEventListener("pointerdown", (event) => {
    const svg = map.querySelector("svg");
    if (!svg || event.button !== 0) return;
    drag = { start: toMapPoint(svg, event.clientX, event.clientY), box: state.viewBox.slice(), moved: false };
    map.setPointerCapture(event.pointerId);
    map.classList.add("dragging");
  });
  map.addEventListener("pointermove", (event) => {
    const svg = map.querySelector("svg");
    if (!drag || !svg) return;
    const p = toMapPoint(svg, event.clientX, event.clientY);
    const [x, y, w, h] = state.viewBox;
    setBox([x - (p.x - drag.start.x), y - (p.y - drag.start.y), w, h]);
    drag.moved = true;
  });
  const end = () => {
    drag = null;
    map.classList.remove("dragging");
  };
  map.addEventListener("pointerup", end);
  map.addEventListener("pointercancel", end);
  $("zoom-in").addEventListener("click", () => zoom(1.4));
  $("zoom-out").addEventListener("click", () => zoom(1 / 1.4));
  $("zoom-fit").addEventListener("click", () => state.baseBox && setBox(state.baseBox));
  $("panel").addEventListener("click", (event) => {
    const wide = document.querySelector(".split").classList.toggle("wide");
    event.currentTarget.textContent = wide ? "Show panel" : "Hide panel";
    event.currentTarget.setAttribute("aria-pressed", String(wide));
  });
}

// -- findings on the map -------------------------------------------------------------------

async function selectFinding(finding, button) {
  state.selected = finding;
  for (const item of document.querySelectorAll(".finding")) item.classList.remove("on");
  if (button) button.classList.add("on");
  const box = $("selected");
  box.hidden = false;
  let found = highlight(finding, true);
  if (!found && state.scope && finding.targets.length) {
    // Drawn in another phase, perhaps: the whole lifecycle shows every task and lane.
    state.scope = "";
    $("scope").value = "";
    await refreshMap();
    found = highlight(finding, true);
  }
  box.replaceChildren(
    el("code", {}, finding.where), " ", el("strong", {}, finding.code), " ", finding.message,
    found ? "" : el("span", { class: "none" }, " (not drawn on this map)"),
  );
}

function highlight(finding, focus) {
  const svg = $("map").querySelector("svg");
  if (!svg) return false;
  for (const node of svg.querySelectorAll(".hl")) node.classList.remove("hl");
  const nodes = [];
  for (const id of finding.targets) {
    const node = svg.getElementById ? svg.getElementById(id) : svg.querySelector("#" + CSS.escape(id));
    if (node) nodes.push(node);
    if (nodes.length && !id.startsWith("lanehead-")) break;
  }
  for (const node of nodes) node.classList.add("hl");
  document.body.dataset.highlighted = nodes.map((n) => n.id).join(" ");
  if (focus && nodes.length) {
    // The element's box in the map's own units, whatever transforms Graphviz nested it in.
    const rect = nodes[0].getBoundingClientRect();
    const from = toMapPoint(svg, rect.left, rect.top);
    const to = toMapPoint(svg, rect.right, rect.bottom);
    const b = { x: from.x, y: from.y, width: to.x - from.x, height: to.y - from.y };
    const [, , w, h] = state.baseBox;
    const nw = Math.min(w, Math.max(b.width * 6, w / 4));
    const nh = nw * (h / w);
    setBox([b.x + b.width / 2 - nw / 2, b.y + b.height / 2 - nh / 2, nw, nh]);
  }
  return nodes.length > 0;
}

// -- gates --------------------------------------------------------------------------------------

async function loadGates() {
  const table = $("gates");
  let answer;
  try {
    answer = await getJSON("/api/gates");
  } catch (error) {
    table.replaceChildren(el("caption", { class: "bad" }, String(error.message || error)));
    return;
  }
  const head = el("tr", {}, ...["Partnership", "Phase", "Gates", "Next deadline", "Open escalations (overdue)"].map((h) => el("th", {}, h)));
  const rows = answer.partnerships.map((p) => {
    if (p.error) return el("tr", {}, el("td", {}, p.name), el("td", { colspan: "4", class: "bad" }, p.error));
    const gates = p.gates.map((g) => el("button", {
      type: "button",
      class: `gate ${g.met ? "met" : "unmet"}${g.current ? " current" : ""}`,
      title: g.title,
      dataset: { partnership: p.name, phase: g.phase },
      onclick: (event) => {
        for (const chip of table.querySelectorAll(".gate.shown")) chip.classList.remove("shown");
        event.currentTarget.classList.add("shown");
        showGate(p.name, g.phase);
      },
    }, g.untracked ? `– ${g.phase}: not tracked`
      : g.met ? `✓ ${g.phase}`
      : `✗ ${g.phase}: ${g.open_criteria} open${g.stale_signoffs ? `, ${g.stale_signoffs} stale sign-off${g.stale_signoffs === 1 ? "" : "s"}` : ""}`));
    const deadline = p.next_deadline
      ? el("span", { class: p.next_deadline.overdue ? "bad" : "" }, `${p.next_deadline.task}: ${p.next_deadline.date} (${p.next_deadline.when})`)
      : el("span", { class: "none" }, "none");
    return el("tr", { dataset: { partnership: p.name } },
      el("td", {}, el("strong", {}, p.name), el("br"), el("span", { class: "help" }, p.workflow)),
      el("td", {}, p.phase_title),
      el("td", {}, ...gates),
      el("td", {}, deadline),
      el("td", { class: p.overdue_escalations.length ? "bad" : "" },
        String(p.open_escalations),
        ...p.overdue_escalations.map((e) => el("div", { class: "bad" },
          `#${e.number} ${e.path}: overdue at ${e.with}${e.next ? `, next ${e.next}` : ""}`))));
  });
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: "5", class: "none" }, "No partnerships are tracked in this database.")));
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
}

async function showGate(name, phase) {
  const box = $("gate-detail");
  box.hidden = false;
  try {
    const gate = await getJSON("/api/gate?" + new URLSearchParams({ partnership: name, phase }));
    const criteria = gate.criteria.map((c) => el("li", {},
      el("strong", { class: c.met ? "ok" : "bad" }, (c.met ? "✓ " : "✗ ") + c.title),
      c.unmet.length ? el("ul", {}, ...c.unmet.map((u) => el("li", { class: "bad" }, u))) : null,
      c.evidence.length ? el("ul", {}, ...c.evidence.map((e) => el("li", {}, e))) : null));
    const signoffs = gate.signoffs.map((s) => el("li", {}, `${s.person} as ${s.role}, ${s.when}: ${s.evidence}`));
    box.replaceChildren(
      el("h2", {}, `${gate.partnership}: ${gate.title} `, el("span", { class: gate.met ? "ok" : "bad" }, gate.met ? "met" : "not met")),
      el("h3", {}, "Criteria"), el("ul", {}, ...criteria),
      el("h3", {}, "Sign-offs"),
      signoffs.length ? el("ul", {}, ...signoffs) : el("p", { class: "none" }, "No sign-offs recorded."),
    );
  } catch (error) {
    box.replaceChildren(el("p", { class: "bad" }, String(error.message || error)));
  }
}

// -- live updates -----------------------------------------------------------------------------------

function listen() {
  const live = $("live");
  const source = new EventSource("/api/events");
  source.addEventListener("hello", () => {
    live.textContent = "live";
    live.className = "live on";
    refresh();
  });
  source.addEventListener("change", async (message) => {
    const event = JSON.parse(message.data);
    if (event.files) {
      await loadFiles();
      refresh();
    } else if (event.file === state.file) {
      refresh();
    }
  });
  source.addEventListener("error", () => {
    live.textContent = "reconnecting";
    live.className = "live off";
  });
}

async function start() {
  installPanZoom();
  for (const button of $("views").querySelectorAll("button")) {
    button.addEventListener("click", () => showView(button.dataset.view));
  }
  $("file").addEventListener("change", () => {
    state.file = $("file").value;
    state.removed = [];
    state.selected = null;
    state.mapKey = null;
    history.replaceState(null, "", "?" + new URLSearchParams({ file: state.file }));
    refresh();
  });
  $("scope").addEventListener("change", () => {
    state.scope = $("scope").value;
    refreshMap();
  });
  $("restore").addEventListener("click", async () => {
    state.removed = [];
    await refreshWhatIf();
    showChips(state.view);
    await refreshMap();
  });
  // The database changes under the page (the tracking commands); the gates follow it.
  setInterval(() => document.body.dataset.view === "gates" && loadGates(), 15000);
  await loadFiles();
  showView(new URLSearchParams(location.search).get("view") === "gates" ? "gates" : "map");
  await refresh();
  listen();
}

start();
