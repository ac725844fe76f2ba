"""An independent client of the service's gRPC port: Python grpcio with stubs built from the service's own .proto.

Usage: grpc_client.py PROTO_DIR TARGET MODEL INPUT TENSOR_FILE SHAPE IMAGE_FILE OUT_DIR
Writes OUT_DIR/raw_output.bin (the FP32 answer to the tensor, as raw_output_contents) and OUT_DIR/classification.txt
(the top two classes of the image, one "score:index:label" per line).
"""
import os
import sys
import tempfile

from grpc_tools import protoc

proto_dir, target, model, input_name, tensor_file, shape, image_file, out_dir = sys.argv[1:9]

stubs = tempfile.mkdtemp(prefix="inference-stubs-")
if protoc.main(["protoc", "-I" + proto_dir, "--python_out=" + stubs, "--grpc_python_out=" + stubs,
                os.path.join(proto_dir, "inference.proto")]) != 0:
    sys.exit("protoc could not compile inference.proto")
sys.path.insert(0, stubs)

import grpc  # noqa: E402
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

stub = rpc.GRPCInferenceServiceStub(grpc.insecure_channel(target))
if not stub.ServerReady(pb.ServerReadyRequest()).ready:
    sys.exit("the server is not ready")

tensor = pb.ModelInferRequest(model_name=model)
tensor.inputs.add(name=input_name, datatype="FP32", shape=[int(d) for d in shape.split(",")])
with open(tensor_file, "rb") as f:
    tensor.raw_input_contents.append(f.read())
answer = stub.ModelInfer(tensor)
with open(os.path.join(out_dir, "raw_output.bin"), "wb") as f:
    f.write(answer.raw_output_contents[0])

image = pb.ModelInferRequest(model_name=model)
with open(image_file, "rb") as f:
    image.inputs.add(name=input_name, datatype="BYTES", shape=[1]).contents.bytes_contents.append(f.read())
image.outputs.add(name="classification").parameters["classification"].int64_param = 2
raw = stub.ModelInfer(image).raw_output_contents[0]
labels, offset = [], 0
while offset < len(raw):
    length = int.from_bytes(raw[offset:offset + 4], "little")
    labels.append(raw[offset + 4:offset + 4 + length].decode("utf-8"))
    offset += 4 + length
with open(os.path.join(out_dir, "classification.txt"), "w") as f:
    f.write("\n".join(labels))
