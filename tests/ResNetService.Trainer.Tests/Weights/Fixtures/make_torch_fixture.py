"""Writes torchvision-names.pth with real PyTorch, and the values PyTorch itself reads back from it.

The C# PyTorchCheckpoint tests compare every element against torchvision-names.expected.json. Run with a Python
that has torch (Debian's python3-torch 1.13 made the committed files):

    /usr/bin/python3 make_torch_fixture.py
"""

import collections
import json
import os

import torch


def tensors():
    """torchvision's names under nn.DataParallel's "module." prefix; deterministic values, a few awkward layouts."""
    state = collections.OrderedDict()
    state["module.conv1.weight"] = (torch.arange(108, dtype=torch.float32) / 16 - 3).reshape(4, 3, 3, 3)
    state["module.bn1.weight"] = torch.tensor([1.0, 0.5, -0.25, 2.0])
    state["module.bn1.bias"] = torch.tensor([0.1, -0.2, 0.3, -0.4])
    state["module.bn1.running_mean"] = torch.arange(4, dtype=torch.float32) * 0.125
    state["module.bn1.running_var"] = torch.arange(1, 5, dtype=torch.float32) ** 2
    state["module.bn1.num_batches_tracked"] = torch.tensor(1234567, dtype=torch.int64)
    # A transposed view: stride (1, 4), not contiguous; torch.save keeps the view over the original storage.
    state["module.fc.weight"] = (torch.arange(12, dtype=torch.float32) - 5.5).reshape(4, 3).t()
    state["module.fc.bias"] = torch.tensor([0.5, -1.5, 2.5])
    # float16 values with fractions that float16 holds exactly and one it rounds.
    state["module.layer1.0.conv1.weight"] = (torch.arange(8, dtype=torch.float32) * 0.1 - 0.35).to(torch.float16).reshape(2, 4, 1, 1)
    # Slices of bigger tensors: a 1-D one at storage offset 3, and a 4-D one at offset 22 with strides (18, 9, 3, 1).
    state["module.layer1.0.bn1.weight"] = (torch.arange(10, dtype=torch.float32) * 0.5)[3:5]
    state["module.layer1.0.bn1.bias"] = torch.tensor([0.5, -3.140625], dtype=torch.bfloat16)
    bigger = torch.arange(54, dtype=torch.float32).reshape(3, 2, 3, 3) * 0.25
    state["module.layer1.0.conv2.weight"] = bigger[1:3, :, 1:, 1:]
    # Module.state_dict() attaches the modules' versions like this; torch.save then pickles it with a BUILD.
    state._metadata = collections.OrderedDict([("", {"version": 1}), ("module.bn1", {"version": 2})])
    return state


def main():
    folder = os.path.dirname(os.path.abspath(__file__))
    state = tensors()
    assert not state["module.fc.weight"].is_contiguous()
    assert state["module.layer1.0.bn1.weight"].storage_offset() == 3
    assert state["module.layer1.0.conv2.weight"].storage_offset() == 22
    path = os.path.join(folder, "torchvision-names.pth")
    torch.save(state, path)

    loaded = torch.load(path)
    expected = collections.OrderedDict()
    for name, tensor in loaded.items():
        expected[name] = {
            "shape": list(tensor.shape),
            "dtype": str(tensor.dtype).replace("torch.", ""),
            "values": tensor.reshape(-1).to(torch.float64).tolist(),
        }
    # One line per tensor keeps the file short and its diffs readable.
    lines = [f"  {json.dumps(name)}: {json.dumps(entry)}" for name, entry in expected.items()]
    with open(os.path.join(folder, "torchvision-names.expected.json"), "w") as out:
        out.write("{\n" + ",\n".join(lines) + "\n}\n")

    try:
        from safetensors.torch import save_file
    except ImportError:
        print("safetensors is not installed: no .safetensors fixture (the C# tests write their own)")
    else:
        save_file({name: tensor.contiguous() for name, tensor in state.items()}, os.path.join(folder, "torchvision-names.safetensors"))


if __name__ == "__main__":
    main()
