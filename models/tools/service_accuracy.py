"""Accuracy through the running service: every Fashion-MNIST test image as a PNG upload, the top-1 answer compared
with the true label. Compare with `resnet-trainer evaluate --model models/model.onnx --data idx:...` on the same file.

Usage: python3 models/tools/service_accuracy.py [BASE_URL] [BATCH]   (default http://127.0.0.1:5000, 32)
"""
import json
import sys
import urllib.request
import uuid

from fashion_mnist import LABELS, png, test_split

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
batch_size = int(sys.argv[2]) if len(sys.argv) > 2 else 32


def classify_batch(images):
    boundary = uuid.uuid4().hex
    body = b"".join(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"{i}.png\"\r\n"
        f"Content-Type: image/png\r\n\r\n".encode() + image + b"\r\n" for i, image in enumerate(images))
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{base}/classify/batch?top=1", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)["results"]


correct = total = 0
images, truths = [], []


def flush():
    global correct, total
    for result, truth in zip(classify_batch(images), truths):
        total += 1
        correct += result["predictions"][0]["label"] == LABELS[truth]
    images.clear()
    truths.clear()


for gray, label, rows, cols in test_split():
    images.append(png(gray, cols, rows))
    truths.append(label)
    if len(images) == batch_size:
        flush()
if images:
    flush()
print(f"service accuracy: {correct}/{total} = {100 * correct / total:.2f}%")
