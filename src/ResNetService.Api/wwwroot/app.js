// The try-it page: lists the ready models of GET /models in a picker, sends the chosen picture to the chosen model's
// POST .../classify, POST .../explain and POST .../embed, and shows that model's description. Plain browser JavaScript, no framework
// and no build step. Addresses are relative, so the page also works when the service is served under a path prefix.
"use strict";

const LABELS_SHOWN_IN_FULL = 20;
const LABELS_SHOWN_OF_MANY = 10;
const EMBEDDING_STRIP_COLUMNS = 256;

const elements = {
    dropZone: document.getElementById("drop-zone"),
    input: document.getElementById("image-input"),
    status: document.getElementById("status"),
    error: document.getElementById("error"),
    errorTitle: document.getElementById("error-title"),
    errorDetail: document.getElementById("error-detail"),
    errorHint: document.getElementById("error-hint"),
    modelSelect: document.getElementById("model-select"),
    modelNotice: document.getElementById("model-notice"),
    modelLink: document.getElementById("model-link"),
    results: document.getElementById("results"),
    preview: document.getElementById("preview"),
    previewCaption: document.getElementById("preview-caption"),
    predictions: document.getElementById("predictions"),
    heatmap: document.getElementById("heatmap"),
    heatmapCaption: document.getElementById("heatmap-caption"),
    heatmapNote: document.getElementById("heatmap-note"),
    heatmapLegend: document.getElementById("heatmap-legend"),
    embeddingNote: document.getElementById("embedding-note"),
    embeddingFacts: document.getElementById("embedding-facts"),
    embeddingDimensions: document.getElementById("embedding-dimensions"),
    embeddingPositive: document.getElementById("embedding-positive"),
    embeddingStrip: document.getElementById("embedding-strip"),
    embeddingLegend: document.getElementById("embedding-legend"),
    embeddingDownload: document.getElementById("embedding-download"),
    modelStatus: document.getElementById("model-status"),
    modelInfo: document.getElementById("model-info"),
};

// The picture being shown: its file, its answer, and the object URLs to give back when another one is chosen.
let current = null;

// Until GET /models answers (or when it cannot), the page talks to the default model through its short routes.
const DEFAULT_ROUTES = { name: null, version: null, prefix: "", infoUrl: "model" };

// The model and version requests go to, and the ready versions the picker lists (the default model first).
let chosenModel = DEFAULT_ROUTES;
let readyModels = [];

/** An answer that is not 2xx, with the title, detail and type of its problem details when it has them. */
class ProblemError extends Error {
    constructor(title, detail, status, type = "", retryAfter = null) {
        super(title);
        this.title = title;
        this.detail = detail;
        this.status = status;
        this.type = type;
        this.retryAfter = retryAfter;
    }
}

async function problemOf(response) {
    const retryAfter = Number.parseInt(response.headers.get("Retry-After") || "", 10);
    const retry = Number.isFinite(retryAfter) ? retryAfter : null;
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("json")) {
        try {
            const problem = await response.json();
            if (problem && typeof problem.title === "string") {
                return new ProblemError(problem.title, problem.detail || "", response.status, problem.type || "", retry);
            }
        } catch {
            // Not JSON after all: fall through to the status line.
        }
    }

    return new ProblemError(
        `The service answered ${response.status} ${response.statusText}`.trim(),
        "",
        response.status,
        "",
        retry);
}

/** True when the answer says the chosen model or version is gone or cannot serve (404 model-not-found, 503 not-ready). */
function isModelUnavailable(error) {
    const type = error.type || "";
    return (error.status === 404 && type.endsWith(":model-not-found")) || (error.status === 503 && type.endsWith(":not-ready"));
}

/** What to do about a refusal, beyond its title and detail. */
function hintFor(error) {
    if (isModelUnavailable(error)) {
        return "The list of models was refreshed: choose a model and try again.";
    }

    if (error.retryAfter !== null && error.retryAfter !== undefined) {
        return `Try again in ${error.retryAfter} ${error.retryAfter === 1 ? "second" : "seconds"}.`;
    }

    return "";
}

async function postImage(url, file, signal) {
    const body = new FormData();
    body.append("image", file, file.name || "image");
    let response;
    try {
        response = await fetch(url, { method: "POST", body, signal });
    } catch (error) {
        if (error.name === "AbortError") {
            throw error;
        }

        throw new ProblemError("The service could not be reached", "Check that it is running, then try again.", 0);
    }

    if (!response.ok) {
        throw await problemOf(response);
    }

    return response;
}

function setStatus(text) {
    elements.status.textContent = text;
}

