"""Fashion-MNIST test split as PNG files, with the standard library only (shared by the two scripts beside it)."""
import gzip
import struct
import zlib

DATASET = "/usr/share/datasets/fashion-mnist"  # Debian package dataset-fashion-mnist
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def test_split(folder=DATASET):
    """Yields (28x28 grayscale bytes, label) for the 10,000 test images, in file order."""
    with gzip.open(f"{folder}/t10k-images-idx3-ubyte.gz") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 2051, "not an IDX image file"
        pixels = f.read(count * rows * cols)
    with gzip.open(f"{folder}/t10k-labels-idx1-ubyte.gz") as f:
        magic, count = struct.unpack(">II", f.read(8))
        assert magic == 2049, "not an IDX label file"
        labels = f.read(count)
    size = rows * cols
    for i in range(count):
        yield pixels[i * size:(i + 1) * size], labels[i], rows, cols


def png(gray, width, height):
    """An 8-bit grayscale PNG: the file a user would upload."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + gray[y * width:(y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
