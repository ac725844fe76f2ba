"""Writes a torchvision ResNet's state_dict with torch.save, as a stand-in for downloaded ImageNet weights.

Usage: /usr/bin/python3 models/tools/torchvision_checkpoint.py [--arch resnet50] [--classes 1000] [--seed 0] OUT.pth
The weights are torchvision's random initialisation (nothing can be downloaded on these machines): the file has the
names, shapes and format of the ImageNet checkpoints torchvision publishes, so `train --init-from` can be shown on it.
Needs Debian's python3-torch and python3-torchvision (/usr/bin/python3, not a pyenv one).
"""
import argparse

import torch
import torchvision

arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
arguments.add_argument("--arch", default="resnet50", choices=["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"])
arguments.add_argument("--classes", type=int, default=1000)
arguments.add_argument("--seed", type=int, default=0)
arguments.add_argument("out")
options = arguments.parse_args()

torch.manual_seed(options.seed)
model = getattr(torchvision.models, options.arch)(num_classes=options.classes)
torch.save(model.state_dict(), options.out)
print(f"wrote {options.out}: torchvision {options.arch}, {len(model.state_dict())} tensors, {options.classes} classes, random weights")