function showError(error) {
    const hint = hintFor(error);
    elements.errorTitle.textContent = error.title || error.message || "Something went wrong";
    elements.errorDetail.textContent = error.detail || "";
    elements.errorDetail.hidden = !error.detail;
    elements.errorHint.textContent = hint;
    elements.errorHint.hidden = !hint;
    elements.error.hidden = false;
}

function clearError() {
    elements.error.hidden = true;
    elements.errorTitle.textContent = "";
    elements.errorDetail.textContent = "";
    elements.errorHint.textContent = "";
}

function percent(probability) {
    const value = probability * 100;
    if (value > 99.9 && value < 100) {
        return `${(Math.floor(value * 100) / 100).toFixed(2)}%`; // 99.97%, not a rounded-up 100.0%
    }

    return value >= 10 || value === 0 ? `${value.toFixed(1)}%` : `${value.toPrecision(2)}%`;
}

function release(state) {
    if (!state) {
        return;
    }

    state.controller.abort();
    for (const url of state.urls) {
        URL.revokeObjectURL(url);
    }
}

function renderPredictions(state) {
    elements.predictions.replaceChildren();
    for (const prediction of state.predictions) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "bar";
        button.dataset.index = String(prediction.index);
        button.dataset.probability = String(prediction.probability); // as the service answered it, unrounded
        button.setAttribute("aria-pressed", "false");

        const label = document.createElement("span");
        label.className = "bar-label";
        label.textContent = prediction.label;
        const value = document.createElement("span");
        value.className = "bar-value";
        value.textContent = percent(prediction.probability);
        const track = document.createElement("span");
        track.className = "bar-track";
        track.setAttribute("aria-hidden", "true");
        const fill = document.createElement("span");
        fill.className = "bar-fill";
        fill.style.width = `${Math.max(0, Math.min(1, prediction.probability)) * 100}%`;
        track.append(fill);

        button.append(label, value, track);
        button.addEventListener("click", () => explain(state, prediction));
        item.append(button);
        elements.predictions.append(item);
    }
}

function markExplained(prediction) {
    for (const button of elements.predictions.querySelectorAll(".bar")) {
        button.setAttribute("aria-pressed", String(button.dataset.index === String(prediction.index)));
    }
}

function resetHeatmap() {
    elements.heatmap.hidden = true;
    elements.heatmap.removeAttribute("src");
    elements.heatmapCaption.textContent = "";
    elements.heatmapLegend.hidden = true;
    elements.heatmapNote.textContent = "";
    elements.heatmapNote.hidden = true;
}

function showHeatmapNote(text) {
    resetHeatmap();
    elements.heatmapNote.textContent = text;
    elements.heatmapNote.hidden = false;
}

/** Asks POST /explain for a heatmap of one class over the picture; the top guess is asked without a class. */
async function explain(state, prediction) {
    if (state !== current) {
        return;
    }

    markExplained(prediction);
    const isTop = prediction === state.predictions[0];
    const url = state.model.prefix + (isTop ? "explain" : `explain?class=${encodeURIComponent(prediction.index)}`);
    const asked = ++state.explanations;
    elements.heatmapNote.hidden = true;
    elements.heatmap.setAttribute("aria-busy", "true");
    setStatus(`Finding where the network sees “${prediction.label}”…`);
    try {
        const response = await postImage(url, state.file, state.controller.signal);
        const blob = await response.blob();
        if (state !== current || asked !== state.explanations) {
            return; // A newer picture or class was asked for meanwhile.
        }

        // The answer names the class it shows; it is one of the guesses (the top one when none was asked for).
        const index = response.headers.get("X-Class-Index");
        const shown = state.predictions.find((p) => String(p.index) === index) || prediction;
        const source = URL.createObjectURL(blob);
        state.urls.push(source);
        elements.heatmap.src = source;
        elements.heatmap.alt = `Heatmap over your picture: the warmer, the more it counted for “${shown.label}”`;
        elements.heatmap.hidden = false;
        elements.heatmapCaption.textContent = `Explained: ${shown.label} (${percent(shown.probability)})`;
        elements.heatmapLegend.hidden = false;
        setStatus("Done.");
    } catch (error) {
        if (error.name === "AbortError" || state !== current || asked !== state.explanations) {
            return;
        }

        if (isModelUnavailable(error)) {
            showHeatmapNote(`${error.title} ${hintFor(error)}`);
            setStatus("");
            await refreshModels();
        } else if (error.status === 404 || error.status === 405) {
            showHeatmapNote("This service has no heatmaps (POST /explain is not there).");
            setStatus("Done.");
        } else {
            showHeatmapNote(error.detail ? `${error.title}: ${error.detail}` : error.title);
            setStatus("");
        }
    } finally {
        elements.heatmap.removeAttribute("aria-busy");
    }
}

