// A Max jsui host for Node: runs a jsui script file (the same file Max loads) in a
// sandbox whose globals behave as Max's do, with mgraphics drawn on a real canvas
// (@napi-rs/canvas, Skia). Used by the tests and to render the heatmaps for reports.
"use strict";
const fs = require("fs");
const vm = require("vm");
const { createCanvas } = require("@napi-rs/canvas");

// Max's MGraphics is a cairo-style API: build a path, then fill or stroke it (which
// clears the path); text is drawn at the current point, on its baseline.
class MGraphics {
    constructor(width, height) {
        this.resize(width, height);
        this.relative_coords = 0;
        this.autofill = 0;
    }

    resize(width, height) {
        this.canvas = createCanvas(width, height);
        this.ctx = this.canvas.getContext("2d");
        this.point = [0, 0];
        this.fontFace = "sans-serif";
        this.fontSize = 10;
        this.redraws = 0;
    }

    get size() {
        return [this.canvas.width, this.canvas.height];
    }

    init() {}
    redraw() { this.redraws += 1; }
    set_source_rgb(r, g, b) { this.set_source_rgba(r, g, b, 1); }
    set_source_rgba(r, g, b, a) {
        const css = `rgba(${Math.round(r * 255)},${Math.round(g * 255)},${Math.round(b * 255)},${a})`;
        this.ctx.fillStyle = css;
        this.ctx.strokeStyle = css;
    }
    set_line_width(w) { this.ctx.lineWidth = w; }
    rectangle(x, y, w, h) { this.ctx.rect(x, y, w, h); }
    move_to(x, y) { this.ctx.moveTo(x, y); this.point = [x, y]; }
    line_to(x, y) { this.ctx.lineTo(x, y); this.point = [x, y]; }
    arc(x, y, r, a0, a1) { this.ctx.moveTo(x + r * Math.cos(a0), y + r * Math.sin(a0)); this.ctx.arc(x, y, r, a0, a1); }
    close_path() { this.ctx.closePath(); }
    fill() { this.ctx.fill(); this.ctx.beginPath(); }
    fill_preserve() { this.ctx.fill(); }
    stroke() { this.ctx.stroke(); this.ctx.beginPath(); }
    stroke_preserve() { this.ctx.stroke(); }
    save() { this.ctx.save(); }
    restore() { this.ctx.restore(); }
    translate(x, y) { this.ctx.translate(x, y); }
    rotate(rad) { this.ctx.rotate(rad); }
    identity_matrix() { this.ctx.setTransform(1, 0, 0, 1, 0, 0); }
    select_font_face(name) { this.fontFace = name; this.font(); }
    set_font_size(size) { this.fontSize = size; this.font(); }
    font() { this.ctx.font = `${this.fontSize}px "${this.fontFace}", sans-serif`; }
    show_text(s) {
        this.ctx.fillText(String(s), this.point[0], this.point[1]);
        this.point = [this.point[0] + this.ctx.measureText(String(s)).width, this.point[1]];
    }
    text_measure(s) {
        const m = this.ctx.measureText(String(s));
        return [m.width, m.actualBoundingBoxAscent + m.actualBoundingBoxDescent];
    }
    image_surface_draw(image) { this.ctx.drawImage(image.canvas, 0, 0); }
}

// new Image(mgraphics): a snapshot of an offscreen MGraphics' pixels.
class Image {
    constructor(source) {
        if (!(source instanceof MGraphics)) {
            throw new TypeError("this host's Image takes an MGraphics");
        }
        this.canvas = createCanvas(source.canvas.width, source.canvas.height);
        this.canvas.getContext("2d").drawImage(source.canvas, 0, 0);
        this.size = [source.canvas.width, source.canvas.height];
    }
}

// Max's File, for reading: isopen, eof (length), position, readstring(n), close().
class File {
    constructor(path, access) {
        this.isopen = false;
        this.position = 0;
        this.eof = 0;
        if (access && access !== "read") {
            throw new Error("this host's File only reads");
        }
        try {
            this.data = fs.readFileSync(path, "utf8");
            this.isopen = true;
            this.eof = this.data.length;
        } catch (e) {
            this.data = "";
        }
    }
    readstring(n) {
        const s = this.data.slice(this.position, this.position + n);
        this.position += s.length;
        return s;
    }
    close() { this.isopen = false; }
}

// One jsui instance of `script` in a box of width x height pixels, in a patcher saved
// as `patcherPath` ("" for an unsaved one).
class Jsui {
    constructor(script, width = 320, height = 240, patcherPath = "") {
        this.outlets = [];
        this.posts = [];
        this.errors = [];
        this.mgraphics = new MGraphics(width, height);
        const self = this;
        const sandbox = {
            mgraphics: this.mgraphics,
            MGraphics, Image, File,
            post: (...a) => self.posts.push(a.join(" ")),
            error: (...a) => self.errors.push(a.join(" ")),
            outlet: (i, ...a) => self.outlets.push([i, ...a]),
            setinletassist() {}, setoutletassist() {},
            arrayfromargs: (args) => Array.prototype.slice.call(args),
            messagename: "",
            jsarguments: [script],
            box: { rect: [0, 0, width, height] },
            patcher: { filepath: patcherPath },
        };
        this.context = vm.createContext(sandbox);
        vm.runInContext(fs.readFileSync(script, "utf8"), this.context, { filename: script });
    }

    // A message as Max delivers it: the function of that name, else anything().
    send(name, ...args) {
        this.context.messagename = name;
        const fn = typeof this.context[name] === "function" ? this.context[name] : this.context.anything;
        if (typeof fn !== "function") {
            throw new Error(`the script has no ${name} function and no anything()`);
        }
        return fn.apply(undefined, args);
    }

    resize(width, height) {
        this.mgraphics.resize(width, height);
        this.context.box.rect = [0, 0, width, height];
        if (typeof this.context.onresize === "function") {
            this.context.onresize(width, height);
        }
    }

    // Max repaints the whole box: clear, then paint().
    paint() {
        const { ctx, canvas } = this.mgraphics;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.beginPath();
        this.context.paint();
        return canvas;
    }

    click(x, y) { this.context.onclick(x, y, 1, 0, 0, 0, 0, 0); }
    drag(x, y, button = 1) { this.context.ondrag(x, y, button, 0, 0, 0, 0, 0); }

    pixel(x, y) {
        return Array.from(this.mgraphics.ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data);
    }

    png(path) {
        fs.writeFileSync(path, this.paint().toBuffer("image/png"));
        return path;
    }
}

module.exports = { Jsui, MGraphics, Image, File };
