// The try-it page: sends the chosen picture to POST /classify and POST /explain, and shows GET /model.
// Plain browser JavaScript, no framework and no build step. Addresses are relative, so the page also works
// when the service is served under a path prefix.
"use strict";

const TOP = 5;

const elements = {
    dropZone: document.getElementById("drop-zone"),
    input: document.getElementById("image-input"),
    status: document.getElementById("status"),
    error: document.getElementById("error"),
    errorTitle: document.getElementById("error-title"),
    errorDetail: document.getElementById("error-detail"),
    results: document.getElementById("results"),
    preview: document.getElementById("preview"),
    previewCaption: document.getElementById("preview-caption"),
    predictions: document.getElementById("predictions"),
    heatmap: document.getElementById("heatmap"),
    heatmapCaption: document.getElementById("heatmap-caption"),
    heatmapNote: document.getElementById("heatmap-note"),
    heatmapLegend: document.getElementById("heatmap-legend"),
    modelStatus: document.getElementById("model-status"),
    modelInfo: document.getElementById("model-info"),
};

// The picture being shown: its file, its answer, and the object URLs to give back when another one is chosen.
let current = null;

/** An answer that is not 2xx, with the title and detail of its problem details when it has them. */
class ProblemError extends Error {
    constructor(title, detail, status) {
        super(title);
        this.title = title;
        this.detail = detail;
        this.status = status;
    }
}

async function problemOf(response) {
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("json")) {
        try {
            const problem = await response.json();
            if (problem && typeof problem.title === "string") {
                return new ProblemError(problem.title, problem.detail || "", response.status);
            }
        } catch {
            // Not JSON after all: fall through to the status line.
        }
    }

    return new ProblemError(
        `The service answered ${response.status} ${response.statusText}`.trim(),
        "",
        response.status);
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
    elements.errorTitle.textContent = error.title || error.message || "Something went wrong";
    elements.errorDetail.textContent = error.detail || "";
    elements.errorDetail.hidden = !error.detail;
    elements.error.hidden = false;
}

function clearError() {
    elements.error.hidden = true;
    elements.errorTitle.textContent = "";
    elements.errorDetail.textContent = "";
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
    const url = isTop ? "explain" : `explain?class=${encodeURIComponent(prediction.index)}`;
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

        if (error.status === 404 || error.status === 405) {
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

/** Shows the picture, asks POST /classify for its top classes, then a heatmap of the best one. */
async function classify(file) {
    release(current);
    const state = { file, controller: new AbortController(), urls: [], predictions: [], explanations: 0 };
    current = state;

    clearError();
    elements.results.hidden = true;
    elements.predictions.replaceChildren();
    resetHeatmap();
    setStatus(`Looking at ${file.name || "your picture"}…`);

    try {
        const response = await postImage(`classify?top=${TOP}`, file, state.controller.signal);
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

function describeModel(model) {
    const unknown = "not recorded";
    const size = model.preprocessing && model.preprocessing.imageSize;
    const labels = model.labels || [];
    const fields = {
        name: model.name,
        architecture: model.architecture || unknown,
        variant: model.variant || unknown,
        dataset: model.dataset || unknown,
        testAccuracy: typeof model.testAccuracy === "number" ? `${(model.testAccuracy * 100).toFixed(2)}%` : unknown,
        classes: labels.length > 0 && labels.length <= 20 ? `${model.classes}: ${labels.join(", ")}` : String(model.classes),
        inputSize: size ? `${size} × ${size} pixels, ${model.preprocessing.colorMode || "rgb"}` : unknown,
        executionProvider: model.executionProvider ? model.executionProvider.name : unknown,
    };
    for (const [field, text] of Object.entries(fields)) {
        const cell = elements.modelInfo.querySelector(`[data-field="${field}"]`);
        cell.textContent = text;
        if (field === "executionProvider" && model.executionProvider && model.executionProvider.fallbackReason) {
            const why = document.createElement("small");
            why.textContent = model.executionProvider.fallbackReason;
            cell.append(why);
        }
    }
}

async function loadModel() {
    try {
        const response = await fetch("model", { headers: { Accept: "application/json" } });
        if (!response.ok) {
            throw await problemOf(response);
        }

        describeModel(await response.json());
        elements.modelStatus.hidden = true;
        elements.modelInfo.hidden = false;
    } catch (error) {
        elements.modelStatus.textContent = error.detail ? `${error.title}: ${error.detail}` : (error.title || error.message);
    }
}

loadModel();