function resetEmbedding() {
    elements.embeddingNote.textContent = "";
    elements.embeddingFacts.hidden = true;
    elements.embeddingStrip.hidden = true;
    elements.embeddingLegend.hidden = true;
    elements.embeddingDownload.hidden = true;
    elements.embeddingDownload.removeAttribute("href");
}

/**
 * Draws the values as a strip, one column per run of neighbouring values (its largest), the more opaque the larger.
 * Embeddings come out of a ReLU then an average, so no value is below zero; zero leaves the strip's background.
 */
function drawEmbeddingStrip(values, largest) {
    const canvas = elements.embeddingStrip;
    const columns = Math.min(values.length, EMBEDDING_STRIP_COLUMNS);
    const perColumn = Math.ceil(values.length / columns);
    canvas.width = columns;
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = getComputedStyle(canvas).color; // the page's accent, light or dark
    for (let column = 0; column < columns; column++) {
        const run = values.slice(column * perColumn, (column + 1) * perColumn);
        const value = run.length > 0 ? Math.max(...run) : 0;
        context.globalAlpha = largest > 0 ? Math.max(0, Math.min(1, value / largest)) : 0;
        context.fillRect(column, 0, 1, canvas.height);
    }

    context.globalAlpha = 1;
    canvas.setAttribute("aria-label", perColumn > 1
        ? `A strip of the ${values.length} values, ${perColumn} to a column: the darker, the larger`
        : `A strip of the ${values.length} values: the darker, the larger`);
}

/** The file name a downloaded embedding gets: the model and version it came from. */
function embeddingFileName(state, answer) {
    const name = (state.model.name || answer.model || "model").replace(/[^A-Za-z0-9._-]+/g, "-");
    return state.model.version === null ? `embedding-${name}.json` : `embedding-${name}-v${state.model.version}.json`;
}

/**
 * Asks the chosen model's POST .../embed?normalize=true for the picture's embedding and shows its size, how many values
 * are above zero, a strip of them and a link to download them. A model without an embedding says why in the panel.
 */
async function embed(state) {
    resetEmbedding();
    elements.embeddingNote.textContent = "Working out the embedding…";
    try {
        const response = await postImage(`${state.model.prefix}embed?normalize=true`, state.file, state.controller.signal);
        const answer = await response.json();
        if (state !== current) {
            return;
        }

        const values = answer.embedding || [];
        const largest = values.reduce((max, value) => Math.max(max, value), 0);
        elements.embeddingDimensions.textContent = String(answer.dimensions);
        elements.embeddingPositive.textContent = String(values.filter((value) => value > 0).length);
        drawEmbeddingStrip(values, largest);
        elements.embeddingLegend.lastElementChild.textContent = `${largest.toPrecision(3)}, the largest`;

        const saved = {
            model: answer.model,
            version: state.model.version,
            dimensions: answer.dimensions,
            normalized: answer.normalized,
            embedding: values,
        };
        const download = URL.createObjectURL(new Blob([JSON.stringify(saved)], { type: "application/json" }));
        state.urls.push(download);
        elements.embeddingDownload.href = download;
        elements.embeddingDownload.download = embeddingFileName(state, answer);

        elements.embeddingNote.textContent = "";
        elements.embeddingFacts.hidden = false;
        elements.embeddingStrip.hidden = false;
        elements.embeddingLegend.hidden = false;
        elements.embeddingDownload.hidden = false;
    } catch (error) {
        if (error.name === "AbortError" || state !== current) {
            return;
        }

        // The problem says why (a model with no embedding answers 400 output-unavailable); refreshing the list of models
        // after a model went away is left to classify and explain, which ask the same model.
        const hint = isModelUnavailable(error) ? "" : hintFor(error);
        const text = error.detail ? `${error.title}: ${error.detail}` : (error.title || error.message);
        elements.embeddingNote.textContent = hint ? `${text} ${hint}` : text;
    }
}

