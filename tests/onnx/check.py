"""Checks an ONNX file that `fashion export --onnx` wrote, outside Go.

    python check.py MODEL.onnx PREDICT.json DATA_DIR

1. onnx.checker passes (full check, with shape inference);
2. ONNX Runtime runs it on the first N test images of Fashion-MNIST (the
   t10k files in DATA_DIR, pixels scaled to [0, 1], N the number of
   predictions in PREDICT.json), in batches of the size the file declares,
   and the softmax of its logits gives, for every image, the class and the
   probability that `fashion predict --json --count N` printed, within 1e-5.
"""

import gzip
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort

TOLERANCE = 1e-5


def test_images(data_dir, n):
    """The first n test images, float32 [n, 28, 28] in [0, 1], and their labels."""
    with gzip.open(f"{data_dir}/t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(f"{data_dir}/t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return images[:n].astype(np.float32) / 255, labels[:n]


def main(model_path, predict_path, data_dir):
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    print(f"onnx-check: onnx.checker passes (opset {model.opset_import[0].version}, "
          f"ops {sorted({n.op_type for n in model.graph.node})})")

    with open(predict_path) as f:
        predictions = json.load(f)["predictions"]
    images, labels = test_images(data_dir, len(predictions))

    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    (inp,), (out,) = session.get_inputs(), session.get_outputs()
    batch = inp.shape[0]
    assert inp.name == "images" and out.name == "logits", (inp.name, out.name)
    assert len(images) % batch == 0, f"{len(images)} images are not whole batches of {batch}"
    logits = np.concatenate([session.run(["logits"], {"images": images[i:i + batch]})[0]
                             for i in range(0, len(images), batch)]).astype(np.float64)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)

    worst = 0.0
    for i, p in enumerate(predictions):
        assert p["index"] == i and p["label"] == labels[i], f"prediction {i} is of another image: {p}"
        cls = int(probs[i].argmax())
        assert cls == p["class"], f"image {i}: ONNX Runtime says class {cls}, fashion predict {p['class']}"
        worst = max(worst, abs(probs[i, cls] - p["probability"]))
    assert worst <= TOLERANCE, f"probabilities differ by up to {worst:.3g} (tolerance {TOLERANCE})"
    right = int((probs.argmax(axis=1) == labels).sum())
    print(f"onnx-check: ONNX Runtime {ort.__version__}, batches of {batch}: {len(images)} test images, "
          f"the same classes as fashion predict, probabilities within {worst:.2g}; {right} right")


if __name__ == "__main__":
    main(*sys.argv[1:])
