#!/usr/bin/env python3
"""Writes a random IDX data set (28x28 grayscale, 10 classes, Fashion-MNIST's layout) for throughput runs.

Usage: make_data.py OUT_DIR TRAIN_COUNT TEST_COUNT
Random pixels are enough: throughput does not depend on what the images show.
"""
import gzip
import os
import random
import struct
import sys


def write(directory, prefix, count, rng):
    labels = bytes(rng.randrange(10) for _ in range(count))
    pixels = bytes(rng.getrandbits(8) for _ in range(count * 28 * 28))
    with gzip.open(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"), "wb", compresslevel=1) as f:
        f.write(struct.pack(">iiii", 0x0803, count, 28, 28) + pixels)
    with gzip.open(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"), "wb", compresslevel=1) as f:
        f.write(struct.pack(">ii", 0x0801, count) + labels)


def main():
    directory, train, test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(0)
    write(directory, "train", train, rng)
    write(directory, "t10k", test, rng)


if __name__ == "__main__":
    main()