/** Shows the picture, asks the chosen model's POST .../classify for its top classes, then a heatmap of the best one and its embedding. */
async function classify(file) {
    release(current);
    const state = { file, model: chosenModel, controller: new AbortController(), urls: [], predictions: [], explanations: 0 };
    current = state;

    clearError();
    elements.results.hidden = true;
    elements.predictions.replaceChildren();
    resetHeatmap();
    resetEmbedding();
    setStatus(`Looking at ${file.name || "your picture"}${state.model.name ? ` with ${describeChoice(state.model)}` : ""}…`);

    try {
        // Without `top` the service answers its default: five classes, or all of a model that has fewer.
        const response = await postImage(`${state.model.prefix}classify`, file, state.controller.signal);
        const answer = await response.json();
        if (state !== current) {
            return;
        }

        state.predictions = answer.predictions || [];
        const preview = URL.createObjectURL(file);
        state.urls.push(preview);
        elements.preview.src = preview;
        elements.preview.alt = `The picture you chose: ${file.name || "no name"}`;
        elements.previewCaption.textContent = file.name || "";
        renderPredictions(state);
        elements.results.hidden = false;
        embed(state); // Beside the heatmap, in its own panel: it shows its own answer or problem.
        if (state.predictions.length > 0) {
            await explain(state, state.predictions[0]);
        } else {
            setStatus("Done.");
        }
    } catch (error) {
        if (error.name === "AbortError" || state !== current) {
            return;
        }

        setStatus("");
        showError(error);
        if (isModelUnavailable(error)) {
            await refreshModels();
        }
    }
}

function chosen(files) {
    const file = files && files[0];
    if (file) {
        classify(file);
    }
}

// A small picture (a 28 x 28 sample, the heatmap at the network's input size) is scaled up with sharp pixels, not blurred.
for (const image of [elements.preview, elements.heatmap]) {
    image.addEventListener("load", () => {
        image.classList.toggle("pixelated", image.naturalWidth < image.clientWidth);
    });
}

elements.input.addEventListener("change", () => {
    chosen(elements.input.files);
    elements.input.value = ""; // Choosing the same file again classifies it again.
});

// Dropping anywhere on the page works; the zone lights up while a file is dragged over it.
for (const name of ["dragenter", "dragover"]) {
    document.addEventListener(name, (event) => {
        if (event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files")) {
            event.preventDefault();
            event.dataTransfer.dropEffect = "copy";
            elements.dropZone.classList.add("dragging");
        }
    });
}

document.addEventListener("dragleave", (event) => {
    if (!event.relatedTarget) {
        elements.dropZone.classList.remove("dragging");
    }
});

document.addEventListener("drop", (event) => {
    elements.dropZone.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length > 0) {
        event.preventDefault();
        chosen(event.dataTransfer.files);
    }
});

function describeClasses(model) {
    const labels = model.labels || [];
    if (labels.length === 0) {
        return String(model.classes);
    }

    if (labels.length <= LABELS_SHOWN_IN_FULL) {
        return `${model.classes}: ${labels.join(", ")}`;
    }

    const first = labels.slice(0, LABELS_SHOWN_OF_MANY).join(", ");
    return `${model.classes}: ${first} and ${labels.length - LABELS_SHOWN_OF_MANY} more`;
}

function describeModel(model, choice) {
    const unknown = "not recorded";
    const size = model.preprocessing && model.preprocessing.imageSize;
    const fields = {
        name: model.name,
        version: choice.version === null ? unknown : String(choice.version),
        precision: model.precision || unknown,
        architecture: model.architecture || unknown,
        variant: model.variant || unknown,
        dataset: model.dataset || unknown,
        testAccuracy: typeof model.testAccuracy === "number" ? `${(model.testAccuracy * 100).toFixed(2)}%` : unknown,
        classes: describeClasses(model),
        inputSize: size ? `${size} × ${size} pixels, ${model.preprocessing.colorMode || "rgb"}` : unknown,
        executionProvider: model.executionProvider ? model.executionProvider.name : unknown,
    };
    const notes = {
        precision: model.quantization && model.quantization.scheme,
        executionProvider: model.executionProvider && model.executionProvider.fallbackReason,
    };
    for (const [field, text] of Object.entries(fields)) {
        const cell = elements.modelInfo.querySelector(`[data-field="${field}"]`);
        cell.textContent = text;
        if (notes[field]) {
            const why = document.createElement("small");
            why.textContent = notes[field];
            cell.append(why);
        }
    }
}

/**
 * Shows the description of the chosen model and version (GET /models/{name}/versions/{version}). When it is gone the list
 * is read again, unless that list is what chose it: a model the list names but cannot describe must not loop.
 */
