"""Serving helpers: warm-up records, encoder signatures, clients' wire
formats, the model config, and the export launcher."""

import json
import os
import socket

import keras
import numpy as np
import pytest
import tensorflow as tf
from google.protobuf import text_format
from helpers import launcher_call
from helpers import run_many
from helpers import tiny_model
from tensorflow_serving.apis import predict_pb2
from tensorflow_serving.config import model_server_config_pb2

import tfgan_zoo
from tfgan_zoo import export as export_lib
from tfgan_zoo import serving

MODELS = tfgan_zoo.available_models()


@pytest.mark.parametrize("name", MODELS)
def test_warmup_requests_replay_against_the_export(name, tmp_path):
    model = tiny_model(name)
    path = export_lib.export(model, str(tmp_path / name), max_samples=8)
    requests = serving.read_warmup(path)
    assert [r.model_spec.signature_name for r in requests] == ["serving_default", "sample"]
    loaded = tf.saved_model.load(path)
    for request in requests:
        assert request.model_spec.name == name
        inputs = {k: tf.make_ndarray(v) for k, v in request.inputs.items()}
        out = loaded.signatures[request.model_spec.signature_name](
            **{k: tf.constant(v) for k, v in inputs.items()}
        )
        n = int(inputs["num_samples"]) if "num_samples" in inputs else len(inputs["z"])
        if "images" in out:
            assert out["images"].shape == (n,) + model.sample_shape
        else:  # A table's `sample`: one [n] output per column.
            columns = export_lib.read_metadata(path)["sample_outputs"]
            assert {k: tuple(v.shape) for k, v in out.items()} == {k: (n,) for k in columns}
    sample = requests[1]
    assert tf.make_ndarray(sample.inputs["num_samples"]) == 8  # min(16, max_samples)
    assert sample.inputs["seed"].dtype == tf.int64.as_datatype_enum


