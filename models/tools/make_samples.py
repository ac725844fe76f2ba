"""Writes models/samples/: the first two test-set images of every Fashion-MNIST class, as the PNGs a user would send.

Usage: python3 models/tools/make_samples.py [OUT_DIR]   (default models/samples)
"""
import os
import sys

from fashion_mnist import LABELS, png, test_split

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "samples")
os.makedirs(out, exist_ok=True)
taken = {label: 0 for label in range(len(LABELS))}
for index, (gray, label, rows, cols) in enumerate(test_split()):
    if taken[label] < 2:
        taken[label] += 1
        name = LABELS[label].lower().replace("/", "-").replace(" ", "-")
        # The name carries the true class and the test-set index, so a test can check the answer.
        with open(os.path.join(out, f"{name}-{index}.png"), "wb") as f:
            f.write(png(gray, cols, rows))
    if all(n == 2 for n in taken.values()):
        break
print(f"wrote {sum(taken.values())} samples to {os.path.normpath(out)}")
