// [semantic.heatmap] rendered for real: the script Max loads, on a Skia canvas, with a
// grids.json written by engine.build (the Makefile builds the fixture bundle first).
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { Jsui } = require("../host/jsui");

const SCRIPT = path.join(__dirname, "..", "semantic.heatmap.js");
const BUNDLE = process.env.SEMANTIC_FIXTURE || path.join(__dirname, "..", "..", "build", "heatmap-fixture.semantic");
const SHOTS = path.join(__dirname, "..", "..", "build", "heatmap-test");
const W = 400, H = 300;
const VIRIDIS_TOP = [253, 231, 37], VIRIDIS_BOTTOM = [68, 1, 84];
const grids = JSON.parse(fs.readFileSync(path.join(BUNDLE, "grids.json"), "utf8"));

function open() {
    const ui = new Jsui(SCRIPT, W, H);
    ui.send("read", BUNDLE);
    assert.deepStrictEqual(ui.errors, []);
    return ui;
}

// Pixel centre of cell (row, column) of an N x M grid drawn in the script's plot area;
// rows run bottom-up.
function cellCentre(ui, row, col, rows, cols) {
    const p = ui.context.plot(W, H);
    return [p.x + (col + 0.5) * p.w / cols, p.y + p.h - (row + 0.5) * p.h / rows];
}

function near(actual, expected, tol = 3) {
    return expected.every((v, i) => Math.abs(actual[i] - v) <= tol);
}

function argExtreme(m, sign) {
    let best = [0, 0];
    m.forEach((row, r) => row.forEach((v, c) => {
        if (sign * v > sign * m[best[0]][best[1]]) best = [r, c];
    }));
    return best;
}

// Pixels that look like the script's light-grey text in a rectangle.
function textPixels(ui, x0, y0, x1, y1) {
    let n = 0;
    for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
            const [r, g, b] = ui.pixel(x, y);
            if (r > 150 && Math.abs(r - g) < 12 && Math.abs(g - b) < 12) n++;
        }
    }
    return n;
}

test.before(() => fs.mkdirSync(SHOTS, { recursive: true }));

test("the heatmap's argmax cell has the colormap's top colour, its argmin the bottom", () => {
    const ui = open();
    const view = grids.latent_views[0];
    for (const name of [grids.descriptors[0], grids.descriptors[4]]) {
        ui.send("descriptor", name);
        ui.png(path.join(SHOTS, `heatmap-${name}.png`));
        const cells = view.grids[name];
        const [r, c] = argExtreme(cells, 1);
        assert.ok(near(ui.pixel(...cellCentre(ui, r, c, cells.length, cells[0].length)), VIRIDIS_TOP),
            `${name} argmax cell (${r}, ${c}) is ${ui.pixel(...cellCentre(ui, r, c, cells.length, cells[0].length))}`);
        const [r0, c0] = argExtreme(cells, -1);
        assert.ok(near(ui.pixel(...cellCentre(ui, r0, c0, cells.length, cells[0].length)), VIRIDIS_BOTTOM));
    }
});

test("the cursor is drawn where position puts it", () => {
    const ui = open();
    const view = grids.latent_views[0];
    const n = view.x_values.length;
    const at = cellCentre(ui, 5, 2, n, n);
    ui.paint();
    const before = ui.pixel(...at);
    ui.send("position", view.x_values[2], view.y_values[5]);
    ui.png(path.join(SHOTS, "cursor.png"));
    assert.ok(near(ui.pixel(...at), [255, 51, 51], 10), `cursor pixel is ${ui.pixel(...at)}, was ${before}`);
    // and only there: the centre of a far cell keeps its colour
    const far = cellCentre(ui, n - 2, n - 2, n, n);
    const uiPlain = open();
    uiPlain.paint();
    assert.deepStrictEqual(ui.pixel(...far), uiPlain.pixel(...far));
});