class EncoderDCGAN(type(tiny_model("dcgan"))):
    """A DCGAN with an encoder, standing in for BiGAN / AAE."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        x = keras.Input(self.sample_shape)
        z = keras.layers.Dense(self.latent_dim)(keras.layers.Flatten()(x))
        self.encoder = keras.Model(x, z, name="encoder")


def test_models_with_an_encoder_export_encode_and_reconstruct(tmp_path):
    model = EncoderDCGAN(sample_shape=(8, 8, 1), latent_dim=8, width=4, seed=0)
    model.compile()
    path = export_lib.export(model, str(tmp_path / "enc"))
    assert export_lib.read_metadata(path)["signatures"] == ["serving_default", "sample", "encode", "reconstruct"]
    loaded = tf.saved_model.load(path)
    assert {"encode", "reconstruct", "serving_default", "sample"} <= set(loaded.signatures)
    images = np.random.default_rng(0).uniform(-1, 1, (3, 8, 8, 1)).astype(np.float32)
    z = loaded.signatures["encode"](images=tf.constant(images))["z"].numpy()
    np.testing.assert_allclose(z, model.encoder(images).numpy(), atol=1e-5)
    rec = loaded.signatures["reconstruct"](images=tf.constant(images))
    np.testing.assert_allclose(rec["images"].numpy(), model.generate(z=z), atol=1e-5)
    assert rec["images_uint8"].dtype == tf.uint8
    # Models without one get neither.
    plain = export_lib.export(tiny_model("dcgan"), str(tmp_path / "plain"))
    assert "encode" not in tf.saved_model.load(plain).signatures


# ----------------------------------------------------------------------
# REST wire format.


def test_rest_request_bodies():
    body = serving.rest_request_body({"z": np.zeros((2, 3), np.float32), "labels": np.array([1, 2])})
    assert body == {"signature_name": "serving_default", "inputs": {"z": [[0.0] * 3] * 2, "labels": [1, 2]}}
    body = serving.rest_request_body({"z": [[0.5], [1.5]], "labels": [4, 5]}, format="instances")
    assert body["instances"] == [{"z": [0.5], "labels": 4}, {"z": [1.5], "labels": 5}]
    sample = serving.rest_request_body({"num_samples": np.int32(3), "seed": np.int64(9)}, "sample")
    assert json.loads(json.dumps(sample)) == {"signature_name": "sample", "inputs": {"num_samples": 3, "seed": 9}}
    with pytest.raises(ValueError, match="format='inputs' for scalars"):
        serving.rest_request_body({"num_samples": 3, "seed": 9}, "sample", format="instances")
    with pytest.raises(ValueError, match="format='rows'"):
        serving.rest_request_body({"z": [[0.0]]}, format="rows")


def test_rest_responses_in_both_formats():
    columnar = json.dumps({"outputs": {"images": [[[0.5]]], "images_uint8": [[[191]]]}})
    out = serving.parse_rest_response(columnar)
    assert out["images"].shape == (1, 1, 1) and out["images_uint8"][0, 0, 0] == 191
    rows = {"predictions": [{"images": [1.0, 2.0], "images_uint8": [3, 4]}, {"images": [5.0, 6.0], "images_uint8": [7, 8]}]}
    out = serving.parse_rest_response(rows)
    np.testing.assert_array_equal(out["images"], [[1.0, 2.0], [5.0, 6.0]])
    with pytest.raises(RuntimeError, match="labels must be in"):
        serving.parse_rest_response({"error": "labels must be in [0, 10)"})


def test_rest_urls():
    assert serving.RestClient("http://h:8501/", "dcgan").predict_url == "http://h:8501/v1/models/dcgan:predict"
    assert serving.RestClient("http://h:8501", "dcgan", version=3).predict_url.endswith("/dcgan/versions/3:predict")


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_clients_report_an_unreachable_server():
    import grpc

    port = _closed_port()
    with pytest.raises(OSError):
        serving.RestClient(f"http://127.0.0.1:{port}", "dcgan", timeout=2).sample(2)
    client = serving.GrpcClient(f"127.0.0.1:{port}", "dcgan", timeout=2)
    with pytest.raises(grpc.RpcError):
        client.sample(2)
    client.close()


# ----------------------------------------------------------------------
# gRPC wire format, checked against the SavedModel itself.


@pytest.mark.parametrize("name", ["dcgan", "cgan"])
def test_grpc_request_and_response_round_trip_through_the_export(name, tmp_path):
    model = tiny_model(name)
    path = export_lib.export(model, str(tmp_path / name))
    labels = [1, 0, 3] if model.conditional else None
    inputs = {"num_samples": np.int32(3), "seed": np.int64(5)}
    if labels:
        inputs["labels"] = np.asarray(labels, np.int32)
    request = serving.make_predict_request(name, inputs, "sample", version=1)
    assert request.model_spec.name == name and request.model_spec.version.value == 1
    assert request.model_spec.signature_name == "sample"
    assert request.inputs["seed"].dtype == tf.int64.as_datatype_enum
    assert request.inputs["num_samples"].dtype == tf.int32.as_datatype_enum
    # What TF Serving does with it: feed the tensors to the signature.
    signature = tf.saved_model.load(path).signatures["sample"]
    outputs = signature(**{k: tf.constant(tf.make_ndarray(v)) for k, v in request.inputs.items()})
    response = predict_pb2.PredictResponse()
    for key, value in outputs.items():
        response.outputs[key].CopyFrom(tf.make_tensor_proto(value.numpy()))
    parsed = serving.parse_predict_response(response)
    np.testing.assert_allclose(parsed["images"], model.generate(3, seed=5, labels=labels), atol=1e-5)
    assert parsed["images_uint8"].dtype == np.uint8


# ----------------------------------------------------------------------
# models.config


def test_model_config_for_several_models(tmp_path):
    root = tmp_path / "saved_models"
    for name in ("dcgan", "cgan"):
        export_lib.export(tiny_model(name), str(root / name))
    (root / "notes").mkdir()  # Not an export: no version directories.
    found = serving.discover_models(str(root))
    assert found == {"cgan": str(root / "cgan"), "dcgan": str(root / "dcgan")}
    path = serving.write_model_config(str(tmp_path / "models.config"), found)
    config = text_format.Parse(open(path).read(), model_server_config_pb2.ModelServerConfig())
    entries = {c.name: (c.base_path, c.model_platform) for c in config.model_config_list.config}
    assert entries == {n: (p, "tensorflow") for n, p in found.items()}
    assert all(os.path.isabs(p) for p, _ in entries.values())


# ----------------------------------------------------------------------
# The export launcher.


def test_export_launcher(tmp_path):
    model = tiny_model("cgan")
    keras_path = str(tmp_path / "m.keras")
    model.save(keras_path)
    base = str(tmp_path / "sm" / "cgan")
    args = [f"--model_path={keras_path}", f"--export_dir={base}", "--dataset=digits", '--metrics={"fid": 3.5}']
    # One process, in order (the clash after the first export).
    runs = run_many(launcher_call("export"), [
        ("first", [*args, f"--model_config={tmp_path / 'models.config'}"]),
        ("clash", [*args, "--version=1"]),
        ("missing", ["--model_path=/nonexistent/m.keras"]),
        ("inpaint", [f"--model_path={keras_path}", f"--export_dir={tmp_path / 'inp' / 'cgan'}",
                     "--inpaint_steps=2", "--inpaint_restarts=1"]),
        ("bad_steps", [f"--model_path={keras_path}", "--inpaint_steps=-1"]),
    ])
    first, clash, missing, inpaint, bad_steps = (runs[k] for k in ("first", "clash", "missing", "inpaint", "bad_steps"))
    assert inpaint.returncode == 0, inpaint.stderr[-2000:]
    assert export_lib.read_metadata(str(tmp_path / "inp" / "cgan"))["signatures"] == ["serving_default", "sample", "inpaint"]
    assert bad_steps.returncode == 2 and "error: --inpaint_steps=-1: must be 0" in bad_steps.stderr, bad_steps.stderr
    assert first.returncode == 0, first.stderr[-2000:]
    assert export_lib.existing_versions(base) == [1]
    meta = export_lib.read_metadata(base)
    assert meta["model"] == "cgan" and meta["dataset"] == "digits" and meta["metrics"] == {"fid": 3.5}
    assert 'name: "cgan"' in (tmp_path / "models.config").read_text()
    exported = export_lib.load(base).generate(labels=[2, 3], seed=1)
    np.testing.assert_allclose(exported, model.generate(labels=[2, 3], seed=1), atol=1e-5)
    # An existing version is never overwritten (the next free version is the
    # library's default, tested in test_export.py).
    assert clash.returncode == 2 and "exists" in clash.stderr
    assert export_lib.existing_versions(base) == [1]
    assert missing.returncode == 2 and "error: --model_path=/nonexistent/m.keras: " in missing.stderr


class _Recorder(serving._Client):
    """A client whose `predict` records its inputs instead of sending them."""

    def __init__(self):
        self.sent = []

    def predict(self, inputs, signature_name="serving_default"):
        self.sent.append((signature_name, inputs))
        return {"images": np.zeros((1, 2, 2, 1), np.float32)}


# (id, method, kwargs, substring naming the value)
BAD_CLIENT_CASES = [
    ("labels as floats", "generate", {"z": np.zeros((1, 4)), "labels": [1.7]}, "labels=[1.7]"),
    ("label 2**32+1", "generate", {"z": np.zeros((1, 4)), "labels": [2**32 + 1]}, "labels=[4294967297]"),
    ("label as bool", "generate", {"z": np.zeros((1, 4)), "labels": [True]}, "dtype bool"),
    ("sample num_samples 1.5", "sample", {"num_samples": 1.5}, "num_samples=1.5"),
    ("sample num_samples 2**31", "sample", {"num_samples": 2**31}, "num_samples=2147483648"),
    ("sample seed 2.5", "sample", {"num_samples": 2, "seed": 2.5}, "seed=2.5"),
    ("sample labels strings", "sample", {"num_samples": 1, "labels": ["a"]}, "labels=['a']"),
]


@pytest.mark.parametrize("case", BAD_CLIENT_CASES, ids=[c[0] for c in BAD_CLIENT_CASES])
def test_clients_refuse_inputs_that_would_be_cast(case):
    _, method, kwargs, substring = case
    client = _Recorder()
    with pytest.raises(ValueError) as err:
        getattr(client, method)(**kwargs)
    assert substring in str(err.value), str(err.value)
    assert client.sent == []  # Nothing was sent.


def test_clients_send_good_ints_with_the_signature_dtypes():
    client = _Recorder()
    client.sample(3, seed=2**40, labels=[])
    client.generate(np.zeros((2, 4)), labels=np.array([1, 9], np.int64))
    (_, sample), (_, serve) = client.sent
    assert sample["num_samples"].dtype == np.int32 and int(sample["num_samples"]) == 3
    assert sample["seed"].dtype == np.int64 and int(sample["seed"]) == 2**40
    assert sample["labels"].dtype == np.int32 and sample["labels"].shape == (0,)
    assert serve["labels"].dtype == np.int32 and serve["labels"].tolist() == [1, 9]
