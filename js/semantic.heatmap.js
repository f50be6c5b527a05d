// [semantic.heatmap]: a jsui that draws a bundle's grids.json (docs/grids.md) and plays
// [semantic~] by mouse. ES5 only: Max 8's jsui runs an old JavaScript engine.
//
// messages in:  read PATH (bundle folder or its grids.json) · view heatmap|labels|plane|map ·
//               view map labels · descriptor NAME · axes I J (latent view) / axes NAME NAME
//               (descriptor plane) · position X Y (move the cursor, in the view's units) ·
//               latents Z0 Z1 ... (the latent vector playing: the cursor follows) ·
//               map X Y (where [semantic~] says the sound playing lies: the map's cursor) · bang
// outlet 0:     latent I V J W (heatmap and label views) / target A V B W (plane view) /
//               map X Y (map view), values in the units [semantic~] takes: latent
//               coordinates, normalised targets, map coordinates in 0..1
// outlet 1:     state after each change: view, descriptor, axes, loaded bundle

inlets = 1;
outlets = 2;
mgraphics.init();
mgraphics.relative_coords = 0;
mgraphics.autofill = 0;

setinletassist(0, "read PATH, view, descriptor NAME, axes, position X Y, latents Z0 Z1 ..., map X Y");
setoutletassist(0, "latent I V J W, target A V B W or map X Y: connect to [semantic~]");
setoutletassist(1, "state: view, descriptor, axes, bundle");

var VIEWS = ["heatmap", "labels", "plane", "map"];
// viridis (matplotlib) at t = k/15, linear in between (the last stop repeats so t = 1 needs no care)
var VIRIDIS = [
    [68, 1, 84], [72, 26, 108], [71, 47, 125], [65, 68, 135], [57, 86, 140], [49, 104, 142],
    [42, 120, 142], [35, 136, 142], [31, 152, 139], [34, 168, 132], [53, 183, 121], [84, 197, 104],
    [122, 209, 81], [165, 219, 54], [210, 226, 27], [253, 231, 37], [253, 231, 37]];
// tab20: distinct colours for the categorical label map
var CATEGORIES = [
    [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75],
    [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207], [174, 199, 232], [255, 187, 120],
    [152, 223, 138], [255, 152, 150], [197, 176, 213], [196, 156, 148], [247, 182, 210], [199, 199, 199],
    [219, 219, 141], [158, 218, 229]];
var MARGIN = {left: 46, right: 78, top: 20, bottom: 34};
var FONT = "Arial";

// Offscreen drawing as Max 8's docs give it: new MGraphics(width, height), and
// new Image(thatMGraphics); @types/maxmsp declares neither overload.
var Offscreen = /** @type {new (w: number, h: number) => MGraphics} */ (/** @type {any} */ (MGraphics));
var Snapshot = /** @type {new (g: MGraphics) => Image} */ (/** @type {any} */ (Image));

var grids = null;     // parsed grids.json
var units = {};       // descriptor -> {unit, warp, lo, hi} from the bundle's manifest.json
var source = "";
var state = {view: "heatmap", descriptor: null, latent: 0, plane: 0, swap: false, cursor: null, mapLabels: false};
var cache = {image: null, width: 0, height: 0};
var shown = null;     // current() of the state, recomputed at each change, not per paint or drag

function colormap(t) {
    t = Math.max(0, Math.min(1, t)) * 15;
    var i = Math.floor(t), f = t - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return [(a[0] + f * (b[0] - a[0])) / 255, (a[1] + f * (b[1] - a[1])) / 255, (a[2] + f * (b[2] - a[2])) / 255];
}

function category(k) {
    var c = CATEGORIES[k % CATEGORIES.length];
    return [c[0] / 255, c[1] / 255, c[2] / 255];
}

// --- reading a bundle -------------------------------------------------------------

function readText(path) {
    var f = new File(path, "read");
    if (!f.isopen) {
        return null;
    }
    var text = "", chunk;
    while (f.position < f.eof) {
        chunk = f.readstring(16384);
        if (!chunk) {
            break;
        }
        text += chunk;
    }
    f.close();
    return text;
}