test("latents moves the cursor to the playing latent's coordinates on the view's axes", () => {
    const ui = open();
    const view = grids.latent_views[0];
    const n = view.x_values.length;
    const z = grids.reference_latent.map(() => 0);
    z[view.x] = view.x_values[n - 3];
    z[view.y] = view.y_values[1];
    ui.send("latents", ...z);
    ui.paint();
    assert.ok(near(ui.pixel(...cellCentre(ui, 1, n - 3, n, n)), [255, 51, 51], 10));
    ui.send("latents", 1, 2);
    assert.match(ui.errors.pop(), /latents expects the whole latent vector \(\d+ numbers\), got 2/);
});

test("axis labels, tick values and the legend are drawn", () => {
    const ui = open();
    ui.paint();
    const p = ui.context.plot(W, H);
    assert.ok(textPixels(ui, p.x, p.y + p.h + 16, p.x + p.w, H) > 40, "x axis label");
    assert.ok(textPixels(ui, 0, p.y, p.x - 2, p.y + p.h) > 60, "y axis label and ticks");
    assert.ok(textPixels(ui, p.x + p.w + 22, p.y, W, p.y + p.h) > 40, "legend values and unit");
    assert.ok(textPixels(ui, p.x, 0, W, p.y) > 20, "title");
    // the colour bar runs from the colormap's top colour down to its bottom
    assert.ok(near(ui.pixel(p.x + p.w + 14, p.y + 1), VIRIDIS_TOP));
    assert.ok(near(ui.pixel(p.x + p.w + 14, p.y + p.h - 1), VIRIDIS_BOTTOM));
    // the y label names the dimension by the descriptor it drives: present in the posted state
    ui.send("bang");
    const axes = ui.outlets.filter((o) => o[0] === 1 && o[1] === "axes").pop();
    assert.deepStrictEqual(axes.slice(2), [grids.latent_views[0].x, grids.latent_views[0].y]);
});

test("the label map uses one colour per label, with a key", () => {
    const ui = open();
    ui.send("view", "labels");
    ui.png(path.join(SHOTS, "labels.png"));
    const labels = grids.latent_views[0].labels, n = labels.length;
    const colours = new Map();
    for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) {
            const key = ui.pixel(...cellCentre(ui, r, c, n, n)).slice(0, 3).join(",");
            if (!colours.has(labels[r][c])) colours.set(labels[r][c], key);
            assert.strictEqual(key, colours.get(labels[r][c]), `cell (${r}, ${c})`);
        }
    }
    assert.strictEqual(new Set(colours.values()).size, colours.size, "distinct labels get distinct colours");
    const p = ui.context.plot(W, H);
    // one swatch per label present, in the key's column
    for (let k = 0; k < colours.size; k++) {
        const swatch = ui.pixel(p.x + p.w + 13, p.y + k * 13 + 5).slice(0, 3).join(",");
        assert.ok([...colours.values()].includes(swatch), `key row ${k}: ${swatch}`);
    }
    assert.ok(textPixels(ui, p.x + p.w + 21, p.y, W, p.y + colours.size * 13) > 20 * colours.size);
});

test("clicks and drags on a latent view send latent i v j w", () => {
    const ui = open();
    const view = grids.latent_views[0];
    const n = view.x_values.length;
    ui.click(...cellCentre(ui, 1, n - 3, n, n));
    const [out, msg, i, v, j, w] = ui.outlets.pop();
    assert.deepStrictEqual([out, msg, i, j], [0, "latent", view.x, view.y]);
    assert.ok(Math.abs(v - view.x_values[n - 3]) < 1e-3 && Math.abs(w - view.y_values[1]) < 1e-3, `${v} ${w}`);
    // a drag past the edge clamps to the grid's range; a release sends nothing
    const p = ui.context.plot(W, H);
    ui.drag(p.x + p.w, p.y);
    const last = ui.outlets.pop();
    assert.ok(Math.abs(last[3] - view.x_values[n - 1]) < 1e-3 && Math.abs(last[5] - view.y_values[n - 1]) < 1e-3);
    const count = ui.outlets.length;
    ui.drag(p.x + 10, p.y + 10, 0);
    ui.click(2, 2);  // outside the plot
    assert.strictEqual(ui.outlets.length, count);
});

