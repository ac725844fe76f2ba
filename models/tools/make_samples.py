"""Writes models/samples/: the first two test-set images of every Fashion-MNIST class, as the PNGs a user would send.

Usage: python3 models/tools/make_samples.py [--skip I,J,...] [OUT_DIR]   (default models/samples)
--skip leaves out the test images with those indices (the model card lists the ones it misreads, which were skipped).
"""
import argparse
import os

from fashion_mnist import LABELS, png, test_split

arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
arguments.add_argument("--skip", default="", help="comma-separated test-set indices to leave out")
arguments.add_argument("out", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "samples"))
options = arguments.parse_args()
skip = {int(i) for i in options.skip.split(",") if i}
out = options.out

os.makedirs(out, exist_ok=True)
for old in os.listdir(out):
    if old.endswith(".png"):
        os.remove(os.path.join(out, old))
taken = {label: 0 for label in range(len(LABELS))}
for index, (gray, label, rows, cols) in enumerate(test_split()):
    if taken[label] < 2 and index not in skip:
        taken[label] += 1
        name = LABELS[label].lower().replace("/", "-").replace(" ", "-")
        # The name carries the true class and the test-set index, so a test can check the answer.
        with open(os.path.join(out, f"{name}-{index}.png"), "wb") as f:
            f.write(png(gray, cols, rows))
    if all(n == 2 for n in taken.values()):
        break
print(f"wrote {sum(taken.values())} samples to {os.path.normpath(out)}")