// A rows x cols array of numbers?
function isGrid(m, rows, cols) {
    if (!(m instanceof Array) || m.length !== rows || rows === 0) {
        return false;
    }
    for (var r = 0; r < rows; r++) {
        if (!(m[r] instanceof Array) || m[r].length !== cols) {
            return false;
        }
        for (var c = 0; c < cols; c++) {
            if (typeof m[r][c] !== "number" || !isFinite(m[r][c])) {
                return false;
            }
        }
    }
    return true;
}

// Everything the views read, checked once at `read` so drawing cannot fail later.
function check(g) {
    if (!g || typeof g !== "object" || g instanceof Array) {
        return "the file is not a JSON object";
    }
    if (g.schema_version !== 1) {
        return "schema_version " + g.schema_version + " (this heatmap reads schema_version 1)";
    }
    var keys = ["descriptors", "latent_views", "descriptor_planes", "dimension_labels", "label_names"];
    for (var i = 0; i < keys.length; i++) {
        if (!g[keys[i]]) {
            return "no '" + keys[i] + "' key";
        }
    }
    if (!(g.latent_views instanceof Array) || !g.latent_views.length) {
        return "no latent views";
    }
    for (i = 0; i < g.latent_views.length; i++) {
        var v = g.latent_views[i], where = "latent view " + i + " ";
        if (!(v.x_values instanceof Array) || !(v.y_values instanceof Array) || v.x_values.length < 2 ||
            v.y_values.length < 2 || !v.grids) {
            return where + "has no x_values, y_values (two or more each) or grids";
        }
        var rows = v.y_values.length, cols = v.x_values.length;
        for (var k = 0; k < g.descriptors.length; k++) {
            if (!isGrid(v.grids[g.descriptors[k]], rows, cols)) {
                return where + "has no " + rows + "x" + cols + " grid of numbers for " + g.descriptors[k];
            }
        }
        if (!isGrid(v.labels, rows, cols)) {
            return where + "has no " + rows + "x" + cols + " label map";
        }
    }
    for (i = 0; i < g.descriptor_planes.length; i++) {
        var p = g.descriptor_planes[i];
        if (!(p.values instanceof Array) || p.values.length < 2 || !isGrid(p.error, p.values.length, p.values.length)) {
            return "descriptor plane " + i + " has no values and matching error grid";
        }
    }
    return g.map ? checkMap(g.map, g.descriptors) : null;  // bundles built before maps have none
}

function checkMap(m, names) {
    var n = m.points instanceof Array ? m.points.length : 0;
    if (!n || !isGrid(m.points, n, 2) || !isGrid(m.density, m.resolution, m.resolution)) {
        return "its map has no points [n][2] or no density grid of its resolution";
    }
    for (var i = 0; i < n; i++) {
        if (m.points[i][0] < 0 || m.points[i][0] > 1 || m.points[i][1] < 0 || m.points[i][1] > 1) {
            return "map point " + i + " lies outside 0..1";
        }
    }
    if (!isGrid([m.point_labels], 1, n) || !m.values) {
        return "its map has no point_labels or values for its " + n + " points";
    }
    for (var k = 0; k < names.length; k++) {
        if (!isGrid([m.values[names[k]]], 1, n)) {
            return "its map has no " + n + " values of " + names[k];
        }
    }
    return null;
}

// A relative path is read from the patcher's folder, as [semantic~] resolves bundles.
function resolve(path) {
    var absolute = /^(\/|[A-Za-z]:[\\\/]|[^\/:]+:\/)/.test(path);  // POSIX, Windows, or a Max volume
    var here = patcher && patcher.filepath ? String(patcher.filepath) : "";
    if (absolute || !here) {
        return path;
    }
    return here.substring(0, here.lastIndexOf("/") + 1) + path;
}

function read(path) {
    path = resolve(String(path));
    var file = /\.json$/.test(path) ? path : path.replace(/\/$/, "") + "/grids.json";
    var text = readText(file);
    if (text === null) {
        error("semantic.heatmap: cannot open " + file + ": expected a bundle folder written by engine.build, or its grids.json\n");
        return;
    }
    var parsed, problem;
    try {
        parsed = JSON.parse(text);
        problem = check(parsed);
    } catch (e) {
        problem = "not valid JSON (" + e.message + ")";
    }
    if (problem) {
        error("semantic.heatmap: " + file + " is not a usable grids.json: " + problem + "; kept what was loaded before\n");
        return;
    }
    grids = parsed;
    source = file;
    units = readUnits(file.replace(/grids\.json$/, "manifest.json"));
    if (!state.descriptor || grids.descriptors.indexOf(state.descriptor) < 0) {
        state.descriptor = grids.descriptors[0];
    }
    state.latent = 0;
    state.plane = 0;
    state.swap = false;
    state.cursor = null;
    changed();
}

