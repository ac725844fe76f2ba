#!/usr/bin/env python3
"""ResNet-50 training throughput with Debian's PyTorch and torchvision: the reference for the TorchSharp trainer.

torchvision.models.resnet50(num_classes=10), 32x32 inputs, batch 64, Adam (lr 1e-3, weight decay 5e-4), train mode,
cross-entropy; WARMUP steps first, then STEPS timed steps. Prints images/s on the last line as "images_per_second=N".
Usage: pytorch_resnet50.py [STEPS] [WARMUP] [THREADS]
"""
import sys
import time

import torch
import torchvision

BATCH, SIZE, CLASSES = 64, 32, 10


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if len(sys.argv) > 3:
        torch.set_num_threads(int(sys.argv[3]))
    torch.manual_seed(0)
    model = torchvision.models.resnet50(num_classes=CLASSES)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=5e-4)
    images = torch.randn(BATCH, 3, SIZE, SIZE)
    labels = torch.randint(0, CLASSES, (BATCH,))

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, threads {torch.get_num_threads()}, "
          f"mkldnn {torch.backends.mkldnn.is_available()}: {steps} steps in {seconds:.2f} s")
    print(f"images_per_second={steps * BATCH / seconds:.1f}")


if __name__ == "__main__":
    main()