test("swapped axes transpose the view and the messages", () => {
    const ui = open();
    const view = grids.latent_views[0];
    ui.send("axes", view.y, view.x);
    ui.send("descriptor", grids.descriptors[0]);
    const cells = view.grids[grids.descriptors[0]], n = cells.length;
    const [r, c] = argExtreme(cells, 1);
    ui.paint();
    assert.ok(near(ui.pixel(...cellCentre(ui, c, r, n, n)), VIRIDIS_TOP));  // transposed
    ui.click(...cellCentre(ui, 0, 1, n, n));
    const [, msg, i, v, j, w] = ui.outlets.pop();
    assert.deepStrictEqual([msg, i, j], ["latent", view.y, view.x]);
    assert.ok(Math.abs(v - view.y_values[1]) < 1e-3 && Math.abs(w - view.x_values[0]) < 1e-3);
});

test("the descriptor plane sends target a v b w in normalised units", () => {
    const ui = open();
    ui.send("view", "plane");
    const plane = grids.descriptor_planes[1];
    ui.send("axes", plane.x, plane.y);
    ui.png(path.join(SHOTS, "plane.png"));
    const m = plane.values.length;
    ui.click(...cellCentre(ui, m - 1, 2, m, m));
    const [, msg, a, v, b, w] = ui.outlets.pop();
    assert.deepStrictEqual([msg, a, b], ["target", plane.x, plane.y]);
    assert.ok(Math.abs(v - plane.values[2]) < 1e-3 && Math.abs(w - plane.values[m - 1]) < 1e-3);
    // the best-reached target is the brightest cell
    const [r, c] = argExtreme(plane.error, -1);
    assert.ok(near(ui.pixel(...cellCentre(ui, r, c, m, m)), VIRIDIS_TOP));
});

// Pixel of a point of the sound map (x, y in 0..1) in the script's plot area.
function mapPixel(ui, x, y) {
    const p = ui.context.plot(W, H);
    return [p.x + x * p.w, p.y + p.h - y * p.h];
}

test("the map view draws each sampled sound at its point, coloured by the chosen descriptor", () => {
    const ui = open();
    const m = grids.map, name = grids.descriptors[1], values = m.values[name], n = m.points.length;
    ui.send("view", "map");
    ui.send("descriptor", name);
    ui.png(path.join(SHOTS, "map.png"));
    // the last point drawn is on top: its colour is its value on the colormap
    const lo = Math.min(...values), hi = Math.max(...values), t = (values[n - 1] - lo) / (hi - lo);
    const expected = ui.context.colormap(t).map((c) => Math.round(255 * c));
    assert.ok(near(ui.pixel(...mapPixel(ui, ...m.points[n - 1])), expected, 4),
        `${ui.pixel(...mapPixel(ui, ...m.points[n - 1]))} vs ${expected}`);
    // a corner of the plot far from every point keeps the background
    const empty = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([x, y]) => [x, y, Math.min(...m.points.map(
        ([px, py]) => Math.hypot(px - x, py - y)))]).sort((a, b) => b[2] - a[2])[0];
    if (empty[2] > 0.05) {
        const [x, y] = mapPixel(ui, empty[0], empty[1]);
        assert.ok(near(ui.pixel(x + (empty[0] ? -2 : 2), y + (empty[1] ? 2 : -2)), [31, 31, 33], 3));
    }
    // coloured by the dominant descriptor of each point's cell, with a key
    ui.send("view", "map", "labels");
    ui.paint();
    const rgb = ui.context.category(m.point_labels[n - 1]).map((c) => Math.round(255 * c));
    assert.ok(near(ui.pixel(...mapPixel(ui, ...m.points[n - 1])), rgb, 4));
    assert.deepStrictEqual(ui.errors, []);
});