function readUnits(file) {
    var text = readText(file), out = {};
    if (text === null) {
        return out;  // without a manifest the legend shows normalised values
    }
    try {
        var entries = JSON.parse(text).descriptors;
        for (var i = 0; i < entries.length; i++) {
            var d = entries[i], n = d.normalisation;
            out[d.name] = {unit: d.unit, warp: n.warp, lo: n.lo, hi: n.hi};
        }
    } catch (e) {
        post("semantic.heatmap: " + file + " has no usable descriptor units; showing normalised values\n");
    }
    return out;
}

// --- messages ---------------------------------------------------------------------

function view(name, colouring) {
    if (VIEWS.indexOf(String(name)) < 0 || (colouring !== undefined && (name !== "map" || colouring !== "labels"))) {
        error("semantic.heatmap: view expects one of " + VIEWS.join(", ") + " (or map labels), got " +
              arrayfromargs(arguments).join(" ") + "\n");
        return;
    }
    if (name === "plane" && grids && !grids.descriptor_planes.length) {
        error("semantic.heatmap: this bundle has no descriptor planes (it lacks the plane descriptors)\n");
        return;
    }
    if (name === "map" && grids && !grids.map) {
        error("semantic.heatmap: this bundle has no sound map (built before maps were drawn); rebuild it\n");
        return;
    }
    state.mapLabels = colouring === "labels";
    state.view = String(name);
    state.cursor = null;
    changed();
}

function descriptor(name) {
    if (!loaded("descriptor")) {
        return;
    }
    if (grids.descriptors.indexOf(String(name)) < 0) {
        error("semantic.heatmap: unknown descriptor " + name + "; this bundle has " + grids.descriptors.join(", ") + "\n");
        return;
    }
    state.descriptor = String(name);
    changed();
}

function axes(a, b) {
    if (!loaded("axes")) {
        return;
    }
    var list = typeof a === "number" ? grids.latent_views : grids.descriptor_planes;
    for (var i = 0; i < list.length; i++) {
        if ((list[i].x === a && list[i].y === b) || (list[i].x === b && list[i].y === a)) {
            if (typeof a === "number") {
                state.latent = i;
                state.swap = list[i].x !== a;
            } else {
                state.plane = i;
            }
            state.cursor = null;
            changed();
            return;
        }
    }
    var have = [];
    for (i = 0; i < list.length; i++) {
        have.push(list[i].x + " " + list[i].y);
    }
    error("semantic.heatmap: no grid for axes " + a + " " + b + "; this bundle has " + have.join(", ") + "\n");
}

// `position X Y` and `map X Y`: the cursor at two numbers, checked, when `shows` says
// the view has those coordinates.
function cursorAt(what, units, x, y, shows) {
    if (!loaded(what)) {
        return;
    }
    if (typeof x !== "number" || typeof y !== "number") {
        error("semantic.heatmap: " + what + " expects two numbers " + units + "\n");
        return;
    }
    if (shows) {
        state.cursor = [x, y];
        mgraphics.redraw();
    }
}

function position(x, y) {
    cursorAt("position", "in the view's units", x, y, true);
}

// The whole latent vector [semantic~] plays (its latent outlets, sampled): the cursor
// moves to its coordinates on the latent view's two axes, so the map shows where the
// sound is. The plane and map views have no latent axes and ignore it (the map's cursor
// comes from [semantic~]'s `map X Y`).
function latents() {
    if (!loaded("latents")) {
        return;
    }
    var z = arrayfromargs(arguments);
    if (state.view === "plane" || state.view === "map") {
        return;
    }
    var ax = shown.axes;
    if (z.length <= Math.max(ax[0], ax[1]) || typeof z[ax[0]] !== "number" || typeof z[ax[1]] !== "number") {
        error("semantic.heatmap: latents expects the whole latent vector (" + grids.reference_latent.length +
              " numbers), got " + z.length + "\n");
        return;
    }
    state.cursor = [z[ax[0]], z[ax[1]]];
    mgraphics.redraw();
}

