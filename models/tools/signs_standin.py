"""Writes two HDF5 files in the SIGNS tutorial's layout, filled with drawn stand-in pictures instead of hand photos.

Usage: /usr/bin/python3 models/tools/signs_standin.py [--train 120] [--test 30] OUT_DIR
The tutorials' SIGNS data (1,080 training and 120 test photos of hands showing 0 to 5 fingers, 64x64 RGB) cannot be
downloaded here. These files have its datasets and types (train_set_x uint8 [N, 64, 64, 3], train_set_y int64 [N],
list_classes [6]; test_set_x, test_set_y, list_classes), with class k drawn as k+1 light bars on a noisy background,
so that the transfer-learning recipe in docs/training.md can be run end to end. Needs python3-h5py and python3-numpy.
"""
import argparse
import os

import h5py
import numpy as np

arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
arguments.add_argument("--train", type=int, default=120)
arguments.add_argument("--test", type=int, default=30)
arguments.add_argument("--seed", type=int, default=0)
arguments.add_argument("out")
options = arguments.parse_args()
random = np.random.default_rng(options.seed)


def picture(fingers):
    image = random.integers(0, 90, size=(64, 64, 3), dtype=np.uint8)
    for bar in range(fingers):
        left = 6 + bar * 10 + int(random.integers(-2, 3))
        top = int(random.integers(4, 20))
        image[top:56, left:left + 6] = 200 + random.integers(0, 55, size=3, dtype=np.uint8)
    return image


def write(path, prefix, count):
    labels = np.arange(count, dtype=np.int64) % 6
    with h5py.File(path, "w") as f:
        f.create_dataset(f"{prefix}_set_x", data=np.stack([picture(int(k) + 1) for k in labels]))
        f.create_dataset(f"{prefix}_set_y", data=labels)
        f.create_dataset("list_classes", data=np.arange(6, dtype=np.int64))


os.makedirs(options.out, exist_ok=True)
write(os.path.join(options.out, "train_signs.h5"), "train", options.train)
write(os.path.join(options.out, "test_signs.h5"), "test", options.test)
print(f"wrote {options.out}/train_signs.h5 ({options.train} pictures) and test_signs.h5 ({options.test}), 6 classes, 64x64")