test("a click or drag on the map sends map x y; [semantic~]'s map x y moves the cursor", () => {
    const ui = open();
    ui.send("view", "map");
    ui.click(...mapPixel(ui, 0.25, 0.75));
    const [out, msg, x, y] = ui.outlets.pop();
    assert.deepStrictEqual([out, msg], [0, "map"]);
    assert.ok(Math.abs(x - 0.25) < 0.01 && Math.abs(y - 0.75) < 0.01, `${x} ${y}`);
    ui.drag(...mapPixel(ui, 0.6, 0.4));
    const dragged = ui.outlets.pop();
    assert.ok(Math.abs(dragged[2] - 0.6) < 0.01 && Math.abs(dragged[3] - 0.4) < 0.01);
    ui.send("map", 0.7, 0.2);
    ui.paint();
    assert.ok(near(ui.pixel(...mapPixel(ui, 0.7, 0.2)), [255, 51, 51], 10));
    // latents are for the latent views: the map's cursor stays
    ui.send("latents", ...grids.reference_latent);
    ui.paint();
    assert.ok(near(ui.pixel(...mapPixel(ui, 0.7, 0.2)), [255, 51, 51], 10));
    assert.deepStrictEqual(ui.errors, []);
});

test("a bundle built before maps says so when asked for its map", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "heatmap-"));
    fs.writeFileSync(path.join(tmp, "grids.json"), JSON.stringify({ ...grids, map: undefined }));
    const ui = new Jsui(SCRIPT, W, H);
    ui.send("read", path.join(tmp, "grids.json"));
    ui.send("view", "map");
    assert.match(ui.errors.pop(), /this bundle has no sound map \(built before maps were drawn\); rebuild it/);
    const bad = { ...grids, map: { ...grids.map, points: grids.map.points.map(([x, y], i) => (i ? [x, y] : [1.5, y])) } };
    fs.writeFileSync(path.join(tmp, "grids.json"), JSON.stringify(bad));
    ui.send("read", path.join(tmp, "grids.json"));
    assert.match(ui.errors.pop(), /map point 0 lies outside 0\.\.1; kept what was loaded before/);
});

test("the cells are rendered once per data or size change, not per paint", () => {
    const ui = open();
    ui.paint();
    const image = ui.context.cache.image;
    ui.send("position", 0, 0);
    ui.paint();
    assert.strictEqual(ui.context.cache.image, image);
    ui.resize(300, 200);
    ui.paint();
    assert.notStrictEqual(ui.context.cache.image, image);
    assert.deepStrictEqual(ui.context.cache.image.size, [300, 200]);
});