// Where [semantic~] says the sound playing lies on the sound map (its `map X Y` output):
// the map view's cursor. Other views have no map coordinates and ignore it.
function map(x, y) {
    cursorAt("map", "in 0..1", x, y, state.view === "map");
}

function bang() {
    report();
    mgraphics.redraw();
}

function anything() {
    error("semantic.heatmap: unknown message " + messagename +
          "; expected read, view, descriptor, axes, position, latents, map or bang\n");
}

function loaded(what) {
    if (!grids) {
        error("semantic.heatmap: " + what + " before a bundle was read; send read PATH first\n");
    }
    return !!grids;
}

function changed() {
    shown = current();
    cache.image = null;
    report();
    mgraphics.redraw();
}

function report() {
    if (!grids) {
        return;
    }
    var axesNow = shown.axes;
    outlet(1, "view", state.view);
    outlet(1, "descriptor", state.descriptor);
    outlet(1, "axes", axesNow[0], axesNow[1]);
    outlet(1, "bundle", source);
}

// --- geometry ---------------------------------------------------------------------

// What the current view shows: cell values [row][column], the axis values of the cell
// centres, names for the axes and what a click sends.
function current() {
    if (state.view === "map") {
        // continuous: its density grid's cell centres span the axes, as a view's cells do
        var m = grids.map, centres = [];
        for (var i = 0; i < m.resolution; i++) {
            centres.push((i + 0.5) / m.resolution);
        }
        return {cells: m.density, xs: centres, ys: centres, axes: ["x", "y"], message: "map",
                xLabel: "map x", yLabel: "map y", points: m.points,
                colours: state.mapLabels ? m.point_labels : m.values[state.descriptor]};
    }
    if (state.view === "plane") {
        var p = grids.descriptor_planes[state.plane];
        return {cells: p.error, xs: p.values, ys: p.values, axes: [p.x, p.y], message: "target",
                xLabel: p.x, yLabel: p.y};
    }
    var v = grids.latent_views[state.latent];
    var cells = state.view === "labels" ? v.labels : v.grids[state.descriptor];
    var xs = v.x_values, ys = v.y_values, ax = [v.x, v.y];
    if (state.swap) {
        cells = transpose(cells);
        xs = v.y_values;
        ys = v.x_values;
        ax = [v.y, v.x];
    }
    return {cells: cells, xs: xs, ys: ys, axes: ax, message: "latent",
            xLabel: "z" + ax[0] + " (" + grids.dimension_labels[String(ax[0])] + ")",
            yLabel: "z" + ax[1] + " (" + grids.dimension_labels[String(ax[1])] + ")"};
}

function transpose(m) {
    var out = [];
    for (var c = 0; c < m[0].length; c++) {
        out.push([]);
        for (var r = 0; r < m.length; r++) {
            out[c].push(m[r][c]);
        }
    }
    return out;
}

function plot(width, height) {
    return {x: MARGIN.left, y: MARGIN.top, w: Math.max(8, width - MARGIN.left - MARGIN.right),
            h: Math.max(8, height - MARGIN.top - MARGIN.bottom)};
}

// Axis value <-> pixel: cell centres sit at the axis values, linear in between.
function toPixel(value, values, start, size) {
    var n = values.length, t = (value - values[0]) / (values[n - 1] - values[0]);
    return start + (0.5 + t * (n - 1)) * size / n;
}

function fromPixel(pixel, values, start, size) {
    var n = values.length, t = ((pixel - start) * n / size - 0.5) / (n - 1);
    t = Math.max(0, Math.min(1, t));
    return values[0] + t * (values[n - 1] - values[0]);
}

function raw(name, normalised) {
    var u = units[name];
    if (!u) {
        return normalised;
    }
    var w = u.lo + normalised * (u.hi - u.lo);
    return u.warp === "log" ? Math.exp(w) : w;
}

function unitOf(name) {
    return units[name] ? units[name].unit : "normalised";
}