async function loadModel(choice, { refreshWhenGone = true } = {}) {
    elements.modelInfo.hidden = true;
    elements.modelStatus.textContent = "Loading…";
    elements.modelStatus.hidden = false;
    try {
        const response = await fetch(choice.infoUrl, { headers: { Accept: "application/json" } });
        if (!response.ok) {
            throw await problemOf(response);
        }

        const model = await response.json();
        if (choice !== chosenModel) {
            return; // Another model was chosen meanwhile.
        }

        describeModel(model, choice);
        elements.modelStatus.hidden = true;
        elements.modelInfo.hidden = false;
    } catch (error) {
        if (choice !== chosenModel) {
            return;
        }

        elements.modelStatus.textContent = error.detail ? `${error.title}: ${error.detail}` : (error.title || error.message);
        if (refreshWhenGone && choice.name !== null && isModelUnavailable(error)) {
            await refreshModels();
        }
    }
}

function describeChoice(choice) {
    return `“${choice.name}” version ${choice.version}`;
}

function keyOf(choice) {
    return `${choice.name}/${choice.version}`;
}

/** Every ready version of every model GET /models lists, the default model first, each model's latest version first. */
function readyVersionsOf(answer) {
    const choices = [];
    for (const model of answer.models || []) {
        const ready = (model.versions || []).filter((v) => v.state === "ready").map((v) => v.version).sort((a, b) => b - a);
        for (const version of ready) {
            const path = `models/${encodeURIComponent(model.name)}/versions/${encodeURIComponent(version)}`;
            choices.push({
                name: model.name,
                version,
                isDefault: model.default === true,
                isLatest: version === ready[0] && ready.length > 1,
                prefix: `${path}/`,
                infoUrl: path,
            });
        }
    }

    return choices.sort((a, b) => Number(b.isDefault) - Number(a.isDefault)); // a stable sort: the service's order otherwise
}

function renderPicker() {
    const select = elements.modelSelect;
    select.replaceChildren();
    for (const choice of readyModels) {
        const option = document.createElement("option");
        option.value = keyOf(choice);
        const notes = [choice.isDefault ? "default" : "", choice.isLatest ? "latest" : ""].filter(Boolean);
        option.textContent = `${choice.name}, version ${choice.version}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
        select.append(option);
    }

    if (readyModels.length === 0) {
        const option = document.createElement("option");
        option.value = "";
        option.textContent = "No model is ready";
        select.append(option);
    }

    select.disabled = readyModels.length === 0;
    if (chosenModel.name !== null) {
        select.value = keyOf(chosenModel);
    }
}

function showModelNotice(text) {
    elements.modelNotice.textContent = text;
    elements.modelNotice.hidden = !text;
}

/** Makes the choice the model requests go to, describes it, and (when asked) classifies the shown picture again. */
function choose(choice, { reclassify, fromList = false }) {
    chosenModel = choice;
    elements.modelSelect.value = keyOf(choice);
    elements.modelLink.href = choice.infoUrl;
    loadModel(choice, { refreshWhenGone: !fromList });
    if (reclassify && current) {
        classify(current.file);
    }
}

/**
 * Reads GET /models again and lists its ready versions. A chosen version that is no longer among them gets a notice,
 * and the default model (the first listed) is chosen instead. Without a list the page keeps the default model's short routes.
 */
async function refreshModels() {
    let answer;
    try {
        const response = await fetch("models", { headers: { Accept: "application/json" } });
        if (!response.ok) {
            throw await problemOf(response);
        }

        answer = await response.json();
    } catch (error) {
        if (readyModels.length === 0) {
            elements.modelSelect.replaceChildren(new Option("The default model", ""));
            if (chosenModel === DEFAULT_ROUTES) {
                loadModel(DEFAULT_ROUTES);
            }
        }

        return;
    }

    readyModels = readyVersionsOf(answer);
    const before = chosenModel.name === null ? null : chosenModel;
    renderPicker();
    if (before && readyModels.some((choice) => keyOf(choice) === keyOf(before))) {
        return; // Still served: the choice stands.
    }

    if (readyModels.length === 0) {
        showModelNotice(before ? `${describeChoice(before)} is no longer served, and no model is ready now.` : "No model is ready yet.");
        chosenModel = DEFAULT_ROUTES;
        elements.modelLink.href = DEFAULT_ROUTES.infoUrl;
        loadModel(DEFAULT_ROUTES);
        return;
    }

    const fallback = readyModels[0];
    showModelNotice(before ? `${describeChoice(before)} is no longer served; now using ${describeChoice(fallback)}.` : "");
    choose(fallback, { reclassify: false, fromList: true });
}

elements.modelSelect.addEventListener("change", () => {
    const choice = readyModels.find((c) => keyOf(c) === elements.modelSelect.value);
    if (choice && keyOf(choice) !== keyOf(chosenModel)) {
        showModelNotice("");
        choose(choice, { reclassify: true });
    }
});

// Models come and go while the page is open: the list is read again when the page is shown again.
document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
        refreshModels();
    }
});

refreshModels();