test("missing or malformed grids.json and wrong messages post clear errors, keep what was loaded", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "heatmap-"));
    const ui = new Jsui(SCRIPT, W, H);
    ui.paint();  // nothing loaded yet: a hint, no exception
    ui.send("descriptor", "loudness");
    assert.match(ui.errors.pop(), /before a bundle was read; send read PATH/);
    ui.send("read", path.join(tmp, "nowhere.semantic"));
    assert.match(ui.errors.pop(), /cannot open .*nowhere\.semantic\/grids\.json: expected a bundle folder/);
    ui.send("read", BUNDLE);
    const good = ui.paint().toBuffer("image/png");
    const cases = [["{not json", /not valid JSON/], ["[1, 2]", /the file is not a JSON object/],
        [JSON.stringify({ ...grids, schema_version: 2 }), /schema_version 2 \(this heatmap reads schema_version 1\)/],
        [JSON.stringify({ ...grids, latent_views: undefined }), /no 'latent_views' key/],
        [JSON.stringify({ ...grids, latent_views: [grids.latent_views[0], { ...grids.latent_views[1], labels: [[0]] }] }),
            /latent view 1 has no \d+x\d+ label map/],
        [JSON.stringify({ ...grids, descriptor_planes: [{ ...grids.descriptor_planes[0], error: [[0, "x"]] }] }),
            /descriptor plane 0 has no values and matching error grid/]];
    for (const [text, pattern] of cases) {
        fs.writeFileSync(path.join(tmp, "grids.json"), text);
        ui.send("read", path.join(tmp, "grids.json"));
        const message = ui.errors.pop();
        assert.match(message, pattern);
        assert.match(message, /kept what was loaded before/);
        assert.ok(ui.paint().toBuffer("image/png").equals(good), "the loaded view is unchanged");
    }
    ui.send("view", "spectrogram");
    assert.match(ui.errors.pop(), /view expects one of heatmap, labels, plane, map \(or map labels\), got spectrogram/);
    ui.send("view", "plane", "labels");
    assert.match(ui.errors.pop(), /view expects one of .*, got plane labels/);
    ui.send("map", "left", 1);
    assert.match(ui.errors.pop(), /map expects two numbers in 0\.\.1/);
    ui.send("descriptor", "sparkle");
    assert.match(ui.errors.pop(), /unknown descriptor sparkle; this bundle has loudness/);
    ui.send("axes", 99, 98);
    assert.match(ui.errors.pop(), /no grid for axes 99 98; this bundle has/);
    ui.send("position", "left", 1);
    assert.match(ui.errors.pop(), /position expects two numbers/);
    ui.send("frobnicate", 1);
    assert.match(ui.errors.pop(), /unknown message frobnicate; expected read, view/);
    assert.deepStrictEqual(ui.errors, []);
});

test("a relative path is read from the patcher's folder", () => {
    const folder = path.dirname(BUNDLE);
    const ui = new Jsui(SCRIPT, W, H, path.join(folder, "some.maxpat"));
    ui.send("read", path.basename(BUNDLE));
    assert.deepStrictEqual(ui.errors, []);
    ui.send("bang");
    assert.deepStrictEqual(ui.outlets.pop(), [1, "bundle", path.join(BUNDLE, "grids.json")]);
    const unsaved = new Jsui(SCRIPT, W, H);
    unsaved.send("read", "no-such.semantic");
    assert.match(unsaved.errors.pop(), /cannot open no-such\.semantic\/grids\.json/);
});

test("typing [semantic.heatmap] in Max gives this script in a jsui", () => {
    const init = fs.readFileSync(path.join(__dirname, "..", "..", "package", "max", "init",
        "semantic-objectmappings.txt"), "utf8");
    const sub = init.split(";").map((s) => s.trim().split(/\s+/)).find((w) => w[1] === "definesubstitution");
    assert.deepStrictEqual(sub.slice(2, 4), ["semantic.heatmap", "jsui"]);
    const file = sub[sub.indexOf("@filename") + 1];
    assert.ok(fs.existsSync(path.join(__dirname, "..", file)), `${file} is the script the tests run`);
});

test("render.js writes a PNG per view into the report and links them once", () => {
    const { render } = require("../render");
    const bundle = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
    for (const name of ["grids.json", "manifest.json"]) fs.copyFileSync(path.join(BUNDLE, name), path.join(bundle, name));
    fs.mkdirSync(path.join(bundle, "report"));
    fs.writeFileSync(path.join(bundle, "report", "index.html"), "<html><body><h1>report</h1></body></html>");
    render(bundle);
    const files = render(bundle);  // twice: the section is replaced, not repeated
    assert.ok(files.length >= 4 && files.some((f) => f.endsWith("jsui-map.png")), files);
    for (const f of files) {
        const png = fs.readFileSync(f);
        assert.strictEqual(png.subarray(1, 4).toString(), "PNG", f);
    }
    const page = fs.readFileSync(path.join(bundle, "report", "index.html"), "utf8");
    assert.strictEqual(page.split("<!-- semantic.heatmap -->").length, 2, "one linked section");
    for (const f of files) assert.ok(page.includes(`src="${path.basename(f)}"`), f);
});