function format(v) {
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

// --- drawing ----------------------------------------------------------------------

function extent(cells) {
    var lo = Infinity, hi = -Infinity;
    for (var r = 0; r < cells.length; r++) {
        for (var c = 0; c < cells[r].length; c++) {
            lo = Math.min(lo, cells[r][c]);
            hi = Math.max(hi, cells[r][c]);
        }
    }
    return [lo, hi];
}

function text(g, s, x, y, size) {
    g.select_font_face(FONT);
    g.set_font_size(size);
    g.move_to(x, y);
    g.show_text(s);
}

// Everything but the cursor, drawn once per data, view or size change.
function render(width, height) {
    var g = new Offscreen(width, height);
    g.relative_coords = 0;
    g.autofill = 0;
    g.set_source_rgb(0.12, 0.12, 0.13);
    g.rectangle(0, 0, width, height);
    g.fill();
    var v = shown, p = plot(width, height), rows = v.cells.length, cols = v.cells[0].length;
    var range = extent(v.cells), span = range[1] - range[0] || 1;
    var cw = p.w / cols, ch = p.h / rows;
    if (v.points) {
        range = drawPoints(g, v, p);
        rows = 0;  // no cells: the points are the view
    }
    for (var r = 0; r < rows; r++) {
        for (var c = 0; c < cols; c++) {
            var value = v.cells[r][c], rgb;
            if (state.view === "labels") {
                rgb = category(value);
            } else if (state.view === "plane") {
                rgb = colormap(1 - (value - range[0]) / span);  // bright = reachable
            } else {
                rgb = colormap((value - range[0]) / span);
            }
            g.set_source_rgb(rgb[0], rgb[1], rgb[2]);
            // rows run bottom-up; overlap by a pixel so no seams show between cells
            g.rectangle(p.x + c * cw, p.y + p.h - (r + 1) * ch, cw + 1, ch + 1);
            g.fill();
        }
    }
    g.set_source_rgb(0.9, 0.9, 0.9);
    var ends = v.message === "map" ? [0, 1, 0, 1] : v.message === "target" ? [raw(v.axes[0], v.xs[0]), raw(v.axes[0], v.xs[cols - 1]),
        raw(v.axes[1], v.ys[0]), raw(v.axes[1], v.ys[rows - 1])] : [v.xs[0], v.xs[cols - 1], v.ys[0], v.ys[rows - 1]];
    var xName = v.xLabel + (v.message === "target" ? " (" + unitOf(v.axes[0]) + ")" : "");
    var yName = v.yLabel + (v.message === "target" ? " (" + unitOf(v.axes[1]) + ")" : "");
    text(g, format(ends[0]), p.x, p.y + p.h + 12, 9);
    text(g, format(ends[1]), p.x + p.w - g.text_measure(format(ends[1]))[0], p.y + p.h + 12, 9);
    text(g, xName, p.x + (p.w - g.text_measure(xName)[0]) / 2, p.y + p.h + 27, 11);
    text(g, format(ends[3]), 2, p.y + 9, 9);
    text(g, format(ends[2]), 2, p.y + p.h, 9);
    g.save();
    g.translate(p.x - 8, p.y + (p.h + g.text_measure(yName)[0]) / 2);
    g.rotate(-Math.PI / 2);
    text(g, yName, 0, 0, 11);
    g.restore();
    var title = state.view === "labels" ? "dominant descriptor per cell" :
        state.view === "plane" ? "reachability: miss distance" :
        state.view === "map" ? (state.mapLabels ? "dominant descriptor" : state.descriptor) + " over " +
            v.points.length + " sounds (" + grids.map.method + ")" : state.descriptor;
    text(g, title, p.x, 14, 12);
    if (state.view === "labels" || (state.view === "map" && state.mapLabels)) {
        drawKey(g, state.view === "map" ? grids.map.labels : v.cells, p.x + p.w + 8, p.y);
    } else {
        drawLegend(g, range, p.x + p.w + 8, p.y, p.h);
    }
    return new Snapshot(g);
}

// The sound map: a dot per sampled sound at its point, coloured by the chosen descriptor
// (normalised, viridis) or its cell's dominant descriptor; returns the colour range.
function drawPoints(g, v, p) {
    var range = state.mapLabels ? [0, 1] : [Math.min.apply(null, v.colours), Math.max.apply(null, v.colours)];
    var span = range[1] - range[0] || 1, size = Math.max(2, Math.min(5, Math.sqrt(p.w * p.h / v.points.length) / 2));
    for (var i = 0; i < v.points.length; i++) {
        var rgb = state.mapLabels ? category(v.colours[i]) : colormap((v.colours[i] - range[0]) / span);
        g.set_source_rgb(rgb[0], rgb[1], rgb[2]);
        g.rectangle(p.x + v.points[i][0] * p.w - size / 2, p.y + p.h - v.points[i][1] * p.h - size / 2, size, size);
        g.fill();
    }
    return range;
}

function drawLegend(g, range, x, y, h) {
    var steps = 64, plane = state.view === "plane";
    for (var i = 0; i < steps; i++) {
        var rgb = colormap(1 - i / (steps - 1));  // top of the bar is the colormap's top
        g.set_source_rgb(rgb[0], rgb[1], rgb[2]);
        g.rectangle(x, y + i * h / steps, 12, h / steps + 1);
        g.fill();
    }
    g.set_source_rgb(0.9, 0.9, 0.9);
    var top = plane ? range[0] : raw(state.descriptor, range[1]);
    var bottom = plane ? range[1] : raw(state.descriptor, range[0]);
    text(g, format(top), x + 15, y + 9, 9);
    text(g, format(bottom), x + 15, y + h, 9);
    var unit = plane ? "normalised" : unitOf(state.descriptor);
    g.save();
    g.translate(x + 28, y + (h + g.text_measure(unit)[0]) / 2);
    g.rotate(-Math.PI / 2);
    text(g, unit, 0, 0, 10);
    g.restore();
}

// The categorical key: the labels that occur in this view, with their colours.
function drawKey(g, cells, x, y) {
    var seen = {}, row = 0;
    for (var r = 0; r < cells.length; r++) {
        for (var c = 0; c < cells[r].length; c++) {
            seen[cells[r][c]] = true;
        }
    }
    for (var k = 0; k < grids.label_names.length; k++) {
        if (seen[k]) {
            var rgb = category(k);
            g.set_source_rgb(rgb[0], rgb[1], rgb[2]);
            g.rectangle(x, y + row * 13, 10, 10);
            g.fill();
            g.set_source_rgb(0.9, 0.9, 0.9);
            text(g, grids.label_names[k], x + 13, y + row * 13 + 9, 9);
            row++;
        }
    }
}

function paint() {
    var size = mgraphics.size, width = size[0], height = size[1];
    if (!grids) {
        mgraphics.set_source_rgb(0.12, 0.12, 0.13);
        mgraphics.rectangle(0, 0, width, height);
        mgraphics.fill();
        mgraphics.set_source_rgb(0.8, 0.8, 0.8);
        text(mgraphics, "read a bundle: read PATH", 8, 18, 11);
        return;
    }
    if (!cache.image || cache.width !== width || cache.height !== height) {
        cache.image = render(width, height);
        cache.width = width;
        cache.height = height;
    }
    mgraphics.image_surface_draw(cache.image);
    if (state.cursor) {
        var v = shown, p = plot(width, height);
        var cx = toPixel(state.cursor[0], v.xs, p.x, p.w);
        var cy = p.y + p.h - (toPixel(state.cursor[1], v.ys, 0, p.h));
        mgraphics.set_line_width(1.5);
        mgraphics.set_source_rgba(1, 1, 1, 0.9);
        mgraphics.move_to(cx, p.y);
        mgraphics.line_to(cx, p.y + p.h);
        mgraphics.move_to(p.x, cy);
        mgraphics.line_to(p.x + p.w, cy);
        mgraphics.stroke();
        mgraphics.set_source_rgb(1, 0.2, 0.2);
        mgraphics.arc(cx, cy, 4, 0, 2 * Math.PI);
        mgraphics.fill();
    }
}

// --- mouse ------------------------------------------------------------------------

function onclick(x, y) {
    pick(x, y);
}

function ondrag(x, y, button) {
    if (button) {  // ondrag also fires once on release
        pick(x, y);
    }
}

function pick(x, y) {
    if (!grids) {
        return;
    }
    var size = mgraphics.size, v = shown, p = plot(size[0], size[1]);
    if (x < p.x || x > p.x + p.w || y < p.y || y > p.y + p.h) {
        return;
    }
    var vx = fromPixel(x, v.xs, p.x, p.w);
    var vy = fromPixel(p.y + p.h - y, v.ys, 0, p.h);
    state.cursor = [vx, vy];
    if (v.message === "map") {
        outlet(0, "map", vx, vy);
    } else {
        outlet(0, v.message, v.axes[0], vx, v.axes[1], vy);
    }
    mgraphics.redraw();
}

function onresize() {
    cache.image = null;
    mgraphics.redraw();
}
